import { REPOSITORY_URL } from '../../rules/docs-url';

/** `spawn-guard run`'s command line. Options come before the script; what follows the script is its own. */

export type RunMethod = 'spawn' | 'forkserver';
export type RunFormat = 'text' | 'json';

export interface RunArguments {
  /** The script or notebook, as given. */
  script: string;
  scriptArgs: string[];
  method: RunMethod;
  compare: boolean;
  /** Undefined: python3, then python, on PATH. */
  python: string | undefined;
  timeoutSeconds: number;
  maxProcesses: number;
  stdin: boolean;
  format: RunFormat;
}

export const RUN_HELP = `Usage: spawn-guard run [OPTIONS] SCRIPT [ARGS...]
       spawn-guard run [OPTIONS] NOTEBOOK.ipynb

Runs a Python script (or a notebook's cells) with spawn as the default multiprocessing start method, the
way Windows and macOS run it, and says what that changes. Nothing in the script is edited: spawn-guard's
sitecustomize.py, first on PYTHONPATH, sets the default when multiprocessing is first imported (an existing
PYTHONPATH and sitecustomize keep working). The script runs in its own process group under a watchdog;
every process of the run is killed when it ends. Its standard input is closed unless --stdin is given.
A notebook's code cells run in a Jupyter kernel of that interpreter (it needs ipykernel and nbclient).
Linux only (on macOS and Windows spawn is already the default). More: ${REPOSITORY_URL}/blob/main/docs/run.md

Options:
  --method METHOD        spawn (default) or forkserver (Linux's default from Python 3.14)
  --compare              also run it under fork and compare exit status and output
  --python PATH          the interpreter (default: python3, else python, on PATH)
  --timeout SECONDS      stop the run after this long (default: 30)
  --max-processes N      stop the run when more processes than this live at once (default: 64)
  --stdin                pass this terminal's standard input to the script
  --format FORMAT        text (default) or json
  -h, --help             show this help

Exit status: 0 the same behaviour as under fork (without --compare: spawn ran clean), 1 it fails, hangs
or differs under spawn (or was cancelled), 2 usage error (no such script or interpreter, not Linux).
`;

export class RunUsageError extends Error {}

const VALUE_OPTIONS = new Set(['--method', '--python', '--timeout', '--max-processes', '--format']);
const FLAG_OPTIONS = new Set(['--compare', '--stdin', '--help', '-h']);

/** The parsed arguments, or 'help'. Throws RunUsageError with what is wrong. */
export function parseRunArguments(argv: readonly string[]): RunArguments | 'help' {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  let index = 0;
  for (; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--') {
      index++;
      break;
    }
    if (!argument.startsWith('-') || argument === '-') break;
    const equals = argument.indexOf('=');
    const name = equals > 0 ? argument.slice(0, equals) : argument;
    if (FLAG_OPTIONS.has(name)) {
      if (equals > 0) throw new RunUsageError(`${name} takes no value`);
      flags.add(name);
    } else if (VALUE_OPTIONS.has(name)) {
      const value = equals > 0 ? argument.slice(equals + 1) : argv[++index];
      if (value === undefined) throw new RunUsageError(`${name} needs a value`);
      values.set(name, value);
    } else {
      throw new RunUsageError(`unknown option ${JSON.stringify(argument)} (options go before the script; see spawn-guard run --help)`);
    }
  }
  if (flags.has('--help') || flags.has('-h')) return 'help';
  const script = argv[index];
  if (script === undefined) throw new RunUsageError(`a script to run is required\n\n${RUN_HELP}`);
  return {
    script,
    scriptArgs: argv.slice(index + 1),
    method: oneOf('--method', values.get('--method') ?? 'spawn', ['spawn', 'forkserver'] as const),
    compare: flags.has('--compare'),
    python: values.get('--python'),
    timeoutSeconds: positiveNumber('--timeout', values.get('--timeout') ?? '30'),
    maxProcesses: Math.floor(positiveNumber('--max-processes', values.get('--max-processes') ?? '64')),
    stdin: flags.has('--stdin'),
    format: oneOf('--format', values.get('--format') ?? 'text', ['text', 'json'] as const),
  };
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new RunUsageError(`${option} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
}

function positiveNumber(option: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0)
    throw new RunUsageError(`${option} must be a positive number, not ${JSON.stringify(value)}`);
  return number;
}

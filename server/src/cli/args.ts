import { parseArgs } from 'node:util';
import { ruleSelectorProblem } from '../config/pyproject';
import { ruleByCode } from '../engine/catalog';
import type { CheckMode } from './check-file';
import { FORMATS, type OutputFormat } from './formats/reporter';

export interface CheckArguments {
  paths: string[];
  format: OutputFormat;
  mode: CheckMode;
  /** --fix and --diff also apply fixes marked unsafe (ruff's --unsafe-fixes). */
  unsafeFixes: boolean;
  /** Replaces the configuration's select (and then its ignore too), as ruff's --select does. */
  select: string[] | undefined;
  /** Added to the configuration's ignore. */
  ignore: string[];
  /** Added to the configuration's exclude; relative to the working directory. */
  exclude: string[];
  forceExclude: boolean;
  exitZero: boolean;
  prefilter: boolean;
  /** Cross-file analysis: the project modules the files import (--no-project checks each file alone). */
  project: boolean;
  /** Worker threads; undefined picks by the number of files. */
  threads: number | undefined;
}

export type Command =
  { kind: 'help'; text: string } | { kind: 'version' } | { kind: 'check'; args: CheckArguments } | { kind: 'rule'; codes: string[] };

/** A command line that cannot be run; the message says what is wrong (exit status 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const MAIN_HELP = `spawn-guard: find and fix Python multiprocessing code that breaks under the spawn start method

Usage:
  spawn-guard check [OPTIONS] [PATH...]   check files and folders (default: .)
  spawn-guard run [OPTIONS] SCRIPT [ARGS...]  run a script under spawn and say what breaks (run --help)
  spawn-guard rule CODE...                 explain rules (spawn-guard rule --all for every rule)

Options:
  -h, --help       show help (spawn-guard check --help for the check options)
  -V, --version    show the version

Exit status: 0 nothing found, 1 findings, 2 usage, configuration or I/O error.
`;

export const CHECK_HELP = `Usage: spawn-guard check [OPTIONS] [PATH...]

Checks Python files, and folders recursively (skipping .git, .venv, venv, dist, node_modules,
__pycache__, the other caches and environments ruff skips, and the exclude globs; see docs/cli.md).
Configuration: [tool.spawn-guard] in the nearest pyproject.toml (select, ignore, severity, exclude).

Options:
  --output-format FMT  text (default), json (ruff-shaped), sarif (2.1.0), github (Actions annotations);
                       --format is the same option
  --fix                apply the safe fixes in place (files with syntax errors are left alone)
  --unsafe-fixes       with --fix or --diff, also apply the fixes marked unsafe
  --diff               print the fixes as a unified diff; write nothing
  --select CODES       rules to run, comma-separated codes or prefixes (SPG001,SPG00 or ALL);
                       replaces the configured select and ignore
  --ignore CODES       rules to skip, added to the configured ignore
  --exclude GLOBS      comma-separated globs to leave out, added to the configured exclude
  --force-exclude      apply excludes to files named on the command line too
  --exit-zero          exit with 0 even when there are findings
  --threads N          worker threads (default: by the number of files and cores; 1 = none)
  --no-prefilter       parse every file, even those that mention nothing the rules look for
  --no-project         check each file alone: no cross-file findings, imported modules not read
  -h, --help           show this help

Exit status: 0 nothing found, 1 findings (with --diff: fixes to show), 2 usage, configuration or I/O error.
`;

export const RULE_HELP = `Usage: spawn-guard rule CODE...
       spawn-guard rule --all

Prints the documentation of rules: what is reported, why it breaks under spawn, an example and the fix.
`;

export function parseCommandLine(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new UsageError(`a command is required\n\n${MAIN_HELP}`);
    case '-h':
    case '--help':
    case 'help':
      return { kind: 'help', text: MAIN_HELP };
    case '-V':
    case '--version':
      return { kind: 'version' };
    case 'check':
      return parseCheck(rest);
    case 'rule':
      return parseRule(rest);
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${MAIN_HELP}`);
  }
}

function parseCheck(argv: string[]): Command {
  const { values, positionals } = parse(argv, {
    'output-format': { type: 'string' },
    format: { type: 'string' },
    fix: { type: 'boolean' },
    diff: { type: 'boolean' },
    'unsafe-fixes': { type: 'boolean' },
    select: { type: 'string', multiple: true },
    ignore: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    'force-exclude': { type: 'boolean' },
    'exit-zero': { type: 'boolean' },
    threads: { type: 'string' },
    'no-prefilter': { type: 'boolean' },
    'no-project': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { kind: 'help', text: CHECK_HELP };
  if (values.fix && values.diff) throw new UsageError('--fix and --diff cannot be used together (--diff shows what --fix would write)');
  if (values.diff && (values['output-format'] ?? values.format ?? 'text') !== 'text') {
    throw new UsageError("--diff prints a unified diff and takes no --output-format (JSON and SARIF carry each finding's fix already)");
  }
  const format = values['output-format'] ?? values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
  }
  return {
    kind: 'check',
    args: {
      paths: positionals.length > 0 ? positionals : ['.'],
      format: format as OutputFormat,
      mode: values.fix ? 'fix' : values.diff ? 'diff' : 'check',
      unsafeFixes: values['unsafe-fixes'] ?? false,
      select: values.select ? ruleSelectors('--select', values.select) : undefined,
      ignore: values.ignore ? ruleSelectors('--ignore', values.ignore) : [],
      exclude: values.exclude ? values.exclude.flatMap(globList) : [],
      forceExclude: values['force-exclude'] ?? false,
      exitZero: values['exit-zero'] ?? false,
      prefilter: !values['no-prefilter'],
      project: !values['no-project'],
      threads: values.threads === undefined ? undefined : threadCount(values.threads),
    },
  };
}

function parseRule(argv: string[]): Command {
  const { values, positionals } = parse(argv, { all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return { kind: 'help', text: RULE_HELP };
  if (values.all) return { kind: 'rule', codes: [] };
  if (positionals.length === 0) throw new UsageError(`a rule code is required\n\n${RULE_HELP}`);
  const codes = positionals.map((code) => code.trim().toUpperCase());
  for (const code of codes) {
    if (!ruleByCode(code)) throw new UsageError(ruleSelectorProblem(code) ?? `${JSON.stringify(code)} is a prefix, not a rule code`);
  }
  return { kind: 'rule', codes };
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function parse<T extends OptionSpec>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util reports e.g. "Unknown option '--frmat'"; keep its words, drop its advice about "--".
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

function ruleSelectors(option: string, values: string[]): string[] {
  const selectors = commaSeparated(values).map((selector) => selector.toUpperCase());
  for (const selector of selectors) {
    const problem = ruleSelectorProblem(selector);
    if (problem) throw new UsageError(`${option}: ${problem}`);
  }
  return selectors;
}

function commaSeparated(values: string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Comma-separated globs; a comma inside braces (`{build,src}/**`) belongs to its glob. */
export function globList(value: string): string[] {
  const globs: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    const char = value[i];
    if (char === '\\' && i + 1 < value.length) i++;
    else if (char === '{') depth++;
    else if (char === '}') depth = Math.max(0, depth - 1);
    else if (i === value.length || (char === ',' && depth === 0)) {
      globs.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  return globs.filter((glob) => glob !== '');
}

function threadCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new UsageError(`--threads must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  return count;
}

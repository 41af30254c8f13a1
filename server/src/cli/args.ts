import { parseArgs } from 'node:util';
import { globProblem, ruleSelectorProblem } from '../config/pyproject';
import { RULES, ruleByCode } from '../engine/catalog';
import type { Rule } from '../rules/rule';
import { didYouMean } from '../shared/did-you-mean';
import type { CheckMode } from './check-file';
import { FORMATS, type OutputFormat } from './formats/reporter';

export type ColorChoice = 'auto' | 'always' | 'never';

export interface CheckArguments {
  /** The working directory paths are relative to (set by runCheck's caller). */
  cwd?: string;
  /** Files and folders; empty when the source is read from stdin. */
  paths: string[];
  /** Read one source from stdin (`-`, or --stdin-filename without paths, as ruff does). */
  stdin: boolean;
  /** The path stdin stands for: its configuration, excludes and per-file-ignores apply, and it names the findings. */
  stdinFilename: string | undefined;
  format: OutputFormat;
  mode: CheckMode;
  /** --fix and --diff also apply fixes marked unsafe (ruff's --unsafe-fixes). */
  unsafeFixes: boolean;
  /** Replaces the configuration's select (and then its ignore too), as ruff's --select does. */
  select: string[] | undefined;
  /** Added to the selection (the configuration's, or --select's). */
  extendSelect: string[];
  /** Added to the configuration's ignore. */
  ignore: string[];
  /** Replaces the configuration's per-file-ignores (glob -> codes); relative to the working directory. */
  perFileIgnores: Record<string, string[]> | undefined;
  /** Added to the per-file-ignores. */
  extendPerFileIgnores: Record<string, string[]>;
  /** Replaces the configuration's exclude (not extend-exclude, not the default excludes); relative to the working directory. */
  exclude: string[] | undefined;
  /** Added to the excludes; relative to the working directory. */
  extendExclude: string[];
  /** undefined: as configured (default false). */
  forceExclude: boolean | undefined;
  /** undefined: as configured (default true). */
  respectGitignore: boolean | undefined;
  /** A configuration file used for every file instead of the pyproject.toml files found. */
  configFile: string | undefined;
  /** `key = value` TOML settings layered over every configuration. */
  configOverrides: string[];
  /** Print the files that would be checked, and nothing else. */
  showFiles: boolean;
  /** Print a count per rule instead of the findings. */
  statistics: boolean;
  /** Add `# noqa: CODE` comments to the lines with findings. */
  addNoqa: boolean;
  /** 0: everything; 1 (-q): findings only, no summary; 2 (-s): nothing on stdout. */
  quiet: 0 | 1 | 2;
  color: ColorChoice;
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
  spawn-guard rule CODE-OR-NAME...         explain rules (spawn-guard rule --all for every rule)

Options:
  -h, --help       show help (spawn-guard check --help for the check options)
  -V, --version    show the version

Exit status: 0 nothing found, 1 findings, 2 usage, configuration or I/O error.
`;

export const CHECK_HELP = `Usage: spawn-guard check [OPTIONS] [PATH...]
       spawn-guard check [OPTIONS] --stdin-filename PATH -  < source.py

Checks Python files and notebooks, and folders recursively (skipping .git, .venv, venv, dist,
node_modules, __pycache__, the other folders ruff skips, what .gitignore and .ignore files ignore, and
the exclude globs). Configuration: [tool.spawn-guard] in the nearest pyproject.toml. See docs/cli.md.

Output:
  --output-format FMT   text (default), json (ruff-shaped), sarif (2.1.0), github (Actions
                        annotations); --format is the same option
  --statistics          print the number of findings per rule instead of the findings
  --show-files          print the files that would be checked, and nothing else
  -q, --quiet           print the findings only (no summary); -s, --silent prints nothing
  --color WHEN          auto (default: on a terminal, NO_COLOR and FORCE_COLOR respected), always, never
Fixes:
  --fix                 apply the safe fixes in place (files with syntax errors are left alone)
  --unsafe-fixes        with --fix or --diff, also apply the fixes marked unsafe
  --diff                print the fixes as a unified diff; write nothing
  --add-noqa            add "# noqa: CODE" comments to the lines with findings (baseline a codebase)
Rules:
  --select CODES        rules to run, comma-separated codes, prefixes or names (SPG001,SPG00 or
                        ALL); replaces the configured select and ignore
  --extend-select CODES rules to run besides the selected ones
  --ignore CODES        rules to skip, added to the configured ignore
  --per-file-ignores GLOB:CODES[,GLOB:CODES...]
                        rules to skip in the files a glob matches; replaces the configured ones
  --extend-per-file-ignores GLOB:CODES[,...]
                        the same, added to the configured ones
Files:
  --exclude GLOBS       comma-separated globs to leave out; replaces the configured exclude
  --extend-exclude GLOBS  globs to leave out besides the configured ones
  --force-exclude       apply the excludes to files named on the command line (and stdin) too
  --no-respect-gitignore  check what .gitignore and .ignore files ignore too
  --stdin-filename PATH read the source from stdin (with - or no PATH); PATH names it and picks its
                        configuration; with --fix the fixed source goes to stdout
  --config OPTION       a configuration file used for every file (pyproject.toml, or a .toml file with
                        the [tool.spawn-guard] keys at the top), or a "key = value" override
Run:
  --exit-zero           exit with 0 even when there are findings
  --threads N           worker threads (default: by the number of files and cores; 1 = none)
  --no-prefilter        parse every file, even those that mention nothing the rules look for
  --no-project          check each file alone: no cross-file findings, imported modules not read
  -h, --help            show this help

Exit status: 0 nothing found, 1 findings (with --diff: fixes to show), 2 usage, configuration or I/O error.
`;

export const RULE_HELP = `Usage: spawn-guard rule CODE-OR-NAME...
       spawn-guard rule --all

Prints the documentation of rules (by code, SPG001, or name, unguarded-start): what is reported, why it
breaks under spawn, an example and the fix.
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
    default: {
      const hint = didYouMean(command, ['check', 'run', 'rule', 'help', '--help', '--version']);
      throw new UsageError(`unknown command ${JSON.stringify(command)}${hint}\n\n${MAIN_HELP}`);
    }
  }
}

const CHECK_OPTIONS = {
  'output-format': { type: 'string' },
  format: { type: 'string' },
  fix: { type: 'boolean' },
  diff: { type: 'boolean' },
  'unsafe-fixes': { type: 'boolean' },
  'add-noqa': { type: 'boolean' },
  select: { type: 'string', multiple: true },
  'extend-select': { type: 'string', multiple: true },
  ignore: { type: 'string', multiple: true },
  'per-file-ignores': { type: 'string', multiple: true },
  'extend-per-file-ignores': { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'extend-exclude': { type: 'string', multiple: true },
  'force-exclude': { type: 'boolean' },
  'no-force-exclude': { type: 'boolean' },
  'respect-gitignore': { type: 'boolean' },
  'no-respect-gitignore': { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  config: { type: 'string', multiple: true },
  'show-files': { type: 'boolean' },
  statistics: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  silent: { type: 'boolean', short: 's' },
  color: { type: 'string' },
  'exit-zero': { type: 'boolean' },
  threads: { type: 'string' },
  'no-prefilter': { type: 'boolean' },
  'no-project': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

function parseCheck(argv: string[]): Command {
  const { values, positionals } = parse(argv, CHECK_OPTIONS);
  if (values.help) return { kind: 'help', text: CHECK_HELP };
  const format = values['output-format'] ?? values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--output-format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
  }
  exclusive(values, ['fix', 'diff', 'add-noqa', 'show-files']);
  for (const other of ['diff', 'add-noqa', 'show-files']) exclusive(values, ['statistics', other]);
  if (values.diff && format !== 'text') {
    throw new UsageError("--diff prints a unified diff and takes no --output-format (JSON and SARIF carry each finding's fix already)");
  }
  const stdin = positionals.includes('-') || (positionals.length === 0 && values['stdin-filename'] !== undefined);
  if (stdin && positionals.length > 1) throw new UsageError('- (stdin) cannot be checked together with other paths');
  if (stdin && values['add-noqa']) throw new UsageError('--add-noqa writes files and cannot read stdin');
  const color = values.color ?? 'auto';
  if (!['auto', 'always', 'never'].includes(color))
    throw new UsageError(`--color must be auto, always or never, not ${JSON.stringify(color)}`);
  const configs = values.config ?? [];
  const configFiles = configs.filter((option) => !isConfigOverride(option));
  if (configFiles.length > 1)
    throw new UsageError('--config names one configuration file (other --config options are "key = value" overrides)');
  return {
    kind: 'check',
    args: {
      paths: stdin ? [] : positionals.length > 0 ? positionals : ['.'],
      stdin,
      stdinFilename: values['stdin-filename'],
      format: format as OutputFormat,
      mode: values.fix ? 'fix' : values.diff ? 'diff' : 'check',
      unsafeFixes: values['unsafe-fixes'] ?? false,
      select: values.select ? ruleSelectors('--select', values.select) : undefined,
      extendSelect: ruleSelectors('--extend-select', values['extend-select'] ?? []),
      ignore: ruleSelectors('--ignore', values.ignore ?? []),
      perFileIgnores: values['per-file-ignores'] ? perFileIgnorePairs('--per-file-ignores', values['per-file-ignores']) : undefined,
      extendPerFileIgnores: perFileIgnorePairs('--extend-per-file-ignores', values['extend-per-file-ignores'] ?? []),
      exclude: values.exclude ? globs('--exclude', values.exclude) : undefined,
      extendExclude: globs('--extend-exclude', values['extend-exclude'] ?? []),
      forceExclude: values['no-force-exclude'] ? false : values['force-exclude'],
      respectGitignore: values['no-respect-gitignore'] ? false : values['respect-gitignore'],
      configFile: configFiles[0],
      configOverrides: configs.filter(isConfigOverride),
      showFiles: values['show-files'] ?? false,
      statistics: values.statistics ?? false,
      addNoqa: values['add-noqa'] ?? false,
      quiet: values.silent ? 2 : values.quiet ? 1 : 0,
      color: color as ColorChoice,
      exitZero: values['exit-zero'] ?? false,
      prefilter: !values['no-prefilter'],
      project: !values['no-project'],
      threads: values.threads === undefined ? undefined : threadCount(values.threads),
    },
  };
}

/** Options that each pick what the run does: at most one of them. */
function exclusive(values: Record<string, unknown>, options: string[]): void {
  const given = options.filter((option) => values[option]);
  if (given.length > 1) {
    const why = given.includes('fix') && given.includes('diff') ? ' (--diff shows what --fix would write)' : '';
    throw new UsageError(`${given.map((option) => `--${option}`).join(' and ')} cannot be used together${why}`);
  }
}

/** `--config "select = ['SPG001']"` is an override; anything else names a file (ruff tells them apart alike). */
function isConfigOverride(option: string): boolean {
  return /^\s*[A-Za-z0-9_."-]+\s*=/.test(option) && !option.trim().endsWith('.toml');
}

function parseRule(argv: string[]): Command {
  const { values, positionals } = parse(argv, { all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) return { kind: 'help', text: RULE_HELP };
  if (values.all) return { kind: 'rule', codes: [] };
  if (positionals.length === 0) throw new UsageError(`a rule code or name is required\n\n${RULE_HELP}`);
  const codes = positionals.map((given) => {
    const rule = ruleByCodeOrName(given);
    if (rule) return rule.code;
    const problem = ruleSelectorProblem(given.trim().toUpperCase()) ?? `${JSON.stringify(given)} is a prefix, not a rule code`;
    throw new UsageError(
      `${problem}${didYouMean(
        given,
        RULES.map((known) => known.name),
      )}`,
    );
  });
  return { kind: 'rule', codes };
}

/** A rule by its code (any case) or its name (`unguarded-start`). */
export function ruleByCodeOrName(given: string): Rule | undefined {
  const trimmed = given.trim();
  return ruleByCode(trimmed.toUpperCase()) ?? RULES.find((rule) => rule.name === trimmed.toLowerCase());
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function parse<T extends OptionSpec>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util reports e.g. "Unknown option '--frmat'"; keep its words, drop its advice about "--".
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /^Unknown option '(--[^'=]+)/.exec(message)?.[1];
    const hint = unknown
      ? didYouMean(
          unknown,
          Object.keys(options).map((name) => `--${name}`),
        )
      : '';
    throw new UsageError(`${message}${hint}`);
  }
}

/** Comma-separated codes, prefixes, ALL or rule names, as codes; an empty list is an error (`--select ''` selects nothing). */
function ruleSelectors(option: string, values: string[]): string[] {
  const selectors = commaSeparated(values).map((selector) => ruleByCodeOrName(selector)?.code ?? selector.toUpperCase());
  if (values.length > 0 && selectors.length === 0) {
    throw new UsageError(`${option} needs at least one rule code, prefix or ALL (to run no rule, do not run spawn-guard)`);
  }
  for (const selector of selectors) {
    const problem = ruleSelectorProblem(selector);
    if (problem) throw new UsageError(`${option}: ${problem}`);
  }
  return selectors;
}

function globs(option: string, values: string[]): string[] {
  const list = values.flatMap(globList);
  if (values.length > 0 && list.length === 0) throw new UsageError(`${option} needs at least one glob`);
  for (const glob of list) {
    const problem = globProblem(glob);
    if (problem) throw new UsageError(`${option}: ${problem}`);
  }
  return list;
}

/**
 * `tests/*:SPG001,SPG002,build.py:SPG003` as { "tests/*": [SPG001, SPG002], "build.py": [SPG003] }: an item
 * with a colon starts a glob, the items after it without one are more codes for it (ruff's format).
 */
function perFileIgnorePairs(option: string, values: string[]): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  let glob: string | undefined;
  for (const item of values.flatMap(globList)) {
    const colon = item.lastIndexOf(':');
    if (colon >= 0) {
      glob = item.slice(0, colon).trim();
      const problem = globProblem(glob);
      if (problem) throw new UsageError(`${option}: ${problem}`);
      table[glob] ??= [];
    }
    if (glob === undefined) throw new UsageError(`${option}: expected GLOB:CODES (e.g. "tests/*:SPG001"), not ${JSON.stringify(item)}`);
    table[glob].push(...ruleSelectors(option, [item.slice(colon + 1)]));
  }
  return table;
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

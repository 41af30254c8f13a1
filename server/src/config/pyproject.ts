import * as path from 'node:path';
import picomatch from 'picomatch';
import { parse as parseToml, TomlError } from 'smol-toml';
import { SEVERITIES, type Severity } from '../rules/types';
import { RULES } from '../engine/catalog';
import { spawnerEntryProblem } from '../project/spawners';
import { didYouMean } from '../shared/did-you-mean';

/**
 * `[tool.spawn-guard]` in pyproject.toml: which rules run, their severities, and which paths are left
 * out. Parsing and validation take text, and finding the file takes a read function, so the CLI (real
 * file system) and the language server (workspace files) share this code.
 */

export const PYPROJECT_FILE = 'pyproject.toml';
const SECTION = '[tool.spawn-guard]';

export interface SpawnGuardConfig {
  /** The pyproject.toml it was read from; undefined for the defaults (no configuration found). */
  file: string | undefined;
  /** The directory `exclude` globs are relative to: the one holding the pyproject.toml. */
  root: string;
  /** Rule codes or prefixes to run; undefined means every rule. */
  select: string[] | undefined;
  ignore: string[];
  severity: Record<string, Severity>;
  exclude: string[];
  /** Qualified names of third-party functions that start processes (the project's spawner table adds them); absent: none. */
  spawners?: string[];
  /** Rules added to `select` (or to the command line's --select), as ruff's extend-select. */
  extendSelect?: string[];
  /** Globs added to `exclude` (a command-line --exclude replaces `exclude`, not these). */
  extendExclude?: string[];
  /** Glob -> rule codes or prefixes not reported in the files it matches (per-file-ignores and extend-per-file-ignores together). */
  perFileIgnores?: Record<string, string[]>;
  /** Leave out what .gitignore and .ignore files ignore (default true). */
  respectGitignore?: boolean;
  /** Apply the excludes to files named on the command line too (default false). */
  forceExclude?: boolean;
  /** The module "Move to module" writes next to a notebook (`{notebook}` is the notebook's name); absent: the editor's setting or the default. */
  notebookWorkersModule?: string;
}

const KEYS = [
  'select',
  'extend-select',
  'ignore',
  'severity',
  'exclude',
  'extend-exclude',
  'per-file-ignores',
  'extend-per-file-ignores',
  'respect-gitignore',
  'force-exclude',
  'spawners',
  'notebook-workers-module',
] as const;

/** A configuration that cannot be used, with the file it is in and why. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/** The configuration used where no pyproject.toml has a `[tool.spawn-guard]` table. */
export function defaultConfig(root: string): SpawnGuardConfig {
  return { file: undefined, root, select: undefined, ignore: [], severity: {}, exclude: [] };
}

/**
 * Reads `[tool.spawn-guard]` from the text of the pyproject.toml at `file`. Returns undefined when the
 * file has no such table. Throws ConfigError for invalid TOML, unknown keys, wrong types, unknown rule
 * codes and unknown severities.
 */
export function parsePyproject(text: string, file: string): SpawnGuardConfig | undefined {
  const document = parseTomlText(text, file);
  const tool = document.tool;
  if (!isTable(tool) || !('spawn-guard' in tool)) return undefined;
  return parseSection(tool['spawn-guard'], file, path.dirname(file));
}

/** A `.toml` file that holds the `[tool.spawn-guard]` keys at its top level (what `--config` may name). */
export function parseConfigFile(text: string, file: string): SpawnGuardConfig {
  if (path.basename(file) === PYPROJECT_FILE) return parsePyproject(text, file) ?? { ...defaultConfig(path.dirname(file)), file };
  return parseSection(parseTomlText(text, file), file, path.dirname(file));
}

/**
 * `key = value` settings (the command line's `--config "select = ['SPG001']"`) as the fields they set,
 * to be layered over every configuration. Throws ConfigError (file `--config`).
 */
export function parseOverrides(settings: readonly string[], root: string): Partial<SpawnGuardConfig> {
  const table: Record<string, unknown> = {};
  for (const setting of settings) Object.assign(table, parseTomlText(setting, '--config'));
  const parsed = parseSection(table, '--config', root);
  const overrides: Partial<SpawnGuardConfig> = {};
  for (const key of Object.keys(table)) {
    const field = FIELDS[key as (typeof KEYS)[number]];
    (overrides as Record<string, unknown>)[field] = parsed[field];
  }
  return overrides;
}

/** The SpawnGuardConfig field each key sets. */
const FIELDS: Record<(typeof KEYS)[number], keyof SpawnGuardConfig> = {
  select: 'select',
  'extend-select': 'extendSelect',
  ignore: 'ignore',
  severity: 'severity',
  exclude: 'exclude',
  'extend-exclude': 'extendExclude',
  'per-file-ignores': 'perFileIgnores',
  'extend-per-file-ignores': 'perFileIgnores',
  'respect-gitignore': 'respectGitignore',
  'force-exclude': 'forceExclude',
  spawners: 'spawners',
  'notebook-workers-module': 'notebookWorkersModule',
};

function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.replace(/^Invalid TOML document: /, '').split('\n')[0];
      throw new ConfigError(file, `invalid TOML at line ${error.line}, column ${error.column}: ${reason}`);
    }
    throw error;
  }
}

/** The keys of `[tool.spawn-guard]` (or a --config file's top level) as a configuration rooted at `root`. */
function parseSection(section: unknown, file: string, root: string): SpawnGuardConfig {
  if (!isTable(section)) throw new ConfigError(file, `${SECTION} must be a table, got ${describe(section)}`);
  const config = defaultConfig(root);
  config.file = file;
  for (const [key, value] of Object.entries(section)) {
    const fail = (reason: string): never => {
      throw new ConfigError(file, `${SECTION} ${key}: ${reason}`);
    };
    switch (key) {
      case 'select':
        config.select = selectorList(value, fail);
        break;
      case 'extend-select':
        config.extendSelect = selectorList(value, fail);
        break;
      case 'ignore':
        config.ignore = selectorList(value, fail);
        break;
      case 'per-file-ignores':
      case 'extend-per-file-ignores':
        config.perFileIgnores = { ...config.perFileIgnores, ...perFileIgnoreTable(value, fail) };
        break;
      case 'respect-gitignore':
      case 'force-exclude':
        if (typeof value !== 'boolean') fail(`expected true or false, got ${describe(value)}`);
        if (key === 'respect-gitignore') config.respectGitignore = value as boolean;
        else config.forceExclude = value as boolean;
        break;
      case 'severity':
        config.severity = severityTable(value, fail);
        break;
      case 'exclude':
      case 'extend-exclude': {
        const globs = stringList(value, fail);
        for (const glob of globs) {
          const problem = globProblem(glob);
          if (problem) fail(problem);
        }
        if (key === 'exclude') config.exclude = globs;
        else config.extendExclude = globs;
        break;
      }
      case 'spawners':
        config.spawners = stringList(value, fail);
        config.spawners.forEach((entry, index) => {
          const problem = spawnerEntryProblem(entry);
          if (problem) fail(`entry ${index + 1}: ${problem}`);
        });
        break;
      case 'notebook-workers-module':
        if (typeof value !== 'string' || !/^[A-Za-z_{][\w{}]*$/.test(value.trim()))
          fail(`expected a module name such as "{notebook}_workers" (letters, digits, _ and {notebook}), got ${describe(value)}`);
        config.notebookWorkersModule = (value as string).trim();
        break;
      default:
        throw new ConfigError(
          file,
          `unknown key ${JSON.stringify(key)} in ${SECTION}${didYouMean(key, KEYS)} (expected one of: ${KEYS.join(', ')})`,
        );
    }
  }
  return config;
}

/**
 * Why `selector` is not a rule selector (ruff style: a code, a prefix of codes, or `ALL`); undefined when
 * it is one. Also used for the CLI's --select and --ignore.
 */
export function ruleSelectorProblem(selector: string): string | undefined {
  const upper = selector.trim().toUpperCase();
  if (upper === '') return 'empty rule selector';
  if (upper === 'ALL' || RULES.some((rule) => rule.code.startsWith(upper))) return undefined;
  return `unknown rule code or prefix ${JSON.stringify(selector)} (known: ${knownCodes()}, or ALL)`;
}

/**
 * Why `glob` is not a usable glob (empty, or unbalanced brackets, braces or parentheses, which would
 * otherwise match nothing without a word); undefined when it is one.
 */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'empty glob pattern';
  try {
    picomatch(glob, { strictBrackets: true });
    return undefined;
  } catch (error) {
    return `invalid glob ${JSON.stringify(glob)}: ${(error as Error).message.replace(/ - use .*$/, '')}`;
  }
}

function selectorList(value: unknown, fail: (reason: string) => never): string[] {
  const selectors = stringList(value, fail).map((selector) => selector.trim().toUpperCase());
  for (const selector of selectors) {
    const problem = ruleSelectorProblem(selector);
    if (problem) fail(problem);
  }
  return selectors;
}

function perFileIgnoreTable(value: unknown, fail: (reason: string) => never): Record<string, string[]> {
  if (!isTable(value)) fail(`expected a table of glob to rule codes, e.g. { "tests/*" = ["SPG001"] }, got ${describe(value)}`);
  const table: Record<string, string[]> = {};
  for (const [glob, codes] of Object.entries(value as Record<string, unknown>)) {
    const problem = globProblem(glob);
    if (problem) fail(problem);
    table[glob] = selectorList(codes, (reason) => fail(`${JSON.stringify(glob)}: ${reason}`));
  }
  return table;
}

function severityTable(value: unknown, fail: (reason: string) => never): Record<string, Severity> {
  if (!isTable(value)) fail(`expected a table of rule code to severity, e.g. { SPG008 = "info" }, got ${describe(value)}`);
  const severity: Record<string, Severity> = {};
  for (const [key, level] of Object.entries(value as Record<string, unknown>)) {
    const code = key.trim().toUpperCase();
    if (!RULES.some((rule) => rule.code === code)) fail(`unknown rule code ${JSON.stringify(key)} (known: ${knownCodes()})`);
    if (typeof level !== 'string' || !(SEVERITIES as readonly string[]).includes(level)) {
      fail(`${key}: expected one of ${SEVERITIES.map((s) => JSON.stringify(s)).join(', ')}, got ${describe(level)}`);
    }
    severity[code] = level as Severity;
  }
  return severity;
}

function stringList(value: unknown, fail: (reason: string) => never): string[] {
  if (!Array.isArray(value)) fail(`expected a list of strings, got ${describe(value)}`);
  const list = value as unknown[];
  const bad = list.find((item) => typeof item !== 'string');
  if (bad !== undefined) fail(`expected a list of strings, found ${describe(bad)}`);
  return list as string[];
}

function knownCodes(): string {
  return RULES.length > 0 ? RULES.map((rule) => rule.code).join(', ') : 'none registered';
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (isTable(value)) return 'a table';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** Reads a text file; undefined when it does not exist. May throw for other I/O errors. */
export type ReadTextFile = (file: string) => string | undefined;

/**
 * Finds the configuration that applies to a directory: the nearest pyproject.toml at or above it that
 * has a `[tool.spawn-guard]` table (as ruff does with `[tool.ruff]`: a pyproject.toml without the table
 * does not stop the search). Results, errors included, are cached per directory; clear() after a
 * pyproject.toml changes.
 */
export class ConfigResolver {
  private readonly byDirectory = new Map<string, SpawnGuardConfig | ConfigError>();

  constructor(private readonly readTextFile: ReadTextFile) {}

  /** The configuration for files in `directory` (absolute). Throws ConfigError. */
  forDirectory(directory: string): SpawnGuardConfig {
    const resolved = this.resolve(path.resolve(directory));
    if (resolved instanceof ConfigError) throw resolved;
    return resolved;
  }

  /** The configuration for `file` (absolute). Throws ConfigError. */
  forFile(file: string): SpawnGuardConfig {
    return this.forDirectory(path.dirname(path.resolve(file)));
  }

  clear(): void {
    this.byDirectory.clear();
  }

  private resolve(directory: string): SpawnGuardConfig | ConfigError {
    const cached = this.byDirectory.get(directory);
    if (cached) return cached;
    let resolved: SpawnGuardConfig | ConfigError;
    try {
      const own = this.read(path.join(directory, PYPROJECT_FILE));
      const parent = path.dirname(directory);
      resolved = own ?? (parent === directory ? defaultConfig(directory) : this.resolve(parent));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      resolved = error;
    }
    this.byDirectory.set(directory, resolved);
    return resolved;
  }

  private read(file: string): SpawnGuardConfig | undefined {
    let text: string | undefined;
    try {
      text = this.readTextFile(file);
    } catch (error) {
      throw new ConfigError(file, `cannot read: ${(error as Error).message}`);
    }
    return text === undefined ? undefined : parsePyproject(text, file);
  }
}

/** Whether a path relative to the configuration's root (`/`-separated) matches a list of globs. */
type PathMatcher = (relativePath: string) => boolean;

interface CompiledGlobs {
  exclude: PathMatcher;
  extendExclude: PathMatcher;
  perFileIgnores: { matches: PathMatcher; codes: string[] }[];
}

const compiled = new WeakMap<SpawnGuardConfig, CompiledGlobs>();

/**
 * Whether `file` (absolute) is left out by the configuration's `exclude` and `extend-exclude` globs
 * (picomatch). As in ruff, a pattern without a slash (`build`, `gen_*.py`) matches a file or directory of
 * that name anywhere below the configuration's root; a pattern with a slash (`scripts/*.py`) matches the
 * path relative to it. A path is excluded when it or one of its parent directories below the root
 * matches. `withExclude: false` leaves `exclude` out (a command-line --exclude replaces it, as in ruff).
 */
export function isExcluded(config: SpawnGuardConfig, file: string, withExclude = true): boolean {
  if (config.exclude.length === 0 && !config.extendExclude?.length) return false;
  const globs = globsOf(config);
  return matchesBelow(config.root, file, (relative) => (withExclude && globs.exclude(relative)) || globs.extendExclude(relative));
}

/** The rule codes or prefixes `per-file-ignores` leaves out for `file` (absolute); matched as `exclude` is. */
export function perFileIgnores(config: SpawnGuardConfig, file: string): string[] {
  if (!config.perFileIgnores) return [];
  return globsOf(config).perFileIgnores.flatMap(({ matches, codes }) => (matchesBelow(config.root, file, matches) ? codes : []));
}

function matchesBelow(root: string, file: string, matches: PathMatcher): boolean {
  const relative = path.relative(root, path.resolve(file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  const parts = relative.split(path.sep);
  for (let depth = 1; depth <= parts.length; depth++) {
    if (matches(parts.slice(0, depth).join('/'))) return true;
  }
  return false;
}

function globsOf(config: SpawnGuardConfig): CompiledGlobs {
  let globs = compiled.get(config);
  if (!globs) {
    globs = {
      exclude: pathMatcher(config.exclude),
      extendExclude: pathMatcher(config.extendExclude ?? []),
      perFileIgnores: Object.entries(config.perFileIgnores ?? {}).map(([glob, codes]) => ({ matches: pathMatcher([glob]), codes })),
    };
    compiled.set(config, globs);
  }
  return globs;
}

/** Exported for the command line's globs, which are relative to the working directory. */
export function pathMatcher(globs: readonly string[]): PathMatcher {
  if (globs.length === 0) return () => false;
  // picomatch's basename option misbehaves for patterns that contain a slash, so the two kinds are split.
  const patterns = globs.map((pattern) => pattern.replace(/^\.\//, '').replace(/\/+$/, ''));
  const byName = patterns.filter((pattern) => !pattern.includes('/'));
  const byPath = patterns.filter((pattern) => pattern.includes('/'));
  const matchName = byName.length > 0 ? picomatch(byName, { dot: true, basename: true }) : () => false;
  const matchPath = byPath.length > 0 ? picomatch(byPath, { dot: true }) : () => false;
  return (relativePath: string) => matchName(relativePath) || matchPath(relativePath);
}

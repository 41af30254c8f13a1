import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, defaultConfig, isExcluded, type SpawnGuardConfig } from '../config/pyproject';
import { IgnoreFiles } from './gitignore';
import { describeIoError } from './source';
import { readIpynb } from '../notebook/ipynb';
import { NotebookProgram } from '../notebook/program';

/**
 * Directories a walk never enters: ruff's default excludes (environments, caches, version control,
 * build output), and __pycache__. docs/cli.md lists them; a file named on the command line is still checked.
 */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  '.direnv',
  '.eggs',
  '.git',
  '.hg',
  '.mypy_cache',
  '.nox',
  '.pytest_cache',
  '.ruff_cache',
  // Jupyter's autosaved copies of the notebooks beside them.
  '.ipynb_checkpoints',
  '.svn',
  '.tox',
  '.venv',
  '__pycache__',
  '__pypackages__',
  '_build',
  'buck-out',
  'dist',
  'node_modules',
  'site-packages',
  'venv',
]);

/** Extensions of the files a directory walk collects (`.pyi` stubs never run, so they are left out; notebooks are read as notebooks). */
export const PYTHON_EXTENSIONS: ReadonlySet<string> = new Set(['.py', '.pyw', '.ipynb']);

export interface DiscoveredFile {
  /** Absolute path. */
  path: string;
  /** The configuration that applies to it (nearest pyproject.toml). */
  config: SpawnGuardConfig;
}

export interface Discovery {
  /** Sorted by path, without duplicates. */
  files: DiscoveredFile[];
  /** Paths that could not be read (missing, unreadable): each makes the run end with exit status 2. */
  errors: string[];
  /** Paths given on the command line that hold no Python file. */
  warnings: string[];
}

/** Where discovery gets the configuration of a directory (throws ConfigError for an invalid one). */
export interface ConfigSource {
  forDirectory(directory: string): SpawnGuardConfig;
}

export interface DiscoveryOptions {
  cwd: string;
  /** --exclude: replaces the configurations' `exclude`; relative to `cwd`. */
  exclude: readonly string[] | undefined;
  /** --extend-exclude: more globs, relative to `cwd`. */
  extendExclude: readonly string[];
  /** Apply excludes to files named on the command line too (for pre-commit and editors); undefined: as configured. */
  forceExclude: boolean | undefined;
  /** Leave out what .gitignore and .ignore files ignore; undefined: as configured (default true). */
  respectGitignore: boolean | undefined;
}

/** Whether a path is left out, given the configuration of its folder: the command line's view of excludes. */
export class Exclusion {
  private readonly commandLine: SpawnGuardConfig;
  private readonly ignoreFiles = new IgnoreFiles();

  constructor(private readonly options: DiscoveryOptions) {
    this.commandLine = { ...defaultConfig(options.cwd), exclude: [...(options.exclude ?? []), ...options.extendExclude] };
  }

  /**
   * By the exclude globs (the configuration's, the command line's) or an ignore file. `root`: the folder
   * named on the command line the walk is in (the ignore files above it that ignore it do not apply).
   */
  excluded(file: string, config: SpawnGuardConfig, isDirectory: boolean, root?: string): boolean {
    if (isExcluded(config, file, this.options.exclude === undefined) || isExcluded(this.commandLine, file)) return true;
    return (this.options.respectGitignore ?? config.respectGitignore ?? true) && this.ignoreFiles.ignores(file, isDirectory, root);
  }

  /** Whether paths named on the command line (or stdin's name) are subject to excludes too. */
  forced(config: SpawnGuardConfig): boolean {
    return this.options.forceExclude ?? config.forceExclude ?? false;
  }
}

/**
 * Collects the Python files to check from the command-line paths: a file is taken as it is, a directory
 * is walked recursively, leaving out SKIPPED_DIRECTORIES and whatever the nearest configuration (or
 * --exclude) excludes. Symbolic links to files are followed; links to directories are not (no cycles).
 * An invalid configuration on the way is an error for the files below it; the rest are still found.
 */
export function discoverFiles(paths: readonly string[], resolver: ConfigSource, options: DiscoveryOptions): Discovery {
  const exclusion = new Exclusion(options);
  const found = new Map<string, DiscoveredFile>();
  const errors: string[] = [];
  const warnings: string[] = [];

  // An invalid pyproject.toml is an error for the files it governs (they are not checked); the rest of
  // the run goes on. Each file is named once.
  const badConfigs = new Set<string>();
  const configFor = (directory: string): SpawnGuardConfig | undefined => {
    try {
      return resolver.forDirectory(directory);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (!badConfigs.has(error.file)) {
        badConfigs.add(error.file);
        errors.push(
          `invalid configuration in ${displayPath(error.file, options.cwd)}: ${error.reason}; the files it governs were not checked`,
        );
      }
      return undefined;
    }
  };

  const walk = (directory: string, root: string): number => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      errors.push(`${displayPath(directory, options.cwd)}: cannot read directory: ${describeIoError(error)}`);
      return 0;
    }
    const config = configFor(directory);
    if (!config) return 0;
    let count = 0;
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !exclusion.excluded(full, config, true, root)) count += walk(full, root);
      } else if (PYTHON_EXTENSIONS.has(path.extname(entry.name)) && (entry.isFile() || isLinkToFile(full))) {
        if (exclusion.excluded(full, config, false, root)) continue;
        found.set(full, { path: full, config });
        count++;
      }
    }
    return count;
  };

  for (const given of paths) {
    const absolute = path.resolve(options.cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch (error) {
      errors.push(`${given}: ${describeIoError(error)}`);
      continue;
    }
    if (stat.isDirectory()) {
      const parentConfig = configFor(path.dirname(absolute));
      if (parentConfig && exclusion.forced(parentConfig) && exclusion.excluded(absolute, parentConfig, true)) continue;
      const errorsBefore = errors.length;
      if (walk(absolute, absolute) === 0 && errors.length === errorsBefore) warnings.push(`${given}: no Python files found`);
    } else {
      const config = configFor(path.dirname(absolute));
      if (!config) continue;
      if (exclusion.forced(config) && exclusion.excluded(absolute, config, false)) continue;
      found.set(absolute, { path: absolute, config });
    }
  }
  addRunTargets(found, (script) => {
    const config = configFor(path.dirname(script));
    return config && !exclusion.excluded(script, config, false) ? config : undefined;
  });
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, errors, warnings };
}

/**
 * A script a notebook runs with `%run` runs as a script (`__file__` set, re-imported by spawned children
 * as `__mp_main__`): it is checked with the script rules, even when only the notebook was named.
 */
function addRunTargets(found: Map<string, DiscoveredFile>, configFor: (script: string) => SpawnGuardConfig | undefined): void {
  for (const file of [...found.values()]) {
    if (path.extname(file.path).toLowerCase() !== '.ipynb') continue;
    for (const script of runTargets(file.path)) {
      const config = found.has(script) ? undefined : configFor(script);
      if (config) found.set(script, { path: script, config });
    }
  }
}

/** The existing scripts a notebook runs with `%run script.py` (relative to its folder); none when it cannot be read. */
function runTargets(notebookFile: string): string[] {
  let cells;
  try {
    cells = readIpynb(fs.readFileSync(notebookFile, 'utf8')).cells;
  } catch {
    // Not readable or not a notebook: its check reports that.
    return [];
  }
  const program = new NotebookProgram(cells.filter((cell) => cell.kind === 'code'));
  return program.runs
    .map(({ script }) => path.resolve(path.dirname(notebookFile), script))
    .filter((script) => {
      try {
        return fs.statSync(script).isFile();
      } catch {
        return false;
      }
    });
}

/** How a path is shown: relative to the working directory when it is below it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function isLinkToFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

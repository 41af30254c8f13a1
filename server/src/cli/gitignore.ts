import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The ignore files a walk respects, as ripgrep and ruff do: git's, and `.ignore` (which wins over it). */
const IGNORE_FILES = ['.gitignore', '.ignore'];

interface Level {
  directory: string;
  rules: Ignore;
}

/**
 * What the `.gitignore` and `.ignore` files of a tree ignore. A directory's rules are those of its own
 * files and of its parents' up to the repository root (the folder holding `.git`; the file-system root
 * outside a repository); a deeper file overrides a shallower one, `!pattern` re-includes. Files are read
 * once per directory.
 */
export class IgnoreFiles {
  private readonly levels = new Map<string, readonly Level[]>();

  /**
   * Whether `file` (absolute) is ignored; `isDirectory` for the patterns that end with a slash. `root`:
   * the folder named on the command line that the walk started from. Named, it is walked even when an
   * ignore file above it ignores it (as ripgrep and ruff do), so such a file's rules are not applied below it.
   */
  ignores(file: string, isDirectory: boolean, root?: string): boolean {
    const levels = this.levelsOf(path.dirname(file));
    for (let i = levels.length - 1; i >= 0; i--) {
      if (root !== undefined && this.ignoresRoot(levels[i], root)) continue;
      const relative = slashed(path.relative(levels[i].directory, file));
      const result = levels[i].rules.test(isDirectory ? `${relative}/` : relative);
      if (result.ignored) return true;
      if (result.unignored) return false;
    }
    return false;
  }

  private ignoresRoot(level: Level, root: string): boolean {
    const relative = path.relative(level.directory, root);
    return relative !== '' && !relative.startsWith('..') && level.rules.test(`${slashed(relative)}/`).ignored;
  }

  private levelsOf(directory: string): readonly Level[] {
    let levels = this.levels.get(directory);
    if (levels) return levels;
    const parent = path.dirname(directory);
    const inherited = parent === directory || isRepositoryRoot(directory) ? [] : this.levelsOf(parent);
    const own = ownRules(directory);
    levels = own ? [...inherited, { directory, rules: own }] : inherited;
    this.levels.set(directory, levels);
    return levels;
  }
}

function slashed(relative: string): string {
  return relative.split(path.sep).join('/');
}

function isRepositoryRoot(directory: string): boolean {
  return fs.existsSync(path.join(directory, '.git'));
}

function ownRules(directory: string): Ignore | undefined {
  let rules: Ignore | undefined;
  for (const name of IGNORE_FILES) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(directory, name), 'utf8');
    } catch {
      continue;
    }
    rules = (rules ?? ignore()).add(text);
  }
  return rules;
}

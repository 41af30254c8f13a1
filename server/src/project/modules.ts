import * as path from 'node:path';

/**
 * What the project model reads: the text of a file (undefined when there is none) and whether a path is
 * a directory. The CLI reads the disk; the language server reads its open documents first, then the disk.
 * Nothing is ever executed.
 */
export interface ProjectFiles {
  readFile(file: string): string | undefined;
  isDirectory(directory: string): boolean;
  /** Whether the file exists, without reading it (else readFile tells). */
  exists?(file: string): boolean;
  /** The names in a directory, undefined when it cannot be listed (the project lists each once, instead of trying files). */
  listDirectory?(directory: string): readonly string[] | undefined;
}

function isFile(files: ProjectFiles, file: string): boolean {
  return files.exists ? files.exists(file) : files.readFile(file) !== undefined;
}

/** A module of the project: its dotted name and its file (`pkg/__init__.py` for a package). */
export interface ModuleLocation {
  name: string;
  file: string;
  isPackage: boolean;
}

/**
 * Finds the project's own modules the way Python's import system would from the script: each search
 * root is tried in order, as `sys.path` is. A dotted name `a.b.c` is `<root>/a/b/c.py` or
 * `<root>/a/b/c/__init__.py`; the folders on the way need no `__init__.py` (namespace packages). A name
 * found in no root is not part of the project (a library, or missing): the model treats it as unknown.
 */
export class ModuleFinder {
  private readonly found = new Map<string, ModuleLocation | null>();

  constructor(
    private readonly files: ProjectFiles,
    /** Absolute folders, in the order Python would search them. */
    readonly roots: readonly string[],
  ) {}

  /** The module `name` (absolute, dotted) from the first root that has it. */
  find(name: string): ModuleLocation | undefined {
    if (!isDottedName(name)) return undefined;
    let location = this.found.get(name);
    if (location === undefined) {
      location = null;
      for (const root of this.roots) {
        const at = moduleIn(this.files, root, name);
        if (at) {
          location = at;
          break;
        }
      }
      this.found.set(name, location);
    }
    return location ?? undefined;
  }

  /** Forget what was found (a file was created or deleted). */
  clear(): void {
    this.found.clear();
  }
}

function moduleIn(files: ProjectFiles, root: string, name: string): ModuleLocation | undefined {
  const base = path.join(root, ...name.split('.'));
  const init = path.join(base, '__init__.py');
  if (isFile(files, init)) return { name, file: init, isPackage: true };
  const file = `${base}.py`;
  if (isFile(files, file)) return { name, file, isPackage: false };
  return undefined;
}

const DOTTED_NAME = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*(\.[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)*$/u;

export function isDottedName(name: string): boolean {
  return DOTTED_NAME.test(name);
}

/**
 * The dotted name a file has when imported, and the folder it is imported from: the file's folder,
 * extended upwards while the folder holds an `__init__.py` (`/p/pkg/sub/m.py` with `pkg/__init__.py`
 * and `pkg/sub/__init__.py` is `pkg.sub.m` from `/p`). This is how `python -m pkg.sub.m` run from `/p`
 * names it, and what its relative imports are relative to.
 */
export function moduleNameOf(files: ProjectFiles, file: string): { name: string; root: string; isPackage: boolean } {
  const isPackage = path.basename(file) === '__init__.py';
  let folder = path.dirname(file);
  const parts = isPackage ? [] : [path.basename(file).replace(/\.pyi?$/, '')];
  while (isFile(files, path.join(folder, '__init__.py')) && isDottedName(path.basename(folder))) {
    parts.unshift(path.basename(folder));
    const parent = path.dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return { name: parts.join('.') || path.basename(folder), root: folder, isPackage };
}

/**
 * The search roots for a script, in Python's order: the script's own folder (`sys.path[0]` for
 * `python script.py`), the folder its top package is in (`sys.path[0]` for `python -m pkg.main`), then
 * each workspace folder and its `src/` (the src layout, installed in development mode).
 *
 * A module inside a package is imported as `pkg.sub.m`, and Python 3 resolves its absolute imports from
 * sys.path, not from its own folder: its folder is a root only when the file is written to be run too
 * (it tests `__name__ == "__main__"`). Giving every package folder its own roots made as many projects
 * as folders (the 8,972 files of Debian's dist-packages ran out of memory).
 */
export function searchRoots(files: ProjectFiles, script: string, workspaceFolders: readonly string[]): string[] {
  const roots: string[] = [];
  const add = (folder: string) => {
    const resolved = path.resolve(folder);
    if (!roots.includes(resolved) && files.isDirectory(resolved)) roots.push(resolved);
  };
  const { root, name } = moduleNameOf(files, script);
  const inPackage = name.includes('.');
  if (!inPackage || RUNS_AS_SCRIPT.test(files.readFile(script) ?? '')) add(path.dirname(script));
  add(root);
  for (const folder of workspaceFolders) {
    add(folder);
    add(path.join(folder, 'src'));
  }
  return roots;
}

/** `if __name__ == "__main__":` in either order and quoting: the file is meant to be run as a script. */
const RUNS_AS_SCRIPT = /__name__\s*==\s*(['"])__main__\1|(['"])__main__\2\s*==\s*__name__/;

/**
 * The absolute module a relative import names: `level` dots from the module `from` (a package counts
 * as its own first level). Undefined when the dots climb above the top package (Python raises
 * "attempted relative import beyond top-level package").
 */
export function absoluteModule(from: { name: string; isPackage: boolean }, level: number, relative: string): string | undefined {
  if (level === 0) return relative;
  const parts = from.name.split('.');
  if (!from.isPackage) parts.pop();
  for (let up = 1; up < level; up++) {
    if (parts.length === 0) return undefined;
    parts.pop();
  }
  if (parts.length === 0) return undefined;
  return relative ? `${parts.join('.')}.${relative}` : parts.join('.');
}

import { absoluteModule, moduleNameOf, type ProjectFiles } from './modules';
import type { RawImport } from './scan';
import { mayHaveImportTimeEffects, type TextScan } from './text-scan';

/**
 * The import graph of the project as the modules' texts show it, without parsing: which project files
 * a module imports (anywhere, or at import time), and which modules import a process library. The
 * import statements are found loosely (see scanImports): more than Python would import, never less, so
 * that the answers built on them ("cannot start processes") are safe.
 */
export class Reachability {
  private readonly importsMemo = new Map<string, string[]>();
  private readonly importTimeMemo = new Map<string, string[]>();
  private readonly effectsMemo = new Map<string, boolean>();

  constructor(
    private readonly files: ProjectFiles,
    /** The files a dotted module name may be (a finder's one match, or every root's for a superset). */
    private readonly resolve: (name: string) => readonly string[],
    /** The text scan of a file (memoised by the project). */
    readonly scan: (file: string) => TextScan,
  ) {}

  /** The file imports a process-starting library itself. */
  mentionsProcesses(file: string): boolean {
    return this.scan(file).processes;
  }

  /** Whether a module-level statement of the file may have an import-time effect; false is certain. */
  mayHaveImportTimeEffects(file: string): boolean {
    let effects = this.effectsMemo.get(file);
    if (effects === undefined) {
      const text = this.files.readFile(file);
      this.effectsMemo.set(file, (effects = text !== undefined && mayHaveImportTimeEffects(text, this.scan(file))));
    }
    return effects;
  }

  /**
   * The project modules `file` imports and those they import, without `file`. The modules in `expanded`
   * are not followed (their imports are known already), and every module followed is added to it: a
   * caller asking for many files walks each module once.
   */
  closure(file: string, expanded = new Set<string>()): string[] {
    const visited = new Set([file]);
    const queue = [file];
    const result: string[] = [];
    for (let index = 0; index < queue.length; index++) {
      if (expanded.has(queue[index])) continue;
      expanded.add(queue[index]);
      for (const next of this.importedFiles(queue[index])) {
        if (visited.has(next)) continue;
        visited.add(next);
        result.push(next);
        queue.push(next);
      }
    }
    return result;
  }

  /** The project files the text's import statements name: modules, their packages, and `from m import x` submodules. */
  importedFiles(file: string): string[] {
    return this.resolved(file, false, this.importsMemo);
  }

  /** The same for the statements outside function bodies (those that may run at import time). */
  importTimeFiles(file: string): string[] {
    return this.resolved(file, true, this.importTimeMemo);
  }

  /** The files `file` imports with a star import (`from m import *`): their names are its names. */
  starFiles(file: string): string[] {
    return this.scan(file)
      .imports.filter((raw) => raw.names.includes('*'))
      .flatMap((raw) => this.filesOf(file, { ...raw, names: [] }));
  }

  private resolved(file: string, importTimeOnly: boolean, memo: Map<string, string[]>): string[] {
    let found = memo.get(file);
    if (!found) {
      found = [];
      for (const raw of this.scan(file).imports) {
        if (importTimeOnly && raw.inFunction) continue;
        for (const next of this.filesOf(file, raw)) if (!found.includes(next)) found.push(next);
      }
      memo.set(file, found);
    }
    return found;
  }

  private filesOf(file: string, raw: RawImport): string[] {
    const files: string[] = [];
    const add = (name: string | undefined) => {
      if (!name) return;
      const parts = name.split('.');
      for (let length = 1; length <= parts.length; length++)
        for (const found of this.resolve(parts.slice(0, length).join('.'))) if (found !== file && !files.includes(found)) files.push(found);
    };
    const base = raw.level === 0 ? raw.module : absoluteModule(moduleNameOf(this.files, file), raw.level, raw.module);
    add(base);
    for (const name of raw.names) if (base && name !== '*') add(`${base}.${name}`);
    return files;
  }
}

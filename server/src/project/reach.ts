import { PROCESS_MODULES } from '../model/api';
import { absoluteModule, moduleNameOf, type ModuleFinder, type ProjectFiles } from './modules';

/** Names a module must mention to start processes itself (the model's modules and the built-in spawners' libraries). */
const PROCESS_WORDS = [...PROCESS_MODULES, 'torch', 'dask', 'tqdm', 'pebble', 'multiprocess', 'pathos'];

/** `import a.b, c as d` / `from .x import (y, z)` at the start of a line (strings included: more is fine). */
const IMPORT = /^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n;#]*)|import[ \t]+([^\n;#]*))/gm;

/** The same at column 0 only: surely module level (a string's line aside). */
const MODULE_LEVEL_IMPORT = /^(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n;#]*)|import[ \t]+([^\n;#]*))/gm;

/** A line at column 0 that may call something at import time: not a definition, import, compound header or comment. */
const MODULE_LEVEL_CALL =
  /^(?!(?:def|class|import|from|if|elif|else|try|except|finally|for|while|with|async|match|case|return|raise|global|nonlocal|del|pass)\b)[^\s#@)\]}'"][^\n]*\(/m;

/**
 * Which modules may start processes, directly or through the modules they import, told from their text
 * without parsing: a module that mentions no process-starting library and imports (transitively) no
 * module that does cannot start processes, so the project need not summarise it for the questions
 * about starts. The import statements are found by a regular expression that may find more than
 * Python would (an import in a string), never less: the answer "cannot start" is safe.
 */
export class Reachability {
  private readonly mayStartMemo = new Map<string, boolean>();
  private readonly importsMemo = new Map<string, string[]>();
  private readonly mentions = new Map<string, boolean>();
  private readonly moduleLevelMemo = new Map<string, string[]>();
  private readonly words: RegExp;

  constructor(
    private readonly files: ProjectFiles,
    private readonly finder: ModuleFinder,
    /** Module names of user-listed spawners (`pyBKT` for `pyBKT.models.Model.fit`). */
    extraWords: readonly string[] = [],
  ) {
    const words = [...PROCESS_WORDS, ...extraWords].map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.words = new RegExp(words.join('|'));
  }

  /** The file mentions a process-starting library itself. */
  mentionsProcesses(file: string): boolean {
    let mentions = this.mentions.get(file);
    if (mentions === undefined) {
      const text = this.files.readFile(file);
      this.mentions.set(file, (mentions = text !== undefined && this.words.test(text)));
    }
    return mentions;
  }

  /**
   * Whether `file` or a project module it imports (transitively) mentions a process-starting library.
   * A search that ends without finding one settles every module it visited (their imports are within
   * what it visited), so each module is searched through about once.
   */
  mayStart(file: string): boolean {
    const known = this.mayStartMemo.get(file);
    if (known !== undefined) return known;
    const visited = new Set([file]);
    const queue = [file];
    for (let index = 0; index < queue.length; index++) {
      const current = queue[index];
      const memo = this.mayStartMemo.get(current);
      if (memo === true || (memo === undefined && this.mentionsProcesses(current))) {
        this.mayStartMemo.set(file, true);
        return true;
      }
      if (memo === false) continue;
      for (const next of this.importedFiles(current)) {
        if (visited.has(next)) continue;
        visited.add(next);
        queue.push(next);
      }
    }
    for (const settled of visited) this.mayStartMemo.set(settled, false);
    return false;
  }

  /**
   * The project modules `file` imports and those they import, without `file` (by the text's import
   * statements). The modules in `expanded` are not followed (their imports are known already), and
   * every module followed is added to it: a caller asking for many files walks each module once.
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

  /** Whether a module-level simple statement of the file may call something (an import-time effect); false is certain. */
  mayHaveImportTimeEffects(file: string): boolean {
    const text = this.files.readFile(file);
    return text !== undefined && MODULE_LEVEL_CALL.test(text);
  }

  /** The project files the file's column-0 import statements name (for a module that is not summarised). */
  moduleLevelImports(file: string): string[] {
    return this.importsBy(file, MODULE_LEVEL_IMPORT, this.moduleLevelMemo);
  }

  /** The project files the text's import statements name: modules, their packages, and `from m import x` submodules. */
  importedFiles(file: string): string[] {
    return this.importsBy(file, IMPORT, this.importsMemo);
  }

  private importsBy(file: string, pattern: RegExp, memo: Map<string, string[]>): string[] {
    let found = memo.get(file);
    if (found) return found;
    found = [];
    const text = this.files.readFile(file) ?? '';
    const module = moduleNameOf(this.files, file);
    const add = (name: string | undefined) => {
      if (!name) return;
      const parts = name.split('.');
      for (let length = 1; length <= parts.length; length++) {
        const location = this.finder.find(parts.slice(0, length).join('.'));
        if (location && location.file !== file && !found!.includes(location.file)) found!.push(location.file);
      }
    };
    for (const match of text.matchAll(pattern)) {
      const [, from, names, plain] = match;
      if (plain !== undefined) {
        for (const item of plain.replace(/\\\n/g, ' ').split(',')) add(item.trim().split(/\s+/)[0]);
        continue;
      }
      const level = /^\.*/.exec(from)![0].length;
      const base = absoluteModule(module, level, from.slice(level));
      add(base);
      for (const item of names.replace(/[()\\]/g, ' ').split(',')) {
        const name = item.trim().split(/\s+/)[0];
        if (base && name && name !== '*') add(`${base}.${name}`);
      }
    }
    memo.set(file, found);
    return found;
  }
}

import type { SyntaxTree } from '../syntax/syntaxNode';
import type { ModuleFacts } from '../model/facts';
import type { ImportRecord, Site, ModuleSummary } from './summary';
import { moduleSummary } from './module-summary';
import { ModuleFinder, moduleNameOf, searchRoots, type ModuleLocation, type ProjectFiles } from './modules';
import { Reachability } from './reach';
import { scanText, type TextScan } from './text-scan';
import { StartIndex } from './starts';
import { SummaryCache } from './cache';
import { memoisedFiles } from './disk';

export { SummaryCache };
import { BUILT_IN_SPAWNERS, SpawnerTable, type Spawner } from './spawners';

/** Parses a module's text; the project deletes each tree once the module is summarised. */
export interface ModuleParser {
  parse(text: string): SyntaxTree & { delete(): void };
}

/** How many calls and imports a chain may have before the search gives up on it (and says so). */
export const MAX_CHAIN_DEPTH = 24;

/** A step of a chain in some file: a call, an import, or the start itself. */
export interface ChainStep {
  file: string;
  site: Site;
}

/** How something ends up starting processes (or setting the start method), across files. */
export interface Chain {
  /** The calls and imports leading to the start, outermost first (the first is in the file asked about). */
  steps: ChainStep[];
  start: ChainStep;
  /** SPG001 (starts processes) or SPG006 (sets the start method), for import-time chains. */
  code: string;
  library?: Spawner;
  /** The start's own message, for import-time starts the module's single-file analysis found. */
  message?: string;
}

/** Something the model could not follow, for the notes the CLI and the server show with a finding. */
export interface ProjectNote {
  file: string;
  site: Site;
  message: string;
}

export interface ProjectOptions {
  /** Workspace folders (the CLI: the working directory); their `src/` folders are searched too. */
  workspaceFolders: readonly string[];
  spawners?: SpawnerTable;
  /** Text scans made elsewhere (the CLI's worker threads, of the text they checked). */
  knownScan?: (file: string) => TextScan | undefined;
}

/**
 * The project around one script: its modules found as Python would import them, each summarised once,
 * and the questions cross-file rules ask (does this call start processes, through which chain; what
 * does importing that module do). Modules it cannot find or read are unknown, never guessed safe or
 * unsafe. Pure apart from the injected file reader.
 */
export class Project {
  readonly spawners: SpawnerTable;
  private readonly finders = new Map<string, ModuleFinder>();
  private readonly reaches = new Map<ModuleFinder, Reachability>();
  private readonly sessions = new Map<ModuleFinder, ProjectSession>();
  private readonly read = new Map<string, ModuleSummary | undefined>();
  private readonly notes: ProjectNote[] = [];
  private readonly scans = new Map<string, TextScan>();
  /** Module names of the user's spawners: a module importing one may start processes. */
  private readonly words: string[];
  /** The search roots of the scripts expected, and the start index over them. */
  private readonly roots: string[] = [];
  private index: StartIndex | undefined;
  /** Files read while answering (scanned or summarised), for the server to watch and to find dependents. */
  readonly filesRead = new Set<string>();

  private readonly files: ProjectFiles;

  constructor(
    private readonly parser: ModuleParser,
    files: ProjectFiles,
    private readonly cache: SummaryCache,
    private readonly options: ProjectOptions,
  ) {
    this.spawners = options.spawners ?? new SpawnerTable(BUILT_IN_SPAWNERS);
    // A Project answers for one state of the files: each file is read (and each folder listed) once.
    this.files = memoisedFiles(files, (file) => this.filesRead.add(file));
    this.words = this.spawners.spawners.filter((spawner) => spawner.source === 'pyproject').map((spawner) => spawner.name.split('.')[0]);
  }

  /** The workspace folders the project searches. */
  get workspaceFolders(): readonly string[] {
    return this.options.workspaceFolders;
  }

  /** A file that is not a module (a build file the checks read), watched like the modules read. */
  readText(file: string): string | undefined {
    const text = this.files.readFile(file);
    if (text !== undefined) this.filesRead.add(file);
    return text;
  }

  /** The summary of `file`, undefined when it cannot be read. */
  summaryOf(file: string): ModuleSummary | undefined {
    // A Project answers for one state of the files: each is read once (the server makes a Project per refinement).
    if (this.read.has(file)) return this.read.get(file);
    const summary = this.readSummary(file);
    this.read.set(file, summary);
    return summary;
  }

  /** An open document's summary from the analysis the editor keeps of it (its tree and facts): no second parse. */
  adoptAnalysis(file: string, analysis: { text: string; tree: SyntaxTree; facts: ModuleFacts }): void {
    if (this.read.has(file) || this.files.readFile(file) !== analysis.text) return;
    this.filesRead.add(file);
    const key = this.spawners.key;
    let summary = this.cache.get(file, analysis.text, key);
    if (!summary) {
      const { text, tree, facts } = analysis;
      summary = moduleSummary({ file, module: moduleNameOf(this.files, file), text, tree, facts, spawners: this.spawners });
      this.cache.set(file, text, key, summary);
    }
    this.read.set(file, summary);
  }

  private readSummary(file: string): ModuleSummary | undefined {
    const text = this.files.readFile(file);
    if (text === undefined) return undefined;
    this.filesRead.add(file);
    const key = this.spawners.key;
    const cached = this.cache.get(file, text, key);
    if (cached) return cached;
    const tree = this.parser.parse(text);
    try {
      const summary = moduleSummary({ file, module: moduleNameOf(this.files, file), text, tree, spawners: this.spawners });
      this.cache.set(file, text, key, summary);
      return summary;
    } finally {
      tree.delete();
    }
  }

  /** What the text of `file` tells without parsing (memoised; the CLI's worker threads make most). */
  scanOf(file: string): TextScan {
    let scan = this.scans.get(file);
    if (!scan) this.scans.set(file, (scan = this.options.knownScan?.(file) ?? scanText(this.files.readFile(file) ?? '', this.words)));
    return scan;
  }

  /**
   * Notes the scripts questions will be asked about: the start index resolves imports in all their search
   * roots (a superset of what any one of them imports), so that one index serves them all. A script
   * with a root the index lacks makes a new index.
   */
  expect(scripts: readonly string[]): void {
    for (const script of scripts)
      for (const root of searchRoots(this.files, script, this.options.workspaceFolders))
        if (!this.roots.includes(root)) {
          this.roots.push(root);
          this.index = undefined;
        }
  }

  /** Where processes may start in the project (see StartIndex), over the roots of the scripts expected. */
  startIndex(): StartIndex {
    if (!this.index) {
      const finders = this.roots.map((root) => ({ finder: new ModuleFinder(this.files, [root]), names: this.namesIn(root) }));
      const resolved = new Map<string, string[]>();
      const resolve = (name: string) => {
        let files = resolved.get(name);
        if (!files) {
          const first = name.split('.')[0];
          // Only the roots that have the top package or module can have the name.
          const roots = finders.filter(({ names }) => !names || names.has(first) || names.has(`${first}.py`));
          resolved.set(name, (files = roots.flatMap(({ finder }) => finder.find(name)?.file ?? [])));
        }
        return files;
      };
      const reach = new Reachability(this.files, resolve, (file) => this.scanOf(file));
      this.index = new StartIndex(
        reach,
        (file) => this.summaryOf(file),
        (file) => this.files.readFile(file),
      );
    }
    return this.index;
  }

  /** The names in a root folder, undefined when the files cannot be listed. */
  private namesIn(root: string): Set<string> | undefined {
    const names = this.files.listDirectory?.(root);
    return names && new Set(names);
  }

  /** Where Python would find modules when `script` runs. */
  finderFor(script: string): ModuleFinder {
    const roots = searchRoots(this.files, script, this.options.workspaceFolders);
    const key = roots.join('\0');
    let finder = this.finders.get(key);
    if (!finder) this.finders.set(key, (finder = new ModuleFinder(this.files, roots)));
    return finder;
  }

  /** What the model could not follow while answering (depth bound reached). */
  takeNotes(): ProjectNote[] {
    return this.notes.splice(0);
  }

  /**
   * The question session for a script's search roots: it memoises answers, which hold for the files as
   * this Project read them (make a new Project after a module changes).
   */
  session(script: string): ProjectSession {
    const finder = this.finderFor(script);
    const existing = this.sessions.get(finder);
    if (existing) return existing;
    this.expect([script]);
    let reach = this.reaches.get(finder);
    if (!reach) {
      const resolve = (name: string) => {
        const file = finder.find(name)?.file;
        return file ? [file] : [];
      };
      this.reaches.set(finder, (reach = new Reachability(this.files, resolve, (file) => this.scanOf(file))));
    }
    const session = new ProjectSession(this, finder, reach, () => this.startIndex(), this.notes);
    this.sessions.set(finder, session);
    return session;
  }
}

/** A function of the project: its file and qualified name. */
interface FunctionRef {
  file: string;
  name: string;
}

/** Answers for one script (module search roots fixed), memoised. */
export class ProjectSession {
  private readonly functionStarts = new Map<string, Chain | null>();
  private readonly moduleStarts = new Map<string, Chain | null>();
  private readonly effects = new Map<string, { effect: string; site: ChainStep }[]>();
  private readonly inProgress = new Set<string>();

  constructor(
    readonly project: Project,
    readonly finder: ModuleFinder,
    /** The project's import graph from the modules' texts. */
    readonly reach: Reachability,
    /** Which modules may start processes at all: the others are never summarised for starts. */
    private readonly startIndex: () => StartIndex,
    private readonly notes: ProjectNote[],
  ) {}

  get starts(): StartIndex {
    return this.startIndex();
  }

  module(name: string): { location: ModuleLocation; summary: ModuleSummary } | undefined {
    const location = this.finder.find(name);
    const summary = location ? this.project.summaryOf(location.file) : undefined;
    return location && summary ? { location, summary } : undefined;
  }

  /**
   * The function (or constructor) an absolute name refers to, following re-exports (`from .cluster
   * import setup` in a package's `__init__`) and star imports; undefined for names outside the project.
   * `from`: the module whose code holds the name (for `*name`, a name its star imports may bring).
   */
  resolveFunction(target: string, from: ModuleSummary, depth = 0, startsOnly = false): FunctionRef | undefined {
    if (depth > MAX_CHAIN_DEPTH) return undefined;
    if (target.startsWith('.')) return from.functions.has(target.slice(1)) ? { file: from.file, name: target.slice(1) } : undefined;
    if (target.startsWith('*')) {
      for (const star of from.starModules) {
        const found = this.resolveFunction(`${star}.${target.slice(1)}`, from, depth + 1, startsOnly);
        if (found) return found;
      }
      return undefined;
    }
    const parts = target.split('.');
    for (let length = parts.length - 1; length >= 1; length--) {
      const location = this.finder.find(parts.slice(0, length).join('.'));
      if (!location) continue;
      // A module that cannot start processes has no function that does (startsOnly: only those are wanted).
      if (startsOnly && !this.starts.mayHostStart(location.file)) return undefined;
      const summary = this.project.summaryOf(location.file);
      return summary ? this.memberFunction(summary, parts.slice(length), depth, startsOnly) : undefined;
    }
    return undefined;
  }

  private memberFunction(summary: ModuleSummary, member: string[], depth: number, startsOnly: boolean): FunctionRef | undefined {
    const name = member.join('.');
    if (summary.functions.has(name)) return { file: summary.file, name };
    if (summary.classes.has(name)) {
      const init = `${name}.__init__`;
      return summary.functions.has(init) ? { file: summary.file, name: init } : undefined;
    }
    const exported = summary.exports.get(member[0]);
    if (exported) return this.resolveFunction([exported, ...member.slice(1)].join('.'), summary, depth + 1, startsOnly);
    if (!summary.topLevelNames.has(member[0]))
      for (const star of summary.starModules) {
        const found = this.resolveFunction(`${star}.${name}`, summary, depth + 1, startsOnly);
        if (found) return found;
      }
    return undefined;
  }

  /** How calling `fn` starts processes, across files; undefined when it does not, or the model cannot tell. */
  functionStart(fn: FunctionRef, depth = 0): Chain | undefined {
    const key = `${fn.file}\0${fn.name}`;
    const known = this.functionStarts.get(key);
    if (known !== undefined) return known ?? undefined;
    if (this.inProgress.has(key)) return undefined;
    const summary = this.project.summaryOf(fn.file);
    const summaryFn = summary?.functions.get(fn.name);
    if (!summary || !summaryFn) return undefined;
    let chain: Chain | undefined;
    if (summaryFn.start) {
      const { via, site, library } = summaryFn.start;
      chain = { steps: via.map((step) => ({ file: fn.file, site: step })), start: { file: fn.file, site }, code: 'SPG001', library };
    } else if (depth >= MAX_CHAIN_DEPTH) {
      this.note(fn.file, summaryFn.outside[0]?.call, `not followed further: the chain is longer than ${MAX_CHAIN_DEPTH} calls`);
      return undefined;
    } else {
      this.inProgress.add(key);
      for (const call of summaryFn.outside) {
        const callee = this.resolveFunction(call.target, summary, 0, true);
        const inner = callee ? this.functionStart(callee, depth + 1) : undefined;
        if (inner) {
          chain = { ...inner, steps: [{ file: fn.file, site: call.call }, ...inner.steps] };
          break;
        }
      }
      this.inProgress.delete(key);
    }
    this.functionStarts.set(key, chain ?? null);
    return chain;
  }

  /** The chain of a call made in `summary` to `target`, if the callee starts processes. */
  callStart(summary: ModuleSummary, target: string, call: Site): Chain | undefined {
    const callee = this.resolveFunction(target, summary, 0, true);
    const inner = callee ? this.functionStart(callee) : undefined;
    return inner ? { ...inner, steps: [{ file: summary.file, site: call }, ...inner.steps] } : undefined;
  }

  /**
   * What importing the module `name` starts at import time (SPG001) or whether it sets the start method
   * (SPG006), through its own code, the functions it calls and the modules it imports in turn. The
   * chain's steps are the imports and calls leading there (the first import is the caller's).
   */
  moduleImportStart(name: string, depth = 0): Chain | undefined {
    const known = this.moduleStarts.get(name);
    if (known !== undefined) return known ?? undefined;
    const key = `module\0${name}`;
    if (this.inProgress.has(key)) return undefined;
    const location = this.finder.find(name);
    if (!location || !this.starts.mayStartAtImport(location.file)) return undefined;
    const module = this.module(name);
    if (!module) return undefined;
    const { summary } = module;
    const file = summary.file;
    let chain: Chain | undefined;
    const own = summary.importTime.starts[0];
    if (own)
      chain = { steps: [], start: { file, site: own.site }, code: own.code === 'SPG006' ? 'SPG006' : 'SPG001', message: own.message };
    this.inProgress.add(key);
    if (!chain && depth < MAX_CHAIN_DEPTH) {
      for (const call of summary.importTime.outside) if ((chain = this.callStart(summary, call.target, call.call))) break;
    }
    if (!chain && depth < MAX_CHAIN_DEPTH) {
      for (const call of summary.importTime.local) {
        const inner = this.functionStart({ file, name: call.target }, depth + 1);
        if (inner) {
          chain = { ...inner, steps: [{ file, site: call.call }, ...inner.steps] };
          break;
        }
      }
    }
    if (!chain && depth < MAX_CHAIN_DEPTH) {
      outer: for (const record of summary.imports) {
        if (!record.importTime) continue;
        for (const imported of this.modulesOf(record)) {
          const inner = this.moduleImportStart(imported, depth + 1);
          if (inner) {
            chain = { ...inner, steps: [{ file, site: record.statement }, ...inner.steps] };
            break outer;
          }
        }
      }
    } else if (!chain) {
      this.note(file, summary.imports[0]?.statement, `not followed further: the chain is longer than ${MAX_CHAIN_DEPTH} imports`);
    }
    this.inProgress.delete(key);
    this.moduleStarts.set(name, chain ?? null);
    return chain;
  }

  /** The project modules an import statement runs (see importedModules). */
  modulesOf(record: ImportRecord): string[] {
    return this.importedModules(
      record.names.modules,
      record.names.bindings.map((binding) => binding.qualified),
    );
  }

  /**
   * The project modules an import statement runs: each module named and its packages (`import a.b`
   * runs `a/__init__.py` then `a/b.py`), and for `from pkg import name` the submodule `pkg.name` when
   * there is one.
   */
  importedModules(modules: readonly string[], names: readonly string[]): string[] {
    const result: string[] = [];
    const add = (name: string) => {
      if (!result.includes(name) && this.finder.find(name)) result.push(name);
    };
    for (const module of modules) {
      const parts = module.split('.');
      for (let length = 1; length <= parts.length; length++) add(parts.slice(0, length).join('.'));
    }
    for (const name of names) if (this.finder.find(name)) add(name);
    return result;
  }

  /**
   * Output, I/O and blocking calls that importing `name` makes, its own and those of the modules it
   * imports at import time. A module whose text has no module-level line that may call something is
   * not summarised: its module-level imports are read from the text.
   */
  moduleImportEffects(name: string): { effect: string; site: ChainStep }[] {
    const known = this.effects.get(name);
    if (known) return known;
    const found: { effect: string; site: ChainStep }[] = [];
    const seen = new Set<string>();
    const visit = (file: string, depth: number) => {
      if (seen.has(file) || depth > MAX_CHAIN_DEPTH) return;
      seen.add(file);
      if (!this.reach.mayHaveImportTimeEffects(file)) {
        for (const imported of this.reach.importTimeFiles(file)) visit(imported, depth + 1);
        return;
      }
      const summary = this.project.summaryOf(file);
      if (!summary) return;
      for (const effect of summary.importTime.effects) found.push({ effect: effect.effect, site: { file, site: effect.site } });
      for (const record of summary.imports) {
        if (!record.importTime) continue;
        for (const imported of this.modulesOf(record)) {
          const location = this.finder.find(imported);
          if (location) visit(location.file, depth + 1);
        }
      }
    };
    const location = this.finder.find(name);
    if (location) visit(location.file, 0);
    this.effects.set(name, found);
    return found;
  }

  /** The outside attributes a worker reads (`settings.SCALE`), in its module and the project functions it calls. */
  workerReads(fn: FunctionRef): Map<string, ChainStep> {
    const reads = new Map<string, ChainStep>();
    const seen = new Set<string>();
    const visit = (ref: FunctionRef, depth: number) => {
      const key = `${ref.file}\0${ref.name}`;
      if (seen.has(key) || depth > MAX_CHAIN_DEPTH) return;
      seen.add(key);
      const summary = this.project.summaryOf(ref.file);
      const summaryFn = summary?.functions.get(ref.name);
      if (!summary || !summaryFn) return;
      for (const [target, at] of summaryFn.reads) {
        const normal = this.normalName(target);
        if (!reads.has(normal)) reads.set(normal, { file: ref.file, site: at });
      }
      for (const call of summaryFn.outside) {
        const callee = this.resolveFunction(call.target, summary);
        if (callee) visit(callee, depth + 1);
      }
    };
    visit(fn, 0);
    return reads;
  }

  /** `pkg.settings.SCALE` as `<file of pkg.settings>:SCALE`, so that two spellings of one module attribute compare equal. */
  normalName(target: string): string {
    const parts = target.split('.');
    for (let length = parts.length - 1; length >= 1; length--) {
      const location = this.finder.find(parts.slice(0, length).join('.'));
      if (location) return `${location.file}:${parts.slice(length).join('.')}`;
    }
    return target;
  }

  private note(file: string, site: Site | undefined, message: string): void {
    if (site && !this.notes.some((note) => note.file === file && note.message === message)) this.notes.push({ file, site, message });
  }
}

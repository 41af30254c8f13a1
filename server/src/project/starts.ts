import * as path from 'node:path';
import type { Reachability } from './reach';
import { mentionsWord } from './scan';
import type { ModuleSummary } from './summary';

/** What the index knows of a module it looked at. */
interface ModuleState {
  /** The module may define or re-export a function that starts processes, or calls one. */
  host: boolean;
  /** The names by which its functions that may start processes are called (`setup_cluster`, `Trainer`, `fit`). */
  names: Set<string>;
  /** Its own import-time code may start processes or set the start method. */
  startsAtImport: boolean;
}

/**
 * Where processes may start in the project, found from the process-starting code outwards rather than
 * from every module inwards: the modules that import a process library are summarised, then only the
 * modules that import one of those and name one of their starting functions, and so on. A function in
 * a module outside this set cannot start processes, and a module that imports (at import time,
 * transitively) none of the modules whose import-time code may start cannot start when imported: the
 * project answers those questions without summarising anything more. Every test is loose in the safe
 * direction (names are matched as words of the text, imports by scanImports), so the set holds every
 * module the precise questions could find a start in.
 *
 * The universe grows with the files asked about (each with its import closure). A module added later
 * cannot be imported by a module already in the universe (the universe is closed under imports), so
 * the states already settled stay true.
 */
export class StartIndex {
  private readonly states = new Map<string, ModuleState>();
  private readonly importers = new Map<string, Set<string>>();
  private readonly importTimeImporters = new Map<string, Set<string>>();
  /** Modules whose import, at import time and transitively, may start processes. */
  private readonly startersAtImport = new Set<string>();
  private readonly expanded = new Set<string>();

  constructor(
    /** The import graph over every root of the scripts the index serves. */
    readonly reach: Reachability,
    private readonly summaryOf: (file: string) => ModuleSummary | undefined,
    private readonly readText: (file: string) => string | undefined,
  ) {}

  /** `file` may define, re-export or call a function that starts processes. */
  mayHostStart(file: string): boolean {
    this.include(file);
    return this.states.get(file)?.host ?? false;
  }

  /** Importing `file` may start processes (or set the start method): its own code, or a module it imports at import time. */
  mayStartAtImport(file: string): boolean {
    this.include(file);
    return this.startersAtImport.has(file);
  }

  /** `file` may have a cross-file finding: it calls into the process-starting code, or imports a module that starts when imported. */
  mayHaveFindings(file: string): boolean {
    return this.mayHostStart(file) || this.reach.importTimeFiles(file).some((imported) => this.mayStartAtImport(imported));
  }

  /** Adds `file` and the modules it imports (transitively) to the universe, and settles their states. */
  private include(file: string): void {
    if (this.states.has(file)) return;
    const added = [file, ...this.reach.closure(file, this.expanded)].filter((module) => !this.states.has(module));
    for (const module of added) {
      this.states.set(module, { host: false, names: new Set(), startsAtImport: false });
      for (const imported of this.reach.importedFiles(module)) edge(this.importers, imported, module);
      for (const imported of this.reach.importTimeFiles(module)) edge(this.importTimeImporters, imported, module);
    }
    const work = new Set(added.filter((module) => this.reach.mentionsProcesses(module) || this.importsHost(module)));
    while (work.size > 0) {
      const [module] = work;
      work.delete(module);
      if (this.evaluate(module)) for (const importer of this.importers.get(module) ?? []) work.add(importer);
    }
    // A module added now that imports a module already known to start when imported starts too.
    for (const module of added)
      if (this.reach.importTimeFiles(module).some((imported) => this.startersAtImport.has(imported))) this.markStarter(module);
  }

  private importsHost(module: string): boolean {
    return this.reach.importedFiles(module).some((imported) => this.states.get(imported)?.host);
  }

  /** Looks at a module again (a module it imports changed); whether its own state changed. */
  private evaluate(module: string): boolean {
    const state = this.states.get(module)!;
    const imported = this.reach.importedFiles(module).filter((file) => this.states.get(file)?.host);
    const passedOn = new Set([...this.reach.starFiles(module), ...this.submodulesOf(module, imported)]);
    const calledNames = new Set<string>();
    const namesBefore = state.names.size;
    const hostBefore = state.host;
    const text = this.readText(module) ?? '';
    for (const file of imported) {
      for (const name of this.states.get(file)!.names) {
        // A star import or a package's own submodule passes the names on: `from .api import *`, `cm.cluster.setup()`.
        if (passedOn.has(file)) state.names.add(name);
        if (mentionsWord(text, name)) calledNames.add(name);
      }
    }
    if (passedOn.size > 0 && imported.some((file) => passedOn.has(file))) state.host = true;
    if (calledNames.size > 0 || this.reach.mentionsProcesses(module)) {
      const summary = this.summaryOf(module);
      if (summary) this.readSummary(summary, state, calledNames);
    }
    if (state.startsAtImport) this.markStarter(module);
    return state.host !== hostBefore || state.names.size !== namesBefore;
  }

  /** The functions of the module that may start: its own starts, and calls (local or outside) to a name that may. */
  private readSummary(summary: ModuleSummary, state: ModuleState, calledNames: ReadonlySet<string>): void {
    const calls = (target: string) => calledNames.has(target.split('.').pop()!);
    const starting = new Set<string>();
    for (const fn of summary.functions.values())
      if (fn.start || fn.outside.some((call) => !call.target.startsWith('.') && calls(call.target))) starting.add(fn.name);
    // Functions that call a starting function of the module, until nothing more is added.
    for (let grew = true; grew;) {
      grew = false;
      for (const fn of summary.functions.values())
        if (!starting.has(fn.name) && fn.outside.some((call) => call.target.startsWith('.') && starting.has(call.target.slice(1)))) {
          starting.add(fn.name);
          grew = true;
        }
    }
    for (const name of starting) for (const part of name.split('.')) if (!part.startsWith('__')) state.names.add(part);
    for (const [local, qualified] of summary.exports) if (calls(qualified)) state.names.add(local);
    if (starting.size > 0 || summary.startsProcesses || calledNames.size > 0 || summary.importTime.starts.length > 0) state.host = true;
    if (
      summary.importTime.starts.length > 0 ||
      summary.importTime.outside.some((call) => calls(call.target)) ||
      summary.importTime.local.some((call) => starting.has(call.target))
    )
      state.startsAtImport = true;
  }

  /** Whatever imports `module` at import time starts when imported too (transitively). */
  private markStarter(module: string): void {
    const queue = [module];
    while (queue.length > 0) {
      const current = queue.pop()!;
      if (this.startersAtImport.has(current) && current !== module) continue;
      this.startersAtImport.add(current);
      for (const importer of this.importTimeImporters.get(current) ?? []) queue.push(importer);
    }
  }

  /** For a package's `__init__.py`, the imported modules that are its own submodules. */
  private submodulesOf(module: string, imported: readonly string[]): string[] {
    if (path.basename(module) !== '__init__.py') return [];
    const folder = path.dirname(module) + path.sep;
    return imported.filter((file) => file.startsWith(folder));
  }
}

function edge(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

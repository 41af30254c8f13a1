import { importSideEffect } from '../model/side-effects';
import type { ModuleFacts, Scope } from '../model/facts';
import { codeText } from '../rules/common';
import type { Finding } from '../rules/types';
import { nodeRange } from '../syntax/ranges';
import { unparenthesize } from '../syntax/queries';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { OutsideNames, type ImportStatementNames } from './names';
import { insideCallWithEffect, moduleLevelStatement, push, site, type Site } from './sites';
import type { ArgumentReader, Spawner, SpawnerTable } from './spawners';

export type { Site };

/** A call to a name outside the module (absolute, e.g. `pkg.cluster.setup_cluster`, or `*name` through a star import). */
export interface OutsideCall {
  target: string;
  call: Site;
}

/** A call to a function of the same module (its qualified name, e.g. `Trainer.fit`). */
export interface LocalCall {
  target: string;
  call: Site;
}

/** Processes started inside the module: the local calls from a function to the site, outermost first. */
export interface LocalStart {
  via: Site[];
  site: Site;
  /** A library spawner the site calls, when it is one (else multiprocessing / concurrent.futures / joblib). */
  library?: Spawner;
}

export interface FunctionSummary {
  /** Python's qualified name: `main`, `Trainer.fit`. */
  name: string;
  /** How it starts processes within this module, if it does (first found). */
  start?: LocalStart;
  /** Calls to outside names, in document order (not under a guard). */
  outside: OutsideCall[];
  /** Outside attributes it reads, with those read by the functions of this module it calls (`settings.SCALE`). */
  reads: Map<string, Site>;
}

export interface ImportRecord {
  names: ImportStatementNames;
  statement: Site;
  /** The statement runs when the module is imported (module level, not under a guard, not in a function). */
  importTime: boolean;
}

/** What the module does when it is imported. */
export interface ImportTimeSummary {
  /** Its own import-time findings (SPG001/SPG002/SPG006 of the single-file analysis, and library starts). */
  starts: { code: string; site: Site; message: string; library?: boolean }[];
  /** Import-time calls to outside names (they may start processes in another module). */
  outside: OutsideCall[];
  /** Import-time calls to its own functions that start processes only through outside names. */
  local: LocalCall[];
  /** Output, I/O and blocking calls at import time. */
  effects: { effect: string; site: Site }[];
}

/**
 * What other modules need to know about one module, computed from that module's facts alone (so it is
 * memoised by the module's text). Plain data: the tree is gone once it is made.
 */
export interface ModuleSummary {
  file: string;
  name: string;
  isPackage: boolean;
  hasSyntaxErrors: boolean;
  imports: ImportRecord[];
  /** Module-level names bound by imports, to what they refer: `from .cluster import setup` re-exports `setup`. */
  exports: Map<string, string>;
  /** Module-level names bound by definitions and assignments (what a star import may bring). */
  topLevelNames: Set<string>;
  classes: Set<string>;
  functions: Map<string, FunctionSummary>;
  importTime: ImportTimeSummary;
  /** Code under the main guard (runs when this module is the script): its outside and local calls. */
  guarded: { outside: OutsideCall[]; local: LocalCall[] };
  /** `settings.SCALE = 10` under the main guard, by target. */
  guardAssignments: { target: string; site: Site }[];
  /** Outside attributes assigned at import time (children see those). */
  importTimeAssignments: Set<string>;
  /** Callables handed to child processes: outside ones by name, this module's by qualified name. */
  workers: { target: string; local: boolean; site: Site }[];
  /** The module starts processes somewhere (its own code, before following outside calls). */
  startsProcesses: boolean;
  dynamicImports: Site[];
  starModules: string[];
}

export interface SummaryInput {
  file: string;
  module: { name: string; isPackage: boolean };
  facts: ModuleFacts;
  /** The single-file findings (the engine's), for the import-time starts. */
  findings: readonly Finding[];
  spawners: SpawnerTable;
}

const IMPORT_TIME_CODES = new Set(['SPG001', 'SPG002', 'SPG006']);
const DYNAMIC_IMPORTS = new Set(['importlib.import_module', 'builtins.__import__', 'importlib.__import__']);
/** Calls that do not return while the program runs (a server, an event loop, a GUI). */
export const BLOCKING_METHODS = new Set(['serve_forever', 'run_forever', 'mainloop']);
export const BLOCKING_NAMES = new Set([
  'uvicorn.run',
  'flask.Flask.run',
  'dash.Dash.run',
  'dash.Dash.run_server',
  'bottle.run',
  'waitress.serve',
  'aiohttp.web.run_app',
  'tkinter.mainloop',
]);
const ITERATING_CALLS = new Set([
  'builtins.iter',
  'builtins.list',
  'builtins.enumerate',
  'builtins.next',
  'builtins.tuple',
  'builtins.zip',
]);

const COMPOUND_STATEMENTS = new Set([
  'if_statement',
  'try_statement',
  'with_statement',
  'for_statement',
  'while_statement',
  'match_statement',
  'class_definition',
  'function_definition',
  'decorated_definition',
]);
const WALKED_TYPES = ['import_statement', 'import_from_statement', 'call', 'attribute', 'for_statement', 'for_in_clause'];

export function summarize(input: SummaryInput): ModuleSummary {
  return new Summarizer(input).summary();
}

class Summarizer {
  private readonly facts: ModuleFacts;
  private readonly names: OutsideNames;
  private readonly result: ModuleSummary;
  /** Per function (by qualified name): direct starts, local callees, reads. */
  private readonly direct = new Map<string, LocalStart>();
  private readonly localCalls = new Map<string, LocalCall[]>();
  private readonly ownReads = new Map<string, Map<string, Site>>();
  private readonly reader: ArgumentReader;
  /** The nodes the summary reads, from one walk of the tree. */
  private readonly nodes: { imports: SyntaxNode[]; calls: SyntaxNode[]; loops: SyntaxNode[]; attributes: SyntaxNode[] } = {
    imports: [],
    calls: [],
    loops: [],
    attributes: [],
  };

  constructor(private readonly input: SummaryInput) {
    this.facts = input.facts;
    this.names = new OutsideNames(input.facts, input.module);
    this.result = {
      file: input.file,
      name: input.module.name,
      isPackage: input.module.isPackage,
      hasSyntaxErrors: input.facts.root.hasError,
      imports: [],
      exports: new Map(),
      topLevelNames: new Set(input.facts.moduleBindings.keys()),
      classes: new Set(),
      functions: new Map(),
      importTime: { starts: [], outside: [], local: [], effects: [] },
      guarded: { outside: [], local: [] },
      guardAssignments: [],
      importTimeAssignments: new Set(),
      workers: [],
      startsProcesses: input.facts.startsProcesses,
      dynamicImports: [],
      starModules: this.names.starModules(),
    };
    this.reader = {
      integer: (node) => this.integerOf(node),
      string: (node) =>
        node.type === 'identifier' || node.type === 'string'
          ? this.facts.values.stringOf(node, this.facts.values.scopeAt(node))
          : undefined,
    };
  }

  summary(): ModuleSummary {
    const { facts, result } = this;
    for (const node of facts.root.descendantsOfType(WALKED_TYPES)) {
      if (!node) continue;
      const type = node.type;
      if (type === 'call') this.nodes.calls.push(node);
      else if (type === 'attribute') this.nodes.attributes.push(node);
      else if (type === 'for_statement' || type === 'for_in_clause') this.nodes.loops.push(node);
      else this.nodes.imports.push(node);
    }
    for (const scope of facts.scopes.scopes) {
      if (scope.kind === 'class') result.classes.add(scope.qualifiedName);
      if (scope.kind === 'function')
        result.functions.set(scope.qualifiedName, { name: scope.qualifiedName, outside: [], reads: new Map() });
    }
    this.readImports();
    this.readCalls();
    this.readIterations();
    this.readAttributes();
    this.readWorkers();
    for (const finding of this.input.findings) {
      if (IMPORT_TIME_CODES.has(finding.code))
        result.importTime.starts.push({ code: finding.code, site: { range: finding.range, text: '' }, message: finding.message });
    }
    this.closeOverLocalCalls();
    return result;
  }

  private readImports(): void {
    for (const statement of this.nodes.imports) {
      const names = this.names.importsOf(statement);
      const importTime = this.facts.isImportTime(statement);
      this.result.imports.push({ names, statement: site(statement), importTime });
      if (statement.parent?.type === 'module')
        for (const binding of names.bindings) this.result.exports.set(binding.local, binding.qualified);
    }
  }

  /** The function whose body runs `node` (lambdas and comprehensions belong to the function around them); undefined at import time. */
  private functionAt(node: SyntaxNode): Scope | undefined {
    let scope: Scope | undefined = this.facts.values.scopeAt(node);
    while (scope && scope.kind !== 'function' && scope.kind !== 'module') {
      if (scope.kind === 'class') return undefined;
      scope = scope.parent;
    }
    return scope?.kind === 'function' ? scope : undefined;
  }

  private readCalls(): void {
    const { facts, result } = this;
    const modelStarts = new Set(facts.events.startSites.filter((s) => facts.usesSpawn(s.method)).map((s) => s.call.id));
    const mayImportDynamically = /import_module|__import__/.test(facts.text);
    for (const call of this.nodes.calls) {
      const callee = call.childForFieldName('function');
      if (!callee) continue;
      const scope = facts.values.scopeAt(call);
      const fn = this.functionAt(call);
      const guarded = facts.guardOf(call) !== undefined;
      const importTime = !fn && !guarded && facts.isImportTime(call);
      // The qualified name of the callee only where it may matter: import-time effects, dynamic imports.
      if (importTime || mayImportDynamically) {
        const qualified = facts.values.qualifiedName(callee, scope);
        if (qualified && DYNAMIC_IMPORTS.has(qualified)) result.dynamicImports.push(site(call));
        if (importTime) this.readEffect(call, callee, qualified);
      }
      const outside = this.names.nameOf(callee, scope);
      const spawner = this.input.spawners.match(call, outside, false, this.reader);
      if (spawner) {
        result.startsProcesses = true;
        this.noteStart(call, fn, importTime, guarded, spawner);
        continue;
      }
      if (modelStarts.has(call.id) && fn && !guarded && !this.direct.has(fn.qualifiedName)) {
        this.direct.set(fn.qualifiedName, { via: [], site: site(startNode(facts, call)) });
      }
      if (outside !== undefined) {
        const entry = { target: outside, call: site(call) };
        if (fn && !guarded) result.functions.get(fn.qualifiedName)?.outside.push(entry);
        else if (importTime) result.importTime.outside.push(entry);
        else if (guarded && !fn) result.guarded.outside.push(entry);
        continue;
      }
      for (const target of facts.callGraph.callees(call, scope)) {
        if (target.kind !== 'function') continue;
        const entry = { target: target.qualifiedName, call: site(call) };
        if (fn && !guarded) push(this.localCalls, fn.qualifiedName, entry);
        else if (importTime) result.importTime.local.push(entry);
        else if (guarded && !fn) result.guarded.local.push(entry);
      }
    }
  }

  private noteStart(node: SyntaxNode, fn: Scope | undefined, importTime: boolean, guarded: boolean, spawner: Spawner, text?: string): void {
    const start: LocalStart = { via: [], site: text ? { range: nodeRange(node), text } : site(node), library: spawner };
    if (fn && !guarded) {
      if (!this.direct.has(fn.qualifiedName)) this.direct.set(fn.qualifiedName, start);
    } else if (importTime && this.facts.isReportable(node)) {
      this.result.importTime.starts.push({
        code: 'SPG001',
        site: start.site,
        message: libraryStartMessage(start.site.text, spawner),
        library: true,
      });
    }
  }

  private readEffect(call: SyntaxNode, callee: SyntaxNode, qualified: string | undefined): void {
    // Only what runs on every import: a module-level simple statement (not a branch, a handler or a loop body).
    if (COMPOUND_STATEMENTS.has(moduleLevelStatement(call).type)) return;
    let effect = importSideEffect(qualified, call);
    if (!effect && callee.type === 'attribute' && BLOCKING_METHODS.has(callee.childForFieldName('attribute')?.text ?? ''))
      effect = 'blocks';
    if (!effect) {
      const outside = this.names.nameOf(callee, this.facts.values.scopeAt(call));
      if (outside && BLOCKING_NAMES.has(outside)) effect = 'blocks';
    }
    // `print(open(p).read())`: the outermost call is the one reported.
    if (effect && !insideCallWithEffect(call, this.result.importTime.effects))
      this.result.importTime.effects.push({ effect, site: site(call) });
  }

  /** `for batch in loader:` / `list(loader)`: a spawner that starts processes when its value is iterated. */
  private readIterations(): void {
    const { facts } = this;
    // Only texts that name an iterated spawner (`DataLoader`) can iterate one.
    const names = this.input.spawners.spawners
      .filter((spawner) => spawner.starts === 'iterate')
      .map((spawner) => spawner.name.split('.').pop()!);
    if (!names.some((name) => facts.text.includes(name))) return;
    const iterated: SyntaxNode[] = [];
    for (const loop of this.nodes.loops) {
      const iterable = loop?.childForFieldName('right');
      if (iterable) iterated.push(iterable);
    }
    for (const call of this.nodes.calls) {
      const callee = call.childForFieldName('function');
      if (!callee) continue;
      const qualified = facts.values.qualifiedName(callee, facts.values.scopeAt(call));
      const first = call.childForFieldName('arguments')?.namedChildren[0];
      if (qualified && ITERATING_CALLS.has(qualified) && first) iterated.push(first);
    }
    for (const expression of iterated) {
      const creation = this.creationOf(expression);
      if (!creation) continue;
      const scope = facts.values.scopeAt(creation);
      const spawner = this.input.spawners.match(
        creation,
        this.names.nameOf(creation.childForFieldName('function')!, scope),
        true,
        this.reader,
      );
      if (!spawner) continue;
      this.result.startsProcesses = true;
      const fn = this.functionAt(expression);
      const guarded = facts.guardOf(expression) !== undefined;
      const text =
        expression.parent?.type === 'argument_list' ? `${codeText(expression.parent.parent!)}` : `for … in ${codeText(expression)}`;
      this.noteStart(expression, fn, !fn && !guarded && facts.isImportTime(expression), guarded, spawner, text);
    }
  }

  /** The call that made what `expression` holds: the call itself, a name bound to one, or the first argument of a wrapping call (`enumerate(loader)`). */
  private creationOf(expression: SyntaxNode, depth = 0): SyntaxNode | undefined {
    const node = unparenthesize(expression);
    if (depth > 4) return undefined;
    if (node.type === 'call') {
      const callee = node.childForFieldName('function');
      const qualified = callee ? this.facts.values.qualifiedName(callee, this.facts.values.scopeAt(node)) : undefined;
      const first = node.childForFieldName('arguments')?.namedChildren[0];
      if (qualified && (ITERATING_CALLS.has(qualified) || qualified.startsWith('tqdm.')) && first) return this.creationOf(first, depth + 1);
      return node;
    }
    if (node.type !== 'identifier') return undefined;
    const resolution = this.facts.values.resolve(node.text, this.facts.values.scopeAt(node));
    const bindings = resolution?.bindings ?? [];
    if (bindings.length !== 1 || bindings[0].kind !== 'assignment' || !bindings[0].value) return undefined;
    return this.creationOf(bindings[0].value, depth + 1);
  }

  /** Outside attributes read in functions (`settings.SCALE`), and those assigned (`settings.SCALE = 10`). */
  private readAttributes(): void {
    const { facts, result } = this;
    for (const attribute of this.nodes.attributes) {
      const parent = attribute.parent;
      const assigned = parent?.type === 'assignment' && parent.childForFieldName('left')?.id === attribute.id;
      const called = parent?.type === 'call' && parent.childForFieldName('function')?.id === attribute.id;
      if (called) continue;
      const scope = facts.values.scopeAt(attribute);
      const target = this.names.nameOf(attribute, scope);
      if (target === undefined || target.startsWith('*')) continue;
      const fn = this.functionAt(attribute);
      if (assigned) {
        if (fn) continue;
        const guard = facts.guardOf(attribute);
        if (guard) {
          if (guard.verdict === 'correct') result.guardAssignments.push({ target, site: site(parent!) });
        } else if (facts.isImportTime(attribute)) {
          result.importTimeAssignments.add(target);
        }
      } else if (fn) {
        let reads = this.ownReads.get(fn.qualifiedName);
        if (!reads) this.ownReads.set(fn.qualifiedName, (reads = new Map()));
        if (!reads.has(target)) reads.set(target, site(attribute));
      }
    }
  }

  private readWorkers(): void {
    const { facts, result } = this;
    for (const reference of facts.events.workerReferences) {
      if (!facts.usesSpawn(reference.method) || reference.role === 'process-class') continue;
      const outside = this.names.nameOf(reference.argument, reference.scope);
      if (outside !== undefined) {
        result.workers.push({ target: outside, local: false, site: site(reference.argument) });
        continue;
      }
      const value = facts.values.valueOf(reference.argument, reference.scope);
      if (value?.kind === 'function')
        result.workers.push({ target: value.scope.qualifiedName, local: true, site: site(reference.argument) });
    }
  }

  /** Each function's start and reads, through the functions of this module it calls. */
  private closeOverLocalCalls(): void {
    const { result } = this;
    const startOf = new Map<string, LocalStart | null>();
    const visiting = new Set<string>();
    const findStart = (name: string): LocalStart | undefined => {
      const known = startOf.get(name);
      if (known !== undefined) return known ?? undefined;
      if (visiting.has(name)) return undefined;
      visiting.add(name);
      let start = this.direct.get(name);
      if (!start) {
        for (const call of this.localCalls.get(name) ?? []) {
          const inner = findStart(call.target);
          if (inner) {
            start = { ...inner, via: [call.call, ...inner.via] };
            break;
          }
        }
      }
      visiting.delete(name);
      startOf.set(name, start ?? null);
      return start;
    };
    const readsOf = (name: string, seen: Set<string>, into: Map<string, Site>) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const [target, at] of this.ownReads.get(name) ?? []) if (!into.has(target)) into.set(target, at);
      for (const call of this.localCalls.get(name) ?? []) readsOf(call.target, seen, into);
    };
    for (const fn of result.functions.values()) {
      fn.start = findStart(fn.name);
      readsOf(fn.name, new Set(), fn.reads);
      // Outside calls of the local functions it calls are followed by the project (through `local`).
    }
    for (const [name, calls] of this.localCalls) {
      const fn = result.functions.get(name);
      if (fn) fn.outside.push(...calls.map((call) => ({ target: `.${call.target}`, call: call.call })));
    }
  }

  private integerOf(node: SyntaxNode): number | undefined {
    if (node.type === 'integer') return Number(node.text.replace(/_/g, ''));
    if (node.type !== 'identifier') return undefined;
    const resolution = this.facts.values.resolve(node.text, this.facts.values.scopeAt(node));
    const bindings = resolution?.bindings ?? [];
    if (bindings.length !== 1 || !bindings[0].value) return undefined;
    const value = unparenthesize(bindings[0].value);
    return value.type === 'integer' ? Number(value.text.replace(/_/g, '')) : undefined;
  }
}

/** For an executor, the `ProcessPoolExecutor(...)` call is what readers look for (as SPG002 says). */
function startNode(facts: ModuleFacts, call: SyntaxNode): SyntaxNode {
  const start = facts.events.startSites.find((s) => s.call.id === call.id);
  return start?.kind === 'executor' ? start.creation : call;
}

function libraryStartMessage(code: string, spawner: Spawner): string {
  return `\`${code}\` starts processes at import time (${spawner.when}): under spawn every child re-imports this module, runs it again before it has finished starting and fails ("current process has finished its bootstrapping phase"). Move it under \`if __name__ == "__main__":\`.`;
}

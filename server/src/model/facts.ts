import type { SyntaxNode } from '../syntax/syntaxNode';
import { PROCESS_MODULE_WORD, type StartMethod } from './api';
import type { Binding } from './bindings';
import { CallGraph } from './callgraph';
import { findGuards, findGuardVariables, GuardJudge, type Guard } from './guards';
import { withMatchGuards } from './match-guards';
import { codeThatNeverRuns } from './type-checking';
import { once } from '../text/once';
import { scanTree, type TreeScan } from './scan';
import { collectProcessEvents, type ProcessEvents } from './processes';
import { buildScopes, SCOPE_TYPES, SCOPED_TYPES } from './scopeBuilder';
import { type Scope, type ScopeTree } from './scopes';
import { functionsOnlyTheGuardRuns } from './guard-callers';
import { ValueResolver } from './values';
import { WorkerModel } from './workers';
import { wordOccurrences } from '../text/lexical';

export type { StartMethod } from './api';
export type { Binding } from './bindings';
export type { StartChain } from './callgraph';
export type { Guard, GuardVerdict } from './guards';
export type { ForkOnlyUse, StartKind, StartMethodCall, StartSite, ThreadStart, WorkerReference, WorkerRole } from './processes';
export type { Scope, ScopeTree } from './scopes';
export type { Value } from './values';
export type { GlobalRead, WorkerTarget } from './workers';

/**
 * What the rules need to know about one module: which names are multiprocessing objects, which
 * statements run at import time, where the guard is, which functions start processes, which callables
 * are sent to children. Built once per analysis from the tree.
 */
export interface ModuleFacts {
  text: string;
  root: SyntaxNode;
  /** Every main-module guard in the file, correct or broken, in document order. */
  guards: Guard[];
  /** The module-level `if <correct guard>:` statement fixes merge into (first one), if any. */
  mainGuard: Guard | undefined;
  /** Module-level bindings by name, in document order (at import time or under a guard). */
  moduleBindings: ReadonlyMap<string, readonly Binding[]>;
  /** Module globals that some function assigns through a `global` declaration. */
  globalsAssignedInFunctions: ReadonlySet<string>;
  /** Module-level functions that only the main guard runs (directly or through each other): never in a child. */
  functionsOnlyTheGuardRuns: ReadonlySet<Scope>;
  /**
   * True when `node` runs while the module is imported, hence again in every spawned child: module level,
   * module-level compound statements, class bodies, default values and decorators, and the else branch
   * of a guard; not inside functions or lambdas, and not under a correct (or never-true) guard.
   */
  isImportTime(node: SyntaxNode): boolean;
  /** The correct or never-true guard whose region holds `node`, if any. */
  guardOf(node: SyntaxNode): Guard | undefined;
  scopes: ScopeTree;
  values: ValueResolver;
  /** Process starts, worker references, thread starts, set_start_method calls and fork-only code. */
  events: ProcessEvents;
  callGraph: CallGraph;
  workers: WorkerModel;
  /** The start method of the default context as the file sets it (`set_start_method`), else `default`. */
  defaultMethod: StartMethod;
  /** Whether children started with `method` re-import the main module and unpickle what they run. */
  usesSpawn(method: StartMethod): boolean;
  /** The file starts processes that re-import it (anywhere in the file). */
  startsProcesses: boolean;
  /**
   * False inside a broken region: report nothing there. A region is broken when it is or holds an
   * ERROR/MISSING node, when its statement holds one, when an enclosing compound statement's header is
   * broken, or when the parser recovered it at an indentation its block does not have.
   */
  isReportable(node: SyntaxNode): boolean;
}

const GUARD_TYPES = ['if_statement', 'elif_clause', 'conditional_expression'];

export function buildModuleFacts(root: SyntaxNode, text: string): ModuleFacts {
  const mayStartProcesses = PROCESS_MODULE_WORD.test(text);
  const mayHaveGuards = text.includes('__name__');
  // One scan of the tree for every node type the model needs (function bodies that hold only calls are
  // read when their calls are asked for, see scan.ts). A file that can neither start processes nor hold
  // a guard is scanned only if someone asks for its scopes.
  const wanted = [...SCOPE_TYPES, ...(mayStartProcesses ? SCOPED_TYPES : []), ...(mayHaveGuards ? GUARD_TYPES : [])];
  const scanWith = (read: TreeScan) => ({
    ...read,
    scopes: buildScopes(root, text, read.nodes, read.types, read.deferredBodies, mayStartProcesses, read.classBodies),
  });
  let scanned: ReturnType<typeof scanWith> | undefined;
  const scan = () => (scanned ??= scanWith(scanTree(root, text, wanted)));
  const scopes = () => scan().scopes;

  let guards: Guard[] = [];
  if (mayHaveGuards) {
    let variables = findGuardVariables(scopes().module.allBindings());
    // A guard variable read in a deferred body may make a guard there: read the whole tree instead.
    if (
      variables.size > 0 &&
      [...scan().deferredBodies.values()].some((body) =>
        [...variables.keys()].some((name) => wordOccurrences(text, name, body.startIndex, body.endIndex).length > 0),
      )
    ) {
      scanned = scanWith(scanTree(root, text, wanted, { whole: true }));
      variables = findGuardVariables(scopes().module.allBindings());
    }
    const { nodes, types } = scan();
    const candidates = nodes.filter((_, index) => GUARD_TYPES.includes(types[index]));
    guards = withMatchGuards(findGuards(candidates, new GuardJudge(variables), variables), root, text);
  }
  const neverRuns = codeThatNeverRuns(root, text);
  const guardOf = guardLookup(guards);
  const isImportTime = (node: SyntaxNode) => !scopes().insideFunction(node.startIndex) && !guardOf(node) && !neverRuns(node);

  const values = once(() => new ValueResolver(scopes(), text));
  const events = mayStartProcesses ? collectProcessEvents(scopes(), values(), text) : emptyEvents();
  const defaultMethod = defaultStartMethod(events);
  const usesSpawn = (method: StartMethod): boolean => {
    const effective = method === 'default' ? defaultMethod : method;
    return effective === 'default' || effective === 'spawn' || effective === 'forkserver';
  };
  const isGuarded = (node: SyntaxNode): boolean => guardOf(node) !== undefined || neverRuns(node);
  const callGraph = once(
    () => new CallGraph(values(), events.startSites, events.threadStarts, isGuarded, (site) => usesSpawn(site.method)),
  );
  const workers = once(() => new WorkerModel(scopes(), values(), guardOf, text));
  const assignedInFunctions = once(() => globalsAssignedInFunctions(scopes()));
  const onlyTheGuardRuns = once(() => functionsOnlyTheGuardRuns(scopes(), root, text, guardOf));
  const isReportable = reportableTest(root, neverRuns);

  return {
    text,
    root,
    guards,
    mainGuard: guards.find(isMergeableGuard),
    get moduleBindings() {
      return scopes().module.allBindings();
    },
    get globalsAssignedInFunctions() {
      return assignedInFunctions();
    },
    get functionsOnlyTheGuardRuns() {
      return onlyTheGuardRuns();
    },
    isImportTime,
    guardOf,
    get scopes() {
      return scopes();
    },
    get values() {
      return values();
    },
    events,
    get callGraph() {
      return callGraph();
    },
    get workers() {
      return workers();
    },
    defaultMethod,
    usesSpawn,
    startsProcesses: events.startSites.some((site) => usesSpawn(site.method)),
    isReportable,
  };
}

/** A module-level `if` whose condition is exactly "this is the main module", guarding its consequence. */
function isMergeableGuard(guard: Guard): boolean {
  return (
    guard.form !== 'early-return' &&
    guard.form !== 'conditional-expression' &&
    guard.verdict === 'correct' &&
    guard.exact &&
    guard.node.type === 'if_statement' &&
    guard.node.parent?.type === 'module' &&
    guard.body !== null &&
    guard.body.id === guard.node.childForFieldName('consequence')?.id
  );
}

interface GuardRegion {
  start: number;
  end: number;
  guard: Guard;
}

/** The innermost correct or never-true guard whose region holds a node. */
function guardLookup(guards: readonly Guard[]): (node: SyntaxNode) => Guard | undefined {
  const regions = guardRegions(guards);
  return (node) => {
    const offset = node.startIndex;
    let found: GuardRegion | undefined;
    for (const region of regions)
      if (region.start <= offset && offset < region.end && (!found || region.start >= found.start)) found = region;
    return found?.guard;
  };
}

/** Offset ranges whose code does not run on import: the regions of correct guards, and of never-true ones. */
function guardRegions(guards: readonly Guard[]): GuardRegion[] {
  const regions: GuardRegion[] = [];
  for (const guard of guards) {
    if (guard.verdict !== 'correct' && guard.verdict !== 'never') continue;
    for (const node of guard.guarded) regions.push({ start: node.startIndex, end: Math.max(node.endIndex, node.startIndex + 1), guard });
  }
  return regions;
}

function emptyEvents(): ProcessEvents {
  return { startSites: [], workerReferences: [], threadStarts: [], startMethodCalls: [], forkOnlyUses: [] };
}

/**
 * `set_start_method("fork")` anywhere makes the default context fork (children then neither re-import
 * the script nor unpickle targets by name); a different literal method makes it that one.
 */
function defaultStartMethod(events: ProcessEvents): StartMethod {
  const methods = new Set(events.startMethodCalls.map((call) => call.method));
  if (methods.has('fork')) return 'fork';
  if (methods.size === 1) {
    const [method] = methods;
    if (method === 'spawn' || method === 'forkserver') return method;
  }
  return 'default';
}

function globalsAssignedInFunctions(tree: ScopeTree): Set<string> {
  const names = new Set<string>();
  for (const scope of tree.scopes) {
    for (const name of scope.globals) if (scope.bindingsOf(name).length > 0) names.add(name);
  }
  return names;
}

/** Whether a finding at a node is trustworthy: code that runs, and (in a tree with syntax errors) see `reportableIn`. */
function reportableTest(root: SyntaxNode, neverRuns: (node: SyntaxNode) => boolean): (node: SyntaxNode) => boolean {
  const reportable = root.hasError ? reportableIn(root) : undefined;
  return (node) => !neverRuns(node) && (!reportable || reportable(node));
}

/**
 * Whether a finding at a node is trustworthy in a tree with syntax errors. Not when the node has an
 * error or lies in an ERROR node; nor when the statement holding it has an error; nor when an enclosing
 * compound statement's header is broken (a half-typed `if __name__ == "__ma` leaves its body looking like
 * import-time code); nor when a statement on the way down is not indented like its block (the parser
 * recovered code whose real block is unknown). Statements are found by walking down from the module:
 * walking up from the node would cost a search from the root at every step.
 */
function reportableIn(root: SyntaxNode): (node: SyntaxNode) => boolean {
  const errors = once(() =>
    root
      .descendantsOfType('ERROR')
      .filter((error): error is SyntaxNode => error !== null)
      .map((error) => ({ start: error.startIndex, end: error.endIndex })),
  );
  return (node) => {
    if (node.hasError) return false;
    const offset = node.startIndex;
    if (errors().some((error) => error.start <= offset && offset < error.end)) return false;
    let block = root;
    for (;;) {
      const statement = block.firstNamedChildForIndex(offset);
      if (!statement || statement.startIndex > offset) return true;
      const first = block === root ? undefined : block.namedChildren.find((child) => child !== null && child.type !== 'comment');
      if (statement.startPosition.column !== (first ? first.startPosition.column : 0)) return false;
      const inner = innerBlock(statement, offset);
      if (inner === 'broken-header') return false;
      if (!inner) return !statement.hasError;
      block = inner;
    }
  };
}

/**
 * The block of a compound statement (directly, in one of its clauses, or in the definition of a
 * decorated one) that holds `offset`; `broken-header` when the header before that block has an error;
 * undefined when `offset` is in the statement's own code.
 */
function innerBlock(statement: SyntaxNode, offset: number): SyntaxNode | 'broken-header' | undefined {
  let headerBroken = false;
  for (const child of statement.namedChildren) {
    if (!child) continue;
    const type = child.type;
    const holds = child.startIndex <= offset && offset < child.endIndex;
    const nested = type === 'block' || type.endsWith('_clause') || type === 'function_definition' || type === 'class_definition';
    if (!holds) {
      if (!nested && child.hasError) headerBroken = true;
      continue;
    }
    if (!nested) return undefined;
    const found = type === 'block' ? child : innerBlock(child, offset);
    return found && headerBroken ? 'broken-header' : found;
  }
  return undefined;
}

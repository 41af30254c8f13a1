import type { SyntaxNode } from '../syntax/syntaxNode';
import { EXECUTOR_WORKER_METHODS, POOL_WORKER_METHODS, type StartMethod } from './api';
import type { Scope, ScopeTree } from './scopes';
import { argumentAt, unparenthesize, type CallArguments } from '../syntax/queries';
import type { Value, ValueResolver } from './values';
import { isAsciiWordCode, isDigit, skipBlanksBack } from '../text/lexical';

export type StartKind = 'pool' | 'process' | 'manager' | 'executor' | 'joblib';

/** A call that starts child processes. */
export interface StartSite {
  /** The call that starts them: `Pool(...)`, `p.start()`, `Manager()`, `ex.submit(...)`, `Parallel(...)(...)`. */
  call: SyntaxNode;
  /**
   * The call that creates the object whose use starts the processes, when known: for an executor the
   * `ProcessPoolExecutor(...)` call (processes start at the first submit), else the start call itself.
   */
  creation: SyntaxNode;
  kind: StartKind;
  method: StartMethod;
  scope: Scope;
}

export type WorkerRole = 'target' | 'pool-function' | 'executor-function' | 'initializer' | 'process-class';

/** A callable (or Process subclass) that a child process must unpickle: it is found by module and qualified name. */
export interface WorkerReference {
  /** The expression naming the worker: the argument, or the class in `W(...)` for a Process subclass. */
  argument: SyntaxNode;
  role: WorkerRole;
  /** The call that hands it over. */
  call: SyntaxNode;
  method: StartMethod;
  scope: Scope;
}

/** A thread started with a target, which runs in this process: a target that starts processes starts them here. */
export interface ThreadStart {
  /** The `.start()` call. */
  call: SyntaxNode;
  target: SyntaxNode;
  scope: Scope;
}

/** A `set_start_method(...)` call. */
export interface StartMethodCall {
  call: SyntaxNode;
  /** The method named by a literal (or a name bound to one). */
  method: string | undefined;
  force: boolean;
  scope: Scope;
}

/** Code that forces the fork start method, or spawn where fork is the default. */
export interface ForkOnlyUse {
  call: SyntaxNode;
  reason: 'fork-context' | 'set-fork' | 'max-tasks-per-child';
}

export interface ProcessEvents {
  startSites: StartSite[];
  workerReferences: WorkerReference[];
  threadStarts: ThreadStart[];
  startMethodCalls: StartMethodCall[];
  forkOnlyUses: ForkOnlyUse[];
}

/**
 * Classifies the calls of the module: what starts processes, what is sent to children. Only calls whose
 * callee could be one of those are resolved (see `CalleeFilter`).
 */
export function collectProcessEvents(tree: ScopeTree, resolver: ValueResolver, text: string): ProcessEvents {
  const events: ProcessEvents = { startSites: [], workerReferences: [], threadStarts: [], startMethodCalls: [], forkOnlyUses: [] };
  const filter = new CalleeFilter(tree, text);
  const visit = (scope: Scope) => {
    // A body whose calls were not read yet: the text shows where the calls that may matter start, and
    // only those are looked up in the tree (when the text cannot tell, all calls are read).
    if (scope.hasUnreadCalls && scope.body) {
      const located = locateCalls(scope.body, filter.callsThatMayMatter(scope.bodyStart, scope.bodyEnd), resolver);
      if (located) {
        for (const call of located) if (filter.mayMatter(call)) classifyCall(call, scope, resolver, events);
        return;
      }
    }
    const calls = scope.calls;
    for (let i = 0; i < calls.length; i++) {
      // `A(x).m(y)` and its inner `A(x)` start at the same offset (outer first): the text tells nothing of the outer callee.
      const calleeIsCall = calls[i + 1]?.startIndex === calls[i].startIndex;
      if (calleeIsCall || filter.mayMatter(calls[i])) classifyCall(calls[i], scope, resolver, events);
    }
  };
  visit(tree.module);
  for (const scope of tree.scopes) visit(scope);
  return events;
}

/** Names of the API objects that start processes, hand over workers or set the start method. */
const API_NAMES = new Set([
  'Pool',
  'Process',
  'SpawnProcess',
  'ForkProcess',
  'ForkServerProcess',
  'BaseProcess',
  'Manager',
  'SyncManager',
  'BaseManager',
  'ProcessPoolExecutor',
  'get_context',
  'set_start_method',
  'Thread',
  'Parallel',
]);

/** Methods of those objects that start processes or hand over workers. */
const METHOD_NAMES = new Set(['start', 'submit', 'run_in_executor', ...POOL_WORKER_METHODS, ...EXECUTOR_WORKER_METHODS]);

/** Modules whose names an import can alias to an API object. */
const API_MODULES = /^(multiprocessing|concurrent|joblib|threading)(\.|$)/;

/** `a.b.c(` at the start of a call: the callee is a dotted name; its last part is captured. */
const DOTTED_CALLEE =
  /(?:[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*[ \t]*\.[ \t]*)*([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)[ \t]*\(/uy;

/**
 * Decides from the source text, without resolving anything, whether a call may start processes or hand
 * over a worker: `x.m(…)` must call an API name or one of its methods; a plain `f(…)` must name an API
 * object, an import alias of one, a module-level alias, or a local class that may derive from one.
 * Callees that are not dotted names are always resolved, string methods never. The one thing it gives
 * up is a function-local alias of an API class (`P = mp.Pool` inside a function, then `P()`).
 */
class CalleeFilter {
  /** Plain names that may refer to an API object. */
  private readonly callables = new Set(API_NAMES);

  /** Whether a plain name may refer to an API object. */
  isCallable(name: string): boolean {
    return this.callables.has(name);
  }

  constructor(
    tree: ScopeTree,
    private readonly text: string,
  ) {
    for (const [local, qualified] of tree.importedNames) if (API_MODULES.test(qualified)) this.callables.add(local);
    // Module-level aliases (`P = mp.Pool`) and `with … as` names.
    // forEach and a loop: every module-level name at every analysis, without an entry or a closure each.
    tree.module.allBindings().forEach((bindings, name) => {
      for (const binding of bindings) {
        if (binding.kind === 'with' || (binding.kind === 'assignment' && binding.value && isNameExpression(binding.value))) {
          this.callables.add(name);
          return;
        }
      }
    });
    // Local classes whose bases may be API classes (or such local classes): `class W(mp.Process)`.
    for (const scope of tree.scopes) {
      if (scope.kind !== 'class') continue;
      const basesText = scope.basesText;
      if (basesText === undefined) continue;
      if (
        /Process|Pool|Manager|Executor/.test(basesText) ||
        [...this.callables].some((name) => !API_NAMES.has(name) && basesText.includes(name))
      ) {
        this.callables.add(scope.name);
      }
    }
  }

  /**
   * Where the calls in text[start, end) that may pass `mayMatter` can be, judged from each `(` there:
   * its callee, read backwards, is a dotted name of plain ASCII identifiers on one line, preceded by
   * neither `.` nor an identifier part. Then a call whose arguments open there starts at that dotted
   * name, and `mayMatter` reads the same name there: it may matter only if that name's last part is an
   * API or method name (a candidate). A `(` after an operator or opening bracket opens no argument
   * list. For any other `(` (`f(x)(y)`, `a[0](y)`, `"".join(`) the text cannot tell: undefined.
   */
  callsThatMayMatter(start: number, end: number): CallCandidate[] | undefined {
    const text = this.text;
    const candidates: CallCandidate[] = [];
    for (let open = text.indexOf('(', start); open >= 0 && open < end; open = text.indexOf('(', open + 1)) {
      let index = skipBlanksBack(text, open - 1);
      const before = text.charCodeAt(index);
      if (!isAsciiWordCode(before)) {
        if (NO_CALLEE_BEFORE.has(text[index])) continue;
        return undefined;
      }
      let last: string | undefined;
      let mayMatter = false;
      for (;;) {
        const nameEnd = index + 1;
        while (isAsciiWordCode(text.charCodeAt(index))) index--;
        const name = text.slice(index + 1, nameEnd);
        // A non-ASCII letter may continue the identifier; a leading digit is no identifier.
        if (text.charCodeAt(index) > 127 || isDigit(name.charCodeAt(0))) return undefined;
        last ??= name;
        const nameStart = index + 1;
        index = skipBlanksBack(text, index);
        if (text[index] !== '.') {
          if (mayMatter || this.isCallable(last)) candidates.push({ start: nameStart, open });
          break;
        }
        index = skipBlanksBack(text, index - 1);
        if (!isAsciiWordCode(text.charCodeAt(index))) return undefined;
        // A dotted callee: `mayMatter` asks for an API or method name.
        if (API_NAMES.has(last) || METHOD_NAMES.has(last)) mayMatter = true;
      }
    }
    return candidates;
  }

  mayMatter(call: SyntaxNode): boolean {
    const start = call.startIndex;
    const first = this.text.charCodeAt(start);
    // "…".join(…), f"…".format(…): string methods never start processes.
    if (first === 34 /* " */ || first === 39 /* ' */) return false;
    DOTTED_CALLEE.lastIndex = start;
    const match = DOTTED_CALLEE.exec(this.text);
    if (!match) return true;
    const name = match[1];
    return match[0].includes('.') ? API_NAMES.has(name) || METHOD_NAMES.has(name) : this.isCallable(name);
  }
}

/** Where a call may start, and the `(` of its arguments. */
interface CallCandidate {
  start: number;
  open: number;
}

/**
 * The calls at the candidates, in document order; undefined when some candidate is not a call starting
 * there with its arguments at the `(` (a `(` in a string or comment), or two start together: then the
 * caller reads all calls.
 */
function locateCalls(
  body: SyntaxNode,
  candidates: readonly CallCandidate[] | undefined,
  resolver: ValueResolver,
): SyntaxNode[] | undefined {
  if (!candidates) return undefined;
  const calls: SyntaxNode[] = [];
  const sorted = [...candidates].sort((a, b) => a.start - b.start);
  for (let i = 0; i < sorted.length; i++) {
    const { start, open } = sorted[i];
    if (sorted[i + 1]?.start === start) return undefined;
    // The smallest node spanning the callee's start and the `(`: the call itself, if there is one.
    const node = body.descendantForIndex(start, open + 1);
    if (node?.type !== 'call' || node.startIndex !== start) return undefined;
    const list = node.childForFieldName('arguments');
    if (list?.startIndex !== open) return undefined;
    // Handed on so that reading the arguments later does not look the list up again.
    resolver.noteArgumentList(node, list);
    calls.push(node);
  }
  return calls;
}

/** Characters after which a `(` cannot open an argument list (operators, separators, opening brackets). */
const NO_CALLEE_BEFORE = new Set(['=', ',', '(', '[', '{', ':', '+', '-', '*', '/', '%', '<', '>', '!', '&', '|', '^', '~', ';']);

function isNameExpression(node: SyntaxNode): boolean {
  const type = node.type;
  return type === 'identifier' || type === 'attribute';
}

function classifyCall(call: SyntaxNode, scope: Scope, resolver: ValueResolver, events: ProcessEvents): void {
  const callee = call.childForFieldName('function');
  if (!callee) return;
  // Each `.type` is a call into the wasm module: read once, handed to valueOf.
  const calleeType = callee.type;
  const target = resolver.valueOf(callee, scope, calleeType);
  if (target) classifyByCallee(call, target, scope, resolver, events);
  if (calleeType === 'attribute') classifyMethodCall(call, callee, scope, resolver, events);
}

function classifyByCallee(call: SyntaxNode, target: Value, scope: Scope, resolver: ValueResolver, events: ProcessEvents): void {
  if (target.kind === 'class' && target.base?.api === 'Pool') {
    events.startSites.push({ call, creation: call, kind: 'pool', method: target.base.method, scope });
    return;
  }
  if (target.kind === 'class' && target.base?.api === 'Process') {
    const args = resolver.argumentsOf(call);
    const method = target.base.method;
    events.workerReferences.push({ argument: call.childForFieldName('function')!, role: 'process-class', call, method, scope });
    const explicitTarget = args.keywords.get('target');
    if (explicitTarget) events.workerReferences.push({ argument: explicitTarget, role: 'target', call, method, scope });
    return;
  }
  if (target.kind === 'instance' && target.api === 'Parallel') {
    // Calling a Parallel object runs the jobs.
    if (joblibUsesMultiprocessing(target.creation, scope, resolver)) {
      events.startSites.push({ call, creation: target.creation, kind: 'joblib', method: 'default', scope });
    }
    return;
  }
  if (target.kind !== 'api') return;
  const args = resolver.argumentsOf(call);
  switch (target.api) {
    case 'Pool': {
      const method = instanceMethod(call, resolver, scope);
      events.startSites.push({ call, creation: call, kind: 'pool', method, scope });
      pushWorker(events, argumentAt(args, 1, 'initializer'), 'initializer', call, method, scope);
      break;
    }
    case 'Manager':
      events.startSites.push({ call, creation: call, kind: 'manager', method: target.method, scope });
      break;
    case 'ManagerClass':
      // `with SyncManager() as m:` starts the server process on entering.
      if (isEnteredByWith(call)) events.startSites.push({ call, creation: call, kind: 'manager', method: target.method, scope });
      break;
    case 'Process':
      pushWorker(events, argumentAt(args, 1, 'target'), 'target', call, target.method, scope);
      break;
    case 'ProcessPoolExecutor': {
      const method = instanceMethod(call, resolver, scope);
      pushWorker(events, argumentAt(args, 2, 'initializer'), 'initializer', call, method, scope);
      if (args.keywords.has('max_tasks_per_child') && !argumentAt(args, 1, 'mp_context')) {
        events.forkOnlyUses.push({ call, reason: 'max-tasks-per-child' });
      }
      // The processes start at the first submit/map; a `with` block alone starts none.
      break;
    }
    case 'get_context': {
      const method = argumentAt(args, 0, 'method');
      if (method && resolver.stringOf(method, scope) === 'fork') events.forkOnlyUses.push({ call, reason: 'fork-context' });
      break;
    }
    case 'set_start_method': {
      const methodArgument = argumentAt(args, 0, 'method');
      const method = methodArgument ? resolver.stringOf(methodArgument, scope) : undefined;
      const force = args.keywords.get('force') ?? args.positional[1];
      events.startMethodCalls.push({ call, method, force: force !== undefined && force.type !== 'false' && force.type !== 'none', scope });
      if (method === 'fork') events.forkOnlyUses.push({ call, reason: 'set-fork' });
      break;
    }
    default:
      break;
  }
}

/** Calls of methods on instances: `p.start()`, `pool.map(f, …)`, `ex.submit(f, …)`, `loop.run_in_executor(ex, f)`. */
function classifyMethodCall(call: SyntaxNode, callee: SyntaxNode, scope: Scope, resolver: ValueResolver, events: ProcessEvents): void {
  const { object, attribute: method } = resolver.attributeParts(callee);
  if (!object || !method) return;
  if (method === 'run_in_executor') {
    const args = resolver.argumentsOf(call);
    const executorArgument = args.positional[0];
    const executor = executorArgument ? resolver.valueOf(executorArgument, scope) : undefined;
    if (executor?.kind === 'instance' && executor.api === 'ProcessPoolExecutor') {
      events.startSites.push({ call, creation: executor.creation, kind: 'executor', method: executor.method, scope });
      pushWorker(events, args.positional[1], 'executor-function', call, executor.method, scope);
    }
    return;
  }
  const instance = resolver.valueOf(object, scope);
  if (instance?.kind !== 'instance') return;
  const args = resolver.argumentsOf(call);
  switch (instance.api) {
    case 'Process':
      if (method === 'start')
        events.startSites.push({ call, creation: instance.creation, kind: 'process', method: instance.method, scope });
      break;
    case 'ManagerClass':
      if (method === 'start')
        events.startSites.push({ call, creation: instance.creation, kind: 'manager', method: instance.method, scope });
      break;
    case 'Pool':
      if (POOL_WORKER_METHODS.has(method)) pushWorker(events, argumentAt(args, 0, 'func'), 'pool-function', call, instance.method, scope);
      break;
    case 'ProcessPoolExecutor':
      if (EXECUTOR_WORKER_METHODS.has(method)) {
        events.startSites.push({ call, creation: instance.creation, kind: 'executor', method: instance.method, scope });
        pushWorker(events, argumentAt(args, 0, 'fn'), 'executor-function', call, instance.method, scope);
      }
      break;
    case 'Thread':
      if (method === 'start') {
        const target = argumentAt(resolver.argumentsOf(instance.creation), 1, 'target');
        if (target) events.threadStarts.push({ call, target, scope });
      }
      break;
    default:
      break;
  }
}

function pushWorker(
  events: ProcessEvents,
  argument: SyntaxNode | undefined,
  role: WorkerRole,
  call: SyntaxNode,
  method: StartMethod,
  scope: Scope,
): void {
  if (argument && argument.type !== 'none') events.workerReferences.push({ argument, role, call, method, scope });
}

function instanceMethod(call: SyntaxNode, resolver: ValueResolver, scope: Scope): StartMethod {
  const value = resolver.valueOf(call, scope);
  return value?.kind === 'instance' ? value.method : 'unknown';
}

function isEnteredByWith(call: SyntaxNode): boolean {
  const parent = call.parent;
  if (parent?.type === 'with_item') return true;
  return parent?.type === 'as_pattern' && parent.parent?.type === 'with_item';
}

/** joblib runs jobs in multiprocessing workers (pickled by reference) only with backend="multiprocessing". */
function joblibUsesMultiprocessing(creation: SyntaxNode, scope: Scope, resolver: ValueResolver): boolean {
  const args: CallArguments = resolver.argumentsOf(creation);
  const backend = args.keywords.get('backend') ?? args.positional[1];
  return backend !== undefined && resolver.stringOf(unparenthesize(backend), scope) === 'multiprocessing';
}

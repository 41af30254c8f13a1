import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts, Scope } from '../model/facts';
import { syntaxChildren, unparenthesize } from '../syntax/queries';

/** Why a value cannot reach a spawned child. */
export type UnpicklableKind =
  | 'generator'
  | 'open-file'
  | 'thread-lock'
  | 'lambda'
  | 'local-function'
  | 'guard-function'
  | 'local-class'
  | 'guard-class'
  | 'local-class-instance'
  | 'guard-class-instance'
  | 'bound-method';

export interface Unpicklable {
  kind: UnpicklableKind;
  /** The expression that makes the value (a generator expression, `open(…)`, the nested `def`, …). */
  origin: SyntaxNode;
  /** What it is, for messages: `a generator`, `an open file`, `` a `threading.Lock` ``, … */
  what: string;
  /** The function of this file that returned it (a closure a factory makes: `make_worker(3)`). */
  factory?: string;
}

const THREAD_LOCKS = new Set(
  ['Lock', 'RLock', 'Condition', 'Event', 'Semaphore', 'BoundedSemaphore', 'Barrier'].map((name) => `threading.${name}`),
);
const OPENERS = new Set(['builtins.open', 'io.open', 'codecs.open']);
const NAMED_TUPLES = new Set(['collections.namedtuple', 'typing.NamedTuple']);
/** How far values are followed through names and returns. */
const MAX_DEPTH = 4;

/**
 * What makes the value of `expression` unpicklable (or unloadable in a spawned child), following plain
 * assignments made once in the same scope and the returns of functions of this file; undefined when the
 * value pickles or the file does not show what it is.
 */
export function unpicklableValue(facts: ModuleFacts, expression: SyntaxNode, scope: Scope, depth = 0): Unpicklable | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unparenthesize(expression);
  switch (node.type) {
    case 'generator_expression':
      return { kind: 'generator', origin: node, what: 'a generator' };
    case 'lambda':
      return { kind: 'lambda', origin: node, what: 'a lambda' };
    case 'identifier':
      return nameValue(facts, node, scope, depth);
    case 'call':
      return callValue(facts, node, scope, depth);
    case 'attribute': {
      // A bound method pickles its instance: one of a class the child does not have fails.
      const object = node.childForFieldName('object');
      const owner = object ? unpicklableValue(facts, object, scope, depth + 1) : undefined;
      if (!owner || !['local-class-instance', 'guard-class-instance', 'local-class', 'guard-class'].includes(owner.kind)) return undefined;
      return { kind: 'bound-method', origin: owner.origin, what: `a bound method of ${owner.what}` };
    }
    default:
      return undefined;
  }
}

function nameValue(facts: ModuleFacts, identifier: SyntaxNode, scope: Scope, depth: number): Unpicklable | undefined {
  const resolution = facts.values.resolve(identifier.text, scope);
  if (!resolution || resolution.parameter || resolution.bindings.length !== 1) return undefined;
  const [binding] = resolution.bindings;
  const holder = resolution.scope;
  const inGuard = holder.kind === 'module' && facts.guardOf(binding.statement)?.verdict === 'correct';
  const local = holder.kind === 'function' || holder.kind === 'lambda';
  const name = identifier.text;
  if (binding.kind === 'def') {
    if (local) return { kind: 'local-function', origin: binding.statement, what: `the nested function \`${name}\`` };
    return inGuard ? { kind: 'guard-function', origin: binding.statement, what: `\`${name}\`, defined inside the guard` } : undefined;
  }
  if (binding.kind === 'class' || (binding.kind === 'assignment' && binding.value && isNamedTuple(facts, binding.value, holder))) {
    if (local) return { kind: 'local-class', origin: binding.statement, what: `the class \`${name}\`, defined inside a function` };
    return inGuard
      ? { kind: 'guard-class', origin: binding.statement, what: `the class \`${name}\`, defined inside the guard` }
      : undefined;
  }
  if (binding.kind === 'with' && binding.entered) return unpicklableValue(facts, binding.entered, holder, depth + 1);
  if (binding.kind === 'assignment' && binding.value) return unpicklableValue(facts, binding.value, holder, depth + 1);
  return undefined;
}

function callValue(facts: ModuleFacts, call: SyntaxNode, scope: Scope, depth: number): Unpicklable | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  const qualified = facts.values.qualifiedName(callee, scope);
  if (qualified && OPENERS.has(qualified)) return { kind: 'open-file', origin: call, what: 'an open file' };
  if (qualified && THREAD_LOCKS.has(qualified)) return { kind: 'thread-lock', origin: call, what: `a \`${qualified}\`` };
  if (qualified === 'functools.partial') {
    const wrapped = facts.values.argumentsOf(call).positional[0];
    const inner = wrapped ? unpicklableValue(facts, wrapped, scope, depth + 1) : undefined;
    return inner && ['lambda', 'local-function', 'guard-function'].includes(inner.kind)
      ? { kind: inner.kind, origin: inner.origin, what: `a partial of ${inner.what}` }
      : undefined;
  }
  // A class of this file the child cannot load: its instances cannot be unpickled there.
  const made = unpicklableValue(facts, callee, scope, depth + 1);
  if (made?.kind === 'local-class' || made?.kind === 'guard-class') {
    return {
      kind: made.kind === 'local-class' ? 'local-class-instance' : 'guard-class-instance',
      origin: made.origin,
      what: `an instance of ${made.what}`,
    };
  }
  const value = facts.values.valueOf(callee, scope);
  if (value?.kind !== 'function' || !value.scope.body) return undefined;
  const fn = value.scope;
  if (ownNodes(facts, fn, 'yield').length > 0) return { kind: 'generator', origin: call, what: `a generator (\`${fn.name}\` yields)` };
  // A factory: what every return statement gives.
  const returns = ownNodes(facts, fn, 'return_statement');
  let first: Unpicklable | undefined;
  for (const statement of returns) {
    const returned = syntaxChildren(statement)[0];
    const found = returned ? unpicklableValue(facts, returned, fn, depth + 1) : undefined;
    if (!found) return undefined;
    first ??= found;
  }
  if (first?.kind === 'local-function' || first?.kind === 'lambda')
    return { ...first, what: `a closure returned by \`${fn.name}\` (${first.what})`, factory: fn.name };
  return first;
}

function isNamedTuple(facts: ModuleFacts, value: SyntaxNode, scope: Scope): boolean {
  const node = unparenthesize(value);
  const callee = node.type === 'call' ? node.childForFieldName('function') : null;
  const qualified = callee ? facts.values.qualifiedName(callee, scope) : undefined;
  return qualified !== undefined && NAMED_TUPLES.has(qualified);
}

/** The nodes of a type in a function's own body (not in functions or lambdas nested in it). */
function ownNodes(facts: ModuleFacts, fn: Scope, type: string): SyntaxNode[] {
  return (fn.body?.descendantsOfType(type) ?? []).filter((node): node is SyntaxNode => node !== null && facts.values.scopeAt(node) === fn);
}

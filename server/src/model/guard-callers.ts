import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Guard } from './guards';
import { resolveName, type Scope, type ScopeTree } from './scopes';
import { wordOccurrences } from '../text/lexical';

/**
 * The module-level functions that only the main guard runs: every use of the name in the file is a
 * direct call, made under a guard or from another such function, and some call is made under a correct
 * guard. A spawned child never runs them (it re-imports the module without the guard), so what they
 * assign through `global` exists only in the parent. A function used any other way (passed as a
 * worker, initializer, callback or decorator target, called at import time or from a class) may run in
 * a child and is not among them; so is a decorated one.
 */
export function functionsOnlyTheGuardRuns(
  tree: ScopeTree,
  root: SyntaxNode,
  text: string,
  guardOf: (node: SyntaxNode) => Guard | undefined,
): Set<Scope> {
  const module = tree.module;
  const candidates = new Set<Scope>();
  const callersOf = new Map<Scope, Scope[]>();
  const calledByGuard = new Set<Scope>();
  for (const fn of tree.scopes) {
    if (fn.kind !== 'function' || fn.parent !== module || fn.decorated || (module.allBindings().get(fn.name)?.length ?? 0) !== 1) continue;
    const callers = callersIn(fn, tree, root, text, guardOf);
    if (!callers) continue;
    candidates.add(fn);
    callersOf.set(fn, callers.functions);
    if (callers.guarded) calledByGuard.add(fn);
  }
  // Drop functions called from functions that are not themselves run only by the guard, until none is.
  for (let changed = true; changed;) {
    changed = false;
    for (const fn of candidates) {
      if (callersOf.get(fn)!.every((caller) => candidates.has(caller))) continue;
      candidates.delete(fn);
      changed = true;
    }
  }
  // Of those, the ones the guard reaches (a function nobody calls is not run by the guard either).
  const result = new Set<Scope>();
  const visit = (fn: Scope) => {
    if (result.has(fn) || !candidates.has(fn)) return;
    result.add(fn);
    for (const [callee, callers] of callersOf) if (callers.includes(fn)) visit(callee);
  };
  for (const fn of calledByGuard) visit(fn);
  return result;
}

/**
 * The functions whose bodies call `fn` by name, and whether a guard does; undefined when the name is
 * used in any other way (or called from anywhere else).
 */
function callersIn(
  fn: Scope,
  tree: ScopeTree,
  root: SyntaxNode,
  text: string,
  guardOf: (node: SyntaxNode) => Guard | undefined,
): { functions: Scope[]; guarded: boolean } | undefined {
  const name = fn.name;
  const nameNode = fn.node.childForFieldName('name');
  const functions: Scope[] = [];
  let guarded = false;
  for (const offset of wordOccurrences(text, name, 0, text.length)) {
    if (offset === nameNode?.startIndex) continue;
    const identifier = root.descendantForIndex(offset, offset + name.length);
    // Strings and comments that mention the name are not uses.
    if (identifier?.type !== 'identifier' || identifier.startIndex !== offset) continue;
    const parent = identifier.parent;
    // `args.main`, `f(main=1)`: another object's attribute, a parameter's name.
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === identifier.id) continue;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === identifier.id) continue;
    const scope = tree.scopeAt(offset);
    if (resolveName(name, scope, tree.module)?.scope !== tree.module) continue;
    const call = parent;
    if (call?.type !== 'call' || call.childForFieldName('function')?.id !== identifier.id) return undefined;
    const guard = guardOf(call);
    if (guard) guarded ||= guard.verdict === 'correct';
    else if (scope.kind === 'function' && scope.parent === tree.module) functions.push(scope);
    else return undefined;
  }
  return { functions, guarded };
}

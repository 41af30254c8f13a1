import type { Node } from 'web-tree-sitter';
import { collectScopeBindings, targetNames, type Binding } from './bindings';
import { statementsOf, syntaxChildren } from './syntax';

export type ScopeKind = 'module' | 'class' | 'function' | 'lambda';

/**
 * A Python scope: the module, a class body, a function or a lambda. Bindings are collected from the
 * scope's own statements (nested function and class bodies are scopes of their own).
 */
export class Scope {
  readonly bindings = new Map<string, Binding[]>();
  readonly params = new Map<string, Node>();
  readonly globals = new Set<string>();
  readonly nonlocals = new Set<string>();
  /** Calls whose code belongs to this scope (not to a nested function, class or lambda). */
  readonly calls: Node[] = [];
  /** Values appended to a list bound in this scope (`procs.append(Process(...))`), by list name. */
  readonly appended = new Map<string, Node[]>();
  readonly children: Scope[] = [];
  /** Modules imported with `from module import *` in this scope. */
  readonly wildcardImports: string[] = [];

  constructor(
    readonly kind: ScopeKind,
    /** module, class_definition, function_definition or lambda. */
    readonly node: Node,
    /** The block (or lambda body) whose code runs in this scope. */
    readonly body: Node | null,
    readonly parent: Scope | undefined,
    /** Function or class name; `<lambda>`, `<module>`. */
    readonly name: string,
  ) {
    parent?.children.push(this);
  }

  /** `Outer.method`, `f.<locals>.g`: Python's `__qualname__`. */
  get qualifiedName(): string {
    const parts: string[] = [];
    for (let scope: Scope | undefined = this; scope && scope.kind !== 'module'; scope = scope.parent) {
      parts.push(scope.parent && (scope.parent.kind === 'function' || scope.parent.kind === 'lambda') ? `<locals>.${scope.name}` : scope.name);
    }
    return parts.reverse().join('.');
  }

  /** The class a method belongs to (this scope is a function directly in a class body). */
  get enclosingClass(): Scope | undefined {
    return this.kind === 'function' && this.parent?.kind === 'class' ? this.parent : undefined;
  }

  get isAsync(): boolean {
    return this.kind === 'function' && this.node.child(0)?.type === 'async';
  }

  /** True when code in `node` runs in this scope (inside its body). */
  holds(node: Node): boolean {
    if (this.kind === 'module') return true;
    return this.body !== null && this.body.startIndex <= node.startIndex && node.endIndex <= this.body.endIndex;
  }

  addBinding(binding: Binding): void {
    const list = this.bindings.get(binding.name);
    if (list) list.push(binding);
    else this.bindings.set(binding.name, [binding]);
  }

  /** Whether `name` is local here (parameter or bound, and not declared global/nonlocal). */
  isLocal(name: string): boolean {
    if (this.globals.has(name) || this.nonlocals.has(name)) return false;
    return this.params.has(name) || this.bindings.has(name);
  }
}

/** Where a name used in some scope is bound, following Python's rules (class bodies are skipped from nested scopes). */
export interface NameResolution {
  scope: Scope;
  bindings: readonly Binding[];
  /** Set when the name is a parameter of `scope`. */
  parameter?: Node;
}

export function resolveName(name: string, from: Scope, module: Scope): NameResolution | undefined {
  let scope: Scope | undefined = from;
  let first = true;
  while (scope) {
    if (scope.kind === 'module' || scope.globals.has(name)) {
      const bindings = module.bindings.get(name);
      return bindings ? { scope: module, bindings } : undefined;
    }
    // A class body's names are visible to its own statements, not to functions nested in it.
    if ((scope.kind !== 'class' || first) && scope.isLocal(name)) {
      return { scope, bindings: scope.bindings.get(name) ?? [], parameter: scope.params.get(name) };
    }
    first = false;
    scope = scope.parent;
  }
  return undefined;
}

/** The scope tree of a module and every call, with the scope each call runs in. */
export interface ScopeTree {
  module: Scope;
  /** All function, class and lambda scopes, in document order. */
  scopes: Scope[];
  /** The scope of a function_definition / class_definition / lambda node, by node id. */
  byNode: Map<number, Scope>;
  /** Scope by call node id. */
  scopeOfCall: Map<number, Scope>;
}

const SCANNED = ['function_definition', 'class_definition', 'lambda', 'call', 'global_statement', 'nonlocal_statement', 'named_expression'];

/**
 * Builds the scope tree with one native scan for the interesting nodes (returned in document order) and
 * one walk over each scope's statements for its bindings.
 */
export function buildScopes(root: Node): ScopeTree {
  const module = new Scope('module', root, root, undefined, '<module>');
  const scopes: Scope[] = [];
  const byNode = new Map<number, Scope>();
  const scopeOfCall = new Map<number, Scope>();
  collectScopeBindings(
    statementsOf(root),
    (binding) => module.addBinding(binding),
    undefined,
    { wildcard: (name) => module.wildcardImports.push(name) },
  );

  const stack: Scope[] = [module];
  const innermost = (node: Node): Scope => {
    while (stack.length > 1 && stack[stack.length - 1].node.endIndex <= node.startIndex) stack.pop();
    for (let i = stack.length - 1; i > 0; i--) if (stack[i].holds(node)) return stack[i];
    return module;
  };

  for (const node of root.descendantsOfType(SCANNED)) {
    if (!node) continue;
    const scope = innermost(node);
    switch (node.type) {
      case 'call':
        scope.calls.push(node);
        scopeOfCall.set(node.id, scope);
        recordAppend(node, scope);
        break;
      case 'global_statement':
      case 'nonlocal_statement':
        for (const name of syntaxChildren(node)) if (name.type === 'identifier') (node.type === 'global_statement' ? scope.globals : scope.nonlocals).add(name.text);
        break;
      case 'named_expression': {
        // A walrus binds in the enclosing function even inside a comprehension.
        const name = node.childForFieldName('name');
        if (name) scope.addBinding({ name: name.text, kind: 'assignment', target: name, statement: node, value: node.childForFieldName('value') });
        break;
      }
      default: {
        const child = openScope(node, scope);
        scopes.push(child);
        byNode.set(node.id, child);
        stack.push(child);
      }
    }
  }
  return { module, scopes, byNode, scopeOfCall };
}

function openScope(node: Node, parent: Scope): Scope {
  const body = node.childForFieldName('body');
  if (node.type === 'lambda') {
    const scope = new Scope('lambda', node, body, parent, '<lambda>');
    collectParameters(node.childForFieldName('parameters'), scope);
    return scope;
  }
  const name = node.childForFieldName('name')?.text ?? '';
  const scope = new Scope(node.type === 'class_definition' ? 'class' : 'function', node, body, parent, name);
  if (node.type === 'function_definition') collectParameters(node.childForFieldName('parameters'), scope);
  collectScopeBindings(statementsOf(body), (binding) => scope.addBinding(binding));
  return scope;
}

function collectParameters(parameters: Node | null, scope: Scope): void {
  if (!parameters) return;
  for (const parameter of syntaxChildren(parameters)) {
    let name: Node | null = null;
    switch (parameter.type) {
      case 'identifier':
        name = parameter;
        break;
      case 'default_parameter':
      case 'typed_default_parameter':
        name = parameter.childForFieldName('name');
        break;
      case 'typed_parameter':
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
        name = syntaxChildren(parameter).find((child) => child.type === 'identifier') ?? null;
        break;
    }
    if (name) scope.params.set(name.text, name);
  }
}

/** `name.append(value)` / `name.extend([...])`: remembered so `for p in name:` knows what `p` is. */
function recordAppend(call: Node, scope: Scope): void {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'attribute') return;
  const method = callee.childForFieldName('attribute')?.text;
  const object = callee.childForFieldName('object');
  if ((method !== 'append' && method !== 'extend') || object?.type !== 'identifier') return;
  const argument = call.childForFieldName('arguments')?.namedChildren.find((child) => child !== null && child.type !== 'comment');
  if (!argument) return;
  const values = method === 'append' ? [argument] : argument.type === 'list' || argument.type === 'tuple' ? syntaxChildren(argument) : [];
  const list = scope.appended.get(object.text);
  if (list) list.push(...values);
  else scope.appended.set(object.text, [...values]);
}

/** The identifiers bound by a `for … in` clause of a comprehension. */
export function comprehensionTargets(clause: Node): Node[] {
  const left = clause.childForFieldName('left');
  return left ? targetNames(left) : [];
}

import type { Node } from 'web-tree-sitter';
import { collectScopeBindings, targetNames } from '../analysis/bindings';
import { statementsOf, syntaxChildren } from '../analysis/syntax';

/**
 * Which names a piece of code reads from the scope it runs in: identifiers in load position, plus the
 * free names of the functions, lambdas, classes and comprehensions inside it (a function body's reads
 * of module names are what a worker needs when it runs in a child). Names a nested scope binds itself
 * (parameters, locals) are not free; `global`/`nonlocal` names are.
 */
export function freeNames(node: Node): Set<string> {
  const scope = new ScopeReads(false);
  readsOf(node, scope);
  return scope.free(new Set());
}

/** The names bound in the body of a function or lambda (its parameters and locals, not its `global`s). */
export function localNames(scopeNode: Node): Set<string> {
  const locals = new Set<string>();
  const parameters = scopeNode.childForFieldName('parameters');
  if (parameters) for (const name of parameterNames(parameters)) locals.add(name.text);
  const body = scopeNode.childForFieldName('body');
  if (scopeNode.type === 'function_definition' && body) {
    collectScopeBindings(statementsOf(body), (binding) => locals.add(binding.name));
    for (const name of declaredNonLocal(body)) locals.delete(name);
  }
  return locals;
}

/**
 * Names whose value a module-level statement changes in place without rebinding them: `x.a = …`,
 * `x[k] = …`, `x.a += …`, `del x[k]`, and method calls such as `x.append(…)` or `x.a.update(…)`.
 * Nested function and class bodies are not entered (they do not run with the statement).
 */
export function mutatedNames(statement: Node): Set<string> {
  const names = new Set<string>();
  const visit = (node: Node): void => {
    switch (node.type) {
      case 'function_definition':
      case 'class_definition':
      case 'lambda':
        return;
      case 'assignment':
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        if (left) for (const root of mutationRoots(left)) names.add(root);
        break;
      }
      case 'delete_statement':
        for (const target of syntaxChildren(node)) for (const root of mutationRoots(target)) names.add(root);
        break;
      case 'expression_statement':
        for (const expression of syntaxChildren(node)) {
          const callee = expression.type === 'call' ? expression.childForFieldName('function') : null;
          if (callee?.type === 'attribute') {
            const root = rootIdentifier(callee);
            if (root) names.add(root);
          }
        }
        break;
    }
    for (const child of syntaxChildren(node)) visit(child);
  };
  visit(statement);
  return names;
}

/** The identifiers a parameter list binds (`a`, `b=1`, `c: int`, `*args`, `**kwargs`). */
export function parameterNames(parameters: Node): Node[] {
  const names: Node[] = [];
  for (const parameter of syntaxChildren(parameters)) {
    const name = parameterName(parameter);
    if (name) names.push(name);
  }
  return names;
}

function parameterName(parameter: Node): Node | null {
  switch (parameter.type) {
    case 'identifier':
      return parameter;
    case 'default_parameter':
    case 'typed_default_parameter':
      return parameter.childForFieldName('name');
    case 'typed_parameter':
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern': {
      const inner = syntaxChildren(parameter)[0];
      return inner ? parameterName(inner) : null;
    }
    default:
      return null;
  }
}

/** Reads collected for one scope; a class body passes its nested scopes' free names straight through. */
class ScopeReads {
  readonly reads = new Set<string>();
  /** Free names of nested scopes inside a class body: class-level names are not visible to them. */
  readonly passedThrough = new Set<string>();

  constructor(readonly isClassBody: boolean) {}

  addNested(free: Set<string>): void {
    const into = this.isClassBody ? this.passedThrough : this.reads;
    for (const name of free) into.add(name);
  }

  free(locals: ReadonlySet<string>): Set<string> {
    const result = new Set<string>(this.passedThrough);
    for (const name of this.reads) if (!locals.has(name)) result.add(name);
    return result;
  }
}

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

function readsOf(node: Node, scope: ScopeReads): void {
  switch (node.type) {
    case 'identifier':
      scope.reads.add(node.text);
      return;
    case 'comment':
    case 'import_statement':
    case 'import_from_statement':
    case 'future_import_statement':
      return;
    case 'attribute': {
      const object = node.childForFieldName('object');
      if (object) readsOf(object, scope);
      return;
    }
    case 'keyword_argument': {
      const value = node.childForFieldName('value');
      if (value) readsOf(value, scope);
      return;
    }
    case 'global_statement':
    case 'nonlocal_statement':
      for (const name of syntaxChildren(node)) scope.reads.add(name.text);
      return;
    case 'assignment': {
      const left = node.childForFieldName('left');
      if (left) targetReads(left, scope);
      for (const field of ['type', 'right']) {
        const part = node.childForFieldName(field);
        if (part) readsOf(part, scope);
      }
      return;
    }
    case 'for_statement':
    case 'for_in_clause': {
      const left = node.childForFieldName('left');
      if (left) targetReads(left, scope);
      for (const child of syntaxChildren(node)) if (child.id !== left?.id) readsOf(child, scope);
      return;
    }
    case 'as_pattern': {
      const alias = node.childForFieldName('alias');
      for (const child of syntaxChildren(node)) {
        if (child.id === alias?.id) targetReads(child, scope);
        else readsOf(child, scope);
      }
      return;
    }
    case 'named_expression': {
      const value = node.childForFieldName('value');
      if (value) readsOf(value, scope);
      return;
    }
    case 'function_definition':
      functionReads(node, scope);
      return;
    case 'lambda':
      lambdaReads(node, scope);
      return;
    case 'class_definition':
      classReads(node, scope);
      return;
    default:
      if (COMPREHENSIONS.has(node.type)) {
        comprehensionReads(node, scope);
        return;
      }
      for (const child of syntaxChildren(node)) readsOf(child, scope);
  }
}

/** Reads made by an assignment target: the objects of `a.x = …` and `a[i] = …`, not the bound names. */
function targetReads(target: Node, scope: ScopeReads): void {
  switch (target.type) {
    case 'identifier':
      return;
    case 'attribute':
    case 'subscript':
      readsOf(target, scope);
      return;
    default:
      for (const child of syntaxChildren(target)) targetReads(child, scope);
  }
}

/** Decorators, defaults and annotations are read where the def runs; the body where the function runs. */
function functionReads(definition: Node, scope: ScopeReads): void {
  const parameters = definition.childForFieldName('parameters');
  if (parameters) parameterDefaultReads(parameters, scope);
  for (const field of ['return_type', 'type_parameters']) {
    const part = definition.childForFieldName(field);
    if (part) readsOf(part, scope);
  }
  const body = definition.childForFieldName('body');
  if (!body) return;
  const inner = new ScopeReads(false);
  readsOf(body, inner);
  const free = inner.free(localNames(definition));
  for (const name of declaredNonLocal(body)) free.add(name);
  scope.addNested(free);
}

function lambdaReads(lambda: Node, scope: ScopeReads): void {
  const parameters = lambda.childForFieldName('parameters');
  if (parameters) parameterDefaultReads(parameters, scope);
  const body = lambda.childForFieldName('body');
  if (!body) return;
  const inner = new ScopeReads(false);
  readsOf(body, inner);
  scope.addNested(inner.free(localNames(lambda)));
}

function classReads(definition: Node, scope: ScopeReads): void {
  for (const field of ['superclasses', 'type_parameters']) {
    const part = definition.childForFieldName(field);
    if (part) readsOf(part, scope);
  }
  const body = definition.childForFieldName('body');
  if (!body) return;
  const inner = new ScopeReads(true);
  readsOf(body, inner);
  const classNames = new Set<string>();
  collectScopeBindings(statementsOf(body), (binding) => classNames.add(binding.name));
  scope.addNested(inner.free(classNames));
}

function comprehensionReads(comprehension: Node, scope: ScopeReads): void {
  const inner = new ScopeReads(false);
  const targets = new Set<string>();
  for (const child of syntaxChildren(comprehension)) {
    if (child.type === 'for_in_clause') {
      const left = child.childForFieldName('left');
      if (left) for (const name of targetNames(left)) targets.add(name.text);
    }
    readsOf(child, inner);
  }
  scope.addNested(inner.free(targets));
}

/** Default values and annotations of parameters, which are evaluated in the enclosing scope. */
function parameterDefaultReads(parameters: Node, scope: ScopeReads): void {
  for (const parameter of syntaxChildren(parameters)) {
    for (const field of ['value', 'type']) {
      const part = parameter.childForFieldName(field);
      if (part) readsOf(part, scope);
    }
  }
}

/** Names a function body declares `global` or `nonlocal` (outside its nested functions and classes). */
function declaredNonLocal(body: Node): Set<string> {
  const names = new Set<string>();
  const visit = (node: Node): void => {
    if (node.type === 'global_statement' || node.type === 'nonlocal_statement') {
      for (const name of syntaxChildren(node)) names.add(name.text);
      return;
    }
    if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return;
    for (const child of syntaxChildren(node)) visit(child);
  };
  visit(body);
  return names;
}

/** The variable changed in place by a target such as `a.x`, `a[i]` or `a.b[i].c`; none for a plain name. */
function mutationRoots(target: Node): string[] {
  if (target.type === 'attribute' || target.type === 'subscript') {
    const root = rootIdentifier(target);
    return root ? [root] : [];
  }
  if (target.type === 'identifier') return [];
  return syntaxChildren(target).flatMap(mutationRoots);
}

/** `a` for `a.b.c`, `a[i].b`, `a.b(…).c`; undefined when the chain does not start at a name. */
function rootIdentifier(node: Node): string | undefined {
  let current: Node | null = node;
  while (current) {
    switch (current.type) {
      case 'identifier':
        return current.text;
      case 'attribute':
        current = current.childForFieldName('object');
        break;
      case 'subscript':
        current = current.childForFieldName('value');
        break;
      case 'call':
        current = current.childForFieldName('function');
        break;
      case 'parenthesized_expression':
        current = syntaxChildren(current)[0] ?? null;
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

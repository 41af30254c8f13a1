import type { SyntaxNode } from '../syntax/syntaxNode';
import { targetNames } from '../model/bindings';
import type { Scope, ScopeTree } from '../model/scopes';
import { syntaxChildren } from '../syntax/queries';

/**
 * Which names a piece of code reads from the scope it runs in: identifiers in load position, plus the
 * free names of the functions, lambdas, classes and comprehensions inside it (a function body's reads
 * of module names are what a worker needs when it runs in a child). Names a nested scope binds itself
 * (parameters, locals) are not free; `global`/`nonlocal` names are. `scopes` is the module's scope
 * tree (ModuleFacts.scopes), which knows each nested scope's locals.
 */
export function freeNames(node: SyntaxNode, scopes: ScopeTree): Set<string> {
  const reads = new ScopeReads(false);
  new ReadCollector(scopes).collect(node, reads);
  return reads.free(new Set());
}

/**
 * Names whose value a module-level statement changes in place without rebinding them: `x.a = …`,
 * `x[k] = …`, `x.a += …`, `del x[k]`, and method calls such as `x.append(…)` or `x.a.update(…)`.
 * Nested function and class bodies are not entered (they do not run with the statement).
 */
export function mutatedNames(statement: SyntaxNode): Set<string> {
  const names = new Set<string>();
  const visit = (node: SyntaxNode): void => {
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

/** Walks code collecting reads per scope; nested function, lambda and class scopes come from the scope tree. */
class ReadCollector {
  constructor(private readonly scopes: ScopeTree) {}

  collect(node: SyntaxNode, scope: ScopeReads): void {
    switch (node.type) {
      case 'identifier':
        scope.reads.add(node.text);
        return;
      case 'comment':
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        return;
      case 'attribute':
        this.collectField(node, 'object', scope);
        return;
      case 'keyword_argument':
        this.collectField(node, 'value', scope);
        return;
      case 'global_statement':
      case 'nonlocal_statement':
        for (const name of syntaxChildren(node)) scope.reads.add(name.text);
        return;
      case 'assignment': {
        const left = node.childForFieldName('left');
        if (left) this.collectTarget(left, scope);
        this.collectField(node, 'type', scope);
        this.collectField(node, 'right', scope);
        return;
      }
      case 'for_statement':
      case 'for_in_clause': {
        const left = node.childForFieldName('left');
        if (left) this.collectTarget(left, scope);
        for (const child of syntaxChildren(node)) if (child.id !== left?.id) this.collect(child, scope);
        return;
      }
      case 'as_pattern': {
        const alias = node.childForFieldName('alias');
        for (const child of syntaxChildren(node)) {
          if (child.id === alias?.id) this.collectTarget(child, scope);
          else this.collect(child, scope);
        }
        return;
      }
      case 'named_expression':
        this.collectField(node, 'value', scope);
        return;
      case 'function_definition':
      case 'lambda':
        this.collectFunction(node, scope);
        return;
      case 'class_definition':
        this.collectClass(node, scope);
        return;
      default:
        if (COMPREHENSIONS.has(node.type)) this.collectComprehension(node, scope);
        else for (const child of syntaxChildren(node)) this.collect(child, scope);
    }
  }

  private collectField(node: SyntaxNode, field: string, scope: ScopeReads): void {
    const part = node.childForFieldName(field);
    if (part) this.collect(part, scope);
  }

  /** Reads made by an assignment target: the objects of `a.x = …` and `a[i] = …`, not the bound names. */
  private collectTarget(target: SyntaxNode, scope: ScopeReads): void {
    if (target.type === 'identifier') return;
    if (target.type === 'attribute' || target.type === 'subscript') this.collect(target, scope);
    else for (const child of syntaxChildren(target)) this.collectTarget(child, scope);
  }

  /** Defaults and annotations are read where the def runs; the body where the function runs. */
  private collectFunction(definition: SyntaxNode, scope: ScopeReads): void {
    const parameters = definition.childForFieldName('parameters');
    if (parameters) {
      for (const parameter of syntaxChildren(parameters)) {
        this.collectField(parameter, 'value', scope);
        this.collectField(parameter, 'type', scope);
      }
    }
    this.collectField(definition, 'return_type', scope);
    this.collectField(definition, 'type_parameters', scope);
    const body = definition.childForFieldName('body');
    if (!body) return;
    const inner = new ScopeReads(false);
    this.collect(body, inner);
    const own = this.scopes.byNode.get(definition.id);
    scope.addNested(inner.free(own ? localsOf(own) : new Set()));
  }

  private collectClass(definition: SyntaxNode, scope: ScopeReads): void {
    this.collectField(definition, 'superclasses', scope);
    this.collectField(definition, 'type_parameters', scope);
    const body = definition.childForFieldName('body');
    if (!body) return;
    const inner = new ScopeReads(true);
    this.collect(body, inner);
    const own = this.scopes.byNode.get(definition.id);
    scope.addNested(inner.free(own ? localsOf(own) : new Set()));
  }

  private collectComprehension(comprehension: SyntaxNode, scope: ScopeReads): void {
    const inner = new ScopeReads(false);
    const targets = new Set<string>();
    for (const child of syntaxChildren(comprehension)) {
      if (child.type === 'for_in_clause') {
        const left = child.childForFieldName('left');
        if (left) for (const name of targetNames(left)) targets.add(name.text);
      }
      this.collect(child, inner);
    }
    scope.addNested(inner.free(targets));
  }
}

/** The names local to a scope: parameters and bindings, not those declared global or nonlocal. */
function localsOf(scope: Scope): Set<string> {
  const locals = new Set<string>();
  for (const name of [...scope.params.keys(), ...scope.allBindings().keys()]) if (scope.isLocal(name)) locals.add(name);
  return locals;
}

/** The variable changed in place by a target such as `a.x`, `a[i]` or `a.b[i].c`; none for a plain name. */
function mutationRoots(target: SyntaxNode): string[] {
  if (target.type === 'attribute' || target.type === 'subscript') {
    const root = rootIdentifier(target);
    return root ? [root] : [];
  }
  if (target.type === 'identifier') return [];
  return syntaxChildren(target).flatMap(mutationRoots);
}

/** `a` for `a.b.c`, `a[i].b`, `a.b(…).c`; undefined when the chain does not start at a name. */
function rootIdentifier(node: SyntaxNode): string | undefined {
  let current: SyntaxNode | null = node;
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

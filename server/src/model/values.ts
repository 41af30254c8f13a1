import type { SyntaxNode } from '../syntax/syntaxNode';
import { apiByQualifiedName, contextApi, startMethodOf, type ApiEntry, type ApiKind, type StartMethod } from './api';
import type { Binding } from './bindings';
import { resolveName, type Scope, type ScopeTree } from './scopes';
import { argumentAt, callArguments, stringLiteralValue, syntaxChildren, unparenthesize, type CallArguments } from '../syntax/queries';
import { escapeRegExp, wordOccurrences } from '../text/lexical';
import { agree, type Value } from './value';

export type { Value } from './value';

/** An `a.b` node's parts: the object expression and the attribute's name. */
export interface AttributeParts {
  object: SyntaxNode | null;
  attribute: string | undefined;
}

const INSTANCE_KINDS = new Set<ApiKind>([
  'Process',
  'Pool',
  'Manager',
  'ManagerClass',
  'ProcessPoolExecutor',
  'SyncPrimitive',
  'Thread',
  'Parallel',
]);

/**
 * Resolves expressions to values: imports and aliases, contexts (`get_context("spawn")`), instances of
 * known classes, local definitions. Flow-insensitive: a name's value is what all its bindings agree on.
 */
export class ValueResolver {
  /** Values computed in this analysis, by node id (null: no value). */
  private readonly valuesByNode = new Map<number, Value | null>();
  private readonly inProgress = new Set<number>();
  private readonly selfAssignmentsByAttribute = new Map<string, SyntaxNode[]>();
  private readonly valuesByBinding = new Map<Binding, Value | undefined | null>();
  private readonly appendsByScope = new Map<Scope, Map<string, SyntaxNode[]>>();
  private readonly argumentsByCall = new Map<number, CallArguments>();
  private readonly attributesByNode = new Map<number, AttributeParts>();
  private readonly knownArgumentLists = new Map<number, SyntaxNode>();

  constructor(
    private readonly tree: ScopeTree,
    private readonly text: string,
  ) {}

  /** The `arguments` child of a call, already read by the caller: `argumentsOf` will not read it again. */
  noteArgumentList(call: SyntaxNode, list: SyntaxNode): void {
    this.knownArgumentLists.set(call.id, list);
  }

  /** The arguments of a call, read from the tree once per call (shared: callers must not change them). */
  argumentsOf(call: SyntaxNode): CallArguments {
    let found = this.argumentsByCall.get(call.id);
    if (!found) {
      const list = this.knownArgumentLists.get(call.id);
      found = list ? callArguments(call, list) : callArguments(call);
      this.argumentsByCall.set(call.id, found);
    }
    return found;
  }

  /** The scope that code at `node` runs in. */
  scopeAt(node: SyntaxNode): Scope {
    return this.tree.scopeAt(node.startIndex);
  }

  /** `expressionType`: the expression's type when the caller has read it already. */
  valueOf(expression: SyntaxNode, scope: Scope = this.scopeAt(expression), expressionType?: string): Value | undefined {
    // Asked again: answered before reading the type (values are kept by the unparenthesized node, which
    // is the expression itself unless it has parentheses).
    const known = this.valuesByNode.get(expression.id);
    if (known !== undefined) return known ?? undefined;
    // Each `.type` is a call into the wasm module: read once here and handed to compute.
    let type = expressionType ?? expression.type;
    let node = expression;
    if (type === 'parenthesized_expression') {
      node = unparenthesize(expression);
      type = node.type;
    }
    const cached = this.valuesByNode.get(node.id);
    if (cached !== undefined) return cached ?? undefined;
    if (this.inProgress.has(node.id)) return undefined;
    this.inProgress.add(node.id);
    const value = this.compute(node, type, scope);
    this.inProgress.delete(node.id);
    this.valuesByNode.set(node.id, value ?? null);
    return value;
  }

  /** The fully qualified name an expression refers to (`os.path.join`, `builtins.print`), if any. */
  qualifiedName(expression: SyntaxNode, scope?: Scope): string | undefined {
    const value = this.valueOf(expression, scope);
    if (!value) return undefined;
    if (value.kind === 'name' || value.kind === 'api') return value.name;
    if (value.kind === 'context' && value.method === 'default') return 'multiprocessing';
    return undefined;
  }

  /** The bindings a name used at `scope` refers to. */
  resolve(name: string, scope: Scope) {
    return resolveName(name, scope, this.tree.module);
  }

  private compute(node: SyntaxNode, type: string, scope: Scope): Value | undefined {
    switch (type) {
      case 'identifier':
        return this.identifierValue(node.text, scope);
      case 'attribute':
        return this.attributeValue(node, scope);
      case 'call':
        return this.callValue(node, scope);
      case 'lambda':
        return { kind: 'lambda', node };
      case 'string':
      case 'concatenated_string': {
        const value = stringLiteralValue(node);
        return value === undefined ? undefined : { kind: 'string', value };
      }
      case 'list':
      case 'tuple':
      case 'set': {
        const elements = syntaxChildren(node);
        return this.sequenceOf(elements.map((element) => this.valueOf(element, scope)));
      }
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension': {
        const body = node.childForFieldName('body');
        const element = body ? this.valueOf(body, scope) : undefined;
        return element ? { kind: 'sequence', element } : undefined;
      }
      default:
        return undefined;
    }
  }

  private sequenceOf(elements: ReadonlyArray<Value | undefined>): Value | undefined {
    const element = agree(elements);
    return element ? { kind: 'sequence', element } : undefined;
  }

  private identifierValue(name: string, scope: Scope): Value | undefined {
    const resolution = this.resolve(name, scope);
    if (!resolution) return this.unboundValue(name);
    if (resolution.parameter) return undefined;
    const values = resolution.bindings.map((binding) => this.bindingValue(binding, resolution.scope));
    const appended = this.appendedTo(name, resolution.scope);
    if (appended.length > 0) {
      const element = agree(appended.map((value) => this.valueOf(value, resolution.scope)));
      if (element) values.push({ kind: 'sequence', element });
    }
    return agree(values, true);
  }

  /** Values a scope appends to its list `name` (`name.append(Process(...))`, `name.extend([...])`). */
  private appendedTo(name: string, scope: Scope): SyntaxNode[] {
    let byName = this.appendsByScope.get(scope);
    // Calls not read yet are read only when the text shows `name.append(` or `name.extend(` in the body.
    if (!byName && scope.hasUnreadCalls && !this.appendsInText(name, scope)) return [];
    if (!byName) {
      // One pass over the scope's calls, read from the text: `name.append(` / `name.extend(`.
      byName = new Map();
      for (const call of scope.calls) {
        APPEND_CALL.lastIndex = call.startIndex;
        const match = APPEND_CALL.exec(this.text);
        if (!match) continue;
        const argument = this.argumentsOf(call).positional[0];
        if (!argument) continue;
        const values =
          match[2] === 'append' ? [argument] : argument.type === 'list' || argument.type === 'tuple' ? syntaxChildren(argument) : [];
        const list = byName.get(match[1]);
        if (list) list.push(...values);
        else byName.set(match[1], values);
      }
      this.appendsByScope.set(scope, byName);
    }
    return byName.get(name) ?? [];
  }

  private appendsInText(name: string, scope: Scope): boolean {
    for (const offset of wordOccurrences(this.text, name, scope.bodyStart, scope.bodyEnd)) {
      APPEND_AFTER_NAME.lastIndex = offset + name.length;
      if (APPEND_AFTER_NAME.test(this.text)) return true;
    }
    return false;
  }

  /** A name bound nowhere in the file: from a `from m import *` the model knows, else a builtin. */
  private unboundValue(name: string): Value | undefined {
    for (const module of this.tree.module.wildcardImports) {
      const qualified = `${module}.${name}`;
      if (apiByQualifiedName(qualified)) return this.namedValue(qualified, 'default');
    }
    return { kind: 'name', name: `builtins.${name}`, method: 'default' };
  }

  /** What a binding gives its name. `undefined` when unknown, `null` for values that do not count (`x = None`). */
  bindingValue(binding: Binding, scope: Scope): Value | undefined | null {
    if (this.valuesByBinding.has(binding)) return this.valuesByBinding.get(binding);
    const value = this.computeBindingValue(binding, scope);
    this.valuesByBinding.set(binding, value);
    return value;
  }

  private computeBindingValue(binding: Binding, scope: Scope): Value | undefined | null {
    switch (binding.kind) {
      case 'import':
        return this.importValue(binding);
      case 'def':
      case 'class': {
        const defined = this.tree.scopeOf(binding.statement);
        if (!defined) return undefined;
        return defined.kind === 'class' ? this.classValue(defined) : { kind: 'function', scope: defined };
      }
      case 'assignment': {
        if (!binding.value) return undefined;
        const value = unparenthesize(binding.value);
        // `x = None` / `x = []` placeholders do not decide what x holds.
        if (value.type === 'none' || (value.type === 'list' && syntaxChildren(value).length === 0)) return null;
        return this.valueOf(value, scope);
      }
      case 'for': {
        const iterable = binding.statement.childForFieldName('right');
        const left = binding.statement.childForFieldName('left');
        if (!iterable || left?.type !== 'identifier') return undefined;
        const value = this.valueOf(iterable, scope);
        return value?.kind === 'sequence' ? value.element : undefined;
      }
      case 'with':
        // Pool, executors, managers and processes return themselves from __enter__.
        return binding.entered ? this.valueOf(binding.entered, scope) : undefined;
      default:
        return undefined;
    }
  }

  private importValue(binding: Binding): Value | undefined {
    // Relative imports (`.x`) name the file's own package: nothing the model knows.
    if (!binding.qualified || binding.qualified.startsWith('.')) return undefined;
    return this.namedValue(binding.qualified, 'default');
  }

  private namedValue(qualified: string, method: StartMethod): Value {
    if (qualified === 'multiprocessing' || qualified === 'multiprocessing.context') return { kind: 'context', method };
    const entry = apiByQualifiedName(qualified);
    if (entry) return apiValue(entry, qualified, method);
    return { kind: 'name', name: qualified, method };
  }

  /** The object and the attribute name of an `a.b` node, read from the tree once per analysis. */
  attributeParts(node: SyntaxNode): AttributeParts {
    let found = this.attributesByNode.get(node.id);
    if (!found) {
      found = { object: node.childForFieldName('object'), attribute: node.childForFieldName('attribute')?.text };
      this.attributesByNode.set(node.id, found);
    }
    return found;
  }

  private attributeValue(node: SyntaxNode, scope: Scope): Value | undefined {
    const { object, attribute } = this.attributeParts(node);
    if (!object || !attribute) return undefined;
    if (object.type === 'identifier' && object.text === 'self') {
      const found = this.selfAttribute(attribute, scope);
      if (found) return found;
    }
    const base = this.valueOf(object, scope);
    if (!base) return undefined;
    switch (base.kind) {
      case 'context': {
        const entry = contextApi(attribute);
        if (entry) return apiValue(entry, `multiprocessing.${attribute}`, entry.method ?? base.method);
        return this.namedValue(`multiprocessing.${attribute}`, base.method);
      }
      case 'name':
        return this.namedValue(`${base.name}.${attribute}`, base.method);
      case 'class':
      case 'object': {
        const classScope = base.kind === 'class' ? base.scope : base.localClass;
        return this.memberOf(classScope, attribute);
      }
      case 'instance':
        return base.localClass ? this.memberOf(base.localClass, attribute) : undefined;
      default:
        return undefined;
    }
  }

  /** A method (or nested class) of a class defined here, looked up through its local base classes. */
  memberOf(classScope: Scope, name: string, seen = new Set<number>()): Value | undefined {
    if (seen.has(classScope.node.id)) return undefined;
    seen.add(classScope.node.id);
    const bindings = classScope.bindingsOf(name);
    if (bindings.length > 0)
      return agree(
        bindings.map((binding) => this.bindingValue(binding, classScope)),
        true,
      );
    for (const base of this.localBases(classScope)) {
      const found = this.memberOf(base, name, seen);
      if (found) return found;
    }
    return undefined;
  }

  /** Base classes of a local class that are themselves defined in this file. */
  localBases(classScope: Scope): Scope[] {
    const result: Scope[] = [];
    const superclasses = classScope.node.childForFieldName('superclasses');
    if (!superclasses || !classScope.parent) return result;
    for (const base of syntaxChildren(superclasses)) {
      if (base.type === 'keyword_argument') continue;
      const value = this.valueOf(base, classScope.parent);
      if (value?.kind === 'class') result.push(value.scope);
    }
    return result;
  }

  private classValue(classScope: Scope): Value {
    return { kind: 'class', scope: classScope, base: this.apiBase(classScope, new Set()) };
  }

  /** The known API class a local class derives from (`class W(mp.Process)`), directly or through local bases. */
  private apiBase(classScope: Scope, seen: Set<number>): { api: ApiKind; method: StartMethod } | undefined {
    if (seen.has(classScope.node.id) || !classScope.parent) return undefined;
    seen.add(classScope.node.id);
    const superclasses = classScope.node.childForFieldName('superclasses');
    if (!superclasses) return undefined;
    for (const base of syntaxChildren(superclasses)) {
      if (base.type === 'keyword_argument') continue;
      const value = this.valueOf(base, classScope.parent);
      if (value?.kind === 'api' && INSTANCE_KINDS.has(value.api)) return { api: value.api, method: value.method };
      if (value?.kind === 'class') {
        const inherited = value.base ?? this.apiBase(value.scope, seen);
        if (inherited) return inherited;
      }
    }
    return undefined;
  }

  /** `self.x` inside a method: what the class's methods assign to `self.x`. */
  private selfAttribute(attribute: string, scope: Scope): Value | undefined {
    const method = scope.kind === 'function' ? scope : undefined;
    const classScope = method?.enclosingClass;
    if (!method || !classScope) return undefined;
    const firstParameter = method.node.childForFieldName('parameters')?.namedChildren[0];
    if (firstParameter?.type !== 'identifier' || firstParameter.text !== 'self') return undefined;
    const member = this.memberOf(classScope, attribute);
    if (member) return member;
    const assigned = this.selfAssignments(classScope, attribute);
    if (assigned.length === 0) return undefined;
    return agree(
      assigned.map((value) => (value.type === 'none' ? null : this.valueOf(value, this.scopeAt(value)))),
      true,
    );
  }

  /**
   * The values a class's methods assign to `self.<attribute>` (computed once per class and attribute).
   * The text finds the candidates (`self.attribute =`), the tree confirms them.
   */
  private selfAssignments(classScope: Scope, attribute: string): SyntaxNode[] {
    const key = `${classScope.node.id}.${attribute}`;
    let found = this.selfAssignmentsByAttribute.get(key);
    if (found) return found;
    found = [];
    const pattern = new RegExp(`\\bself[ \\t]*\\.[ \\t]*${escapeRegExp(attribute)}[ \\t]*=(?!=)`, 'g');
    // Search a slice of the class body: a search of the whole text would run on to later classes.
    const body = this.text.slice(classScope.bodyStart, classScope.bodyEnd);
    for (let match = pattern.exec(body); match; match = pattern.exec(body)) {
      const at = classScope.bodyStart + match.index;
      const self = classScope.node.descendantForIndex(at, at + 4);
      const target = self?.parent;
      if (self?.type !== 'identifier' || target?.type !== 'attribute') continue;
      // The target of a plain assignment (a tuple target gives no single value).
      const assignment = target.parent;
      if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.id !== target.id) continue;
      const right = assignment.childForFieldName('right');
      if (right) found.push(unparenthesize(right));
    }
    this.selfAssignmentsByAttribute.set(key, found);
    return found;
  }

  private callValue(call: SyntaxNode, scope: Scope): Value | undefined {
    const callee = call.childForFieldName('function');
    if (!callee) return undefined;
    const target = this.valueOf(callee, scope);
    if (!target) return undefined;
    switch (target.kind) {
      case 'api':
        return this.apiCallValue(call, target, scope);
      case 'class':
        if (target.base)
          return { kind: 'instance', api: target.base.api, method: target.base.method, creation: call, localClass: target.scope };
        return { kind: 'object', localClass: target.scope };
      default:
        return undefined;
    }
  }

  private apiCallValue(call: SyntaxNode, target: Extract<Value, { kind: 'api' }>, scope: Scope): Value | undefined {
    if (target.api === 'get_context') {
      const args = this.argumentsOf(call);
      const method = argumentAt(args, 0, 'method');
      if (!method || method.type === 'none') return { kind: 'context', method: target.method };
      return { kind: 'context', method: startMethodOf(this.stringOf(method, scope)) };
    }
    if (!INSTANCE_KINDS.has(target.api)) return undefined;
    return { kind: 'instance', api: target.api, method: this.instanceMethod(call, target, scope), creation: call };
  }

  /** The start method an instance will use: its own context argument, else its class's context. */
  private instanceMethod(call: SyntaxNode, target: Extract<Value, { kind: 'api' }>, scope: Scope): StartMethod {
    const args = this.argumentsOf(call);
    if (target.api === 'ProcessPoolExecutor') {
      const context = argumentAt(args, 1, 'mp_context');
      if (context && context.type !== 'none') return this.contextMethod(context, scope);
      // Without mp_context, max_tasks_per_child makes the executor use spawn even where fork is the default.
      if (args.keywords.has('max_tasks_per_child')) return 'spawn';
      return args.hasStarKwargs || args.hasStarArgs ? 'unknown' : target.method;
    }
    if (target.api === 'Pool') {
      const context = argumentAt(args, 4, 'context');
      if (context && context.type !== 'none') return this.contextMethod(context, scope);
    }
    return target.method;
  }

  private contextMethod(expression: SyntaxNode, scope: Scope): StartMethod {
    const value = this.valueOf(expression, scope);
    return value?.kind === 'context' ? value.method : 'unknown';
  }

  /** A string literal, or a name bound only to one. */
  stringOf(expression: SyntaxNode, scope: Scope): string | undefined {
    const value = this.valueOf(expression, scope);
    return value?.kind === 'string' ? value.value : undefined;
  }
}

/** What follows the name in `name.append(` or `name.extend(`. */
const APPEND_AFTER_NAME = /[ \t]*\.[ \t]*(?:append|extend)[ \t]*\(/y;

/** `name.append(` or `name.extend(` at the start of a call. */
const APPEND_CALL = /([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)[ \t]*\.[ \t]*(append|extend)[ \t]*\(/uy;

function apiValue(entry: ApiEntry, name: string, method: StartMethod): Value {
  return { kind: 'api', api: entry.kind, name, method: entry.method ?? method };
}

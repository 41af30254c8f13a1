import type { SyntaxNode } from '../syntax/syntaxNode';
import { collectScopeBindings, targetNames, type Binding } from './bindings';
import { statementsOf, syntaxChildren } from '../syntax/queries';
import { mayBeBound, wordOccurrences } from '../text/lexical';

export type ScopeKind = 'module' | 'class' | 'function' | 'lambda';

/**
 * A Python scope: the module, a class body, a function or a lambda. A function's or class's bindings are
 * collected from its statements the first time they are asked for (nested function and class bodies are
 * scopes of their own): most scopes of a file are never looked into.
 */
/** Shared by the many scopes that declare nothing (a keystroke builds every scope anew: fewer objects, less collection). */
const NO_NAMES: ReadonlySet<string> = new Set();
const NO_BINDINGS: readonly Binding[] = [];

export class Scope {
  private globalNames: Set<string> | undefined;
  private nonlocalNames: Set<string> | undefined;
  private callList: SyntaxNode[] = [];
  /** Reads the calls of a body the scan left out (see scan.ts), the first time they are asked for. */
  private unreadCalls: (() => SyntaxNode[]) | undefined;
  readonly children: Scope[] = [];
  /** Offsets of the code that runs in this scope: the body (the whole file for the module). */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** Where the defining node ends (the body's end, or the header's when the body is missing). */
  readonly end: number;
  private bindingMap: Map<string, Binding[]> | undefined;
  /** Bindings by name, as `bindingsOf` finds them. */
  private bindingsByName: Map<string, Binding[]> | undefined;
  private statementList: SyntaxNode[] | undefined;
  private parameterMap: Map<string, SyntaxNode> | undefined;
  /** `basesText`; null until read. */
  private bases: string | undefined | null = null;
  /** Answers of `localHolderOf`, by name. */
  private holders: Map<string, Scope | null> | undefined;
  /** Walrus targets, found by the scan before the statements are read. */
  private extraBindings: readonly Binding[] = NO_BINDINGS;
  /** The definition holds no syntax error (known when the caller gave its end). */
  private readonly errorFree: boolean;

  get isErrorFree(): boolean {
    return this.errorFree;
  }

  /** The decorated_definition of a decorated function or class. */
  decorated: SyntaxNode | undefined;
  /** The scope tree that holds this scope. */
  tree: ScopeTree | undefined;

  constructor(
    readonly kind: ScopeKind,
    /** module, class_definition, function_definition or lambda. */
    readonly node: SyntaxNode,
    /** The block (or lambda body) whose code runs in this scope. */
    readonly body: SyntaxNode | null,
    /** The enclosing scope. */
    private readonly parentScope: Scope | undefined,
    /** Function or class name; `<lambda>`, `<module>`. */
    readonly name: string,
    /** The module's source text. */
    private readonly source: string,
    /**
     * Where the node and its body end, when the caller knows they end together (a definition without
     * errors ends with its body): each end read is a call into the wasm module.
     */
    knownEnd?: number,
  ) {
    parentScope?.children.push(this);
    this.errorFree = knownEnd !== undefined;
    this.end = knownEnd ?? node.endIndex;
    this.bodyStart = kind === 'module' ? 0 : body ? body.startIndex : this.end;
    this.bodyEnd = kind === 'module' ? this.end : (knownEnd ?? (body ? body.endIndex : this.end));
  }

  get parent(): Scope | undefined {
    return this.parentScope;
  }

  /**
   * Every name bound in this scope (assignments, imports, definitions, loop and with targets), in
   * document order. Walks all the scope's statements: prefer `bindingsOf(name)` for one name.
   */
  allBindings(): Map<string, Binding[]> {
    if (this.bindingMap) return this.bindingMap;
    const map = new Map<string, Binding[]>();
    const add = (binding: Binding) => {
      const list = map.get(binding.name);
      if (list) list.push(binding);
      else map.set(binding.name, [binding]);
    };
    if (this.kind !== 'lambda') collectScopeBindings(this.statements, add, undefined, this.hooks);
    for (const binding of this.extraBindings) add(binding);
    this.bindingMap = map;
    return map;
  }

  /**
   * The bindings of one name in this scope. Only the statements whose text mentions the name are read,
   * so resolving a few names in a large function stays cheap.
   */
  bindingsOf(name: string): readonly Binding[] {
    if (this.bindingMap || this.kind === 'module') return this.allBindings().get(name) ?? [];
    this.bindingsByName ??= new Map();
    let found = this.bindingsByName.get(name);
    if (found) return found;
    const collected: Binding[] = [];
    const read = new Set<number>();
    if (this.body && this.kind !== 'lambda') {
      for (const offset of wordOccurrences(this.source, name, this.bodyStart, this.bodyEnd)) {
        // Code of nested functions and classes binds in their own scopes.
        if (this.children.some((child) => child.kind !== 'lambda' && child.holds(offset))) continue;
        if (!mayBeBound(this.source, offset, name.length)) continue;
        const statement = statementAt(this.body, offset, this.errorFree ? this.source : undefined);
        if (!statement) continue;
        if (read.has(statement.id)) continue;
        read.add(statement.id);
        collectScopeBindings([statement], (binding) => binding.name === name && collected.push(binding), undefined, { shallow: true });
      }
      collected.sort((a, b) => a.target.startIndex - b.target.startIndex);
    }
    for (const binding of this.extraBindings) if (binding.name === name) collected.push(binding);
    found = collected;
    this.bindingsByName.set(name, found);
    return found;
  }

  /**
   * The names a module-level statement binds in this (module) scope: its own bindings and the walrus
   * targets in it. The same as the names of `bindings` whose statement lies in it.
   */
  namesBoundIn(statement: SyntaxNode): string[] {
    const names: string[] = [];
    collectScopeBindings([statement], (binding) => names.push(binding.name), undefined, this.hooks);
    const start = statement.startIndex;
    const end = statement.endIndex;
    for (const binding of this.extraBindings)
      if (start <= binding.target.startIndex && binding.target.startIndex < end) names.push(binding.name);
    return names;
  }

  /** Calls whose code belongs to this scope (not to a nested function, class or lambda), in document order. */
  get calls(): SyntaxNode[] {
    if (this.unreadCalls) {
      this.callList = this.unreadCalls();
      this.unreadCalls = undefined;
    }
    return this.callList;
  }

  /** True while the calls of this scope's body have not been read from the tree (the text can still be judged). */
  get hasUnreadCalls(): boolean {
    return this.unreadCalls !== undefined;
  }

  /** A call found by the scan (document order). */
  addCall(call: SyntaxNode): void {
    this.callList.push(call);
  }

  /** The scan left the body out: its calls are all this scope's, read on demand. */
  deferCalls(read: () => SyntaxNode[]): void {
    this.unreadCalls = read;
  }

  /** The statements of the body, read once. */
  private get statements(): SyntaxNode[] {
    return (this.statementList ??= this.kind === 'lambda' ? [] : statementsOf(this.body));
  }

  /** Parameter names of a function or lambda, with their identifiers. */
  get params(): Map<string, SyntaxNode> {
    if (!this.parameterMap) {
      this.parameterMap = new Map();
      if (this.kind === 'function' || this.kind === 'lambda')
        collectParameters(this.node.childForFieldName('parameters'), this.parameterMap);
    }
    return this.parameterMap;
  }

  /** Names declared `global` in this scope. */
  get globals(): ReadonlySet<string> {
    return this.globalNames ?? NO_NAMES;
  }

  /** Names declared `nonlocal` in this scope. */
  get nonlocals(): ReadonlySet<string> {
    return this.nonlocalNames ?? NO_NAMES;
  }

  declare(statement: 'global_statement' | 'nonlocal_statement', name: string): void {
    if (statement === 'global_statement') (this.globalNames ??= new Set()).add(name);
    else (this.nonlocalNames ??= new Set()).add(name);
  }

  /** Modules imported with `from module import *` in this scope (module scope only). */
  readonly wildcardImports: string[] = [];

  private get hooks() {
    return this.kind === 'module' ? { wildcard: (module: string) => this.wildcardImports.push(module) } : undefined;
  }

  addBinding(binding: Binding): void {
    if (this.bindingMap) {
      this.bindingMap.set(binding.name, [...(this.bindingMap.get(binding.name) ?? []), binding]);
    } else {
      this.extraBindings = [...this.extraBindings, binding];
    }
  }

  /** `Outer.method`, `f.<locals>.g`: Python's `__qualname__`. */
  get qualifiedName(): string {
    const parts: string[] = [];
    for (let scope: Scope | undefined = this; scope && scope.kind !== 'module'; scope = scope.parent) {
      parts.push(
        scope.parent && (scope.parent.kind === 'function' || scope.parent.kind === 'lambda') ? `<locals>.${scope.name}` : scope.name,
      );
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

  /** True when code at `offset` runs in this scope's body (or a scope nested in it). */
  holds(offset: number): boolean {
    return this.bodyStart <= offset && offset < this.bodyEnd;
  }

  /**
   * The scope from this one outwards, short of the module, where `name` used here is local (a class
   * body's names are visible to its own statements, not to functions nested in it); null when it is the
   * module's (declared global, or local nowhere on the way). Answered once per name.
   */
  localHolderOf(name: string): Scope | null {
    let holder = this.holders?.get(name);
    if (holder !== undefined) return holder;
    holder = null;
    for (let scope: Scope | undefined = this, first = true; scope && scope.kind !== 'module'; scope = scope.parent, first = false) {
      if (scope.globals.has(name)) break;
      if ((scope.kind !== 'class' || first) && scope.isLocal(name)) {
        holder = scope;
        break;
      }
    }
    (this.holders ??= new Map()).set(name, holder);
    return holder;
  }

  /** A class's bases as written (`(mp.Process, Base)`), undefined without any. Read from the tree once. */
  get basesText(): string | undefined {
    if (this.bases === null) {
      const bases = this.kind === 'class' ? this.node.childForFieldName('superclasses') : null;
      this.bases = bases ? this.source.slice(bases.startIndex, bases.endIndex) : undefined;
    }
    return this.bases;
  }

  /** Whether `name` is local here (parameter or bound, and not declared global/nonlocal). */
  isLocal(name: string): boolean {
    if (this.globals.has(name) || this.nonlocals.has(name)) return false;
    return this.params.has(name) || this.bindingsOf(name).length > 0;
  }
}

/** Where a name used in some scope is bound, following Python's rules (class bodies are skipped from nested scopes). */
export interface NameResolution {
  scope: Scope;
  bindings: readonly Binding[];
  /** Set when the name is a parameter of `scope`. */
  parameter?: SyntaxNode;
}

export function resolveName(name: string, from: Scope, module: Scope): NameResolution | undefined {
  const holder = from.localHolderOf(name);
  if (holder) return { scope: holder, bindings: holder.bindingsOf(name), parameter: holder.params.get(name) };
  const bindings = module.allBindings().get(name);
  return bindings ? { scope: module, bindings } : undefined;
}

/** The scope tree of a module and every call, with the scope each call runs in. */
export class ScopeTree {
  /** All function, class and lambda scopes, in document order. */
  readonly scopes: Scope[] = [];
  /** By node id, made when first asked for (an analysis of a keystroke often never asks). */
  private scopesByNode: Map<number, Scope> | undefined;
  /** Every name bound by an import statement anywhere in the file, with what it imports (when the scan includes imports). */
  readonly importedNames = new Map<string, string>();

  constructor(readonly module: Scope) {
    module.tree = this;
  }

  /** Adds a function, class or lambda scope (document order). */
  add(scope: Scope): void {
    scope.tree = this;
    this.scopes.push(scope);
    this.scopesByNode?.set(scope.node.id, scope);
  }

  /**
   * The scope of a function_definition / class_definition / lambda node, if it has one. The scopes are
   * in the scan's order, which is their nodes' document order: a binary search by start finds it, and
   * the node confirms it (by node id, as `byNode`); otherwise `byNode` answers.
   */
  scopeOf(node: SyntaxNode): Scope | undefined {
    const scopes = this.scopes;
    const start = node.startIndex;
    let low = 0;
    let high = scopes.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (scopes[mid].node.startIndex < start) low = mid + 1;
      else high = mid;
    }
    const found = scopes[low];
    if (found && found.node.id === node.id) return found;
    return this.byNode.get(node.id);
  }

  /** The scope of a function_definition / class_definition / lambda node, by node id. */
  get byNode(): ReadonlyMap<number, Scope> {
    if (!this.scopesByNode) {
      this.scopesByNode = new Map();
      for (const scope of this.scopes) this.scopesByNode.set(scope.node.id, scope);
    }
    return this.scopesByNode;
  }

  /** The innermost scope whose body holds `offset` (the module when none does). */
  scopeAt(offset: number): Scope {
    // Scopes are in document order and nest; find the last one starting at or before offset, then go out.
    let low = 0;
    let high = this.scopes.length - 1;
    let candidate = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.scopes[mid].bodyStart <= offset) {
        candidate = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    for (let scope: Scope | undefined = candidate >= 0 ? this.scopes[candidate] : undefined; scope; scope = scope.parent) {
      if (scope.kind === 'module' || scope.holds(offset)) return scope;
    }
    return this.module;
  }

  /** True when code at `offset` is inside a function or lambda body (it runs only when called). */
  insideFunction(offset: number): boolean {
    for (let scope: Scope | undefined = this.scopeAt(offset); scope; scope = scope.parent) {
      if (scope.kind === 'function' || scope.kind === 'lambda') return true;
    }
    return false;
  }
}

function collectParameters(parameters: SyntaxNode | null, into: Map<string, SyntaxNode>): void {
  if (!parameters) return;
  for (const parameter of syntaxChildren(parameters)) {
    let name: SyntaxNode | null = null;
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
    if (name) into.set(name.text, name);
  }
}

/**
 * The innermost statement under `block` that holds `offset`, found by descending through the blocks of
 * compound statements (walking up from the node would cost a search from the root at every step).
 * `errorFreeText`: the source, when `block` holds no syntax error; then an offset before the first `:`
 * of a statement lies in its header (`with x as name`), not in a block, and the statement's children
 * are not read.
 */
function statementAt(block: SyntaxNode, offset: number, errorFreeText?: string): SyntaxNode | undefined {
  let container: SyntaxNode | undefined = block;
  let statement: SyntaxNode | undefined;
  while (container) {
    const child: SyntaxNode | null = container.firstNamedChildForIndex(offset);
    if (!child || child.startIndex > offset) return statement;
    statement = child;
    // Every block follows a `:` token of its statement: none before the offset, so no block holds it.
    if (errorFreeText !== undefined) {
      const colon = errorFreeText.indexOf(':', child.startIndex);
      if (colon < 0 || colon >= offset) return child;
    }
    container = blockAt(child, offset);
  }
  return statement;
}

/** The block of a compound statement (directly or in one of its clauses) that holds `offset`. */
function blockAt(node: SyntaxNode, offset: number): SyntaxNode | undefined {
  for (const child of node.namedChildren) {
    if (!child || child.startIndex > offset || offset >= child.endIndex) continue;
    // Each `.type` is a call into the wasm module: read once.
    const type = child.type;
    if (type === 'block') return child;
    if (type.endsWith('_clause')) return blockAt(child, offset);
    return undefined;
  }
  return undefined;
}

/** The identifiers bound by a `for … in` clause of a comprehension. */
export function comprehensionTargets(clause: SyntaxNode): SyntaxNode[] {
  const left = clause.childForFieldName('left');
  return left ? targetNames(left) : [];
}

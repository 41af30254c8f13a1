import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Binding } from './bindings';
import type { Guard } from './guards';
import type { WorkerReference } from './processes';
import type { Scope, ScopeTree } from './scopes';
import { comprehensionTargets, resolveName } from './scopes';
import { callArguments, decoratorExpression, decoratorsOf, syntaxChildren, unparenthesize } from '../syntax/queries';
import type { Value, ValueResolver } from './values';
import { wordOccurrences } from '../text/lexical';

/**
 * What a worker reference refers to, judged by how pickle finds it in a spawned child: by module and
 * `__qualname__`, after the child re-imported the main module without running its guard.
 */
export type WorkerTarget =
  /** A function or class defined at import time at module level: the child finds it. */
  | { kind: 'module-definition'; name: string; definition: SyntaxNode; scope: Scope }
  /** Defined inside the main guard: the child's `__mp_main__` has no such attribute. */
  | { kind: 'guard-definition'; name: string; definition: SyntaxNode; scope: Scope; guard: Guard }
  /** Defined inside a function (a nested function or closure): pickle cannot reach it by name. */
  | { kind: 'local-definition'; name: string; definition: SyntaxNode; scope: Scope }
  /** A lambda: its `__qualname__` is `<lambda>`. */
  | { kind: 'lambda'; lambda: SyntaxNode; name?: string }
  /** Replaced by a decorator's wrapper that does not copy `__qualname__` (no functools.wraps). */
  | { kind: 'unwrapped-decorated'; name: string; definition: SyntaxNode; scope: Scope; decorator: SyntaxNode; wrapper: SyntaxNode }
  /** Anything else (imports, parameters, bound methods, unknown decorators): not judged. */
  | { kind: 'other' };

/** Classifies worker references and reads the globals workers use. */
export class WorkerModel {
  constructor(
    private readonly tree: ScopeTree,
    private readonly resolver: ValueResolver,
    private readonly guardOf: (node: SyntaxNode) => Guard | undefined,
    private readonly text: string,
  ) {}

  private readonly targets = new Map<number, WorkerTarget>();
  private readonly reads = new Map<string, GlobalRead[]>();

  /** What the reference's expression refers to. `functools.partial(f, …)` is judged by `f`. */
  target(reference: WorkerReference): WorkerTarget {
    let target = this.targets.get(reference.argument.id);
    if (!target) {
      target = this.targetOf(reference.argument, reference.scope, 0);
      this.targets.set(reference.argument.id, target);
    }
    return target;
  }

  private targetOf(expression: SyntaxNode, scope: Scope, depth: number): WorkerTarget {
    const node = unparenthesize(expression);
    if (node.type === 'lambda') return { kind: 'lambda', lambda: node };
    if (node.type === 'call' && depth < 3) {
      const callee = node.childForFieldName('function');
      const value = callee ? this.resolver.valueOf(callee, scope) : undefined;
      const wrapped = callArguments(node).positional[0];
      if (value?.kind === 'api' && value.api === 'partial' && wrapped) return this.targetOf(wrapped, scope, depth + 1);
      return { kind: 'other' };
    }
    if (node.type !== 'identifier') return { kind: 'other' };
    const resolution = this.resolver.resolve(node.text, scope);
    if (!resolution || resolution.parameter || resolution.bindings.length === 0) return { kind: 'other' };
    const definitions = resolution.bindings.filter((binding) => binding.kind === 'def' || binding.kind === 'class');
    if (definitions.length === 0) {
      const value = this.resolver.valueOf(node, scope);
      return value?.kind === 'lambda' ? { kind: 'lambda', lambda: value.node, name: node.text } : { kind: 'other' };
    }
    // Several definitions of one name: judge the one bound last in the file (the usual override).
    const binding = definitions[definitions.length - 1];
    if (definitions.length !== resolution.bindings.length) return { kind: 'other' };
    return this.definitionTarget(binding, resolution.scope);
  }

  private definitionTarget(binding: Binding, bindingScope: Scope): WorkerTarget {
    const defined = this.tree.scopeOf(binding.statement);
    if (!defined) return { kind: 'other' };
    const definition = binding.decorated ?? binding.statement;
    const name = binding.name;
    if (bindingScope.kind === 'function' || bindingScope.kind === 'lambda')
      return { kind: 'local-definition', name, definition, scope: defined };
    if (bindingScope.kind !== 'module') return { kind: 'other' };
    const guard = this.guardOf(binding.statement);
    if (guard && guard.verdict === 'correct') return { kind: 'guard-definition', name, definition, scope: defined, guard };
    if (defined.kind === 'function') {
      for (const decorator of decoratorsOf(binding.decorated)) {
        const wrapper = this.unwrappedWrapper(decorator);
        if (wrapper) return { kind: 'unwrapped-decorated', name, definition, scope: defined, decorator, wrapper };
      }
    }
    return { kind: 'module-definition', name, definition, scope: defined };
  }

  /**
   * For a decorator defined in this file, the wrapper it returns in place of the function when that
   * wrapper does not take the function's `__qualname__` (functools.wraps / update_wrapper). Unknown or
   * imported decorators are not judged.
   */
  private unwrappedWrapper(decorator: SyntaxNode): SyntaxNode | undefined {
    const expression = decoratorExpression(decorator);
    if (!expression) return undefined;
    const scope = this.tree.module;
    let decoratorFunction: Scope | undefined;
    if (expression.type === 'call') {
      // A decorator factory: `@retry(3)` calls retry, which returns the real decorator.
      const factory = this.localFunction(expression.childForFieldName('function'), scope);
      const returned = factory ? this.returnedFunctions(factory) : [];
      decoratorFunction = returned.length === 1 ? returned[0] : undefined;
    } else {
      decoratorFunction = this.localFunction(expression, scope);
    }
    if (!decoratorFunction) return undefined;
    const returned = this.returnedValues(decoratorFunction);
    const wrappers = returned.map((value) => this.notWrapped(value.value, decoratorFunction!));
    return wrappers.length > 0 && wrappers.every((wrapper) => wrapper !== undefined) ? wrappers[0] : undefined;
  }

  /** A returned nested function (or lambda) that does not copy the wrapped function's metadata. */
  private notWrapped(value: Value | undefined, decoratorFunction: Scope): SyntaxNode | undefined {
    if (value?.kind === 'lambda') return value.node;
    if (value?.kind !== 'function' || value.scope.parent !== decoratorFunction) return undefined;
    const wrapper = value.scope;
    // `@functools.wraps(f)` copies `__qualname__`; any other decorator on the wrapper might too: not judged.
    if (wrapper.decorated) return undefined;
    for (const call of decoratorFunction.calls) {
      const callee = call.childForFieldName('function');
      const api = callee ? this.resolver.valueOf(callee, decoratorFunction) : undefined;
      if (api?.kind === 'api' && (api.api === 'update_wrapper' || api.api === 'wraps')) return undefined;
    }
    if (assignsQualname(decoratorFunction)) return undefined;
    return wrapper.node;
  }

  private localFunction(expression: SyntaxNode | null, scope: Scope): Scope | undefined {
    if (!expression) return undefined;
    const value = this.resolver.valueOf(expression, scope);
    return value?.kind === 'function' ? value.scope : undefined;
  }

  private returnedFunctions(fn: Scope): Scope[] {
    return this.returnedValues(fn)
      .map(({ value }) => (value?.kind === 'function' ? value.scope : undefined))
      .filter((scope): scope is Scope => scope !== undefined);
  }

  /** The values of the function's own return statements (not those of nested functions). */
  private returnedValues(fn: Scope): Array<{ node: SyntaxNode; value: Value | undefined }> {
    const result: Array<{ node: SyntaxNode; value: Value | undefined }> = [];
    if (!fn.body) return result;
    for (const statement of fn.body.descendantsOfType('return_statement')) {
      if (!statement || this.resolver.scopeAt(statement) !== fn) continue;
      const returned = syntaxChildren(statement)[0];
      if (returned) result.push({ node: returned, value: this.resolver.valueOf(returned, fn) });
    }
    return result;
  }

  /** The functions that run in a child for a worker: the function itself, or a Process subclass's `run()`. */
  entryPoints(worker: Scope): Scope[] {
    if (worker.kind === 'function') return [worker];
    if (worker.kind !== 'class') return [];
    const run = this.resolver.memberOf(worker, 'run');
    return run?.kind === 'function' ? [run.scope] : [];
  }

  /**
   * The reads of the module globals `names` in `fn` and in the functions of this file it calls
   * (transitively): the first read of each name, with the function it is read in. Functions whose text
   * does not mention any of the names are not looked into.
   */
  globalReads(fn: Scope, names: ReadonlySet<string>): GlobalRead[] {
    if (names.size === 0) return [];
    const key = `${fn.node.id}:${[...names].sort().join(',')}`;
    let found = this.reads.get(key);
    if (!found) {
      found = this.collectGlobalReads(fn, names);
      this.reads.set(key, found);
    }
    return found;
  }

  private collectGlobalReads(fn: Scope, names: ReadonlySet<string>): GlobalRead[] {
    const reads = new Map<string, GlobalRead>();
    const visited = new Set<Scope>();
    const visit = (current: Scope, depth: number) => {
      if (visited.has(current) || depth > 8 || !current.body) return;
      visited.add(current);
      for (const read of this.readsIn(current, names)) if (!reads.has(read.name)) reads.set(read.name, read);
      for (const callee of this.moduleFunctionsCalled(current)) visit(callee, depth + 1);
    };
    visit(fn, 0);
    return [...reads.values()];
  }

  /** Reads of `names` in the body of `fn` (and of lambdas, comprehensions and functions nested in it) that reach the module binding. */
  private readsIn(fn: Scope, names: ReadonlySet<string>): GlobalRead[] {
    const mentioned = [...names].filter((name) => wordOccurrences(this.text, name, fn.bodyStart, fn.bodyEnd).length > 0);
    if (mentioned.length === 0 || !fn.body) return [];
    const comprehensionNames = new Set<string>();
    for (const clause of fn.body.descendantsOfType('for_in_clause')) {
      if (clause) for (const target of comprehensionTargets(clause)) comprehensionNames.add(target.text);
    }
    const result: GlobalRead[] = [];
    for (const name of mentioned) {
      // A comprehension variable of the same name shadows the global in part of the body: not judged.
      if (comprehensionNames.has(name)) continue;
      for (const offset of wordOccurrences(this.text, name, fn.bodyStart, fn.bodyEnd)) {
        const identifier = fn.body.descendantForIndex(offset, offset + name.length);
        if (!identifier || identifier.type !== 'identifier' || identifier.startIndex !== offset || !isLoad(identifier)) continue;
        // Unresolved: a global that only functions assign (through `global`), or a builtin.
        const resolution = resolveName(name, this.tree.scopeAt(offset), this.tree.module);
        if (resolution && resolution.scope !== this.tree.module) continue;
        result.push({ name, node: identifier, reader: fn, bindings: resolution?.bindings ?? [] });
        break;
      }
    }
    return result.sort((a, b) => a.node.startIndex - b.node.startIndex);
  }

  /** Module-level functions called by name from `fn` (and from the scopes nested in it). */
  private moduleFunctionsCalled(fn: Scope): Scope[] {
    const result: Scope[] = [];
    for (const scope of [fn, ...nestedScopes(fn)]) {
      for (const call of scope.calls) {
        PLAIN_CALLEE.lastIndex = call.startIndex;
        const name = PLAIN_CALLEE.exec(this.text)?.[1];
        if (!name) continue;
        const resolution = resolveName(name, scope, this.tree.module);
        if (!resolution || resolution.scope !== this.tree.module) continue;
        for (const binding of resolution.bindings) {
          const defined = binding.kind === 'def' ? this.tree.scopeOf(binding.statement) : undefined;
          if (defined) result.push(defined);
        }
      }
    }
    return result;
  }
}

/** `name(` at the start of a call: a call of a plain name. */
const PLAIN_CALLEE = /([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)[ \t]*\(/uy;

/** A read of a module global inside worker code. */
export interface GlobalRead {
  name: string;
  /** The identifier read. */
  node: SyntaxNode;
  /** The function it is read in (the worker, or a function the worker calls). */
  reader: Scope;
  bindings: readonly Binding[];
}

function nestedScopes(fn: Scope): Scope[] {
  const result: Scope[] = [];
  const visit = (scope: Scope) => {
    for (const child of scope.children) {
      result.push(child);
      visit(child);
    }
  };
  visit(fn);
  return result;
}

/** True when the identifier is read (not an attribute name, keyword name, definition name, parameter or assignment target). */
function isLoad(identifier: SyntaxNode): boolean {
  const parent = identifier.parent;
  if (!parent) return false;
  const is = (field: string) => parent.childForFieldName(field)?.id === identifier.id;
  switch (parent.type) {
    case 'attribute':
      return !is('attribute');
    case 'keyword_argument':
      return !is('name');
    case 'function_definition':
    case 'class_definition':
      return !is('name');
    case 'default_parameter':
    case 'typed_default_parameter':
      return is('value');
    case 'assignment':
      return !is('left');
    case 'global_statement':
    case 'nonlocal_statement':
    case 'dotted_name':
    case 'aliased_import':
    case 'parameters':
    case 'lambda_parameters':
    case 'typed_parameter':
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
      return false;
    default:
      return true;
  }
}

/** `wrapper.__qualname__ = …` copies the name by hand. */
function assignsQualname(fn: Scope): boolean {
  if (!fn.body) return false;
  for (const assignment of fn.body.descendantsOfType('assignment')) {
    const left = assignment?.childForFieldName('left');
    if (left?.type === 'attribute' && left.childForFieldName('attribute')?.text === '__qualname__') return true;
  }
  return false;
}

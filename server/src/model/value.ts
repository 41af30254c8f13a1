import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ApiKind, StartMethod } from './api';
import type { Scope } from './scopes';

/** What an expression refers to, as far as the model can tell without running the code. */
export type Value =
  /** A module or an object reached through one by name (`multiprocessing`, `os.path.join`). */
  | { kind: 'name'; name: string; method: StartMethod }
  /** A multiprocessing context (`get_context(...)`); the multiprocessing module itself is the default one. */
  | { kind: 'context'; method: StartMethod }
  /** A library callable or class the model knows (see api.ts). */
  | { kind: 'api'; api: ApiKind; name: string; method: StartMethod }
  /** An object made by calling a known class (or a local subclass of one). */
  | { kind: 'instance'; api: ApiKind; method: StartMethod; creation: SyntaxNode; localClass?: Scope }
  /** A list, tuple or comprehension whose elements are `element`. */
  | { kind: 'sequence'; element: Value }
  /** A function, method or class defined in this file. */
  | { kind: 'function'; scope: Scope }
  | { kind: 'class'; scope: Scope; base?: { api: ApiKind; method: StartMethod } }
  /** An instance of a class defined in this file that is not a known API subclass. */
  | { kind: 'object'; localClass: Scope }
  | { kind: 'lambda'; node: SyntaxNode }
  | { kind: 'string'; value: string };

/**
 * The value all candidates agree on; `null` candidates (placeholders like `x = None`) are skipped when
 * `skipPlaceholders`, otherwise they make the result unknown.
 */
export function agree(values: ReadonlyArray<Value | undefined | null>, skipPlaceholders = false): Value | undefined {
  let result: Value | undefined;
  for (const value of values) {
    if (value === null && skipPlaceholders) continue;
    if (!value) return undefined;
    if (!result) result = value;
    else if (!sameValue(result, value)) return undefined;
  }
  return result;
}

function sameValue(a: Value, b: Value): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'name':
      return a.name === (b as typeof a).name && a.method === (b as typeof a).method;
    case 'context':
      return a.method === (b as typeof a).method;
    case 'api':
      return a.api === (b as typeof a).api && a.method === (b as typeof a).method;
    case 'instance':
      return a.api === (b as typeof a).api && a.method === (b as typeof a).method && a.localClass === (b as typeof a).localClass;
    case 'sequence':
      return sameValue(a.element, (b as typeof a).element);
    case 'function':
    case 'class':
      return a.scope === (b as typeof a).scope;
    case 'object':
      return a.localClass === (b as typeof a).localClass;
    case 'lambda':
      return a.node.id === (b as typeof a).node.id;
    case 'string':
      return a.value === (b as typeof a).value;
  }
}

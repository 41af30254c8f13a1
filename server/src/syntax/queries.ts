import type { SyntaxNode } from './syntaxNode';

/**
 * Small, allocation-light readers over tree-sitter-python nodes, shared by the model builders.
 * They never throw on broken trees: anything they cannot read is `undefined`.
 */

/** The index of the first of `nodes` (in document order) at or after `from` that starts at or after `offset`. */
export function firstStartingAt(nodes: readonly SyntaxNode[], offset: number, from: number): number {
  let low = from;
  let high = nodes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (nodes[mid].startIndex < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Strips any number of parentheses around an expression: `((x))` -> `x`. */
export function unparenthesize(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = current.namedChildren.find((child) => child !== null && child.type !== 'comment');
    if (!inner) break;
    current = inner;
  }
  return current;
}

/**
 * The value of a plain string literal (`"x"`, `'x'`, `"a" "b"`, raw strings); undefined for f-strings
 * with replacement fields, bytes, or anything that is not a string literal.
 */
export function stringLiteralValue(node: SyntaxNode): string | undefined {
  if (node.type === 'concatenated_string') {
    let value = '';
    for (const part of node.namedChildren) {
      if (!part || part.type === 'comment') continue;
      const piece = stringLiteralValue(part);
      if (piece === undefined) return undefined;
      value += piece;
    }
    return value;
  }
  if (node.type !== 'string') return undefined;
  let prefix = '';
  let value = '';
  for (const part of node.children) {
    if (!part) continue;
    switch (part.type) {
      case 'string_start':
        prefix = part.text.replace(/["']/g, '').toLowerCase();
        break;
      case 'string_content':
        value += part.text;
        break;
      case 'escape_sequence':
        value += decodeEscape(part.text);
        break;
      case 'interpolation':
        return undefined;
      case 'string_end':
        break;
      default:
        if (part.isNamed) return undefined;
    }
  }
  if (prefix.includes('b')) return undefined;
  return value;
}

function decodeEscape(escape: string): string {
  switch (escape[1]) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case '\\':
    case "'":
    case '"':
      return escape[1];
    case 'x':
    case 'u':
    case 'U':
      return String.fromCodePoint(parseInt(escape.slice(2), 16));
    default:
      return escape;
  }
}

/** `a.b.c` for an identifier or a chain of attribute accesses on one; undefined for anything else. */
export function dottedName(node: SyntaxNode): string | undefined {
  const parts: string[] = [];
  let current: SyntaxNode | null = unparenthesize(node);
  while (current && current.type === 'attribute') {
    const attribute = current.childForFieldName('attribute');
    if (!attribute) return undefined;
    parts.push(attribute.text);
    const object = current.childForFieldName('object');
    current = object ? unparenthesize(object) : null;
  }
  if (!current || current.type !== 'identifier') return undefined;
  parts.push(current.text);
  return parts.reverse().join('.');
}

/** The named children that are real syntax (comments dropped). */
export function syntaxChildren(node: SyntaxNode): SyntaxNode[] {
  const result: SyntaxNode[] = [];
  for (const child of node.namedChildren) if (child && child.type !== 'comment') result.push(child);
  return result;
}

/** The statements of a block or module. */
export function statementsOf(block: SyntaxNode | null): SyntaxNode[] {
  return block ? syntaxChildren(block) : [];
}

/** True when `node` is `ancestor` or lies inside it (nodes of one tree nest, so their ranges tell). */
export function contains(ancestor: SyntaxNode, node: SyntaxNode): boolean {
  return ancestor.startIndex <= node.startIndex && node.endIndex <= ancestor.endIndex;
}

/** The positional arguments and keyword arguments of a call. Splats make positions unknown after them. */
export interface CallArguments {
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
  /** A `*args` splat appears: positions after it are unknown. */
  hasStarArgs: boolean;
  /** A `**kwargs` splat appears: any keyword may be set. */
  hasStarKwargs: boolean;
}

/** `list`: the call's `arguments` child when the caller has read it already (each read is a call into the wasm module). */
export function callArguments(call: SyntaxNode, list: SyntaxNode | null = call.childForFieldName('arguments')): CallArguments {
  const result: CallArguments = { positional: [], keywords: new Map(), hasStarArgs: false, hasStarKwargs: false };
  if (!list || list.type !== 'argument_list') return result;
  for (const argument of list.namedChildren) {
    if (!argument) continue;
    // Each `.type` is a call into the wasm module: read it once.
    const type = argument.type;
    if (type === 'comment') continue;
    if (type === 'keyword_argument') {
      const name = argument.childForFieldName('name');
      const value = argument.childForFieldName('value');
      if (name && value) result.keywords.set(name.text, value);
    } else if (type === 'list_splat') {
      result.hasStarArgs = true;
    } else if (type === 'dictionary_splat') {
      result.hasStarKwargs = true;
    } else if (!result.hasStarArgs) {
      result.positional.push(argument);
    }
  }
  return result;
}

/** The argument given by keyword `name` or at `position` (0-based), if it can be told. */
export function argumentAt(args: CallArguments, position: number, name: string): SyntaxNode | undefined {
  return args.keywords.get(name) ?? args.positional[position];
}

/** The defined node of a `decorated_definition`, or the node itself. */
export function undecorated(node: SyntaxNode): SyntaxNode {
  if (node.type !== 'decorated_definition') return node;
  return node.childForFieldName('definition') ?? node;
}

/** The decorators of a `decorated_definition` (empty for anything else). */
export function decoratorsOf(decorated: SyntaxNode | undefined): SyntaxNode[] {
  if (!decorated || decorated.type !== 'decorated_definition') return [];
  return decorated.namedChildren.filter((child): child is SyntaxNode => child !== null && child.type === 'decorator');
}

/** The expression of a `decorator` node (`@x(1)` -> `x(1)`). */
export function decoratorExpression(decorator: SyntaxNode): SyntaxNode | undefined {
  return decorator.namedChildren.find((child): child is SyntaxNode => child !== null && child.type !== 'comment') ?? undefined;
}

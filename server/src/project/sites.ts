import { codeText } from '../rules/common';
import { nodeRange } from '../syntax/ranges';
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Range } from '../text/types';

/** A place in the summarised module, with its source text for messages (calls lose their arguments). */
export interface Site {
  range: Range;
  text: string;
}

/** The module-level statement that holds `node`. */
export function moduleLevelStatement(node: SyntaxNode): SyntaxNode {
  let top = node;
  for (let parent = top.parent; parent?.parent; parent = parent.parent) top = parent;
  return top;
}

export function site(node: SyntaxNode): Site {
  return { range: nodeRange(node), text: codeText(node) };
}

export function insideCallWithEffect(call: SyntaxNode, effects: readonly { site: Site }[]): boolean {
  const start = nodeRange(call).start;
  return effects.some(({ site: outer }) => contains(outer.range, start) && !sameStart(outer.range.start, start));
}

function contains(range: Range, position: { line: number; character: number }): boolean {
  const afterStart =
    position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character < range.end.character);
  return afterStart && beforeEnd;
}

function sameStart(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line === b.line && a.character === b.character;
}

export function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

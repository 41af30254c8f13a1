import type { Edit, Point, Tree } from 'web-tree-sitter';
import type { PythonParser } from './parser';
import type { Position, Range } from './types';

/**
 * A Python document with its syntax tree. Edits are applied to the tree (`tree.edit`) and the text is
 * reparsed with the old tree, so a keystroke costs an incremental parse, not a full one, unless it
 * leaves the code broken (see applyEdit).
 */
export class ParsedDocument {
  private _text: string;
  private _tree: Tree;
  private _lineStarts: number[] | undefined;

  constructor(private readonly parser: PythonParser, text: string) {
    this._text = text;
    this._tree = parser.parse(text);
  }

  get text(): string {
    return this._text;
  }

  get tree(): Tree {
    return this._tree;
  }

  /** Replaces `range` (LSP positions; clamped to the document) by `newText` and reparses incrementally. */
  applyEdit(range: Range, newText: string): void {
    let start = this.offsetAt(range.start);
    let end = this.offsetAt(range.end);
    if (end < start) [start, end] = [end, start];
    const oldEndPosition = this.pointAt(end);
    const startPosition = this.pointAt(start);
    this._text = this._text.slice(0, start) + newText + this._text.slice(end);
    this._lineStarts = undefined;
    const newEndIndex = start + newText.length;
    const edit: Edit = {
      startIndex: start,
      oldEndIndex: end,
      newEndIndex,
      startPosition,
      oldEndPosition,
      newEndPosition: this.pointAt(newEndIndex),
    };
    this._tree.edit(edit);
    let next = this.parser.parse(this._text, this._tree);
    if (next.rootNode.hasError) {
      // Tree-sitter's error recovery depends on the old tree: an incremental parse of broken code can
      // give another tree than a fresh parse of the same text (tree-sitter#1444, #1645), and so other
      // findings. Broken code is parsed afresh, so the tree is a function of the text alone.
      next.delete();
      next = this.parser.parse(this._text);
    }
    this._tree.delete();
    this._tree = next;
  }

  /** Replaces the whole text (full sync); still reuses the old tree where the text is unchanged. */
  setText(text: string): void {
    this.applyEdit({ start: { line: 0, character: 0 }, end: this.positionAt(this._text.length) }, text);
  }

  /** Frees the tree's wasm memory. The document is unusable afterwards. */
  dispose(): void {
    this._tree.delete();
  }

  get lineStarts(): number[] {
    return (this._lineStarts ??= computeLineStarts(this._text));
  }

  offsetAt(position: Position): number {
    return offsetAt(this._text, this.lineStarts, position);
  }

  positionAt(offset: number): Position {
    return positionAt(this.lineStarts, offset, this._text.length);
  }

  private pointAt(offset: number): Point {
    const p = this.positionAt(offset);
    return { row: p.line, column: p.character };
  }
}

/** Offsets where each line starts. A line ends at \n, \r\n or a lone \r, as in LSP and tree-sitter. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * LSP position to offset, clamped as LSP specifies: a character past the end of its line means the end
 * of the line (before its line break), a line past the end means the end of the text. Never throws.
 */
export function offsetAt(text: string, lineStarts: number[], position: Position): number {
  if (position.line < 0) return 0;
  if (position.line >= lineStarts.length) return text.length;
  const lineStart = lineStarts[position.line];
  let lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : text.length;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 10) lineEnd--;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  return lineStart + Math.max(0, Math.min(position.character, lineEnd - lineStart));
}

export function positionAt(lineStarts: number[], offset: number, textLength: number): Position {
  const clamped = Math.max(0, Math.min(offset, textLength));
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= clamped) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: clamped - lineStarts[low] };
}

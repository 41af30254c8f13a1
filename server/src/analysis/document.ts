import type { Edit, Point, Tree } from 'web-tree-sitter';
import { mergeEdits, SyntaxMirror, type EditSpan } from './mirror';
import type { PythonParser } from './parser';
import type { SyntaxTree } from './syntaxNode';
import type { Position, Range } from './types';

/**
 * A Python document with its syntax tree. Edits are applied to the tree (`tree.edit`) and the text is
 * reparsed with the old tree, so a keystroke costs an incremental parse (about a millisecond on a
 * 5,000-line file), not a full one.
 *
 * Tree-sitter's error recovery depends on the old tree: an incremental parse of broken code can give
 * another tree than a fresh parse of the same text (tree-sitter#1444, #1645), and so other findings.
 * Such a tree is "unsettled" until `settle()` parses the text afresh; a tree of code without errors, or
 * from a fresh parse, is settled. The server settles a document once typing pauses, and before any
 * code action or command, so what stays on screen and what fixes see is a function of the text alone.
 */
export class ParsedDocument {
  private _text: string;
  private _tree: Tree;
  private _settled = true;
  private _lineStarts: number[] | undefined;
  /** The mirror of the tree for analyses, once the document is edited (see `syntax`). */
  private mirror: SyntaxMirror | undefined;
  /** The tree the mirror was last synced with. */
  private mirroredTree: Tree | undefined;
  /** The span changed since that sync, if any. */
  private editSinceSync: EditSpan | undefined;
  /**
   * `editSinceSync` also holds every range whose syntax changed (tree-sitter's changed ranges): the
   * statements outside it are the same in both trees. Not so after `settle` replaced the tree.
   */
  private editCoversChanges = true;

  constructor(
    private readonly parser: PythonParser,
    text: string,
    /** Keep a SyntaxMirror from the first edit on (the language server; see `syntax`). */
    private readonly mirrorsEdits = false,
  ) {
    this._text = text;
    this._tree = parser.parse(text);
  }

  /**
   * The tree to analyse. For a document being edited (when `mirrorsEdits`), a SyntaxMirror of the tree:
   * after an edit only the top-level statements it touched are read from the tree again, and the
   * analysis reads plain objects instead of calling into wasm for every property. Otherwise, and for
   * texts too large to copy, the tree itself.
   */
  get syntax(): SyntaxTree {
    const mirror = this.mirror;
    if (!mirror) return this._tree;
    if (this.mirroredTree !== this._tree) {
      const edit = this.mirroredTree ? (this.editSinceSync ?? { start: 0, oldEnd: 0, newEnd: 0 }) : undefined;
      // A first copy is always made; later ones only while the part to read again is small.
      const readLimit = this.mirroredTree ? Math.max(MIRROR_READ_MIN, this._text.length / 4) : Infinity;
      if (!mirror.sync(this._tree, this._text, this.lineStarts, edit, readLimit, this.editCoversChanges)) return this._tree;
      this.mirroredTree = this._tree;
      this.editSinceSync = undefined;
      this.editCoversChanges = true;
    }
    return mirror;
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
    const lineStarts = this.lineStarts;
    this._text = this._text.slice(0, start) + newText + this._text.slice(end);
    this._lineStarts = updateLineStarts(lineStarts, this._text, start, end, newText.length);
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
    const next = this.parser.parse(this._text, this._tree);
    this.noteEdit({ startIndex: start, oldEndIndex: end, newEndIndex }, next);
    this._tree.delete();
    this._tree = next;
    this._settled = !next.rootNode.hasError;
  }

  /** Notes the edit that made `next` from the (edited) current tree, for the mirror's next sync. */
  private noteEdit(edit: { startIndex: number; oldEndIndex: number; newEndIndex: number }, next: Tree): void {
    if (!this.mirrorsEdits) return;
    if (this._text.length > MIRRORED_LENGTH_LIMIT) {
      this.mirror = undefined;
      this.mirroredTree = undefined;
      return;
    }
    if (!this.mirror) {
      this.mirror = new SyntaxMirror();
      this.mirroredTree = undefined;
      return;
    }
    const span = { start: edit.startIndex, oldEnd: edit.oldEndIndex, newEnd: edit.newEndIndex };
    // The parser may have changed the syntax beyond the edit (error recovery, a string or bracket left
    // open): widen the span to every range it reports changed.
    for (const range of next.getChangedRanges(this._tree)) {
      if (range.startIndex < span.start) span.start = range.startIndex;
      if (range.endIndex > span.newEnd) {
        span.oldEnd += range.endIndex - span.newEnd;
        span.newEnd = range.endIndex;
      }
    }
    this.editSinceSync = this.editSinceSync ? mergeEdits(this.editSinceSync, span) : span;
  }

  /** True when the tree is what a fresh parse of the text gives (see the class comment). */
  get settled(): boolean {
    return this._settled;
  }

  /**
   * Makes the tree a fresh parse of the text. Returns true when that replaced the tree (the incremental
   * one differed, so analyses of it are stale); false when the tree was settled or equal to the fresh one.
   */
  settle(): boolean {
    if (this._settled) return false;
    this._settled = true;
    const fresh = this.parser.parse(this._text);
    if (sameTree(fresh, this._tree)) {
      fresh.delete();
      return false;
    }
    this._tree.delete();
    this._tree = fresh;
    this.editCoversChanges = false;
    return true;
  }

  /** Replaces the whole text (full sync); still reuses the old tree where the text is unchanged. */
  setText(text: string): void {
    this.applyEdit({ start: { line: 0, character: 0 }, end: this.positionAt(this._text.length) }, text);
  }

  /** Frees the tree's wasm memory. The document is unusable afterwards. */
  dispose(): void {
    this.mirror = undefined;
    this.mirroredTree = undefined;
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

/**
 * Texts above this many code units (about 10,000 lines) are analysed on the tree: the first copy of a
 * larger file would hold up its first keystroke for more than half a second, and cost memory.
 */
export const MIRRORED_LENGTH_LIMIT = 300_000;
/** A sync may always read this many code units of statements again (about 600 lines), and a quarter of the text. */
const MIRROR_READ_MIN = 20_000;

/**
 * Whether two trees of the same text have the same nodes: same types, same spans, same missing nodes
 * (S-expressions leave out spans and extras' positions, so the walk compares them itself).
 */
function sameTree(a: Tree, b: Tree): boolean {
  const left = a.walk();
  const right = b.walk();
  try {
    for (;;) {
      if (
        left.nodeTypeId !== right.nodeTypeId ||
        left.startIndex !== right.startIndex ||
        left.endIndex !== right.endIndex ||
        left.nodeIsMissing !== right.nodeIsMissing ||
        left.currentFieldId !== right.currentFieldId
      ) {
        return false;
      }
      const descended = left.gotoFirstChild();
      if (descended !== right.gotoFirstChild()) return false;
      if (descended) continue;
      for (;;) {
        const moved = left.gotoNextSibling();
        if (moved !== right.gotoNextSibling()) return false;
        if (moved) break;
        const up = left.gotoParent();
        if (up !== right.gotoParent()) return false;
        if (!up) return true;
      }
    }
  } finally {
    left.delete();
    right.delete();
  }
}

/** Offsets where each line starts. A line ends at \n, \r\n or a lone \r, as in LSP and tree-sitter. */
export function computeLineStarts(text: string): number[] {
  return scanLineStarts(text, 0, text.length, [0]);
}

/** Appends to `starts` the start of every line that begins after a line break found in text[from, to). */
function scanLineStarts(text: string, from: number, to: number, starts: number[]): number[] {
  for (let i = from; i < to; i++) {
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
 * The line starts of `text`, which is the text `lineStarts` belonged to with [start, end) replaced by
 * `insertedLength` code units, updated in place (and returned). Only the lines around the edit are
 * scanned again: a keystroke in a large file must not cost a scan of the whole text, nor a new array.
 * Equal to computeLineStarts(text) (a property test checks).
 */
export function updateLineStarts(lineStarts: number[], text: string, start: number, end: number, insertedLength: number): number[] {
  const delta = insertedLength - (end - start);
  // Rescan from the start of the line before the edit: a \r just before `start` may pair with an inserted \n.
  const line = Math.max(0, lineIndexAt(lineStarts, start) - 1);
  // Up to two units past the inserted text: an inserted \r may pair with a \n that follows it.
  const scanEnd = Math.min(text.length, start + insertedLength + 2);
  const scanned = scanLineStarts(text, lineStarts[line], scanEnd, []);
  const lastScanned = scanned.length > 0 ? scanned[scanned.length - 1] : lineStarts[line];
  // Later line breaks are untouched: their starts move by the length difference. They are the entries
  // from the first one after the edit that lands past the rescanned part (the tests only grow along the array).
  let kept = line + 1;
  while (kept < lineStarts.length && !(lineStarts[kept] > end && lineStarts[kept] + delta > lastScanned && lineStarts[kept] + delta > scanEnd)) kept++;
  for (let index = kept; index < lineStarts.length; index++) lineStarts[index] += delta;
  const replaced = kept - (line + 1);
  // Typing within a line replaces as many line starts as it removes: no splice (which copies the array).
  if (replaced === scanned.length) for (let index = 0; index < replaced; index++) lineStarts[line + 1 + index] = scanned[index];
  else lineStarts.splice(line + 1, replaced, ...scanned);
  return lineStarts;
}

/** The index of the line holding `offset` (the last line start at or before it). */
export function lineIndexAt(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
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
  const line = lineIndexAt(lineStarts, clamped);
  return { line, character: clamped - lineStarts[line] };
}

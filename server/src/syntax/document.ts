import type { Edit, Point, Tree } from 'web-tree-sitter';
import { mergeEdits, SyntaxMirror, type EditSpan } from './mirror/mirror';
import type { PythonParser } from './parser';
import type { SyntaxTree } from './syntaxNode';
import type { Position, Range } from '../text/types';
import { computeLineStarts, offsetAt, positionAt, updateLineStarts } from '../text/lineIndex';

/**
 * A Python document with its syntax tree. Edits are applied to the tree (`tree.edit`) and the text is
 * reparsed with the old tree, so a keystroke costs an incremental parse (about a millisecond on a
 * 5,000-line file), not a full one. A document that keeps a SyntaxMirror (the server's) goes further: a
 * keystroke inside one top-level statement reparses that statement alone into the mirror, and the tree
 * catches up with the edits when it is read (`tree`).
 *
 * Tree-sitter's error recovery depends on the old tree: an incremental parse of broken code can give
 * another tree than a fresh parse of the same text (tree-sitter#1444, #1645), and so other findings; so
 * may a statement parsed alone with errors (`provisionalRegion`). Such a document is "unsettled" until
 * `settle()` parses the text afresh; a tree of code without errors, or from a fresh parse, is settled.
 * The server settles a document once typing pauses, and before any code action or command, so what
 * stays on screen and what fixes see is a function of the text alone.
 */
export class ParsedDocument {
  private _text: string;
  private _tree: Tree;
  private _settled = true;
  private _lineStarts: number[] | undefined;
  /** Counts the texts and trees this document has had: an analysis is of one revision. */
  private _revision = 0;
  /**
   * The edits `_tree` has been told of (`tree.edit`) but not reparsed for, as one span: while a keystroke
   * changes only one top-level statement the mirror reparses that statement alone (see `applyEdit`),
   * and the tree catches up when read.
   */
  private treeBehind: EditSpan | undefined;
  /** The mirror of the tree for analyses, once the document is edited (see `syntax`). */
  private mirror: SyntaxMirror | undefined;
  /** The tree of the last region the mirror parsed alone, while the mirror holds its nodes (it had errors). */
  private regionTree: Tree | undefined;
  /**
   * The span of the current text that the mirror parsed alone and found errors in, until the tree is
   * parsed: the tree's error recovery may differ there (see SyntaxMirror.syncLocally).
   */
  private _provisionalRegion: { start: number; end: number } | undefined;
  /** The mirror is a copy of the current text's syntax. */
  private mirrorCurrent = false;
  /** The span of the mirror's text changed since its last sync, if any. */
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
  readSyntax(): SyntaxTree {
    const mirror = this.mirror;
    if (!mirror) return this.readTree();
    if (!this.mirrorCurrent) {
      const tree = this.readTree();
      const synced = mirror.hasRoot;
      const edit = synced ? (this.editSinceSync ?? { start: 0, oldEnd: 0, newEnd: 0 }) : undefined;
      // A first copy is always made; later ones only while the part to read again is small.
      const readLimit = synced ? Math.max(MIRROR_READ_MIN, this._text.length / 4) : Infinity;
      if (!mirror.sync(tree, this._text, this.lineStarts, edit, readLimit, this.editCoversChanges)) return tree;
      this.mirrorCurrent = true;
      this.editSinceSync = undefined;
      this.editCoversChanges = true;
    }
    return mirror;
  }

  get text(): string {
    return this._text;
  }

  /** The syntax tree of the text (reparsed here if edits were applied to the mirror alone). */
  readTree(): Tree {
    this.catchUpTree();
    return this._tree;
  }

  /** The tree as it is, without catching up with the text: for checks of which tree is alive. */
  get currentTree(): Tree {
    return this._tree;
  }

  /** Changes with every edit and every replacement of the tree: an analysis holds for one revision. */
  get revision(): number {
    return this._revision;
  }

  /**
   * Replaces `range` (LSP positions; clamped to the document) by `newText` and reparses: the statements
   * it touched alone, into the mirror, when it can (see syncMirrorLocally); else the tree, incrementally.
   */
  applyEdit(range: Range, newText: string): void {
    let start = this.offsetAt(range.start);
    let end = this.offsetAt(range.end);
    if (end < start) [start, end] = [end, start];
    const oldEndPosition = this.pointAt(end);
    const startPosition = this.pointAt(start);
    this.makeMirror();
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
    this._revision++;
    const span = { start, oldEnd: end, newEnd: newEndIndex };
    this.treeBehind = this.treeBehind ? mergeEdits(this.treeBehind, span) : span;
    if (this.syncMirrorLocally(span)) return;
    // The provisional region is in the text before this edit: it goes first.
    this.rereadProvisionalRegion();
    this.mirrorCurrent = false;
    this.editSinceSync = this.editSinceSync ? mergeEdits(this.editSinceSync, span) : span;
    this.catchUpTree();
  }

  /**
   * Brings the mirror up to date with one edit by reparsing only the top-level statements it lies in,
   * when it can (see SyntaxMirror.syncLocally): the mirror must be current and the text small enough to
   * mirror. A keystroke then costs no incremental parse of the whole tree, whose error recovery can
   * take as long as a fresh parse while a statement is half typed.
   */
  private syncMirrorLocally(span: EditSpan): boolean {
    // The region tree of the previous revision's mirror: no analysis of this revision can hold its nodes.
    const previousRegionTree = this.regionTree;
    this.regionTree = undefined;
    try {
      if (!this.mirrorsEdits) return false;
      if (this._text.length > MIRRORED_LENGTH_LIMIT) {
        this.mirror = undefined;
        return false;
      }
      if (!this.mirror || !this.mirrorCurrent) return false;
      const synced = this.mirror.syncLocally(this.parser, this._text, this.lineStarts, span);
      if (!synced) return false;
      this.regionTree = synced.regionTree;
      this._provisionalRegion = synced.regionTree ? synced.region : undefined;
      // Every statement outside the region has no error.
      this._settled = !synced.regionTree;
      return true;
    } finally {
      previousRegionTree?.delete();
    }
  }

  /**
   * Makes the mirror at the first edit, of the text before it: that edit too can then be parsed in its
   * region alone (see syncMirrorLocally), rather than the whole tree.
   */
  private makeMirror(): void {
    if (!this.mirrorsEdits || this.mirror || this._text.length > MIRRORED_LENGTH_LIMIT) return;
    this.mirror = new SyntaxMirror();
    this.mirrorCurrent = !this.treeBehind && this.mirror.sync(this._tree, this._text, this.lineStarts, undefined);
  }

  /** Reparses the tree, with the edits it is behind by, incrementally. */
  private catchUpTree(): void {
    const behind = this.treeBehind;
    if (!behind) return;
    this.treeBehind = undefined;
    const next = this.parser.parse(this._text, this._tree);
    this.rereadProvisionalRegion();
    if (this.mirror && !this.mirrorCurrent) this.widenEditSinceSync(next);
    this._tree.delete();
    this._tree = next;
    this._settled = !next.rootNode.hasError;
  }

  /**
   * Once the tree is parsed, the statements the mirror parsed alone with errors are read from it again:
   * its error recovery may differ from theirs, and their nodes belong to the region's tree.
   */
  private rereadProvisionalRegion(): void {
    const region = this._provisionalRegion;
    if (!region) return;
    this._provisionalRegion = undefined;
    const reread = { start: region.start, oldEnd: region.end, newEnd: region.end };
    this.editSinceSync = this.mirrorCurrent || !this.editSinceSync ? reread : mergeEdits(this.editSinceSync, reread);
    this.mirrorCurrent = false;
  }

  /** The span of the text the syntax took from a parse of that region alone with errors, until the tree catches up. */
  get provisionalRegion(): { start: number; end: number } | undefined {
    return this._provisionalRegion;
  }

  /**
   * The parser may have changed the syntax beyond the edits (error recovery, a string or bracket left
   * open): widens the span the mirror reads again to every range `next` reports changed from the tree.
   */
  private widenEditSinceSync(next: Tree): void {
    let span = this.editSinceSync ?? { start: 0, oldEnd: 0, newEnd: 0 };
    for (const range of next.getChangedRanges(this._tree)) {
      if (range.startIndex < span.start) span = { ...span, start: range.startIndex };
      if (range.endIndex > span.newEnd)
        span = { start: span.start, oldEnd: span.oldEnd + range.endIndex - span.newEnd, newEnd: range.endIndex };
    }
    this.editSinceSync = span;
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
    // A tree behind the text is not compared: catching it up may cost as much as the fresh parse.
    if (!this.treeBehind && sameTree(fresh, this._tree)) {
      fresh.delete();
      return false;
    }
    this._tree.delete();
    this._tree = fresh;
    this.treeBehind = undefined;
    this._provisionalRegion = undefined;
    this._revision++;
    this.mirrorCurrent = false;
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
    this.regionTree?.delete();
    this.regionTree = undefined;
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

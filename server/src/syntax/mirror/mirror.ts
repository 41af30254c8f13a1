import type { Node, Point, Tree } from 'web-tree-sitter';
import { lineIndexAt } from '../../text/lineIndex';
import { normalizeLoneCarriageReturns } from '../parser';
import type { PythonParser } from '../parser';
import { firstStartingAt } from '../queries';
import type { SyntaxTree } from '../syntaxNode';
import { MirrorNode, type Anchor } from './node';

export { MirrorNode };

/** One edit of the text, in offsets: [start, oldEnd) of the old text became [start, newEnd) of the new one. */
export interface EditSpan {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * The one span that `first`, then `second`, changed: from the earlier start to the later end (text
 * between two edits counts as changed, which only costs rereading it).
 */
export function mergeEdits(first: EditSpan, second: EditSpan): EditSpan {
  const end = Math.max(first.newEnd, second.oldEnd);
  return {
    start: Math.min(first.start, second.start),
    oldEnd: end - (first.newEnd - first.oldEnd),
    newEnd: end + (second.newEnd - second.oldEnd),
  };
}

/** A region longer than this (about 600 lines) is left to the incremental parse of the whole tree, which reuses its unchanged parts. */
const LOCAL_PARSE_LIMIT = 20_000;

/**
 * A copy of a syntax tree in MirrorNodes that follows the document's tree from edit to edit. After an
 * incremental reparse only the top-level statements the edit touched (or the parser rebuilt) are read
 * from the tree again; every other statement keeps its nodes, moved by its anchor. Reuse is sound
 * because a top-level statement without errors whose text and type are unchanged, and which starts on
 * a line at the same column, has the same subtree: the parser enters it in the same state (module level,
 * nothing open) and its tokens and its end are the same. Statements with errors are always read again.
 */
export class SyntaxMirror implements SyntaxTree {
  /** The text of the tree mirrored (lone carriage returns as the parser saw them: as line feeds). */
  text = '';
  private root: MirrorNode | undefined;
  /** The span of the mirrored text holding all of the root's errors, when a region parse found them (see syncLocally). */
  private errorRegion: { start: number; end: number } | undefined;
  /** Named-ness of each node type id, read from the tree the first time the id is seen. */
  private readonly namedByTypeId = new Map<number, boolean>();

  /** The mirror has been synced with a tree. */
  get hasRoot(): boolean {
    return this.root !== undefined;
  }

  get rootNode(): MirrorNode {
    if (!this.root) throw new Error('the syntax mirror has not been synced with a tree');
    return this.root;
  }

  /**
   * Makes the mirror a copy of `tree`, the tree of `text`. `edit`: the span of the previously mirrored
   * text that changed to make `text` (undefined when unknown: the whole tree is read). Returns false,
   * leaving the mirror as it was, when the statements to read again hold more than `readLimit` code
   * units: reading a node costs several wasm calls, and a large broken region (an unclosed bracket that
   * swallows the rest of the file) is better analysed on the tree until it closes.
   */
  sync(
    tree: Tree,
    text: string,
    lineStarts: readonly number[],
    edit: EditSpan | undefined,
    readLimit = Infinity,
    editCoversChanges = false,
  ): boolean {
    const realRoot = tree.rootNode;
    // A text that is one ERROR node (no module) gives its children fields the mirror does not copy; nothing to gain there.
    if (realRoot.type !== 'module') return false;
    if (edit && editCoversChanges && this.root) {
      const synced = this.syncAround(realRoot, text, lineStarts, edit, readLimit);
      if (synced !== undefined) return synced;
    }
    const previous = this.root && edit ? topLevelByStart(this.root) : undefined;
    const rootHasError = realRoot.hasError;
    const types = tree.language.types;
    // The module's children with a cursor: no Node object for the statements that are kept.
    const starts: number[] = [];
    const rows: number[] = [];
    const kept: (MirrorNode | Node)[] = [];
    let toRead = 0;
    const cursor = realRoot.walk();
    try {
      for (let more = cursor.gotoFirstChild(); more; more = cursor.gotoNextSibling()) {
        const start = cursor.startIndex;
        const end = cursor.endIndex;
        const type = types[cursor.nodeTypeId] || 'ERROR';
        // Under a root without errors no statement has any.
        const current = rootHasError ? cursor.currentNode : undefined;
        const row = lineIndexAt(lineStarts, start);
        const candidate = previous && !current?.hasError ? reusable(previous, edit!, type, start, end, start - lineStarts[row]) : undefined;
        starts.push(start);
        rows.push(row);
        if (candidate) {
          kept.push(candidate);
        } else {
          kept.push(current ?? cursor.currentNode);
          toRead += end - start;
        }
      }
    } finally {
      cursor.delete();
    }
    if (toRead > readLimit) return false;
    this.text = normalizeLoneCarriageReturns(text);
    const root = this.rootOf(realRoot, lineStarts);
    for (let index = 0; index < kept.length; index++) {
      const start = starts[index];
      const row = rows[index];
      const child = kept[index];
      let mirrored: MirrorNode;
      if (child instanceof MirrorNode) {
        mirrored = child;
        mirrored.anchor.index = start;
        mirrored.anchor.row = row;
      } else {
        mirrored = this.read(child, { index: start, row }, lineStarts);
      }
      appendChild(root, mirrored);
    }
    this.root = root;
    this.errorRegion = undefined;
    return true;
  }

  /**
   * Sync when every change of the tree lies within `changed` (the text edit widened by the parser's
   * changed ranges, see ParsedDocument): the top-level statements outside it are the previous ones, moved,
   * and only the statements in it (and statements with errors, whose `real` nodes belong to the old
   * tree) are looked up and read, so a keystroke costs no walk over every statement of the module.
   * Undefined, with nothing changed, when the new tree does not line up with the kept statements (the
   * caller then compares every statement); false when more than `readLimit` code units are to be read.
   */
  private syncAround(
    realRoot: Node,
    text: string,
    lineStarts: readonly number[],
    changed: EditSpan,
    readLimit: number,
  ): boolean | undefined {
    const old = this.root!.children;
    const delta = changed.newEnd - changed.oldEnd;
    // Kept: no error, not empty (an empty node at the span's end is in no changed range, yet may go), and
    // wholly before or after the changed span (as `reusable` judges).
    const keptAt: number[] = [];
    const moves = (node: MirrorNode) => node.endIndex > changed.start;
    for (let index = 0; index < old.length; index++) {
      const node = old[index];
      if (node.hasError || node.type === 'ERROR' || node.startIndex === node.endIndex) continue;
      if (node.endIndex <= changed.start || node.startIndex >= changed.oldEnd) keptAt.push(index);
    }
    const newStart = (index: number) => old[index].startIndex + (moves(old[index]) ? delta : 0);
    const newEnd = (index: number) => old[index].endIndex + (moves(old[index]) ? delta : 0);
    const readBetween = gapsToRead(keptAt, old.length, changed, newStart, newEnd);
    const read: { node: Node; start: number; gap: number }[] = [];
    let toRead = 0;
    const types = realRoot.tree.language.types;
    // Children by index (Node.nextSibling skips an empty sibling where a node ends, and
    // TreeCursor.gotoFirstChildForIndex finds nothing in web-tree-sitter 0.25). Each kept statement before
    // a gap holds one index; the gap's statements follow it.
    let keptBefore = 0;
    for (let gap = 0; gap < readBetween.length; gap++) {
      const { after, before } = readBetween[gap];
      const from = after >= 0 ? newEnd(after) : 0;
      const to = before < old.length ? newStart(before) : Infinity;
      while (keptBefore < keptAt.length && keptAt[keptBefore] <= after) keptBefore++;
      let index = keptBefore + read.length;
      if (after >= 0) {
        const previous = realRoot.child(index - 1);
        if (!previous || previous.startIndex !== newStart(after) || previous.endIndex !== from) return undefined;
      }
      let child = realRoot.child(index);
      for (; child; child = realRoot.child(++index)) {
        const start = child.startIndex;
        if (start >= to) break;
        const end = child.endIndex;
        if (start < from || end > to) return undefined;
        read.push({ node: child, start, gap });
        toRead += end - start;
      }
      // The kept statement after the gap must be where the new tree has it.
      if (to !== Infinity) {
        const next = old[before];
        if (!child || child.startIndex !== to || child.endIndex !== newEnd(before) || (types[child.typeId] || 'ERROR') !== next.type)
          return undefined;
      }
    }
    if (toRead > readLimit) return false;
    // Every statement of the new tree is a kept or a read one.
    if (keptAt.length + read.length !== realRoot.childCount) return undefined;
    // Statements after the span move by the length difference and by the lines it added or removed.
    const moved = keptAt.filter((index) => moves(old[index]));
    const firstMoved = moved.length > 0 ? old[moved[0]] : undefined;
    const firstMovedRow = firstMoved ? lineIndexAt(lineStarts, firstMoved.startIndex + delta) : -1;
    // A statement on the line where the span ends may start at another column: compare every statement.
    if (firstMoved && firstMovedRow === lineIndexAt(lineStarts, changed.newEnd)) return undefined;
    this.text = normalizeLoneCarriageReturns(text);
    if (firstMoved) {
      const rowDelta = firstMovedRow - firstMoved.anchor.row;
      for (const index of moved) {
        old[index].anchor.index += delta;
        old[index].anchor.row += rowDelta;
      }
    }
    const root = this.rootOf(realRoot, lineStarts);
    let nextRead = 0;
    const appendReadBefore = (oldIndex: number) => {
      while (nextRead < read.length && readBetween[read[nextRead].gap].before <= oldIndex) {
        const { node, start } = read[nextRead++];
        appendChild(root, this.read(node, { index: start, row: lineIndexAt(lineStarts, start) }, lineStarts));
      }
    };
    for (const index of keptAt) {
      appendReadBefore(index);
      appendChild(root, old[index]);
    }
    appendReadBefore(old.length);
    this.root = root;
    this.errorRegion = undefined;
    return true;
  }

  /**
   * Follows `edit` of the mirrored text (which made `text`) by parsing only the top-level statements it
   * lies in: from the last statement at column 0 that starts before the edit to the first one at column 0
   * that starts after it, when no statement outside has an error (all the mirror's errors, if any, came
   * from an earlier region parse that this region takes in again). The parser enters that region at
   * module level with nothing open, as it does in the whole text, so when the region parses without
   * errors its statements are the whole parse's (a property test checks the mirror against the tree).
   * With errors, the whole parse's error recovery may reach past the region: the mirror is then
   * provisional (the document is unsettled, see ParsedDocument) and holds nodes of the region's tree.
   * Returns undefined, with nothing changed, when the edit is not in such a region; otherwise whether
   * the region has errors and, if so, its tree, which the caller deletes once the mirror moves on.
   */
  syncLocally(
    parser: PythonParser,
    text: string,
    lineStarts: readonly number[],
    edit: EditSpan,
  ): { regionTree: Tree | undefined; region: { start: number; end: number } } | undefined {
    const oldRoot = this.root;
    if (!oldRoot) return undefined;
    const old = oldRoot.children;
    // The last statement that starts before the edit.
    let first = firstStartingAt(old, edit.start, 0) - 1;
    // Typing at a statement's first column may join it to the one above: the region starts before it.
    while (first >= 0 && old[first].startColumn !== 0) first--;
    if (first < 0) return undefined;
    let next = first + 1;
    while (next < old.length && (old[next].startIndex <= edit.oldEnd || old[next].startColumn !== 0)) next++;
    // The module's end may move with text at the end of the file: parse the whole tree then.
    if (next === old.length) return undefined;
    // Errors are allowed only where a region parse found them, and the region must take them all in
    // again: a tree's root (or a region's) may have an error that none of its statements shows.
    const errors = this.errorRegion;
    if (oldRoot.hasError && !(errors && old[first].startIndex <= errors.start && errors.end <= old[next].startIndex)) return undefined;
    const delta = edit.newEnd - edit.oldEnd;
    const start = old[first].startIndex;
    const end = old[next].startIndex + delta;
    if (end - start > LOCAL_PARSE_LIMIT) return undefined;
    const startRow = lineIndexAt(lineStarts, start);
    const endRow = lineIndexAt(lineStarts, end);
    const region = parser.parseRegion(text, start, end, { row: startRow, column: 0 }, { row: endRow, column: 0 });
    const regionRoot = region.rootNode;
    const statements: Node[] = [];
    for (let index = 0; index < regionRoot.childCount; index++) statements.push(regionRoot.child(index)!);
    if (statements.length === 0 || statements[0].startIndex !== start || statements[statements.length - 1].endIndex > end) {
      region.delete();
      return undefined;
    }
    const hasError = regionRoot.hasError;
    this.text = normalizeLoneCarriageReturns(text);
    const rowDelta = endRow - old[next].anchor.row;
    for (let index = next; index < old.length; index++) {
      old[index].anchor.index += delta;
      old[index].anchor.row += rowDelta;
    }
    // No `real` root: its children would be the region's alone. Top-level queries use the mirror's nodes.
    const root = this.makeRoot(oldRoot.type, hasError, oldRoot.startIndex, oldRoot.startPosition, oldRoot.endIndex + delta, lineStarts);
    for (let index = 0; index < first; index++) appendChild(root, old[index]);
    for (const statement of statements) {
      const statementStart = statement.startIndex;
      appendChild(root, this.read(statement, { index: statementStart, row: lineIndexAt(lineStarts, statementStart) }, lineStarts));
    }
    for (let index = next; index < old.length; index++) appendChild(root, old[index]);
    this.root = root;
    this.errorRegion = hasError ? { start, end } : undefined;
    if (hasError) return { regionTree: region, region: { start, end } };
    region.delete();
    return { regionTree: undefined, region: { start, end } };
  }

  /** The mirror's root for the tree's, which queries under a root with errors ask (see `realNode`). */
  private rootOf(realRoot: Node, lineStarts: readonly number[]): MirrorNode {
    const root = this.makeRoot(
      realRoot.type,
      realRoot.hasError,
      realRoot.startIndex,
      realRoot.startPosition,
      realRoot.endIndex,
      lineStarts,
    );
    if (root.hasError) root.real = realRoot;
    return root;
  }

  private makeRoot(
    type: string,
    hasError: boolean,
    start: number,
    startPosition: Point,
    end: number,
    lineStarts: readonly number[],
  ): MirrorNode {
    return new MirrorNode(
      this,
      { index: 0, row: 0 },
      type,
      true,
      false,
      hasError,
      null,
      start,
      end,
      startPosition.row,
      startPosition.column,
      ...rowAndColumn(lineStarts, end),
    );
  }

  /** Reads a top-level node and its subtree from the tree, with a cursor (one wasm call per property). */
  private read(statement: Node, anchor: Anchor, lineStarts: readonly number[]): MirrorNode {
    const language = statement.tree.language;
    const withErrors = statement.hasError;
    const cursor = statement.walk();
    try {
      const make = (parent: MirrorNode | null): MirrorNode => {
        const typeId = cursor.nodeTypeId;
        let named = this.namedByTypeId.get(typeId);
        if (named === undefined) this.namedByTypeId.set(typeId, (named = cursor.nodeIsNamed));
        const start = cursor.startIndex;
        const end = cursor.endIndex;
        const [startRow, startColumn] = rowAndColumn(lineStarts, start);
        const [endRow, endColumn] = rowAndColumn(lineStarts, end);
        const node = new MirrorNode(
          this,
          anchor,
          language.types[typeId] || 'ERROR',
          named,
          withErrors && cursor.nodeIsMissing,
          withErrors ? (parent ? undefined : true) : false,
          parent ? (language.fields[cursor.currentFieldId] ?? null) : null,
          start - anchor.index,
          end - anchor.index,
          startRow - anchor.row,
          startColumn,
          endRow - anchor.row,
          endColumn,
        );
        if (withErrors) {
          if (parent) node.findRealFromParent();
          else node.real = statement;
        }
        if (parent) appendChild(parent, node);
        return node;
      };
      const top = make(null);
      let parent = top;
      // Depth first with the cursor; `parent` follows it down and up.
      if (!cursor.gotoFirstChild()) return top;
      for (;;) {
        const node = make(parent);
        if (cursor.gotoFirstChild()) {
          parent = node;
          continue;
        }
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent() || parent === top) return top;
          parent = parent.parent!;
        }
      }
    } finally {
      cursor.delete();
    }
  }
}

/** Makes `node` the last child of `parent`. */
/**
 * The stretches of the new tree between two kept statements (or before the first, after the last) where
 * something may differ: old statements were dropped there, or the changed span reaches into the gap.
 */
function gapsToRead(
  keptAt: readonly number[],
  statements: number,
  changed: EditSpan,
  newStart: (index: number) => number,
  newEnd: (index: number) => number,
): { after: number; before: number }[] {
  const gaps: { after: number; before: number }[] = [];
  for (let gap = 0; gap <= keptAt.length; gap++) {
    const after = gap > 0 ? keptAt[gap - 1] : -1;
    const before = gap < keptAt.length ? keptAt[gap] : statements;
    const from = after >= 0 ? newEnd(after) : 0;
    const to = before < statements ? newStart(before) : Infinity;
    const droppedStatements = before - after > 1;
    const touched = changed.start <= to && changed.newEnd >= from;
    if (droppedStatements || touched) gaps.push({ after, before });
  }
  return gaps;
}

function appendChild(parent: MirrorNode, node: MirrorNode): void {
  node.parent = parent;
  node.indexInParent = parent.children.length;
  parent.children.push(node);
}

function topLevelByStart(root: MirrorNode): Map<number, MirrorNode> {
  const byStart = new Map<number, MirrorNode>();
  for (const child of root.children) byStart.set(child.startIndex, child);
  return byStart;
}

/**
 * The mirrored top-level node of the previous text that the new tree's statement of `type` at [start,
 * end) (which has no error) is a copy of, if there is one: the same span carried back through the
 * edit, untouched by it, with the same type and start column, and no error.
 */
function reusable(
  previous: ReadonlyMap<number, MirrorNode>,
  edit: EditSpan,
  type: string,
  start: number,
  end: number,
  column: number,
): MirrorNode | undefined {
  let oldStart = start;
  let oldEnd = end;
  if (end > edit.start) {
    if (start < edit.newEnd) return undefined;
    const delta = edit.newEnd - edit.oldEnd;
    oldStart -= delta;
    oldEnd -= delta;
  }
  const candidate = previous.get(oldStart);
  if (!candidate || candidate.endIndex !== oldEnd || candidate.hasError || candidate.startColumn !== column) return undefined;
  return candidate.type === type ? candidate : undefined;
}

function rowAndColumn(lineStarts: readonly number[], offset: number): [number, number] {
  const row = lineIndexAt(lineStarts, offset);
  return [row, offset - lineStarts[row]];
}

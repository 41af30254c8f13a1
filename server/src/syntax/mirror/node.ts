import type { Node, Point } from 'web-tree-sitter';
import type { SyntaxNode } from '../syntaxNode';

/** Node ids, unique across mirrors. */
let lastId = 0;

/**
 * Where a top-level node of the module starts now. The nodes under it keep their offsets and rows
 * relative to it, so text typed above a statement moves the statement's whole subtree by two assignments.
 */
export interface Anchor {
  index: number;
  row: number;
}

/**
 * A node of a SyntaxMirror: what web-tree-sitter's Node reports, read once from the tree and kept as
 * plain JavaScript data. Every read of a real Node is a call into the wasm module that also allocates a
 * new Node object; the analysis reads tens of thousands of them per run, and a mirror node costs a
 * property access instead.
 */
export class MirrorNode implements SyntaxNode {
  readonly id = ++lastId;
  parent: MirrorNode | null = null;
  readonly children: MirrorNode[] = [];
  /** This node's position among its parent's children. */
  indexInParent = 0;
  private realNodeKept: Node | undefined;
  /** In a statement with errors: `real` is its parent's real node's child at `indexInParent`, found when first asked. */
  private realFromParent = false;
  private namedList: MirrorNode[] | undefined;

  constructor(
    /** The mirror the node belongs to: its text is the node's. */
    private readonly mirror: { readonly text: string },
    readonly anchor: Anchor,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** Undefined in a statement with errors: asked of the tree's node when first needed (see `real`). */
    private knownError: boolean | undefined,
    /** The field this node fills in its parent (`function`, `arguments`, …), if any. */
    readonly fieldName: string | null,
    private readonly relativeStart: number,
    private readonly relativeEnd: number,
    private readonly relativeStartRow: number,
    readonly startColumn: number,
    private readonly relativeEndRow: number,
    readonly endColumn: number,
  ) {}

  /**
   * The tree's own node, for the nodes of statements with errors (and a root with errors): those are
   * read again at every sync, so it always belongs to the current tree. Queries whose answer in an
   * error subtree depends on the parser's hidden nodes, which a mirror does not copy, are asked of it.
   * Below a statement it is looked up only when asked (most of a broken statement's nodes never are).
   */
  get real(): Node | undefined {
    if (this.realFromParent) {
      this.realFromParent = false;
      this.realNodeKept = this.parent?.real?.child(this.indexInParent) ?? undefined;
    }
    return this.realNodeKept;
  }

  set real(node: Node | undefined) {
    this.realNodeKept = node;
    this.realFromParent = false;
  }

  /** Marks the node as one of a statement with errors whose tree node is found from its parent's. */
  findRealFromParent(): void {
    this.realFromParent = true;
  }

  get hasError(): boolean {
    return (this.knownError ??= this.real?.hasError ?? false);
  }

  get startIndex(): number {
    return this.anchor.index + this.relativeStart;
  }

  get endIndex(): number {
    return this.anchor.index + this.relativeEnd;
  }

  get startRow(): number {
    return this.anchor.row + this.relativeStartRow;
  }

  get endRow(): number {
    return this.anchor.row + this.relativeEndRow;
  }

  get startPosition(): Point {
    return { row: this.startRow, column: this.startColumn };
  }

  get endPosition(): Point {
    return { row: this.endRow, column: this.endColumn };
  }

  get text(): string {
    return this.mirror.text.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): MirrorNode[] {
    return (this.namedList ??= this.children.filter((child) => child.isNamed));
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get nextNamedSibling(): MirrorNode | null {
    const parent = this.parent;
    if (!parent) return null;
    const real = this.realNode;
    if (real) return parent.childFor(real.nextNamedSibling);
    return laterNamedNode(parent.children, this.indexInParent + 1, this.startIndex, this.endIndex);
  }

  /** The tree's own node where queries must ask it: in a statement with errors, or at module level under a root with errors. */
  private get realNode(): Node | undefined {
    const parent = this.parent;
    // A top-level node's siblings are the root's: asked of the tree's root, or of none when the mirror
    // holds a region parsed alone (see syncLocally; its tree's root has the region's statements alone).
    if (parent && !parent.parent) return parent.real ? (this.real ?? parent.real.child(this.indexInParent) ?? undefined) : undefined;
    return this.real;
  }

  /** The child of this node that `real`, a node of the tree, is a copy of. */
  private childFor(real: Node | null): MirrorNode | null {
    if (!real) return null;
    const start = real.startIndex;
    for (const child of this.children) {
      if (
        child.real ? child.real.id === real.id : child.startIndex === start && child.endIndex === real.endIndex && child.type === real.type
      )
        return child;
    }
    return null;
  }

  child(index: number): MirrorNode | null {
    return this.children[index] ?? null;
  }

  namedChild(index: number): MirrorNode | null {
    return this.namedChildren[index] ?? null;
  }

  childForFieldName(fieldName: string): MirrorNode | null {
    // An ERROR node has no production, so no field map of its own (its children still report fields).
    if (this.type === 'ERROR') return null;
    for (const child of this.children) if (child.fieldName === fieldName) return child;
    return null;
  }

  childrenForFieldName(fieldName: string): MirrorNode[] {
    return this.children.filter((child) => child.fieldName === fieldName);
  }

  /**
   * As ts_node_descendants_of_type: document order, this node included; nodes ending at or before
   * `startPosition` are skipped with their subtrees, the walk stops at the first node starting at or
   * after `endPosition` (a zero end means no end).
   */
  descendantsOfType(types: string | string[], startPosition: Point = ZERO_POINT, endPosition: Point = ZERO_POINT): MirrorNode[] {
    const wanted = typeSet(types);
    const bounded = endPosition.row !== 0 || endPosition.column !== 0;
    // ERROR nodes lie only under nodes with errors: a search for them skips every other subtree.
    const errorsOnly = wanted.size === 1 && wanted.has('ERROR');
    const found: MirrorNode[] = [];
    // An explicit stack: nesting 2,000 brackets deep must not exhaust the call stack.
    const stack: MirrorNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (pointAtOrBefore(node.endRow, node.endColumn, startPosition)) continue;
      if (bounded && pointAtOrBefore(endPosition.row, endPosition.column, { row: node.startRow, column: node.startColumn })) break;
      if (wanted.has(node.type)) found.push(node);
      if (errorsOnly && !node.hasError) continue;
      for (let index = node.children.length - 1; index >= 0; index--) stack.push(node.children[index]);
    }
    return found;
  }

  /** As ts_node_descendant_for_byte_range: the smallest node (named or not) spanning [start, end]. */
  descendantForIndex(start: number, end: number = start): MirrorNode | null {
    if (start > end) return null;
    let node: MirrorNode = this;
    descend: for (;;) {
      for (const child of node.children) {
        const childEnd = child.endIndex;
        if (childEnd < end) continue;
        const childStart = child.startIndex;
        if (childStart === childEnd ? childEnd < start : childEnd <= start) continue;
        if (start < childStart) return node;
        node = child;
        continue descend;
      }
      return node;
    }
  }

  /** As ts_node_descendant_for_point_range: descendantForIndex with rows and columns. */
  descendantForPosition(start: Point, end: Point = start): MirrorNode | null {
    if (comparePoints(start.row, start.column, end) > 0) return null;
    let node: MirrorNode = this;
    descend: for (;;) {
      for (const child of node.children) {
        const endRow = child.endRow;
        const endColumn = child.endColumn;
        if (comparePoints(endRow, endColumn, end) < 0) continue;
        const empty = child.startRow === endRow && child.startColumn === endColumn;
        const afterStart = comparePoints(endRow, endColumn, start);
        if (empty ? afterStart < 0 : afterStart <= 0) continue;
        if (comparePoints(child.startRow, child.startColumn, start) > 0) return node;
        node = child;
        continue descend;
      }
      return node;
    }
  }

  /** As ts_node_first_named_child_for_byte: the first named child ending after `index`. */
  firstNamedChildForIndex(index: number): MirrorNode | null {
    const real = this.realNode;
    if (real) return this.childFor(real.firstNamedChildForIndex(index));
    for (const child of this.children) {
      if (child.endIndex <= index) continue;
      if (child.isNamed) return child;
      if (child.children.length > 0) {
        const found = child.firstNamedChildForIndex(index);
        if (found) return found;
      }
    }
    return null;
  }
}

/**
 * As ts_node__next_sibling: the first named node among `nodes` (from `from` on) that ends after `end`
 * and starts after `start` (at it, for an empty node), looking into anonymous nodes with children. So an
 * empty sibling where the node ends (an empty block at the end of the file) is no next sibling.
 */
function laterNamedNode(nodes: readonly MirrorNode[], from: number, start: number, end: number): MirrorNode | null {
  const empty = start === end;
  for (let index = from; index < nodes.length; index++) {
    const node = nodes[index];
    if (node.endIndex <= end) continue;
    const nodeStart = node.startIndex;
    if (empty ? nodeStart < start : nodeStart <= start) continue;
    if (node.isNamed) return node;
    const found = node.children.length > 0 ? laterNamedNode(node.children, 0, start, end) : null;
    if (found) return found;
  }
  return null;
}

const ZERO_POINT: Point = { row: 0, column: 0 };

/** The analysis asks for the same few lists of types over and over: each list's set is made once. */
const typeSets = new WeakMap<string[], ReadonlySet<string>>();

function typeSet(types: string | string[]): ReadonlySet<string> {
  if (typeof types === 'string') return new Set([types]);
  let set = typeSets.get(types);
  if (!set) typeSets.set(types, (set = new Set(types)));
  return set;
}

function comparePoints(row: number, column: number, other: Point): number {
  return row - other.row || column - other.column;
}

function pointAtOrBefore(row: number, column: number, other: Point): boolean {
  return row < other.row || (row === other.row && column <= other.column);
}

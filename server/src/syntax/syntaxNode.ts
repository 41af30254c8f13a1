import type { Point } from 'web-tree-sitter';

/**
 * The part of web-tree-sitter's `Node` that the analysis, the rules and the fixes read. A real `Node`
 * meets it, and so does a `MirrorNode` (mirror.ts): a copy of the tree in JavaScript objects that the
 * language server keeps across keystrokes. The semantics are web-tree-sitter's, down to the edge cases
 * of `descendantForIndex` and `descendantsOfType`; test/analysis/mirror.test.ts compares the two.
 */
export interface SyntaxNode {
  /** Unique among the nodes of one tree (not across trees). */
  readonly id: number;
  readonly type: string;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  /** The node is or holds an ERROR or MISSING node. */
  readonly hasError: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly text: string;
  readonly parent: SyntaxNode | null;
  readonly children: (SyntaxNode | null)[];
  readonly namedChildren: (SyntaxNode | null)[];
  readonly childCount: number;
  readonly namedChildCount: number;
  readonly nextNamedSibling: SyntaxNode | null;
  child(index: number): SyntaxNode | null;
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(fieldName: string): SyntaxNode | null;
  childrenForFieldName(fieldName: string): (SyntaxNode | null)[];
  descendantsOfType(types: string | string[], startPosition?: Point, endPosition?: Point): (SyntaxNode | null)[];
  descendantForIndex(start: number, end?: number): SyntaxNode | null;
  descendantForPosition(start: Point, end?: Point): SyntaxNode | null;
  firstNamedChildForIndex(index: number): SyntaxNode | null;
}

/** What the analysis needs of a tree: its root. A web-tree-sitter `Tree` and a `SyntaxMirror` both have one. */
export interface SyntaxTree {
  readonly rootNode: SyntaxNode;
}

import type { Tree } from 'web-tree-sitter';
import type { DidChangeTextDocumentParams, DidOpenTextDocumentParams, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { ParsedDocument } from '../syntax/document';
import { computeLineStarts, offsetAt } from '../text/lineIndex';
import { mergeEdits, type EditSpan } from '../syntax/mirror/mirror';
import type { PythonParser } from '../syntax/parser';

/**
 * How many open documents keep their syntax tree: the few a person types in or asks about at once. A
 * tree of a 1,000-line file takes about 0.8 MB of wasm memory, which the wasm heap never gives back, so
 * a hundred open files must not hold a hundred trees; the others keep their text and are parsed again
 * when read.
 */
export const TREES_KEPT = 8;

/**
 * The open documents that hold a tree, least recently used first. Making room for one more releases the
 * least recently used tree at once, before the new parse, so at most `capacity` trees are ever alive.
 */
export class RecentTrees {
  /** A Set keeps insertion order: deleting and re-adding moves a document to the end. */
  private readonly holders = new Set<OpenDocument>();

  constructor(
    readonly parser: PythonParser,
    readonly capacity = TREES_KEPT,
  ) {
    if (capacity < 1) throw new RangeError('at least one tree must be kept');
  }

  /** How many documents hold a tree now. */
  get size(): number {
    return this.holders.size;
  }

  /** `document` is about to read its tree: it becomes the most recent, and the oldest beyond capacity lose theirs. */
  use(document: OpenDocument): void {
    this.holders.delete(document);
    this.holders.add(document);
    for (const oldest of this.holders) {
      if (this.holders.size <= this.capacity) break;
      this.holders.delete(oldest);
      oldest.releaseTree();
    }
  }

  /** `document` released its tree itself (closed). */
  forget(document: OpenDocument): void {
    this.holders.delete(document);
  }
}

/**
 * A document the client has open. Changes update the text at once; the tree catches up when someone
 * reads `parsed` (diagnostics, hover, code actions, commands): the text changed since the last read
 * becomes one edit of the parsed document, which edits its tree and reparses incrementally. A burst of
 * keystrokes costs one incremental parse, not one per keystroke.
 *
 * Only the most recently read few documents keep their parsed document (see RecentTrees); the others
 * keep their text alone and are parsed afresh when read again. Changes received meanwhile are in that
 * text, and a fresh parse gives the settled tree (ParsedDocument.settle), so a released document answers
 * as a kept one would.
 */
export class OpenDocument {
  /** The text with every change received. */
  private currentText: string;
  /** The parsed text and its tree; undefined until first read, and again once released. */
  private document: ParsedDocument | undefined;
  /** The text changed since `document` last caught up. */
  private behind = false;
  /** Line starts of `currentText` while it is ahead of the parsed document (otherwise the parsed document's serve). */
  private pendingLineStarts: number[] | undefined;
  /**
   * The span of the parsed text that the changes since it replaced, when known (ranged changes); a
   * keystroke then costs no comparison of the whole text. Undefined after a full-text change.
   */
  private changedSinceParse: EditSpan | undefined;
  /**
   * The text that replaced `changedSinceParse` when a single change made it: catching up then slices
   * nothing out of the new text (slicing a freshly concatenated text copies all of it, 150 KB for a
   * 5,000-line file, on every keystroke).
   */
  private insertedSinceParse: string | undefined;
  private edited = false;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
    private readonly trees: RecentTrees,
  ) {
    this.currentText = text;
  }

  get text(): string {
    return this.currentText;
  }

  /** The client has changed the document since opening it (someone is typing in it). */
  get isEdited(): boolean {
    return this.edited;
  }

  /** The parsed document, brought up to date with every change received (parsed again if it was released). */
  parsedDocument(): ParsedDocument {
    // Room is made before parsing, so the new tree never lives beside one too many.
    this.trees.use(this);
    if (!this.document) {
      this.document = new ParsedDocument(this.trees.parser, this.currentText, true);
      this.markCaughtUp();
    } else if (this.behind) {
      this.catchUp(this.document, this.currentText);
    }
    return this.document;
  }

  /** The tree as it is now, without parsing or catching up; undefined when released. For checks only. */
  get currentTree(): Tree | undefined {
    return this.document?.currentTree;
  }

  /** The parsed document as it is now, without parsing or catching up; undefined when released. For checks only. */
  get currentParsed(): ParsedDocument | undefined {
    return this.document;
  }

  applyChange(change: TextDocumentContentChangeEvent): void {
    this.edited = true;
    if (!('range' in change)) {
      this.setText(change.text);
      return;
    }
    const text = this.currentText;
    const lineStarts = this.document && !this.behind ? this.document.lineStarts : (this.pendingLineStarts ??= computeLineStarts(text));
    let start = offsetAt(text, lineStarts, change.range.start);
    let end = offsetAt(text, lineStarts, change.range.end);
    if (end < start) [start, end] = [end, start];
    const span = { start, oldEnd: end, newEnd: start + change.text.length };
    const first = !this.behind;
    const known = first ? span : this.changedSinceParse && mergeEdits(this.changedSinceParse, span);
    this.setText(text.slice(0, start) + change.text + text.slice(end));
    this.changedSinceParse = known;
    this.insertedSinceParse = first ? change.text : undefined;
  }

  /** Frees the tree's wasm memory and keeps the text; the next read of `parsed` parses it again. */
  releaseTree(): void {
    this.document?.dispose();
    this.document = undefined;
    this.pendingLineStarts = undefined;
  }

  dispose(): void {
    this.trees.forget(this);
    this.releaseTree();
  }

  private setText(text: string): void {
    this.currentText = text;
    this.behind = true;
    this.pendingLineStarts = undefined;
    this.changedSinceParse = undefined;
    this.insertedSinceParse = undefined;
  }

  private markCaughtUp(): void {
    this.behind = false;
    this.pendingLineStarts = undefined;
    this.changedSinceParse = undefined;
    this.insertedSinceParse = undefined;
  }

  /** Applies the difference between the parsed text and `text` as one edit: the span the changes replaced when known, else what lies between their common ends. */
  private catchUp(document: ParsedDocument, text: string): void {
    const known = this.changedSinceParse;
    const inserted = this.insertedSinceParse;
    this.markCaughtUp();
    const before = document.text;
    if (!known && before === text) return;
    const { start, end } = known ? { start: known.start, end: known.oldEnd } : changedSpan(before, text);
    document.applyEdit(
      { start: document.positionAt(start), end: document.positionAt(end) },
      known && inserted !== undefined ? inserted : text.slice(start, text.length - (before.length - end)),
    );
    // One copy of the text, not two.
    this.currentText = document.text;
  }
}

/**
 * The span of `before` that differs from `after`: everything between their longest common prefix and
 * suffix. It never starts or ends between the \r and \n of a CRLF, which no LSP position can name.
 */
export function changedSpan(before: string, after: string): { start: number; end: number } {
  const limit = Math.min(before.length, after.length);
  let start = 0;
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < limit - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  let end = before.length - suffix;
  if (start > 0 && before.charCodeAt(start - 1) === 13 && before.charCodeAt(start) === 10) start--;
  if (end > start && end < before.length && before.charCodeAt(end - 1) === 13 && before.charCodeAt(end) === 10) end++;
  return { start, end };
}

/** The documents the client has open; only the most recently read few hold a tree (see RecentTrees). */
export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly trees: RecentTrees;

  constructor(parser: PythonParser, treesKept = TREES_KEPT) {
    this.trees = new RecentTrees(parser, treesKept);
  }

  /** How many open documents hold a tree now (at most the number kept). */
  get treeCount(): number {
    return this.trees.size;
  }

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  all(): IterableIterator<OpenDocument> {
    return this.documents.values();
  }

  /** Opens (or, if the client reopens without closing, replaces) a document. It is parsed when first read. */
  open(params: DidOpenTextDocumentParams): OpenDocument {
    const { uri, languageId, version, text } = params.textDocument;
    this.documents.get(uri)?.dispose();
    const document = new OpenDocument(uri, languageId, version, text, this.trees);
    this.documents.set(uri, document);
    return document;
  }

  /** Applies the changes in order; undefined when the document is not open (the change is ignored). */
  change(params: DidChangeTextDocumentParams): OpenDocument | undefined {
    const document = this.documents.get(params.textDocument.uri);
    if (!document) return undefined;
    for (const change of params.contentChanges) document.applyChange(change);
    document.version = params.textDocument.version;
    return document;
  }

  /** Closes a document and frees its tree; false when it was not open. */
  close(uri: string): boolean {
    const document = this.documents.get(uri);
    if (!document) return false;
    document.dispose();
    this.documents.delete(uri);
    return true;
  }

  dispose(): void {
    for (const document of this.documents.values()) document.dispose();
    this.documents.clear();
  }
}

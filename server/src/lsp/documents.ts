import type {
  DidChangeTextDocumentParams,
  DidOpenTextDocumentParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { computeLineStarts, offsetAt, ParsedDocument } from '../analysis/document';
import type { PythonParser } from '../analysis/parser';

/**
 * A document the client has open. Changes update the text at once; the tree catches up when someone
 * reads `parsed` (diagnostics, hover, code actions, commands): the text changed since the last read
 * becomes one edit of the parsed document, which edits its tree and reparses incrementally. A burst of
 * keystrokes costs one incremental parse, not one per keystroke.
 */
export class OpenDocument {
  /** The text after changes the tree has not caught up with; undefined when it has. */
  private pendingText: string | undefined;
  private pendingLineStarts: number[] | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    private readonly document: ParsedDocument,
  ) {}

  get text(): string {
    return this.pendingText ?? this.document.text;
  }

  /** The parsed document, brought up to date with every change received. */
  get parsed(): ParsedDocument {
    if (this.pendingText !== undefined) this.catchUp(this.pendingText);
    return this.document;
  }

  applyChange(change: TextDocumentContentChangeEvent): void {
    if (!('range' in change)) {
      this.setPending(change.text);
      return;
    }
    const text = this.text;
    const lineStarts = (this.pendingLineStarts ??= computeLineStarts(text));
    let start = offsetAt(text, lineStarts, change.range.start);
    let end = offsetAt(text, lineStarts, change.range.end);
    if (end < start) [start, end] = [end, start];
    this.setPending(text.slice(0, start) + change.text + text.slice(end));
  }

  dispose(): void {
    this.document.dispose();
  }

  private setPending(text: string): void {
    this.pendingText = text;
    this.pendingLineStarts = undefined;
  }

  /** Applies the difference between the parsed text and `text` as one edit (what lies between their common ends). */
  private catchUp(text: string): void {
    this.pendingText = undefined;
    this.pendingLineStarts = undefined;
    const before = this.document.text;
    if (before === text) return;
    const { start, end } = changedSpan(before, text);
    this.document.applyEdit(
      { start: this.document.positionAt(start), end: this.document.positionAt(end) },
      text.slice(start, text.length - (before.length - end)),
    );
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

/** The documents the client has open. */
export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();

  constructor(private readonly parser: PythonParser) {}

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  all(): IterableIterator<OpenDocument> {
    return this.documents.values();
  }

  /** Opens (or, if the client reopens without closing, replaces) a document. */
  open(params: DidOpenTextDocumentParams): OpenDocument {
    const { uri, languageId, version, text } = params.textDocument;
    this.documents.get(uri)?.dispose();
    const document = new OpenDocument(uri, languageId, version, new ParsedDocument(this.parser, text));
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

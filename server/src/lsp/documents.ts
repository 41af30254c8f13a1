import type {
  DidChangeTextDocumentParams,
  DidOpenTextDocumentParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { ParsedDocument } from '../analysis/document';
import type { PythonParser } from '../analysis/parser';

/** A document the client has open: its text and tree (kept in step with every change) and its version. */
export interface OpenDocument {
  readonly uri: string;
  readonly languageId: string;
  version: number;
  readonly parsed: ParsedDocument;
}

/**
 * The documents the client has open. Changes are applied edit by edit to the parsed document, which
 * edits its tree and reparses incrementally; nothing here reparses a whole file per keystroke.
 */
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
    this.documents.get(uri)?.parsed.dispose();
    const document: OpenDocument = { uri, languageId, version, parsed: new ParsedDocument(this.parser, text) };
    this.documents.set(uri, document);
    return document;
  }

  /** Applies the changes in order; undefined when the document is not open (the change is ignored). */
  change(params: DidChangeTextDocumentParams): OpenDocument | undefined {
    const document = this.documents.get(params.textDocument.uri);
    if (!document) return undefined;
    for (const change of params.contentChanges) applyChange(document.parsed, change);
    document.version = params.textDocument.version;
    return document;
  }

  /** Closes a document and frees its tree; false when it was not open. */
  close(uri: string): boolean {
    const document = this.documents.get(uri);
    if (!document) return false;
    document.parsed.dispose();
    this.documents.delete(uri);
    return true;
  }

  dispose(): void {
    for (const document of this.documents.values()) document.parsed.dispose();
    this.documents.clear();
  }
}

function applyChange(parsed: ParsedDocument, change: TextDocumentContentChangeEvent): void {
  if ('range' in change) parsed.applyEdit(change.range, change.text);
  else parsed.setText(change.text);
}

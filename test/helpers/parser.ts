import type { ParsedDocument } from '../../server/src/syntax/document';
import { PythonParser } from '../../server/src/syntax/parser';
import type { Range } from '../../server/src/text/types';

let shared: Promise<PythonParser> | undefined;

/** One real tree-sitter parser per test process. */
export function sharedParser(): Promise<PythonParser> {
  return (shared ??= PythonParser.create());
}

/** The LSP range of offsets [start, end) of a parsed document. */
export function rangeOf(document: ParsedDocument, start: number, end: number): Range {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}

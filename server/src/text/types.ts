/**
 * Positions follow LSP conventions (0-based line, UTF-16 code-unit character), which is also what
 * web-tree-sitter reports for a JavaScript string, so tree positions map over without conversion.
 */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

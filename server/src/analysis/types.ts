/**
 * Plain data types shared by the analysis core, the CLI and the language server.
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

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** SPG001 … SPG009. */
export type RuleCode = `SPG${string}`;

export interface TextEdit {
  range: Range;
  newText: string;
}

/** As ruff marks fixes: `safe` keeps behaviour, `unsafe` may change it and needs a look. */
export type Applicability = 'safe' | 'unsafe';

export interface Fix {
  /** Id of the fix provider that made it (see fixes/registry.ts). */
  id: string;
  title: string;
  applicability: Applicability;
  /** Non-overlapping edits on the original document text. */
  edits: TextEdit[];
}

export interface RelatedLocation {
  range: Range;
  message: string;
}

/** One hazard found in a document. JSON-serialisable. */
export interface Finding {
  code: RuleCode;
  /** Rule name, e.g. `unguarded-start`. */
  rule: string;
  message: string;
  severity: Severity;
  range: Range;
  related: RelatedLocation[];
  /**
   * Rule-specific, JSON-serialisable details a fix provider needs (e.g. the worker's definition range).
   * The language server round-trips it through `Diagnostic.data`.
   */
  data?: Record<string, unknown>;
}

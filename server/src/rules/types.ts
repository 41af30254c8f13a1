import type { Range } from '../text/types';

/** What a rule reports, as the engine hands it to the CLI, the server and the fixes. JSON-serialisable. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** SPG001 … SPG009. */
export type RuleCode = `SPG${string}`;

export interface RelatedLocation {
  range: Range;
  message: string;
  /** Absolute path of the file the range is in, when it is not the finding's own file (project-wide findings). */
  file?: string;
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

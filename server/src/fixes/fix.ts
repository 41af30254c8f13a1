import type { Analysis } from '../analysis/analyze';
import type { PythonParser } from '../analysis/parser';
import type { Applicability, Finding, RuleCode, TextEdit } from '../analysis/types';

export interface FixContext {
  analysis: Analysis;
  parser: PythonParser;
}

/** A proposed fix before it is checked; fixesFor() drops any whose result does not parse. */
export interface ProposedFix {
  title: string;
  applicability: Applicability;
  edits: TextEdit[];
}

/** One file per fix under fixes/, listed in fixes/registry.ts; keyed by the rule codes it fixes. */
export interface FixProvider {
  id: string;
  codes: readonly RuleCode[];
  provide(context: FixContext, finding: Finding): ProposedFix | null;
}

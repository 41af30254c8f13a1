import type { Analysis } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import type { Applicability } from './types';
import type { Finding, RuleCode } from '../rules/types';
import type { TextEdit } from '../text/types';

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

import { analyze, type Analysis, type AnalysisOptions } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import type { Applicability, Fix } from './types';
import type { RuleCode } from '../rules/types';
import { applyEdits } from './edits';
import { fixesFor } from './registry';

export interface FixAllOptions extends AnalysisOptions {
  /** Apply only fixes marked `safe` (the editor's fix-all on save); the CLI's `--fix` applies every fix. */
  safeOnly?: boolean;
}

/** One fix applied by fixAll(), and the finding it was applied for. */
export interface AppliedFix {
  id: string;
  code: RuleCode;
  title: string;
  applicability: Applicability;
}

export interface FixAllResult {
  text: string;
  applied: AppliedFix[];
}

/** Each round applies one fix; a file needs about one per hazard, so this bound is never the limit in practice. */
const MAX_ROUNDS = 64;

/**
 * Applies every available fix until none is left: one fix per round, then the text is parsed and
 * analysed again, since a fix moves code that other fixes' edits point into. Stops at a file with
 * syntax errors, when no fix applies, or when a fix would bring back an earlier text.
 */
export function fixAll(parser: PythonParser, text: string, options: FixAllOptions = {}): FixAllResult {
  const applied: AppliedFix[] = [];
  const seen = new Set([text]);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const tree = parser.parse(text);
    try {
      if (tree.rootNode.hasError) break;
      const next = nextFix(analyze({ text, tree }, options), parser, options.safeOnly ?? false);
      if (!next) break;
      const fixed = applyEdits(text, next.fix.edits);
      if (seen.has(fixed)) break;
      seen.add(fixed);
      applied.push({ id: next.fix.id, code: next.code, title: next.fix.title, applicability: next.fix.applicability });
      text = fixed;
    } finally {
      tree.delete();
    }
  }
  return { text, applied };
}

/** The first fix offered for a finding, in document order; a safe one is preferred where several are offered. */
function nextFix(analysis: Analysis, parser: PythonParser, safeOnly: boolean): { fix: Fix; code: RuleCode } | undefined {
  for (const finding of analysis.findings) {
    const fixes = fixesFor(analysis, finding, parser).filter((fix) => !safeOnly || fix.applicability === 'safe');
    const fix = fixes.find((candidate) => candidate.applicability === 'safe') ?? fixes[0];
    if (fix) return { fix, code: finding.code };
  }
  return undefined;
}

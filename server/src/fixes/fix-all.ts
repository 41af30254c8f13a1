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

/** Work a caller already has, or wants, around fixAll's rounds (the CLI analyses each text once). */
export interface FixAllReuse {
  /** The analysis of the starting text, with its tree (owned by the caller): the first round uses it. */
  first?: Analysis;
  /** Told the analysis of the final text when the last round analysed it (its tree is deleted afterwards). */
  settled?: (analysis: Analysis) => void;
}

/** Each round applies one fix; a file needs about one per hazard, so this bound is never the limit in practice. */
const MAX_ROUNDS = 64;

/**
 * Applies every available fix until none is left: one fix per round, then the text is parsed and
 * analysed again, since a fix moves code that other fixes' edits point into. Stops at a file with
 * syntax errors, when no fix applies, or when a fix would bring back an earlier text.
 */
export function fixAll(parser: PythonParser, text: string, options: FixAllOptions = {}, reuse: FixAllReuse = {}): FixAllResult {
  const applied: AppliedFix[] = [];
  const seen = new Set([text]);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const given = round === 0 && reuse.first?.text === text ? reuse.first : undefined;
    const parsed = given ? undefined : parser.parse(text);
    try {
      const tree = given?.tree ?? parsed!;
      if (tree.rootNode.hasError) break;
      const analysis = given ?? analyze({ text, tree }, options);
      const next = nextFix(analysis, parser, options.safeOnly ?? false);
      if (!next) {
        reuse.settled?.(analysis);
        break;
      }
      const fixed = applyEdits(text, next.fix.edits);
      if (seen.has(fixed)) break;
      seen.add(fixed);
      applied.push({ id: next.fix.id, code: next.code, title: next.fix.title, applicability: next.fix.applicability });
      text = fixed;
    } finally {
      parsed?.delete();
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

import { analyze, type Analysis } from '../engine/analyze';
import { computeLineStarts, offsetAt } from '../text/lineIndex';
import { sameFileNoqa } from '../engine/noqa';
import type { PythonParser } from '../syntax/parser';
import type { Finding } from '../rules/types';
import type { Fix } from './types';
import { applyEdits } from './edits';
import type { ProposedFix } from './fix';

/** The text a proposed fix gives and, when that text parses, the findings in it. */
interface Outcome {
  text: string;
  findings: Finding[] | undefined;
}

/**
 * Outcomes by proposal: a provider that answers many findings with one fix ("Add main guard") returns
 * the same object for each, which is then parsed and analysed once.
 */
const outcomes = new WeakMap<ProposedFix, Outcome>();

/**
 * The one gate every fix passes before it is offered: its result must parse, must silence the same codes
 * for the whole file as before (see sameFileNoqa), and when it was proposed
 * for a finding, re-analysing the result must show fewer occurrences of that hazard (same rule, same
 * code under the finding's range). Returns the fix, or undefined when it fails the gate.
 */
export function checkedFix(
  id: string,
  proposed: ProposedFix,
  analysis: Analysis,
  parser: PythonParser,
  finding?: Finding,
): Fix | undefined {
  if (proposed.edits.length === 0) return undefined;
  const outcome = outcomeOf(proposed, analysis, parser);
  if (!outcome.findings || !sameFileNoqa(analysis.text, outcome.text)) return undefined;
  if (finding) {
    const before = hazardCounts(analysis.findings, analysis.text);
    const key = hazardKey(analysis.text, before.lineStarts, finding);
    const after = hazardCounts(outcome.findings, outcome.text);
    if ((after.counts.get(key) ?? 0) >= (before.counts.get(key) ?? 0)) return undefined;
  }
  return { id, ...proposed };
}

interface HazardCounts {
  lineStarts: number[];
  /** How many findings have each hazardKey. */
  counts: Map<string, number>;
}

/**
 * By findings list: a fix that answers many findings is checked once for each, and counting afresh
 * every time made that quadratic in the number of findings.
 */
const hazardCountCache = new WeakMap<readonly Finding[], HazardCounts>();

function hazardCounts(findings: readonly Finding[], text: string): HazardCounts {
  let cached = hazardCountCache.get(findings);
  if (!cached) {
    const lineStarts = computeLineStarts(text);
    const counts = new Map<string, number>();
    for (const finding of findings) {
      const key = hazardKey(text, lineStarts, finding);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    cached = { lineStarts, counts };
    hazardCountCache.set(findings, cached);
  }
  return cached;
}

function outcomeOf(proposed: ProposedFix, analysis: Analysis, parser: PythonParser): Outcome {
  let outcome = outcomes.get(proposed);
  if (outcome) return outcome;
  const text = applyEdits(analysis.text, proposed.edits);
  const tree = parser.parse(text);
  try {
    outcome = { text, findings: tree.rootNode.hasError ? undefined : analyze({ text, tree }).findings };
  } finally {
    tree.delete();
  }
  outcomes.set(proposed, outcome);
  return outcome;
}

/**
 * A finding's rule and the code it points at, whitespace collapsed: what stays the same when a fix
 * moves and re-indents that code.
 */
function hazardKey(text: string, lineStarts: number[], finding: Finding): string {
  const code = text.slice(offsetAt(text, lineStarts, finding.range.start), offsetAt(text, lineStarts, finding.range.end));
  return `${finding.code}\u0000${code.replace(/\s+/g, ' ')}`;
}

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
    const key = hazardKey(analysis.text, computeLineStarts(analysis.text), finding);
    const count = (findings: readonly Finding[], source: string): number => {
      const lineStarts = computeLineStarts(source);
      return findings.filter((other) => other.code === finding.code && hazardKey(source, lineStarts, other) === key).length;
    };
    if (count(outcome.findings, outcome.text) >= count(analysis.findings, analysis.text)) return undefined;
  }
  return { id, ...proposed };
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

import type { Failure } from './failures';
import type { Verdict } from './verdict';

/** A static finding on the script, as `check` reports it (1-based line and column). */
export interface StaticFinding {
  code: string;
  rule: string;
  /** In a notebook: the 1-based cell, whose line and column these are. */
  cell?: number;
  line: number;
  column: number;
  message: string;
}

/** Rules whose hazard ends in this failure (when the traceback names no line, or names one without a finding). */
const RULES_FOR_FAILURE: Record<Failure['kind'] | 'stopped' | 'differs', readonly string[]> = {
  bootstrapping: ['SPG001', 'SPG002', 'SPG007', 'SPG010'],
  'broken-pool': ['SPG001', 'SPG002', 'SPG007', 'SPG003'],
  stopped: ['SPG001', 'SPG002', 'SPG007', 'SPG010', 'SPG014'],
  // Notebook rules too (SPG020 a worker defined in a cell, SPG021 a lambda or local worker, SPG023
  // set_start_method run again, SPG024 module state a cell set): a notebook's findings come from them.
  'missing-attribute': ['SPG003', 'SPG020'],
  pickling: ['SPG004', 'SPG003', 'SPG012', 'SPG011', 'SPG021'],
  'name-error': ['SPG005'],
  'context-already-set': ['SPG006', 'SPG023'],
  differs: ['SPG005', 'SPG008', 'SPG011', 'SPG013', 'SPG024'],
  error: [],
};

/** At most this many findings are named beside a verdict. */
const MAX_RELATED = 3;

/**
 * The static findings that explain the verdict, so that `check` and `run` tell one story: those on the
 * line the traceback points at first, then those of the rules whose hazard ends this way (for a missing
 * name, those that mention it).
 */
export function relatedFindings(verdict: Verdict, findings: readonly StaticFinding[]): StaticFinding[] {
  let failure: Failure | undefined;
  let line: number | undefined;
  let kind: keyof typeof RULES_FOR_FAILURE;
  switch (verdict.kind) {
    case 'same':
    case 'clean':
    case 'cancelled':
      return [];
    case 'fails':
      ({ failure, line } = verdict);
      kind = failure.kind;
      break;
    case 'hangs':
      failure = verdict.cause;
      line = verdict.line;
      kind = failure && failure.kind !== 'error' ? failure.kind : 'stopped';
      break;
    case 'differs':
      kind = 'differs';
      break;
  }
  const codes = RULES_FOR_FAILURE[kind];
  // An error no rule is known to cause: whatever the script's findings are, they are the suspects.
  if (kind === 'error') return byRelevance(findings, codes).slice(0, MAX_RELATED);
  const onLine = line === undefined ? [] : findings.filter((finding) => finding.line === line);
  if (onLine.length > 0) return byRelevance(onLine, codes).slice(0, MAX_RELATED);
  let candidates = findings.filter((finding) => codes.includes(finding.code));
  const name = failure && 'name' in failure ? failure.name : undefined;
  if (name !== undefined) {
    const naming = candidates.filter((finding) => new RegExp(`\\b${escapeRegExp(name)}\\b`).test(finding.message));
    if (naming.length > 0) candidates = naming;
  }
  return byRelevance(candidates, codes).slice(0, MAX_RELATED);
}

function byRelevance(findings: readonly StaticFinding[], codes: readonly string[]): StaticFinding[] {
  const rank = (finding: StaticFinding) => (codes.includes(finding.code) ? codes.indexOf(finding.code) : codes.length);
  return [...findings].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import type { Severity } from '../../rules/types';
import type { CheckMode } from '../check-file';
import type { FileReport } from '../report';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** Totals of a run, for the closing summary and the exit status. */
export interface RunSummary {
  mode: CheckMode;
  /** Files read (parsed or skipped by the prefilter). */
  filesChecked: number;
  /** Findings reported (with --fix: those that remain). */
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Reported findings that have a fix (counted only where fixes are computed: not by a plain check). */
  fixable: number;
  /** Reported findings of rules that have a fix: the plain check's hint that --diff may show some. */
  mayBeFixable: number;
  /** --fix: fixes written; --diff: fixes shown. */
  fixesApplied: number;
  /** --fix: findings the fixes removed. */
  findingsFixed: number;
  filesFixed: number;
  /** --fix and --diff: findings whose fix is unsafe and was left out (no --unsafe-fixes). */
  unsafeFixesLeft: number;
  /** Files that do not parse as Python 3 (each also has a `syntax-error` finding). */
  syntaxErrors: number;
  /** Paths that could not be read, checked or written. */
  ioErrors: string[];
}

export function emptySummary(mode: CheckMode): RunSummary {
  return {
    mode,
    filesChecked: 0,
    findings: 0,
    bySeverity: { error: 0, warning: 0, info: 0, hint: 0 },
    fixable: 0,
    mayBeFixable: 0,
    fixesApplied: 0,
    findingsFixed: 0,
    filesFixed: 0,
    syntaxErrors: 0,
    unsafeFixesLeft: 0,
    ioErrors: [],
  };
}

/** Prints findings in one output format: file by file as they come, in file order, then the end. */
export interface Reporter {
  file(report: FileReport): void;
  finish(summary: RunSummary): void;
}

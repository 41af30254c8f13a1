import { createTwoFilesPatch } from 'diff';
import { analyze, type Analysis, type AnalysisOptions } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import { fixAll } from '../fixes/fix-all';
import { fixesFor } from '../fixes/registry';
import { displayPath } from './files';
import { rulesThatMayFire, type RuleMentions } from './prefilter';
import { emptyReport, LocationMapper, reportFinding, type FileReport, type ReportedFinding } from './report';
import { readSource, SourceError, writeSource, type SourceFile } from './source';
import { checkNotebook, isNotebookFile } from './check-notebook';

/** `check` reports; `fix` writes the fixes and reports what remains; `diff` shows the fixes and writes nothing. */
export type CheckMode = 'check' | 'fix' | 'diff';

/** What applies to a group of files sharing a configuration. */
export interface ScanProfile {
  options: AnalysisOptions;
  /** The rules `options` enable, with their mentions, for the prefilter; null: parse and analyse every file fully. */
  prefilter: RuleMentions[] | null;
}

/** The same for every file of a run; sent once to each worker thread. */
export interface ScanSettings {
  mode: CheckMode;
  cwd: string;
  profiles: ScanProfile[];
}

/**
 * Checks one file: read, prefilter, parse, analyse, and in fix/diff mode apply the fixes. Never throws:
 * whatever goes wrong with this file is in the report's `error`, so the run goes on with the next one.
 * Every tree parsed here is deleted before returning (memory stays flat over any number of files).
 */
export function checkFile(parser: PythonParser, file: string, profile: ScanProfile, settings: ScanSettings): FileReport {
  const report = emptyReport(file);
  if (isNotebookFile(file)) return checkNotebook(parser, file, profile, settings, report);
  let source: SourceFile;
  try {
    source = readSource(file);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    report.error = error.message;
    return report;
  }
  let options = profile.options;
  if (profile.prefilter) {
    const codes = rulesThatMayFire(source.text, profile.prefilter);
    // A file that mentions nothing the enabled rules look for is not even parsed.
    if (codes.length === 0) return report;
    // The other enabled rules cannot find anything in this text.
    options = { select: codes, severity: profile.options.severity };
  }
  try {
    withAnalysis(parser, source.text, options, (analysis) => {
      report.syntaxError = analysis.tree.rootNode.hasError;
      report.findings = reportedFindings(parser, file, analysis);
    });
    if (settings.mode !== 'check' && !report.syntaxError && report.findings.some((finding) => finding.fix)) {
      applyFixes(parser, source, profile, settings, report);
    }
  } catch (error) {
    if (error instanceof SourceError) report.error = error.message;
    else report.error = `internal error while checking (please report it): ${(error as Error).stack ?? String(error)}`;
  }
  return report;
}

/** --fix writes every available fix (then reports what remains); --diff only shows them. */
function applyFixes(parser: PythonParser, source: SourceFile, profile: ScanProfile, settings: ScanSettings, report: FileReport): void {
  const fixed = fixAll(parser, source.text, profile.options);
  if (fixed.text === source.text) return;
  if (settings.mode === 'diff') {
    const name = displayPath(source.path, settings.cwd);
    report.diff = createTwoFilesPatch(name, name, source.text, fixed.text, undefined, undefined, { context: 3 }).replace(
      /^Index: .*\n=+\n/,
      '',
    );
    report.applied = fixed.applied;
    return;
  }
  writeSource(source, fixed.text);
  report.applied = fixed.applied;
  const before = report.findings.length;
  withAnalysis(parser, fixed.text, profile.options, (analysis) => {
    report.findings = reportedFindings(parser, source.path, analysis);
  });
  report.fixedFindings = Math.max(0, before - report.findings.length);
}

function withAnalysis(parser: PythonParser, text: string, options: AnalysisOptions, use: (analysis: Analysis) => void): void {
  const tree = parser.parse(text);
  try {
    use(analyze({ text, tree }, options));
  } finally {
    tree.delete();
  }
}

/** The findings in ruff's shape, each with the fix --fix would apply for it (a file with syntax errors gets none). */
function reportedFindings(parser: PythonParser, file: string, analysis: Analysis): ReportedFinding[] {
  if (analysis.findings.length === 0) return [];
  const mapper = new LocationMapper(analysis.text);
  return analysis.findings.map((finding) => {
    const fixes = fixesFor(analysis, finding, parser);
    // The one --fix would apply: a safe fix where several are offered.
    return reportFinding(file, mapper, finding, fixes.find((fix) => fix.applicability === 'safe') ?? fixes[0]);
  });
}

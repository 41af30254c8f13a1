import { analyze, type Analysis, type AnalysisOptions } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import { fixAll } from '../fixes/fix-all';
import { fixesFor, hasFixProvider } from '../fixes/registry';
import { displayPath } from './files';
import { rulesThatMayFire, type RuleMentions } from './prefilter';
import { emptyReport, LocationMapper, reportFinding, type FileReport, type ReportedFinding } from './report';
import { syntaxErrorFinding } from './syntax-error';
import { unifiedDiff } from './unified-diff';
import { readSource, SourceError, writeSource, type SourceFile } from './source';
import { checkNotebook, isNotebookFile } from './check-notebook';
import { projectData } from './project-data';

/** `check` reports; `fix` writes the fixes and reports what remains; `diff` shows the fixes and writes nothing. */
export type CheckMode = 'check' | 'fix' | 'diff';

/** What applies to a group of files sharing a configuration. */
export interface ScanProfile {
  options: AnalysisOptions;
  /** The rules `options` enable, with their mentions, for the prefilter; null: parse and analyse every file fully. */
  prefilter: RuleMentions[] | null;
  /** `[tool.spawn-guard] spawners` of the configuration (the project pass's library table). */
  spawners?: string[];
  /** `[tool.spawn-guard] notebook-workers-module`: the module "Move to module" writes next to a notebook. */
  workersModule?: string;
}

/** The same for every file of a run; sent once to each worker thread. */
export interface ScanSettings {
  mode: CheckMode;
  /**
   * Work out each finding's fix (--fix, --diff, and the outputs that print fixes). A plain check does not:
   * a fix costs another parse and analysis of the fixed text.
   */
  computeFixes: boolean;
  /** Apply unsafe fixes too; else only safe ones. */
  unsafeFixes: boolean;
  cwd: string;
  profiles: ScanProfile[];
  /** Learn what the project pass needs of each file (ProjectData) while it is at hand. */
  project?: boolean;
}

/**
 * Checks one file: read, prefilter, parse, analyse, and in fix/diff mode apply the fixes. Never throws:
 * whatever goes wrong with this file is in the report's `error`, so the run goes on with the next one.
 * Every tree parsed here is deleted before returning (memory stays flat over any number of files).
 */
export function checkFile(
  parser: PythonParser,
  file: string,
  profile: ScanProfile,
  settings: ScanSettings,
  stdin?: SourceFile,
): FileReport {
  const report = emptyReport(file);
  if (!stdin && isNotebookFile(file)) return checkNotebook(parser, file, profile, settings, report);
  let source: SourceFile;
  try {
    source = stdin ?? readSource(file);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    report.error = error.message;
    return report;
  }
  let options = profile.options;
  if (settings.project) report.project = projectData(file, source.text, profile.spawners);
  if (profile.prefilter) {
    const codes = rulesThatMayFire(source.text, profile.prefilter);
    // A file that mentions nothing the enabled rules look for is not even parsed.
    if (codes.length === 0) return report;
    // The other enabled rules cannot find anything in this text.
    options = { select: codes, severity: profile.options.severity };
  }
  try {
    withAnalysis(parser, source.text, options, (analysis) => {
      const syntaxError = syntaxErrorFinding(file, new LocationMapper(source.text), analysis.tree.rootNode);
      report.syntaxError = syntaxError !== undefined;
      // --fix and --diff work out the fixes as they apply them (applyFixes): computing them here too
      // would repeat the costliest step (a guard fix re-parses the whole script to validate it).
      const withFixes = settings.computeFixes && settings.mode === 'check' && !report.syntaxError;
      report.findings = reportedFindings(parser, file, analysis, withFixes);
      if (report.project?.scan.processes) report.project = projectData(file, source.text, profile.spawners, analysis, report.project.scan);
      if (syntaxError) report.findings = sortedByLocation([syntaxError, ...report.findings]);
      if (settings.mode !== 'check' && !report.syntaxError && report.findings.some((finding) => hasFixProvider(finding.code))) {
        applyFixes(parser, source, analysis, profile, settings, report);
      }
    });
  } catch (error) {
    if (error instanceof SourceError) report.error = error.message;
    else if (isStackOverflow(error)) report.error = TOO_DEEPLY_NESTED;
    else report.error = `internal error while checking (please report it): ${(error as Error).stack ?? String(error)}`;
  }
  return report;
}

/**
 * --fix writes every available fix (then reports what remains); --diff only shows them. `analysis` is the
 * source's: the first round of fixAll uses it, and the analysis of the last round gives what remains, so
 * each text is parsed and analysed once.
 */
function applyFixes(
  parser: PythonParser,
  source: SourceFile,
  analysis: Analysis,
  profile: ScanProfile,
  settings: ScanSettings,
  report: FileReport,
): void {
  let remaining: ReportedFinding[] | undefined;
  const settled = (final: Analysis) => (remaining = reportedFindings(parser, source.path, final, true));
  const fixed = fixAll(parser, source.text, { ...profile.options, safeOnly: !settings.unsafeFixes }, { first: analysis, settled });
  if (fixed.text !== source.text) {
    report.applied = fixed.applied;
    if (settings.mode === 'diff') report.diff = unifiedDiff(displayPath(source.path, settings.cwd), source.text, fixed.text);
    else if (source.stdin) report.fixedText = fixed.text;
    else writeSource(source, fixed.text);
  }
  // What remains, with its fixes: the unsafe ones left out are counted, and --fix marks the fixable.
  remaining ??= analysedFindings(parser, source.path, fixed.text, profile.options);
  report.fixed = fixedFindings(report.findings, remaining);
  report.unsafeFixesLeft = remaining.filter((finding) => finding.fix && !appliesFix(finding, settings)).length;
  if (settings.mode === 'fix') report.findings = remaining;
}

function analysedFindings(parser: PythonParser, file: string, text: string, options: AnalysisOptions): ReportedFinding[] {
  let findings: ReportedFinding[] = [];
  withAnalysis(parser, text, options, (analysis) => (findings = reportedFindings(parser, file, analysis, true)));
  return findings;
}

/** Whether --fix (and --diff) apply the finding's fix: safe ones always, unsafe ones with --unsafe-fixes. */
export function appliesFix(finding: ReportedFinding, settings: { unsafeFixes: boolean }): boolean {
  return finding.fix !== null && (finding.fix.applicability === 'safe' || settings.unsafeFixes);
}

/**
 * The findings the fixes settled: those of `before` with no counterpart in `after` (same code and
 * message; a message names the code it points at, which a fix moves but does not change). Counted one
 * by one, so a fix that settles three findings counts three, with their codes.
 */
function fixedFindings(before: readonly ReportedFinding[], after: readonly ReportedFinding[]): { code: string }[] {
  const left = new Map<string, number>();
  const key = (finding: ReportedFinding) => `${finding.code}\u0000${finding.message}`;
  for (const finding of after) left.set(key(finding), (left.get(key(finding)) ?? 0) + 1);
  const fixed: { code: string }[] = [];
  for (const finding of before) {
    const count = left.get(key(finding)) ?? 0;
    if (count > 0) left.set(key(finding), count - 1);
    else fixed.push({ code: finding.code });
  }
  return fixed;
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
function reportedFindings(parser: PythonParser, file: string, analysis: Analysis, computeFixes: boolean): ReportedFinding[] {
  if (analysis.findings.length === 0) return [];
  const mapper = new LocationMapper(analysis.text);
  return analysis.findings.map((finding) => {
    const fixes = computeFixes ? fixesWithinStack(analysis, finding, parser) : [];
    // The one --fix would apply: a safe fix where several are offered.
    return reportFinding(file, mapper, finding, fixes.find((fix) => fix.applicability === 'safe') ?? fixes[0]);
  });
}

/** Thousands of nested brackets or calls: the analysis walks the tree recursively and runs out of stack. */
export const TOO_DEEPLY_NESTED = 'not checked: its code is nested too deeply to analyse (thousands of nested brackets or calls)';

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /Maximum call stack size exceeded/.test(error.message);
}

/** A file nested too deeply for a fix's recursive walk still gets its findings, without fixes. */
function fixesWithinStack(analysis: Analysis, finding: Analysis['findings'][number], parser: PythonParser): ReturnType<typeof fixesFor> {
  try {
    return fixesFor(analysis, finding, parser);
  } catch (error) {
    if (isStackOverflow(error)) return [];
    throw error;
  }
}

function sortedByLocation(findings: ReportedFinding[]): ReportedFinding[] {
  return findings.sort((a, b) => a.location.row - b.location.row || a.location.column - b.location.column);
}

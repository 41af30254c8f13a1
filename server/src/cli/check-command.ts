import * as fs from 'node:fs';
import { enabledRules, type AnalysisOptions } from '../engine/analyze';
import { ConfigError, ConfigResolver, isExcluded, type SpawnGuardConfig } from '../config/pyproject';
import { PythonParser } from '../syntax/parser';
import { ProjectPass } from './project-pass';
import type { AppliedFix } from '../fixes/fix-all';
import { hasFixProvider } from '../fixes/registry';
import type { CheckArguments } from './args';
import type { ScanProfile, ScanSettings } from './check-file';
import type { Palette } from './colors';
import { discoverFiles, displayPath, type Discovery } from './files';
import { GithubReporter } from './formats/github';
import { JsonReporter } from './formats/json';
import { emptySummary, type Reporter, type RunSummary } from './formats/reporter';
import { SarifReporter } from './formats/sarif';
import { plural, TextReporter, unsafeFixesHint } from './formats/text';
import type { StreamWriter } from './output';
import { prefilterFor } from './prefilter';
import type { FileReport } from './report';
import { defaultThreadCount, scanFiles, type ScanTask } from './scan';

export interface CheckIO {
  cwd: string;
  stdout: StreamWriter;
  stderr: StreamWriter;
  /** Colours for stdout (text format) and for stderr. */
  stdoutPalette: Palette;
  stderrPalette: Palette;
  /**
   * Told the exit status the run has so far, before each write to stdout: a reader that closes the pipe
   * early (`| head`, `| true`) ends the process at its next write, which must still exit with it.
   */
  exitStatus?: (status: number) => void;
}

/** `spawn-guard check`: returns the exit status (0 nothing found, 1 findings, 2 usage/configuration/I/O error). */
export async function runCheck(args: CheckArguments, io: CheckIO): Promise<number> {
  const { cwd, stderr } = io;
  const warn = (message: string) => stderr.line(`${io.stderrPalette.yellow(io.stderrPalette.bold('warning'))}: ${message}`);
  const fail = (message: string) => stderr.line(`${io.stderrPalette.red(io.stderrPalette.bold('error'))}: ${message}`);

  const resolver = new ConfigResolver(readTextFileIfExists);
  let discovery: Discovery;
  try {
    discovery = discoverFiles(args.paths, resolver, { cwd, exclude: args.exclude, forceExclude: args.forceExclude });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    fail(`invalid configuration in ${error.message}`);
    return 2;
  }

  const summary = emptySummary(args.mode);
  for (const message of discovery.errors) {
    fail(message);
    summary.ioErrors.push(message);
  }
  for (const message of discovery.warnings) warn(message);

  const { tasks, settings } = scanPlan(discovery, args, cwd);
  const reporter = args.mode === 'diff' ? undefined : createReporter(args, io);

  // The cross-file findings of the checked files, and the project modules they import (check mode only).
  const project = args.mode === 'check' && tasks.length > 0 ? new ProjectPass(await PythonParser.create(), cwd) : undefined;
  const profileOf = new Map(tasks.map((task) => [task.path, settings.profiles[task.profile]]));
  const reports = scanFiles(tasks, settings, args.threads ?? defaultThreadCount(tasks.length));
  for await (const report of project ? withProjectFindings(reports, project, profileOf, resolver, args) : reports) {
    const name = displayPath(report.path, cwd);
    if (report.error !== undefined) {
      fail(`${name}: ${report.error}`);
      summary.ioErrors.push(`${name}: ${report.error}`);
    } else {
      summary.filesChecked++;
    }
    if (args.mode !== 'check' && report.syntaxError && report.findings.length > 0) {
      warn(`${name}: not fixed: the file has syntax errors`);
    }
    if (report.applied.length > 0) {
      summary.fixesApplied += report.applied.length;
      summary.findingsFixed += report.fixed.length;
      summary.filesFixed++;
      if (args.mode === 'fix') stderr.line(`Fixed ${name}: ${describeFixes(report.applied, report.fixed)}`);
    }
    if (args.mode !== 'diff') countFindings(summary, report);
    if (report.syntaxError) summary.syntaxErrors++;
    summary.unsafeFixesLeft += report.unsafeFixesLeft;
    io.exitStatus?.(exitStatus(summary, args));
    if (args.mode === 'diff') io.stdout.write(report.diff);
    reporter?.file(report);
    await Promise.all([io.stdout.ready(), stderr.ready()]);
  }

  for (const note of project?.notes() ?? []) warn(`${displayPath(note.file, cwd)}:${note.site.range.start.line + 1}: ${note.message}`);
  io.exitStatus?.(exitStatus(summary, args));
  if (reporter) reporter.finish(summary);
  else {
    if (summary.unsafeFixesLeft > 0) stderr.line(unsafeFixesHint(summary.unsafeFixesLeft));
    stderr.line(
      summary.fixesApplied > 0
        ? `Would fix ${plural(summary.findingsFixed, 'problem')} with ${plural(summary.fixesApplied, 'fix')} in ${plural(summary.filesFixed, 'file')}.`
        : 'No fixes available.',
    );
  }

  return exitStatus(summary, args);
}

/** 2 when a file could not be read, checked or written; else 1 for findings (syntax errors included). */
function exitStatus(summary: RunSummary, args: CheckArguments): number {
  if (summary.ioErrors.length > 0) return 2;
  if (args.exitZero) return 0;
  if (args.mode === 'diff') return summary.fixesApplied > 0 ? 1 : 0;
  return summary.findings > 0 ? 1 : 0;
}

/** One task per file; files under the same configuration share a profile. */
function scanPlan(discovery: Discovery, args: CheckArguments, cwd: string): { tasks: ScanTask[]; settings: ScanSettings } {
  const profiles: ScanProfile[] = [];
  const profileOf = new Map<SpawnGuardConfig, number>();
  const tasks = discovery.files.map((file) => {
    let profile = profileOf.get(file.config);
    if (profile === undefined) {
      profile = profiles.push(scanProfile(file.config, args)) - 1;
      profileOf.set(file.config, profile);
    }
    return { path: file.path, profile };
  });
  // The outputs that print fixes (JSON and SARIF carry each finding's fix) need them computed.
  const computeFixes = args.mode !== 'check' || args.format === 'json' || args.format === 'sarif';
  return { tasks, settings: { mode: args.mode, cwd, profiles, computeFixes, unsafeFixes: args.unsafeFixes } };
}

/**
 * The analysis options for files under `config`, with the command line layered on top as ruff layers
 * it: --select replaces the configured selection (select and ignore), --ignore adds to it.
 */
function scanProfile(config: SpawnGuardConfig, args: CheckArguments): ScanProfile {
  const options: AnalysisOptions = {
    select: args.select ?? config.select,
    ignore: args.select ? args.ignore : [...config.ignore, ...args.ignore],
    severity: config.severity,
  };
  return {
    options,
    prefilter: args.prefilter ? prefilterFor(enabledRules(options)) : null,
    spawners: config.spawners,
    workersModule: config.notebookWorkersModule,
  };
}

/** The scanned reports with their cross-file findings, then the reports of imported modules not named (each with its own path). */
async function* withProjectFindings(
  reports: AsyncGenerator<FileReport>,
  project: ProjectPass,
  profileOf: ReadonlyMap<string, ScanProfile>,
  resolver: ConfigResolver,
  args: CheckArguments,
): AsyncGenerator<FileReport> {
  for await (const report of reports) {
    const profile = profileOf.get(report.path);
    if (report.error === undefined && profile) {
      const extra = project.findingsFor(report.path, profile.options, profile.spawners);
      if (extra.length > 0)
        report.findings = [...report.findings, ...extra].sort(
          (a, b) => a.location.row - b.location.row || a.location.column - b.location.column,
        );
    }
    yield report;
  }
  yield* project.importedReports((file) => {
    try {
      const config = resolver.forFile(file);
      if (isExcluded(config, file)) return undefined;
      const profile = scanProfile(config, args);
      return { options: profile.options, spawners: profile.spawners };
    } catch {
      return undefined;
    }
  });
}

function createReporter(args: CheckArguments, io: CheckIO): Reporter {
  switch (args.format) {
    case 'text':
      return new TextReporter(io.stdout, io.cwd, io.stdoutPalette, args.unsafeFixes);
    case 'json':
      return new JsonReporter(io.stdout);
    case 'sarif':
      return new SarifReporter(io.stdout, io.cwd);
    case 'github':
      return new GithubReporter(io.stdout, io.cwd);
  }
}

function countFindings(summary: RunSummary, report: FileReport): void {
  for (const finding of report.findings) {
    summary.findings++;
    summary.bySeverity[finding.severity]++;
    if (finding.fix) summary.fixable++;
    if (hasFixProvider(finding.code)) summary.mayBeFixable++;
  }
}

/** `Add main guard; Move worker to module level (3 problems: SPG001, SPG002, SPG003)`. */
function describeFixes(applied: readonly AppliedFix[], fixed: readonly { code: string }[]): string {
  const titles = [...new Set(applied.map((fix) => fix.title))].join('; ');
  const codes = [...new Set(fixed.map((finding) => finding.code))].sort().join(', ');
  return fixed.length > 0 ? `${titles} (${plural(fixed.length, 'problem')}: ${codes})` : titles;
}

function readTextFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

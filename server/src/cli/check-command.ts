import * as path from 'node:path';
import { Writable } from 'node:stream';
import { enabledRules, type AnalysisOptions } from '../engine/analyze';
import { ConfigError, defaultConfig, isExcluded, perFileIgnores, type SpawnGuardConfig } from '../config/pyproject';
import { addNoqa } from './add-noqa';
import { CommandLineConfig } from './config-source';
import { readStdin, stdinReports, type StdinSource } from './check-stdin';
import { StatisticsReporter } from './formats/statistics';
import { PythonParser } from '../syntax/parser';
import { ProjectPass } from './project-pass';
import type { AppliedFix } from '../fixes/fix-all';
import { SourceError } from './source';
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
import { StreamWriter } from './output';
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

function projectPass(parser: PythonParser, cwd: string, tasks: readonly ScanTask[]): ProjectPass {
  return new ProjectPass(
    parser,
    cwd,
    tasks.map((task) => task.path),
  );
}

/** `spawn-guard check`: returns the exit status (0 nothing found, 1 findings, 2 usage/configuration/I/O error). */
export async function runCheck(given: CheckArguments, givenIO: CheckIO): Promise<number> {
  const args = { ...given, cwd: givenIO.cwd };
  // stdin's --fix prints the fixed source on stdout, and the findings on stderr.
  const source = givenIO.stdout;
  const stdout = args.quiet === 2 ? new StreamWriter(discard()) : args.stdin && args.mode === 'fix' ? givenIO.stderr : givenIO.stdout;
  const io = { ...givenIO, stdout, stdoutPalette: args.stdin && args.mode === 'fix' ? givenIO.stderrPalette : givenIO.stdoutPalette };
  const { cwd, stderr } = io;
  // -q and -s: the findings only (errors still go to stderr).
  const warn = (message: string) =>
    args.quiet === 0 && stderr.line(`${io.stderrPalette.yellow(io.stderrPalette.bold('warning'))}: ${message}`);
  const fail = (message: string) => stderr.line(`${io.stderrPalette.red(io.stderrPalette.bold('error'))}: ${message}`);

  const located = await locateFiles(args, source, fail);
  if (typeof located === 'number') return located;
  const { resolver, discovery, stdin } = located;
  if (stdin === 'excluded') return 0;
  if (args.showFiles) {
    for (const file of discovery.files) io.stdout.line(displayPath(file.path, cwd));
    for (const message of discovery.errors) fail(message);
    return discovery.errors.length > 0 ? 2 : 0;
  }

  const summary = emptySummary(args.mode);
  for (const message of discovery.errors) {
    fail(message);
    summary.ioErrors.push(message);
  }
  for (const message of discovery.warnings) warn(message);

  const { tasks, settings } = scanPlan(discovery, args, cwd);
  const reporter = args.mode === 'diff' || args.addNoqa ? undefined : createReporter(args, io);

  // The cross-file findings of the checked files, and the project modules they import (check mode only).
  const parser = tasks.length > 0 && !stdin && (args.mode === 'check' || args.addNoqa) ? await PythonParser.create() : undefined;
  const project = args.mode === 'check' && args.project && parser ? projectPass(parser, cwd, tasks) : undefined;
  let noqaAdded = 0;
  const profileOf = new Map(tasks.map((task) => [task.path, settings.profiles[task.profile]]));
  const reports = stdin
    ? stdinReports(stdin, settings, (bytes) => source.write(bytes))
    : scanFiles(tasks, settings, args.threads ?? defaultThreadCount(tasks.length));
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
      if (args.mode === 'fix' && args.quiet === 0) stderr.line(`Fixed ${name}: ${describeFixes(report.applied, report.fixed)}`);
    }
    if (args.addNoqa && parser && report.error === undefined) noqaAdded += addNoqaComments(parser, report, name, summary, warn, fail);
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
  if (args.addNoqa) {
    if (args.quiet < 2) stderr.line(`Added ${plural(noqaAdded, 'noqa comment')}.`);
    return summary.ioErrors.length > 0 ? 2 : 0;
  }
  if (reporter) reporter.finish(summary);
  else if (args.quiet === 0) {
    if (summary.unsafeFixesLeft > 0) stderr.line(unsafeFixesHint(summary.unsafeFixesLeft));
    stderr.line(
      summary.fixesApplied > 0
        ? `Would fix ${plural(summary.findingsFixed, 'problem')} with ${plural(summary.fixesApplied, 'fix')} in ${plural(summary.filesFixed, 'file')}.`
        : 'No fixes available.',
    );
  }

  return exitStatus(summary, args);
}

/** Where the files come from: the walk of the paths, or stdin; a number is the exit status of a run that ends here. */
async function locateFiles(
  args: CheckArguments & { cwd: string },
  source: StreamWriter,
  fail: (message: string) => void,
): Promise<number | { resolver: CommandLineConfig; discovery: Discovery; stdin: StdinSource | 'excluded' | undefined }> {
  const options = {
    cwd: args.cwd,
    exclude: args.exclude,
    extendExclude: args.extendExclude,
    forceExclude: args.forceExclude,
    respectGitignore: args.respectGitignore,
  };
  try {
    const resolver = new CommandLineConfig(args.cwd, args.configFile, args.configOverrides);
    if (!args.stdin) return { resolver, discovery: discoverFiles(args.paths, resolver, options), stdin: undefined };
    const stdin = await readStdin(args, resolver, options);
    if (stdin.excluded) {
      // An editor replaces its buffer with what --fix prints: the source, unchanged.
      if (args.mode === 'fix') source.write(stdin.bytes);
      return { resolver, discovery: { files: [], errors: [], warnings: [] }, stdin: 'excluded' };
    }
    return { resolver, discovery: { files: [{ path: stdin.file, config: stdin.config }], errors: [], warnings: [] }, stdin };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    fail(`invalid configuration in ${error.message}`);
    return 2;
  }
}

/** --add-noqa for one checked file: the number of comments added; what cannot be done is a warning or an error. */
function addNoqaComments(
  parser: PythonParser,
  report: FileReport,
  name: string,
  summary: RunSummary,
  warn: (message: string) => void,
  fail: (message: string) => void,
): number {
  if (report.findings.length === 0) return 0;
  try {
    const result = addNoqa(parser, report.path, report.findings);
    if (result.notebook) warn(`${name}: no noqa comments added: --add-noqa does not edit notebooks`);
    for (const row of result.skippedLines) warn(`${name}:${row}: no noqa comment added: the line ends inside a string or with a \\`);
    return result.added;
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    fail(`${name}: ${error.message}`);
    summary.ioErrors.push(`${name}: ${error.message}`);
    return 0;
  }
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
  const profileOf = new Map<SpawnGuardConfig, Map<string, number>>();
  const tasks = discovery.files.map((file) => {
    const ignored = fileIgnores(file.config, args, file.path);
    const byIgnores = profileOf.get(file.config) ?? new Map<string, number>();
    profileOf.set(file.config, byIgnores);
    let profile = byIgnores.get(ignored.join());
    if (profile === undefined) {
      profile = profiles.push(scanProfile(file.config, args, file.path)) - 1;
      byIgnores.set(ignored.join(), profile);
    }
    return { path: file.path, profile };
  });
  // The outputs that print fixes (JSON and SARIF carry each finding's fix, statistics mark the fixable) need them.
  const computeFixes = args.mode !== 'check' || args.format === 'json' || args.format === 'sarif' || args.statistics;
  const project = args.mode === 'check' && args.project && !args.stdin;
  return { tasks, settings: { mode: args.mode, cwd, profiles, computeFixes, unsafeFixes: args.unsafeFixes, project } };
}

/**
 * The analysis options for files under `config`, with the command line layered on top as ruff layers
 * it: --select replaces the configured selection (select and ignore), --ignore adds to it.
 */
function scanProfile(config: SpawnGuardConfig, args: CheckArguments, file: string): ScanProfile {
  const select = args.select ?? config.select;
  const extend = [...(config.extendSelect ?? []), ...args.extendSelect];
  const options: AnalysisOptions = {
    select: select && extend.length > 0 ? [...select, ...extend] : select,
    ignore: [...(args.select ? [] : config.ignore), ...args.ignore, ...fileIgnores(config, args, file)],
    severity: config.severity,
  };
  return {
    options,
    prefilter: args.prefilter ? prefilterFor(enabledRules(options)) : null,
    spawners: config.spawners,
    workersModule: config.notebookWorkersModule,
  };
}

/**
 * The rules per-file-ignores leave out for `file`: the configuration's (relative to its root), replaced
 * by --per-file-ignores, plus --extend-per-file-ignores (both relative to the working directory).
 */
function fileIgnores(config: SpawnGuardConfig, args: CheckArguments, file: string): string[] {
  let commandLine = commandLineIgnores.get(args);
  if (!commandLine) {
    const root = path.resolve(args.cwd ?? '.');
    commandLine = {
      replace: args.perFileIgnores && { ...defaultConfig(root), perFileIgnores: args.perFileIgnores },
      extend: { ...defaultConfig(root), perFileIgnores: args.extendPerFileIgnores },
    };
    commandLineIgnores.set(args, commandLine);
  }
  const configured = perFileIgnores(commandLine.replace ?? config, file);
  return [...new Set([...configured, ...perFileIgnores(commandLine.extend, file)])].sort();
}

/** The command line's per-file-ignores as configurations rooted at the working directory (their globs compiled once). */
const commandLineIgnores = new WeakMap<CheckArguments, { replace: SpawnGuardConfig | undefined; extend: SpawnGuardConfig }>();

/** The scanned reports with their cross-file findings, then the reports of imported modules not named (each with its own path). */
async function* withProjectFindings(
  reports: AsyncGenerator<FileReport>,
  project: ProjectPass,
  profileOf: ReadonlyMap<string, ScanProfile>,
  resolver: CommandLineConfig,
  args: CheckArguments,
): AsyncGenerator<FileReport> {
  // The workers' reports first: what they learnt of every checked file serves the project pass.
  const checked: FileReport[] = [];
  for await (const report of reports) {
    project.learn(report);
    checked.push(report);
  }
  for (const report of checked) {
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
      const profile = scanProfile(config, args, file);
      return { options: profile.options, spawners: profile.spawners };
    } catch {
      return undefined;
    }
  });
}

function createReporter(args: CheckArguments, io: CheckIO): Reporter {
  if (args.statistics) return new StatisticsReporter(io.stdout, args.format === 'json');
  switch (args.format) {
    case 'text':
      return new TextReporter(io.stdout, io.cwd, io.stdoutPalette, args.unsafeFixes, args.quiet > 0);
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

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

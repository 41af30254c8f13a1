import * as fs from 'node:fs';
import * as path from 'node:path';
import { paletteFor, type Palette } from '../colors';
import type { StreamWriter } from '../output';
import { describeStop, plural } from './describe';
import { findInterpreter, interpreterProblem } from './interpreter';
import { isNotebook, notebookProblem } from './notebook';
import { parseRunArguments, RUN_HELP, RunUsageError, type RunArguments } from './options';
import type { StaticFinding } from './related-findings';
import { CAPTURE_BYTES, reproduce, type RunReport } from './reproduce';
import type { ScriptRun } from './runner';

export interface RunIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: StreamWriter;
  stderr: StreamWriter;
  stdoutPalette: Palette;
  stderrPalette: Palette;
  /** Aborted when the user interrupts spawn-guard (SIGINT, SIGTERM): the run is stopped and reported. */
  signal?: AbortSignal;
  /** process.platform unless a test says otherwise. */
  platform?: NodeJS.Platform;
}

/** `spawn-guard run`: the exit status (0 same or clean, 1 fails/hangs/differs, 2 usage). */
export async function runRunCommand(argv: readonly string[], io: RunIo): Promise<number> {
  let args: RunArguments | 'help';
  try {
    args = parseRunArguments(argv);
  } catch (error) {
    if (!(error instanceof RunUsageError)) throw error;
    return usageError(io, error.message);
  }
  if (args === 'help') {
    io.stdout.write(RUN_HELP);
    return 0;
  }
  const unsupported = platformProblem(io.platform ?? process.platform);
  if (unsupported) return usageError(io, unsupported);
  const script = path.resolve(io.cwd, args.script);
  if (!fs.existsSync(script) || !fs.statSync(script).isFile()) return usageError(io, `no such script: ${args.script}`);
  const interpreter = findInterpreter(args.python, io.env, io.cwd);
  if ('problem' in interpreter) return usageError(io, interpreter.problem);
  const notPython = interpreterProblem(interpreter.path, io.env);
  if (notPython) return usageError(io, notPython);
  if (isNotebook(script)) {
    const problem = notebookProblem(interpreter.path);
    if (problem) return usageError(io, problem);
  }

  const palette = io.stderrPalette;
  const report = await reproduce({
    ...args,
    script,
    python: interpreter.path,
    cwd: io.cwd,
    env: io.env,
    signal: io.signal,
    // Text: the script's output where it would go; JSON: all of it on stderr, stdout holds the report.
    progress: {
      note: (text) => io.stderr.line(palette.dim(`spawn-guard: ${text}`)),
      stdout: (text) => (args.format === 'json' ? io.stderr : io.stdout).write(text),
      stderr: (text) => io.stderr.write(text),
    },
  });
  if (args.format === 'json') io.stdout.line(JSON.stringify(jsonReport(report, args), null, 2));
  else writeTextVerdict(report, io);
  return report.verdict.kind === 'same' || report.verdict.kind === 'clean' ? 0 : 1;
}

function writeTextVerdict(report: RunReport, io: RunIo): void {
  const palette = io.stdoutPalette;
  const out = io.stdout;
  out.line();
  for (const run of report.runs) out.line(palette.dim(runLine(run)));
  const kind = report.verdict.kind;
  const good = kind === 'same' || kind === 'clean';
  out.line(`${good ? palette.green(palette.bold(kind)) : palette.red(palette.bold(kind))}: ${report.summary}`);
  const name = path.relative(io.cwd, report.script) || report.script;
  const line = report.verdict.kind === 'fails' || report.verdict.kind === 'hangs' ? report.verdict.line : undefined;
  if (line !== undefined && !report.findings.some((finding) => finding.line === line)) {
    out.line(`  ${name}:${line}: the line the traceback points at`);
  }
  for (const finding of report.findings) {
    out.line(`  ${name}:${findingPlace(finding)}: ${palette.bold(finding.code)} ${finding.message}`);
  }
  if (!good && report.findings.length === 0 && kind !== 'differs' && kind !== 'cancelled')
    out.line(
      palette.dim(`  no static rule of spawn-guard reports this hazard in the ${isNotebook(report.script) ? 'notebook' : 'script'}`),
    );
  if (report.verdict.kind === 'differs' && report.verdict.diff) {
    for (const line of report.verdict.diff.split('\n')) out.line(`  ${colourDiffLine(line, palette)}`);
  }
  for (const run of report.runs) {
    if (run.stdout.truncated || run.stderr.truncated) {
      out.line(palette.dim(`  ${run.startMethod}: output beyond ${CAPTURE_BYTES / 1024 / 1024} MiB per stream was counted, not kept`));
    }
  }
}

/** `LINE:COLUMN`, in a notebook `cell N:LINE:COLUMN`, as `check` writes it. */
function findingPlace(finding: StaticFinding): string {
  return `${finding.cell === undefined ? '' : `cell ${finding.cell}:`}${finding.line}:${finding.column}`;
}

function runLine(run: ScriptRun): string {
  const end = run.stopped ? describeStop(run.stopped) : run.exitCode !== null ? `exit status ${run.exitCode}` : `killed by ${run.signal}`;
  const left = run.leftBehind > 0 ? `; killed ${plural(run.leftBehind, 'process', 'processes')} it left running` : '';
  return `${run.startMethod}: ${end} after ${(run.durationMs / 1000).toFixed(1)} s, ${plural(run.peakProcesses, 'process', 'processes')} at most${left}`;
}

function colourDiffLine(line: string, palette: Palette): string {
  if (line.startsWith('+')) return palette.green(line);
  if (line.startsWith('-')) return palette.red(line);
  if (line.startsWith('@@')) return palette.cyan(line);
  return line;
}

/** `--format json`: one object; the output of each run is its captured head. */
function jsonReport(report: RunReport, args: RunArguments): unknown {
  return {
    script: report.script,
    python: report.python,
    method: report.method,
    compare: args.compare,
    verdict: report.verdict,
    summary: report.summary,
    findings: report.findings,
    runs: report.runs.map((run) => ({
      startMethod: run.startMethod,
      pid: run.pid,
      exitCode: run.exitCode,
      signal: run.signal,
      stopped: run.stopped ?? null,
      durationMs: run.durationMs,
      peakProcesses: run.peakProcesses,
      leftBehind: run.leftBehind,
      stdout: run.stdout,
      stderr: run.stderr,
    })),
  };
}

/**
 * main.ts's entry for `spawn-guard run`: the process's working directory and environment; SIGINT and
 * SIGTERM (Ctrl-C, or the editor cancelling) stop the run, kill every process of it, and report.
 */
export async function runCommandLine(
  argv: readonly string[],
  streams: Pick<RunIo, 'stdout' | 'stderr' | 'stderrPalette'>,
): Promise<number> {
  const interrupt = new AbortController();
  const abort = (): void => interrupt.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    return await runRunCommand(argv, {
      ...streams,
      cwd: process.cwd(),
      env: process.env,
      stdoutPalette: paletteFor(process.stdout, process.env),
      signal: interrupt.signal,
    });
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

/** The watchdog reads the run's processes in /proc: Linux only. Elsewhere spawn needs no reproducing. */
function platformProblem(platform: NodeJS.Platform): string | undefined {
  if (platform === 'linux') return undefined;
  const where = platform === 'win32' ? 'Windows' : platform === 'darwin' ? 'macOS' : platform;
  const native =
    platform === 'win32' || platform === 'darwin'
      ? `; on ${where} spawn is already the default start method: run the script itself to see what it does`
      : '';
  return `spawn-guard run works on Linux only (it follows every process of the run in /proc), not on ${where}${native}`;
}

function usageError(io: RunIo, message: string): number {
  io.stderr.line(`${io.stderrPalette.red(io.stderrPalette.bold('error'))}: ${message}`);
  return 2;
}

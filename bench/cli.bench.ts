import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { enabledRules } from '../server/src/engine/analyze';
import { PythonParser } from '../server/src/syntax/parser';
import { discoverFiles } from '../server/src/cli/files';
import { prefilterFor, rulesThatMayFire } from '../server/src/cli/prefilter';
import { readSource, SourceError } from '../server/src/cli/source';
import { ConfigResolver } from '../server/src/config/pyproject';
import { loadNote, median, megabytes, milliseconds, table, verdict, type BenchContext, type Section } from './editor-measure';

/**
 * The CLI's speed and memory: the scan of the Python standard library against a baseline of parsing
 * every one of its files with tree-sitter on one thread (same files, same machine, same run), and a
 * synthetic tree of 20,000 small files whose resident memory is followed over the run.
 */

/** Directories below the stdlib path that hold third-party packages, not the standard library. */
const THIRD_PARTY = ['site-packages', 'dist-packages'];
const SCAN_REPEATS = 3;
const SYNTHETIC_FILES = 20_000;
const RSS_SAMPLE_MS = 250;
const TARGET_RATIO = 0.1;
/** The cross-file analysis may at most double the time of checking each file alone. */
const TARGET_PROJECT_RATIO = 2;

export async function run(context: BenchContext): Promise<Section[]> {
  const cli = path.join(context.root, 'out', 'server', 'src', 'cli', 'main.js');
  const usage = path.join(context.root, 'bench', 'process-usage.cjs');
  return [await standardLibrary(cli, usage), await syntheticTree(cli, usage)];
}

async function standardLibrary(cli: string, usage: string): Promise<Section> {
  const stdlib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  console.log(`standard library: ${stdlib} (without ${THIRD_PARTY.join(', ')})`);
  const { files } = discoverFiles([stdlib], new ConfigResolver(readIfExists), {
    cwd: stdlib,
    exclude: undefined,
    extendExclude: THIRD_PARTY,
    forceExclude: false,
    respectGitignore: true,
  });

  // Baseline: read and parse every file on this thread, as a linter without a prefilter would.
  const parser = await PythonParser.create();
  const prefilter = prefilterFor(enabledRules({}));
  let bytes = 0;
  let parsed = 0;
  let unreadable = 0;
  let mentioning = 0;
  const baselineStart = performance.now();
  const baselineCpu = process.cpuUsage();
  for (const file of files) {
    let text: string;
    try {
      text = readSource(file.path).text;
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      unreadable++;
      continue;
    }
    parser.parse(text).delete();
    bytes += Buffer.byteLength(text);
    parsed++;
    if (rulesThatMayFire(text, prefilter).length > 0) mentioning++;
  }
  const baselineMs = performance.now() - baselineStart;
  const baselineCpuUsage = process.cpuUsage(baselineCpu);
  const baselineCpuMs = (baselineCpuUsage.user + baselineCpuUsage.system) / 1000;
  console.log(`baseline: parsed ${parsed} files in ${milliseconds(baselineMs)}`);

  const args = ['check', '--format', 'json', '--exit-zero', '--exclude', THIRD_PARTY.join(','), '.'];
  const scans = await repeat(SCAN_REPEATS, () => runCli(cli, usage, args, stdlib));
  const singleThread = await repeat(SCAN_REPEATS, () => runCli(cli, usage, [...args, '--threads', '1'], stdlib));
  const unfiltered = await runCli(cli, usage, [...args, '--no-prefilter'], stdlib);
  const scan = medianRun(scans);
  const single = medianRun(singleThread);
  const withoutBrokenGuard = medianRun(await repeat(SCAN_REPEATS, () => runCli(cli, usage, [...args, '--ignore', 'SPG007'], stdlib)));
  // The project pass's cost: the same check with each file alone (no cross-file analysis).
  const perFileOnly = medianRun(await repeat(SCAN_REPEATS, () => runCli(cli, usage, [...args, '--no-project'], stdlib)));
  const projectRatio = scan.ms / perFileOnly.ms;
  const projectCpuRatio = scan.cpuMs / perFileOnly.cpuMs;
  console.log(`project pass: check / check --no-project = ${projectRatio.toFixed(2)} wall, ${projectCpuRatio.toFixed(2)} CPU`);
  const ratio = scan.ms / baselineMs;
  const cpuRatio = scan.cpuMs / baselineCpuMs;
  console.log(`scan: ${milliseconds(scan.ms)} (ratio ${ratio.toFixed(3)}, CPU ratio ${cpuRatio.toFixed(3)})`);

  const findings = JSON.parse(scan.stdout) as {
    filename: string;
    code: string;
    message: string;
    location: { row: number; column: number };
  }[];
  const findingLines = findings.map(
    (f) => `- \`${path.relative(stdlib, f.filename)}:${f.location.row}:${f.location.column}\` ${f.code} ${f.message}`,
  );
  const errorLines = scan.stderr
    .split('\n')
    .filter((line) => line.startsWith('error: '))
    .map((line) => `- ${line.slice('error: '.length)}`);

  const markdown = [
    `${files.length} \`.py\` files, ${megabytes(bytes)} (${stdlib}, without ${THIRD_PARTY.join('/')}): ` +
      `${mentioning} mention what the enabled rules look for and are parsed, the others are skipped by the prefilter; ` +
      `${unreadable} are not UTF-8 source and are reported as unreadable.`,
    '',
    table(
      ['run', 'wall time', 'CPU time', 'peak RSS'],
      [
        ['baseline: tree-sitter parse of every file, one thread, in process', milliseconds(baselineMs), milliseconds(baselineCpuMs), ''],
        [`\`spawn-guard check\` (worker threads by default), median of ${SCAN_REPEATS}`, ...figures(scan)],
        [`\`spawn-guard check --threads 1\`, median of ${SCAN_REPEATS}`, ...figures(single)],
        ['`spawn-guard check --no-prefilter`', ...figures(unfiltered)],
        [`\`spawn-guard check --ignore SPG007\`, median of ${SCAN_REPEATS}`, ...figures(withoutBrokenGuard)],
        [`\`spawn-guard check --no-project\` (each file alone), median of ${SCAN_REPEATS}`, ...figures(perFileOnly)],
      ],
    ),
    '',
    `- Ratio scan / baseline: **${ratio.toFixed(3)}** wall time, **${cpuRatio.toFixed(3)}** CPU time; target <= ${TARGET_RATIO}: ` +
      `${verdict(ratio, TARGET_RATIO)}. Scan figures are the whole command, process start included.`,
    `- Without SPG007 (whose mention \`__name__\` is in most modules) the ratio is ${(withoutBrokenGuard.ms / baselineMs).toFixed(3)} wall, ` +
      `${(withoutBrokenGuard.cpuMs / baselineCpuMs).toFixed(3)} CPU.`,
    `- Project pass: \`check\` / \`check --no-project\` = **${projectRatio.toFixed(2)}** wall time, **${projectCpuRatio.toFixed(2)}** CPU time; ` +
      `target <= ${TARGET_PROJECT_RATIO}: ${verdict(projectRatio, TARGET_PROJECT_RATIO)}.`,
    `- ${loadNote()}`,
    '',
    `Findings (${findings.length}):`,
    '',
    ...(findingLines.length > 0 ? findingLines : ['- none']),
    '',
    `Files reported as unreadable (${errorLines.length}):`,
    '',
    ...(errorLines.length > 0 ? errorLines : ['- none']),
  ].join('\n');
  return { title: 'CLI: Python standard library scan', markdown };
}

async function syntheticTree(cli: string, usage: string): Promise<Section> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-bench-'));
  let result: CliRun;
  try {
    writeSyntheticTree(root, SYNTHETIC_FILES);
    result = await runCli(cli, usage, ['check', '--format', 'json', '--exit-zero', '.'], root, { keepOutput: false, sampleRss: true });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(`synthetic ${SYNTHETIC_FILES} files: ${milliseconds(result.ms)}, peak RSS ${megabytes(result.peakRss)}`);
  const quarters = [1, 2, 3, 4].map((quarter) => {
    const inQuarter = result.rssSamples.filter(
      (sample) => sample.ms > ((quarter - 1) * result.ms) / 4 && sample.ms <= (quarter * result.ms) / 4,
    );
    return inQuarter.length > 0 ? megabytes(Math.max(...inQuarter.map((sample) => sample.rss))) : 'n/a';
  });
  const markdown = [
    `${SYNTHETIC_FILES.toLocaleString('en')} small scripts in folders of 100: a quarter clean guarded pools, a quarter unguarded pools`,
    '(findings), a quarter executors, a quarter helpers that mention nothing (skipped by the prefilter). JSON output.',
    '',
    table(['wall time', 'CPU time', 'peak RSS', 'wall time per file'], [[...figures(result), milliseconds(result.ms / SYNTHETIC_FILES)]]),
    '',
    'Resident memory over the run (highest sample in each quarter of the wall time, sampled from /proc every',
    `${RSS_SAMPLE_MS} ms): it levels off once the worker heaps are warm instead of growing with the files checked.`,
    '',
    table(['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'], [quarters]),
    '',
    `- ${loadNote()}`,
  ].join('\n');
  return { title: 'CLI: synthetic tree', markdown };
}

const SYNTHETIC_KINDS = [
  (n: number) => `"""Guarded pool ${n}."""
import multiprocessing


def work(value):
    return value * ${n % 97}


def main():
    with multiprocessing.Pool(2) as pool:
        return pool.map(work, range(10))


if __name__ == "__main__":
    print(main())
`,
  (n: number) => `"""Unguarded pool ${n}."""
from multiprocessing import Pool


def work(value):
    return value + ${n % 89}


pool = Pool(2)
results = pool.map(work, range(10))
pool.close()
`,
  (n: number) => `"""Executor ${n}."""
from concurrent.futures import ProcessPoolExecutor


def square(value):
    return value * value


def run(values):
    with ProcessPoolExecutor() as executor:
        return list(executor.map(square, values))


if __name__ == "__main__":
    run(range(${n % 50}))
`,
  (n: number) => `"""Helper ${n}: string utilities."""


def slug(text):
    return "-".join(text.lower().split())


def title(text):
    return " ".join(word.capitalize() for word in text.split())


CONSTANT_${n} = slug("Hello World ${n}")
`,
];

function writeSyntheticTree(root: string, size: number): void {
  for (let n = 0; n < size; n++) {
    const dir = path.join(root, `pkg_${Math.floor(n / 100)}`);
    if (n % 100 === 0) fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, `module_${n}.py`), SYNTHETIC_KINDS[n % SYNTHETIC_KINDS.length](n));
  }
}

interface CliRun {
  ms: number;
  cpuMs: number;
  peakRss: number;
  /** Resident size sampled during the run (when asked for): ms since the start, bytes. */
  rssSamples: { ms: number; rss: number }[];
  stdout: string;
  stderr: string;
}

interface RunOptions {
  keepOutput?: boolean;
  sampleRss?: boolean;
}

/** Runs the CLI as a child process: wall time from spawn to exit; CPU time and peak RSS from the preloaded reporter. */
function runCli(cli: string, usage: string, args: string[], cwd: string, options: RunOptions = {}): Promise<CliRun> {
  const { keepOutput = true, sampleRss = false } = options;
  const usageFile = path.join(os.tmpdir(), `spawn-guard-bench-usage-${process.pid}-${Date.now()}.json`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--require', usage, cli, ...args], {
      cwd,
      env: { ...process.env, SPAWN_GUARD_USAGE_FILE: usageFile, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const rssSamples: CliRun['rssSamples'] = [];
    const sampler = sampleRss ? setInterval(() => sampleResidentSize(child.pid, start, rssSamples), RSS_SAMPLE_MS) : undefined;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => keepOutput && stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      const elapsed = performance.now() - start;
      const errors = Buffer.concat(stderr).toString('utf8');
      if (code !== 0 && code !== 2) {
        reject(new Error(`spawn-guard ${args.join(' ')} exited with ${code}:\n${errors}`));
        return;
      }
      const measured = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { peakRss: number; cpuMs: number };
      fs.rmSync(usageFile, { force: true });
      resolve({ ms: elapsed, ...measured, rssSamples, stdout: Buffer.concat(stdout).toString('utf8'), stderr: errors });
    });
  });
}

/** Reads the child's resident size from /proc (Linux); the child's own timers may not run while it works. */
function sampleResidentSize(pid: number | undefined, start: number, samples: CliRun['rssSamples']): void {
  if (pid === undefined) return;
  const at = performance.now() - start;
  fs.readFile(`/proc/${pid}/status`, 'utf8', (error, status) => {
    const kilobytes = error ? undefined : /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kilobytes) samples.push({ ms: at, rss: Number(kilobytes) * 1024 });
  });
}

async function repeat<T>(times: number, action: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) results.push(await action());
  return results;
}

/** Wall time, CPU time and peak RSS of a run, as table cells. */
function figures(run: CliRun): string[] {
  return [milliseconds(run.ms), milliseconds(run.cpuMs), megabytes(run.peakRss)];
}

/** The run whose time is the median of `runs`. */
function medianRun(runs: CliRun[]): CliRun {
  const middle = median(runs.map((run) => run.ms));
  return runs.find((run) => run.ms === middle)!;
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

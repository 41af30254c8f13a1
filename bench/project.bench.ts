import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../test/helpers/build';
import { LspTestClient } from '../test/helpers/lsp';
import { loadNote, median, megabytes, milliseconds, percentile, table, verdict, type BenchContext, type Section } from './editor-measure';

/**
 * The project model on a synthetic project: packages of 100 modules in chains of 10, each module importing
 * the next of its chain and calling it, one chain in 5 ending in a Pool created in a function, and a
 * script that imports 200 modules. The CLI checks the whole project at 1/4, 1/2 and all of
 * 5,000 modules (time and memory should grow linearly); the language server opens a script importing
 * 200 modules (first diagnostics, then the refined project findings: target 1 s) and types in it, against
 * typing in the same script with its imports unresolvable (the single-file baseline, same run).
 */

const MODULES = 5_000;
const PER_PACKAGE = 100;
/** Modules per import chain: each imports and calls the next, the last may create a Pool. */
const CHAIN = 10;
const SCRIPT_IMPORTS = 200;
const EDITS = 200;
const WARM_UP_EDITS = 20;
const TARGET_FIRST_MS = 1_000;
const RSS_SAMPLE_MS = 100;

export async function run(context: BenchContext): Promise<Section[]> {
  ensureBuilt();
  const cli = path.join(context.root, 'out', 'server', 'src', 'cli', 'main.js');
  return [await cliScaling(cli), await serverProject()];
}

/** `pkgK/mJ.py`: imports mJ+1 of its package and calls it, in chains of CHAIN; one chain in 5 ends in a Pool. */
export function writeProject(root: string, modules: number): void {
  for (let index = 0; index < modules; index++) {
    const pkg = Math.floor(index / PER_PACKAGE);
    const position = index % PER_PACKAGE;
    const folder = path.join(root, `pkg${pkg}`);
    if (position === 0) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, '__init__.py'), '');
    }
    const last = position % CHAIN === CHAIN - 1 || index === modules - 1;
    const body = last
      ? Math.floor(index / CHAIN) % 5 === 0
        ? 'from multiprocessing import Pool\n\n\ndef square(x):\n    return x * x\n\n\ndef run(n):\n    with Pool(2) as pool:\n        return pool.map(square, range(n))\n'
        : 'def run(n):\n    return [n]\n'
      : `from . import m${position + 1}\n\nLIMIT = ${index}\n\n\ndef run(n):\n    print("step", LIMIT)\n    return m${position + 1}.run(n)\n`;
    fs.writeFileSync(path.join(folder, `m${position}.py`), body);
  }
}

/** A script importing `count` modules (the first of each package, then the others) and calling the first at import time. */
export function scriptText(modules: number, count: number, resolvable = true): string {
  const names: string[] = [];
  for (let position = 0; position < PER_PACKAGE && names.length < count; position++)
    for (let pkg = 0; pkg * PER_PACKAGE < modules && names.length < count; pkg++) names.push(`pkg${pkg}.m${position}`);
  const prefix = resolvable ? '' : 'missing_';
  return [...names.map((name) => `import ${prefix}${name}`), '', `${prefix}pkg0.m0.run(3)`, ''].join('\n');
}

interface CliRun {
  ms: number;
  peakRss: number;
  findings: number;
}

function runCli(cli: string, cwd: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let peakRss = 0;
    const sample = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
        peakRss = Math.max(peakRss, rss);
      } catch {
        // ended
      }
    }, RSS_SAMPLE_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      clearInterval(sample);
      const ms = performance.now() - started;
      resolve({ ms, peakRss, findings: (JSON.parse(stdout || '[]') as unknown[]).length });
    });
  });
}

async function cliScaling(cli: string): Promise<Section> {
  const rows: string[][] = [];
  const runs: { modules: number; run: CliRun }[] = [];
  for (const modules of [MODULES / 4, MODULES / 2, MODULES]) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-project-bench-'));
    try {
      writeProject(root, modules);
      fs.writeFileSync(path.join(root, 'main.py'), scriptText(modules, SCRIPT_IMPORTS));
      const result = await runCli(cli, root, ['check', '--format', 'json', '--exit-zero', '.']);
      runs.push({ modules, run: result });
      console.log(
        `CLI, ${modules} modules: ${milliseconds(result.ms)}, peak RSS ${megabytes(result.peakRss)}, ${result.findings} findings`,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  for (const { modules, run } of runs) {
    rows.push([
      modules.toLocaleString('en'),
      milliseconds(run.ms),
      milliseconds(run.ms / modules),
      megabytes(run.peakRss),
      String(run.findings),
    ]);
  }
  const [quarter, , whole] = runs;
  const timeRatio = whole.run.ms / quarter.run.ms;
  const markdown = [
    `Synthetic project: packages of ${PER_PACKAGE} modules in chains of ${CHAIN}, each importing and calling the next, one chain in 5`,
    `ending in a Pool created in a function, the others printing in a function; \`main.py\` imports ${SCRIPT_IMPORTS}`,
    'modules and calls the first chain at import time. `spawn-guard check --format json .` over the whole project.',
    '',
    table(['modules', 'wall time', 'per module', 'peak RSS', 'findings'], rows),
    '',
    `- Time at ${MODULES} modules / time at ${MODULES / 4}: **${timeRatio.toFixed(2)}** (linear: 4; process start-up makes it less).`,
    `- ${loadNote()}`,
  ].join('\n');
  return { title: 'Project model: CLI over a synthetic project', markdown };
}

async function serverProject(): Promise<Section> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-project-server-bench-'));
  try {
    writeProject(root, MODULES);
    const first = await firstDiagnostics(root);
    const withProject = await typing(root, scriptText(MODULES, SCRIPT_IMPORTS), 'main.py');
    const baseline = await typing(root, scriptText(MODULES, SCRIPT_IMPORTS, false), 'alone.py');
    const p = (values: number[], q: number) => milliseconds(percentile(values, q));
    const markdown = [
      `The server, workspace = the ${MODULES}-module synthetic project; a script importing ${SCRIPT_IMPORTS} of its modules is opened.`,
      '',
      table(
        ['what', 'time'],
        [
          ['first diagnostics (single-file findings)', milliseconds(first.first)],
          [`refined diagnostics with the project finding (SPG002 through ${CHAIN} modules)`, milliseconds(first.refined)],
        ],
      ),
      '',
      `- Refined within ${TARGET_FIRST_MS} ms of opening: ${verdict(first.refined, TARGET_FIRST_MS)}.`,
      '',
      `Keystroke latency (didChange to its publishDiagnostics, ${EDITS} keystrokes after ${WARM_UP_EDITS} warm-up ones, each after the previous publish):`,
      '',
      table(
        ['script', 'median', 'p95', 'max'],
        [
          [`imports resolved (${SCRIPT_IMPORTS} project modules)`, p(withProject, 50), p(withProject, 95), p(withProject, 100)],
          ['same script, imports unresolvable (baseline)', p(baseline, 50), p(baseline, 95), p(baseline, 100)],
        ],
      ),
      '',
      `- Median ratio project / baseline: **${(median(withProject) / median(baseline)).toFixed(2)}** (unchanged: about 1).`,
      `- ${loadNote()}`,
    ].join('\n');
    return { title: 'Project model: language server', markdown };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function firstDiagnostics(root: string): Promise<{ first: number; refined: number }> {
  const client = await LspTestClient.start({ workspaceFolder: root, timeoutMs: 60_000 });
  try {
    const uri = pathToFileURL(path.join(root, 'main.py')).href;
    const text = scriptText(MODULES, SCRIPT_IMPORTS);
    fs.writeFileSync(path.join(root, 'main.py'), text);
    const opened = performance.now();
    client.open(uri, text, 1);
    const first = await client.diagnosticsFor(uri, 1);
    const refined = await client.waitForDiagnostics(uri, (params) => params.diagnostics.some((d) => d.code === 'SPG002'));
    return { first: first.receivedAt - opened, refined: refined.receivedAt - opened };
  } finally {
    await client.stop();
  }
}

async function typing(root: string, text: string, name: string): Promise<number[]> {
  const client = await LspTestClient.start({ workspaceFolder: root, timeoutMs: 60_000 });
  try {
    const uri = pathToFileURL(path.join(root, name)).href;
    fs.writeFileSync(path.join(root, name), text);
    client.open(uri, text, 0);
    await client.diagnosticsFor(uri, 0);
    const line = text.split('\n').length - 1;
    const latencies: number[] = [];
    for (let edit = 1; edit <= EDITS + WARM_UP_EDITS; edit++) {
      const at = { line, character: edit - 1 };
      const sent = performance.now();
      client.change(uri, edit, [{ range: { start: at, end: at }, text: 'x' }]);
      const published = await client.diagnosticsFor(uri, edit);
      if (edit > WARM_UP_EDITS) latencies.push(published.receivedAt - sent);
    }
    return latencies;
  } finally {
    await client.stop();
  }
}

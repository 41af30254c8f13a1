/**
 * Notebook fixtures run in a real Jupyter kernel (Debian's python3-ipykernel and python3-nbclient for
 * /usr/bin/python3), with spawn or fork as the kernel's default start method: each claim in a fixture's
 * first cell must hold, and each fixed notebook must print under spawn what the original printed
 * under fork. The setup installs the Debian packages when they are missing (and says so), and skips
 * with the reason when it cannot.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runPython, type PythonRun, type StartMethod } from '../helpers/python';
import { REPO_ROOT } from '../helpers/paths';
import { notebookFixtures, parseRuntimeClaim } from './fixtures';
import { fixNotebook } from '../../server/src/notebook/fix-notebook';
import { readIpynb } from '../../server/src/notebook/ipynb';
import { sharedParser } from '../helpers/parser';

const KERNEL_PYTHON = '/usr/bin/python3';
const DEBIAN_PACKAGES = ['python3-ipykernel', 'python3-nbclient', 'python3-joblib'];
const RUNNER = path.join(REPO_ROOT, 'test', 'runtime', 'run-notebook.py');
/** A cell that runs longer than this counts as hanging (a Pool.map that lost its task never ends). */
const HANG_CELL_TIMEOUT_S = 8;
/** Cells that should end get longer on a busy machine. */
const CELL_TIMEOUT_S = 30;
/** The whole run, kernel start and shutdown included; only a runner that itself hangs reaches it. */
const RUN_TIMEOUT_MS = 180_000;

function kernelAvailable(): boolean {
  return spawnSync(KERNEL_PYTHON, ['-c', 'import ipykernel, nbclient, nbformat, joblib'], { stdio: 'ignore' }).status === 0;
}

/** Why the notebook runtime tests cannot run, or undefined when they can (after installing what is missing). */
function kernelSetup(): string | undefined {
  if (!fs.existsSync(KERNEL_PYTHON)) return `${KERNEL_PYTHON} does not exist (the kernel tests use Debian's python3)`;
  if (kernelAvailable()) return undefined;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return `a Jupyter kernel for ${KERNEL_PYTHON} is missing and cannot be installed here (apt-get install ${DEBIAN_PACKAGES.join(' ')})`;
  }
  console.log(`# notebook runtime tests: installing ${DEBIAN_PACKAGES.join(', ')} (Debian) for ${KERNEL_PYTHON}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES], { env, stdio: 'ignore' });
  if (install.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES], { env, stdio: 'ignore' });
  }
  return kernelAvailable() ? undefined : `apt-get could not install ${DEBIAN_PACKAGES.join(' ')}`;
}

/** Runs a notebook (and the files beside it that it imports) in a fresh folder with a real kernel. */
export async function runNotebook(
  notebook: string,
  startMethod: StartMethod,
  extraFiles: readonly string[] = [],
  cellTimeoutS = CELL_TIMEOUT_S,
): Promise<PythonRun> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-notebook-'));
  try {
    for (const file of [notebook, ...extraFiles]) fs.copyFileSync(file, path.join(folder, path.basename(file)));
    return await runPython(RUNNER, {
      startMethod,
      timeoutMs: RUN_TIMEOUT_MS,
      cwd: folder,
      interpreter: KERNEL_PYTHON,
      args: [RUNNER, path.basename(notebook), String(cellTimeoutS)],
      // Buffered output (an empty PYTHONUNBUFFERED is unset): a child's `print` reaches the kernel's
      // capture in one write, so its line is not split by the parent's output.
      env: { PYDEVD_DISABLE_FILE_VALIDATION: '1', JUPYTER_PLATFORM_DIRS: '1', PYTHONUNBUFFERED: '' },
    });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

export function describeRun(label: string, result: PythonRun): string {
  const status = result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`;
  return `${label}: ${status}\n--- stdout\n${result.stdout}--- stderr (end)\n${result.stderr.slice(-2000)}`;
}

/**
 * A run's output lines, sorted: ipykernel captures the children's output through a pipe it reads in a
 * thread, so where a child's line lands among the parent's is not fixed. What was printed is.
 */
function printedLines(run: PythonRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}

/** The runner's status for a cell that ran past its time-out. */
const CELL_TIMED_OUT = 124;

export const notebookKernelSkip = kernelSetup();

describe('notebook fixtures in a real kernel', { concurrency: 2 }, () => {
  for (const fixture of notebookFixtures()) {
    const claim = parseRuntimeClaim(fixture.source);
    it(`${fixture.name} has a runtime claim in its first cell`, () =>
      assert.ok(claim, 'first line of the first code cell must be a `# spawn: …` claim'));
    if (!claim) continue;
    if (claim.kind === 'skip' || notebookKernelSkip) {
      it(fixture.name, { skip: claim.kind === 'skip' ? claim.reason : notebookKernelSkip }, () => {});
      continue;
    }
    it(`${fixture.name} (${claim.kind})`, async () => {
      const spawned = await runNotebook(fixture.file, 'spawn', [], claim.kind === 'hangs' ? HANG_CELL_TIMEOUT_S : CELL_TIMEOUT_S);
      const finished = !spawned.timedOut && spawned.exitCode !== CELL_TIMED_OUT;
      switch (claim.kind) {
        case 'fails':
          assert.ok(finished, describeRun('spawn run', spawned));
          assert.ok(
            spawned.stderr.includes(claim.text),
            `cells' stderr under spawn lacks "${claim.text}"\n${describeRun('spawn run', spawned)}`,
          );
          return;
        case 'hangs':
          assert.ok(!finished, `expected a cell to hang under spawn\n${describeRun('spawn run', spawned)}`);
          return;
        case 'differs':
        case 'same': {
          const forked = await runNotebook(fixture.file, 'fork');
          assert.ok(finished, describeRun('spawn run', spawned));
          assert.ok(!forked.timedOut && forked.exitCode !== CELL_TIMED_OUT, describeRun('fork run', forked));
          if (claim.kind === 'differs') assert.notEqual(spawned.stdout, forked.stdout, describeRun('spawn run', spawned));
          else
            assert.deepEqual({ exitCode: spawned.exitCode, stdout: spawned.stdout }, { exitCode: forked.exitCode, stdout: forked.stdout });
          return;
        }
      }
    });
  }
});

describe('notebooks fixed by "Move to module" (and "make it a parameter") in a real kernel', { concurrency: 2 }, () => {
  for (const fixture of notebookFixtures().filter((candidate) => candidate.expected?.includes('SPG020'))) {
    it(`${fixture.name}: fixed under spawn prints what the original printed under fork`, { skip: notebookKernelSkip }, async () => {
      // With the unsafe fixes: a definition that reads notebook globals gets "make it a parameter".
      const source = readIpynb(fs.readFileSync(fixture.file, 'utf8'));
      const fixed = fixNotebook(await sharedParser(), source, fixture.file, {}, () => undefined, undefined, true);
      assert.ok(fixed, 'a fix is offered');
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-fixed-'));
      try {
        const notebook = path.join(folder, path.basename(fixture.file));
        const module = path.join(folder, `${fixed.moduleName}.py`);
        fs.writeFileSync(notebook, fixed.notebookText);
        fs.writeFileSync(module, fixed.moduleText);
        const [original, fixedRun] = await Promise.all([runNotebook(fixture.file, 'fork'), runNotebook(notebook, 'spawn', [module])]);
        assert.ok(!original.timedOut && original.exitCode !== CELL_TIMED_OUT, describeRun('original under fork', original));
        assert.deepEqual(
          { exitCode: fixedRun.exitCode, printed: printedLines(fixedRun) },
          { exitCode: original.exitCode, printed: printedLines(original) },
          `${describeRun('fixed under spawn', fixedRun)}\n${describeRun('original under fork', original)}`,
        );
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});

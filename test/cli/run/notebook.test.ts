/**
 * `spawn-guard run notebook.ipynb`: the cells run in a real Jupyter kernel of Debian's python3, which
 * needs python3-ipykernel and python3-nbclient. The setup installs them when they are missing (and says
 * so); where it cannot, the tests are skipped with the reason.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLI_MAIN, createTree, removeTree, runCli } from '../../helpers/cli';
import { FIXTURES } from '../../helpers/paths';

const PYTHON = '/usr/bin/python3';
const PACKAGES = ['python3-ipykernel', 'python3-nbclient'];
const NOTEBOOKS = path.join(FIXTURES, 'run', 'notebooks');

function canRunNotebooks(): boolean {
  return spawnSync(PYTHON, ['-c', 'import ipykernel, nbclient, nbformat']).status === 0;
}

/** Undefined when notebooks can run; else why they cannot. */
function notebookSetup(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} does not exist`;
  if (canRunNotebooks()) return undefined;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
    return `${PYTHON} lacks ipykernel/nbclient and apt-get cannot install ${PACKAGES.join(' ')} here`;
  }
  console.log(`# installing ${PACKAGES.join(' ')} for the notebook tests (apt-get)`);
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
  });
  if (install.status !== 0 || !canRunNotebooks()) return `apt-get could not install ${PACKAGES.join(' ')}: ${install.stderr.slice(-500)}`;
  return undefined;
}

const skip = notebookSetup();

describe('spawn-guard run on a notebook', { skip, concurrency: 2 }, () => {
  it('names the cell-defined worker a spawned child cannot find', async () => {
    const result = await runCli(['run', '--python', PYTHON, '--compare', '--format', 'json', 'cell-worker.ipynb'], { cwd: NOTEBOOKS });
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.verdict.failure, { kind: 'missing-attribute', name: 'work', module: '__main__' });
    assert.deepEqual(
      report.runs.map((run: { stdout: { text: string } }) => run.stdout.text),
      ['exit code 1\n', 'worked\nexit code 0\n'],
    );
    // `check`'s finding that predicted it, in its cell, as `check` places it.
    assert.deepEqual(
      report.findings.map((finding: { code: string; cell: number; line: number; column: number }) => [
        finding.code,
        finding.cell,
        finding.line,
        finding.column,
      ]),
      [['SPG020', 3, 1, 28]],
    );
  });

  it('writes the finding in text as `check` does: NOTEBOOK:cell N:LINE:COLUMN', async () => {
    const result = await runCli(['run', '--python', PYTHON, 'cell-worker.ipynb'], { cwd: NOTEBOOKS });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^fails: fails under spawn: a child could not find "work" .*define it in a module and import it$/m);
    assert.match(result.stdout, /^ {2}cell-worker\.ipynb:cell 3:1:28: SPG020 `work` is defined in cell 2 /m);
  });

  it('runs a notebook without processes the same as under fork, results included', async () => {
    const result = await runCli(['run', '--python', PYTHON, '--compare', '--format', 'json', 'no-processes.ipynb'], { cwd: NOTEBOOKS });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).runs[0].stdout.text, '6\n12\n');
  });
});

describe('spawn-guard run on a notebook without a kernel', () => {
  it('says what to install (exit status 2)', async () => {
    // An interpreter that has no ipykernel: a python3 wrapper that hides site-packages.
    const tree = createTree({ 'bare-python': `#!/bin/sh\nexec ${PYTHON} -S "$@"\n` });
    try {
      fs.chmodSync(path.join(tree, 'bare-python'), 0o755);
      const notebook = path.join(NOTEBOOKS, 'no-processes.ipynb');
      const result = await runCli(['run', '--python', path.join(tree, 'bare-python'), notebook], { cwd: tree, script: CLI_MAIN });
      assert.equal(result.status, 2);
      assert.match(
        result.stderr,
        /running a notebook needs ipykernel and nbclient for .*bare-python \(\w+ is missing\): install them with/,
      );
    } finally {
      removeTree(tree);
    }
  });
});

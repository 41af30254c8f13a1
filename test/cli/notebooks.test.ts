import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTree, parseJsonFindings, removeTree, runCli } from '../helpers/cli';
import { FIXTURES } from '../helpers/paths';

const POOL_MAP = fs.readFileSync(path.join(FIXTURES, 'notebooks', 'SPG020', 'pool-map.ipynb'), 'utf8');
const READS_GLOBALS = fs.readFileSync(path.join(FIXTURES, 'notebooks', 'SPG020', 'reads-globals.ipynb'), 'utf8');

describe('spawn-guard check on notebooks', () => {
  let root: string;
  before(() => {
    root = createTree({
      'lesson.ipynb': POOL_MAP,
      '.ipynb_checkpoints/lesson-checkpoint.ipynb': POOL_MAP,
      'r.ipynb': JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { language: 'R' } },
        cells: [{ cell_type: 'code', source: 'x <- 1' }],
      }),
    });
  });
  after(() => removeTree(root));

  it('reports cell, row and column, and skips checkpoints and other languages', async () => {
    const run = await runCli(['check', '.'], { cwd: root });
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.split('\n').filter((line) => line.includes('SPG'));
    assert.equal(lines.length, 1, run.stdout);
    assert.match(lines[0], /^lesson\.ipynb:cell 3:2:20: SPG020 `square` is defined in cell 2 and sent to a child process$/);
  });

  it('puts the cell in JSON and SARIF', async () => {
    const json = JSON.parse((await runCli(['check', '--format', 'json', 'lesson.ipynb'], { cwd: root })).stdout);
    assert.deepEqual(
      json.map((finding: { code: string; cell: number; location: unknown }) => [finding.code, finding.cell, finding.location]),
      [['SPG020', 3, { row: 2, column: 20 }]],
    );
    const sarif = JSON.parse((await runCli(['check', '--format', 'sarif', 'lesson.ipynb'], { cwd: root })).stdout);
    const result = sarif.runs[0].results[0];
    assert.deepEqual([result.ruleId, result.properties, result.locations[0].physicalLocation.region.startLine], ['SPG020', { cell: 3 }, 2]);
  });

  it('reports a malformed notebook as an error, not a crash', async () => {
    fs.writeFileSync(path.join(root, 'broken.ipynb'), '{"nbformat": 4, "cells": [');
    try {
      const run = await runCli(['check', 'broken.ipynb'], { cwd: root });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /broken\.ipynb: is not a valid notebook: invalid JSON at line 1, column 27/);
    } finally {
      fs.rmSync(path.join(root, 'broken.ipynb'));
    }
  });

  it('--fix moves the definition to <notebook>_workers.py and rewrites only the cell source', async () => {
    const run = await runCli(['check', '--fix', 'lesson.ipynb'], { cwd: root });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /Fixed lesson\.ipynb: Move `square` to lesson_workers\.py/);
    const expected = POOL_MAP.replace('"def square(x):\\n",\n    "    return x * x"', '"from lesson_workers import square"');
    assert.notEqual(expected, POOL_MAP);
    assert.equal(fs.readFileSync(path.join(root, 'lesson.ipynb'), 'utf8'), expected);
    assert.match(fs.readFileSync(path.join(root, 'lesson_workers.py'), 'utf8'), /\n\ndef square\(x\):\n {4}return x \* x\n$/);
    assert.equal((await runCli(['check', 'lesson.ipynb'], { cwd: root })).status, 0);
  });

  it('--fix names the module after [tool.spawn-guard] notebook-workers-module', async () => {
    const folder = createTree({
      'lesson.ipynb': POOL_MAP,
      'pyproject.toml': '[tool.spawn-guard]\nnotebook-workers-module = "mp_{notebook}"\n',
    });
    try {
      const run = await runCli(['check', '--fix', 'lesson.ipynb'], { cwd: folder });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(fs.readFileSync(path.join(folder, 'mp_lesson.py'), 'utf8'), /^def square\(x\):$/m);
      assert.match(fs.readFileSync(path.join(folder, 'lesson.ipynb'), 'utf8'), /from mp_lesson import square/);
    } finally {
      removeTree(folder);
    }
  });

  it('--fix leaves a definition that reads notebook globals; --unsafe-fixes makes them parameters', async () => {
    const folder = createTree({ 'globals.ipynb': READS_GLOBALS });
    try {
      const safe = await runCli(['check', '--fix', 'globals.ipynb'], { cwd: folder });
      assert.equal(safe.status, 1, safe.stdout + safe.stderr);
      assert.equal(fs.readFileSync(path.join(folder, 'globals.ipynb'), 'utf8'), READS_GLOBALS);
      assert.ok(!fs.existsSync(path.join(folder, 'globals_workers.py')));
      const unsafe = await runCli(['check', '--fix', '--unsafe-fixes', 'globals.ipynb'], { cwd: folder });
      assert.equal(unsafe.status, 0, unsafe.stdout + unsafe.stderr);
      assert.match(unsafe.stderr, /Fixed globals\.ipynb: Make `FACTOR`, `OFFSET` parameters of `scale` and move it to globals_workers\.py/);
      assert.match(fs.readFileSync(path.join(folder, 'globals_workers.py'), 'utf8'), /^def scale\(x, \*, shift=0, FACTOR, OFFSET\):$/m);
      assert.match(
        fs.readFileSync(path.join(folder, 'globals.ipynb'), 'utf8'),
        /functools\.partial\(scale, FACTOR=FACTOR, OFFSET=OFFSET\)/,
      );
    } finally {
      removeTree(folder);
    }
  });

  it('checks the scripts a notebook runs with %run as scripts, even when only the notebook is named', async () => {
    const notebook = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: 'code', metadata: {}, outputs: [], source: ['%run -i train.py\n', '%run missing.py\n', 'print(1)\n'] }],
    });
    const train = 'from multiprocessing import Pool\n\nwith Pool(2) as pool:\n    print(pool.map(abs, [-1]))\n';
    const folder = createTree({ 'course.ipynb': notebook, 'train.py': train });
    try {
      const run = await runCli(['check', '--format', 'json', 'course.ipynb'], { cwd: folder });
      assert.equal(run.status, 1, run.stdout + run.stderr);
      const findings = parseJsonFindings(run.stdout).map((finding) => `${path.basename(finding.filename)} ${finding.code}`);
      assert.deepEqual(findings.sort(), ['train.py SPG001', 'train.py SPG008']);
    } finally {
      removeTree(folder);
    }
  });
});

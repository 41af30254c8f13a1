import { applyPatch } from 'diff';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createTree, parseJsonFindings, removeTree, runCli } from '../helpers/cli';
import { BROKEN_WITH_POOL, GUARDED_POOL, UNGUARDED_MAIN, UNGUARDED_POOL } from '../helpers/cli-scripts';

const GUARD = 'if __name__ == "__main__":';

/** Runs `body` on a fresh temporary tree, removed afterwards. */
async function withTree(files: Record<string, string | Buffer>, body: (cwd: string) => Promise<void>): Promise<void> {
  const cwd = createTree(files);
  try {
    await body(cwd);
  } finally {
    removeTree(cwd);
  }
}

const read = (cwd: string, file: string) => fs.readFileSync(path.join(cwd, file), 'utf8');

describe('spawn-guard check --fix', () => {
  it('writes the fixes, reports what it changed, and then finds nothing fixable', () =>
    withTree({ 'pool.py': UNGUARDED_POOL, 'main_call.py': UNGUARDED_MAIN, 'clean.py': GUARDED_POOL }, async (cwd) => {
      const cleanStat = fs.statSync(path.join(cwd, 'clean.py'));
      const run = await runCli(['check', '--fix', '.'], { cwd });
      assert.match(run.stderr, /^Fixed main_call\.py: .+ \(\d+ problems?: SPG\d{3}(, SPG\d{3})*\)$/m);
      assert.match(run.stderr, /^Fixed pool\.py: .+ \(\d+ problems?: SPG\d{3}(, SPG\d{3})*\)$/m);
      assert.match(run.stdout, /^Found \d+ problems? \(\d+ fixed, \d+ remaining; 3 files checked\)\.$/m);
      for (const file of ['pool.py', 'main_call.py']) assert.ok(read(cwd, file).includes(GUARD), `${file} got a main guard`);
      assert.equal(fs.statSync(path.join(cwd, 'clean.py')).mtimeMs, cleanStat.mtimeMs, 'a clean file is not rewritten');
      assert.deepEqual(fs.readdirSync(cwd).sort(), ['clean.py', 'main_call.py', 'pool.py'], 'no temporary file is left behind');

      const after = await runCli(['check', '--format', 'json', '.'], { cwd });
      const remaining = parseJsonFindings(after.stdout);
      assert.deepEqual(
        remaining.filter((finding) => finding.fix !== null),
        [],
        'nothing fixable remains',
      );
      assert.equal(run.status, remaining.length > 0 ? 1 : 0, 'exit 1 only when findings remain');
    }));

  it('applied twice changes nothing the second time', () =>
    withTree({ 'pool.py': UNGUARDED_POOL, 'main_call.py': UNGUARDED_MAIN }, async (cwd) => {
      await runCli(['check', '--fix', '.'], { cwd });
      const once = { pool: read(cwd, 'pool.py'), main: read(cwd, 'main_call.py') };
      const again = await runCli(['check', '--fix', '.'], { cwd });
      assert.doesNotMatch(again.stderr, /^Fixed /m);
      assert.deepEqual({ pool: read(cwd, 'pool.py'), main: read(cwd, 'main_call.py') }, once);
    }));

  it("keeps the file's BOM, CRLF line endings and permissions", () =>
    withTree({ 'script.py': `\uFEFF#!/usr/bin/env python3\r\n${UNGUARDED_POOL.replace(/\n/g, '\r\n')}` }, async (cwd) => {
      const file = path.join(cwd, 'script.py');
      fs.chmodSync(file, 0o755);
      const run = await runCli(['check', '--fix', 'script.py'], { cwd });
      assert.match(run.stderr, /^Fixed script\.py: /m);
      const bytes = fs.readFileSync(file);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM is kept');
      const text = bytes.toString('utf8');
      assert.ok(text.includes(GUARD));
      assert.doesNotMatch(text, /(^|[^\r])\n/, 'every line ends with CRLF');
      assert.equal(fs.statSync(file).mode & 0o777, 0o755);
    }));

  it('rewrites the target of a symbolic link and keeps the link', () =>
    withTree({ 'real/pool.py': UNGUARDED_POOL }, async (cwd) => {
      fs.symlinkSync(path.join(cwd, 'real', 'pool.py'), path.join(cwd, 'link.py'));
      await runCli(['check', '--fix', 'link.py'], { cwd });
      assert.ok(fs.lstatSync(path.join(cwd, 'link.py')).isSymbolicLink());
      assert.ok(read(cwd, 'real/pool.py').includes(GUARD));
    }));

  it('never rewrites a file that does not parse', () =>
    withTree({ 'broken.py': BROKEN_WITH_POOL, 'pool.py': UNGUARDED_POOL }, async (cwd) => {
      const run = await runCli(['check', '--fix', '.'], { cwd });
      assert.equal(run.status, 1);
      assert.match(run.stderr, /^warning: broken\.py: not fixed: the file has syntax errors$/m);
      assert.equal(read(cwd, 'broken.py'), BROKEN_WITH_POOL);
      assert.match(run.stdout, /^broken\.py:\d+:\d+: SPG001 /m, 'its findings are still reported');
      assert.ok(read(cwd, 'pool.py').includes(GUARD), 'the other file is fixed');
    }));

  it('keeps machine-readable output on stdout and its notes on stderr', () =>
    withTree({ 'pool.py': UNGUARDED_POOL }, async (cwd) => {
      const run = await runCli(['check', '--fix', '--format', 'json', '.'], { cwd });
      assert.ok(Array.isArray(parseJsonFindings(run.stdout)));
      assert.match(run.stderr, /^Fixed pool\.py: /m);
    }));
});

describe('spawn-guard check --diff', () => {
  it('prints what --fix would write as a unified diff, and writes nothing', () =>
    withTree(
      { 'pool.py': UNGUARDED_POOL, 'main_call.py': UNGUARDED_MAIN, 'clean.py': GUARDED_POOL, 'broken.py': BROKEN_WITH_POOL },
      async (cwd) => {
        const before = Object.fromEntries(fs.readdirSync(cwd).map((file) => [file, fs.statSync(path.join(cwd, file)).mtimeMs]));
        const run = await runCli(['check', '--diff', '.'], { cwd });
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stderr, /^Would fix \d+ problems? with \d+ fix(es)? in 2 files\.$/m);
        assert.deepEqual(
          Object.fromEntries(fs.readdirSync(cwd).map((file) => [file, fs.statSync(path.join(cwd, file)).mtimeMs])),
          before,
          'nothing written',
        );

        const patches = run.stdout.split(/^(?=--- )/m).filter((part) => part.trim() !== '');
        assert.deepEqual(
          patches.map((patch) => /^--- (.*)$/m.exec(patch)![1]),
          ['main_call.py', 'pool.py'],
        );
        const patched = Object.fromEntries(
          patches.map((patch) => {
            const file = /^--- (.*)$/m.exec(patch)![1];
            const result = applyPatch(read(cwd, file), patch);
            assert.notEqual(result, false, `the diff for ${file} applies`);
            return [file, result as string];
          }),
        );
        await runCli(['check', '--fix', '.'], { cwd });
        for (const [file, text] of Object.entries(patched))
          assert.equal(read(cwd, file), text, `${file}: the diff shows exactly what --fix writes`);
      },
    ));

  it('exits 0 with nothing to show', () =>
    withTree({ 'clean.py': GUARDED_POOL }, async (cwd) => {
      const run = await runCli(['check', '--diff', '.'], { cwd });
      assert.equal(run.status, 0);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, 'No fixes available.\n');
    }));
});

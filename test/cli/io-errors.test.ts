import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTree, parseJsonFindings, removeTree, runCli } from '../helpers/cli';
import { UNGUARDED_POOL } from '../helpers/cli-scripts';

describe('spawn-guard check on paths it cannot check', () => {
  let cwd: string;
  before(() => {
    cwd = createTree({
      'a_binary.py': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x69, 0x6d, 0x70]),
      'b_undeclared.py': Buffer.concat([Buffer.from('# no encoding declared\nname = "'), Buffer.from([0xe9]), Buffer.from('"\n')]),
      'c_utf16.py': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('import multiprocessing\n', 'utf16le')]),
      'd_pool.py': UNGUARDED_POOL,
      'empty/README.md': 'no Python here\n',
      '.venv/lib/pool.py': UNGUARDED_POOL,
      'venv/pool.py': UNGUARDED_POOL,
      'node_modules/pkg/pool.py': UNGUARDED_POOL,
      '__pycache__/pool.py': UNGUARDED_POOL,
      '.git/hooks/pool.py': UNGUARDED_POOL,
      'stubs/pool.pyi': UNGUARDED_POOL,
    });
  });
  after(() => removeTree(cwd));

  it('reports a missing path, a binary, an undeclared non-UTF-8 and a UTF-16 file, and goes on (exit 2)', async () => {
    const run = await runCli(['check', '--format', 'json', 'missing.py', '.'], { cwd });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^error: missing\.py: No such file or directory$/m);
    assert.match(run.stderr, /^error: a_binary\.py: is a binary file \(it contains NUL bytes\), not Python source$/m);
    assert.match(run.stderr, /^error: b_undeclared\.py: is not valid utf-8 \(line 2\)$/m);
    assert.match(run.stderr, /^error: c_utf16\.py: is UTF-16 encoded/m);
    const files = new Set(parseJsonFindings(run.stdout).map((finding) => path.basename(finding.filename)));
    assert.deepEqual([...files], ['d_pool.py'], 'the file after the bad ones is still checked');
  });

  it('skips environments, caches, version control and stubs when walking', async () => {
    const run = await runCli(['check', '--format', 'json', '.'], { cwd });
    const files = new Set(parseJsonFindings(run.stdout).map((finding) => path.relative(cwd, finding.filename)));
    assert.deepEqual([...files], ['d_pool.py'], 'nothing from .venv, venv, node_modules, __pycache__, .git or .pyi stubs');
  });

  it('checks a skipped directory when it is named on the command line', async () => {
    const run = await runCli(['check', '--format', 'json', '.venv'], { cwd });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(parseJsonFindings(run.stdout)[0].filename, path.join(cwd, '.venv', 'lib', 'pool.py'));
  });

  it('warns about a directory without Python files, without failing', async () => {
    const run = await runCli(['check', 'empty'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, 'warning: empty: no Python files found\n');
    assert.equal(run.stdout, 'All checks passed! (0 files checked)\n');
  });

  it('does not follow a symbolic link loop', async () => {
    const loop = createTree({ 'pkg/pool.py': UNGUARDED_POOL });
    try {
      fs.symlinkSync(path.join(loop, 'pkg'), path.join(loop, 'pkg', 'again'), 'dir');
      fs.symlinkSync(path.join(loop, 'pkg', 'pool.py'), path.join(loop, 'link.py'), 'file');
      const run = await runCli(['check', '--format', 'json', '.'], { cwd: loop });
      assert.equal(run.status, 1, run.stderr);
      const files = parseJsonFindings(run.stdout).map((finding) => path.relative(loop, finding.filename));
      assert.deepEqual(
        [...new Set(files)],
        ['link.py', path.join('pkg', 'pool.py')],
        'a link to a file is followed, a link to a directory is not',
      );
    } finally {
      removeTree(loop);
    }
  });
});

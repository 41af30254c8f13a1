import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTree, parseJsonFindings, removeTree, runCli } from '../helpers/cli';
import { GUARDED_POOL, UNGUARDED_POOL } from '../helpers/cli-scripts';

describe('spawn-guard check - (stdin)', () => {
  let cwd: string;
  before(
    () =>
      (cwd = createTree({
        'pyproject.toml': '[tool.spawn-guard]\nexclude = ["generated"]\nper-file-ignores = { "scripts/*" = ["SPG"] }\n',
        'generated/keep.py': '',
      })),
  );
  after(() => removeTree(cwd));

  it('checks the source read from stdin, named by --stdin-filename', async () => {
    const run = await runCli(['check', '--stdin-filename', 'app/pool.py', '-'], { cwd, input: UNGUARDED_POOL });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^app\/pool\.py:8:8: SPG001 /m);
    const clean = await runCli(['check', '-'], { cwd, input: GUARDED_POOL });
    assert.equal(clean.status, 0, clean.stderr);
    assert.match(clean.stdout, /All checks passed!/);
  });

  it('reads stdin for --stdin-filename without a path, as ruff does; - with other paths is an error', async () => {
    const run = await runCli(['check', '--output-format', 'json', '--stdin-filename', 'pool.py'], { cwd, input: UNGUARDED_POOL });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(parseJsonFindings(run.stdout)[0].filename, path.join(cwd, 'pool.py'));
    const both = await runCli(['check', '-', 'pool.py'], { cwd, input: '' });
    assert.equal(both.status, 2);
    assert.match(both.stderr, /- \(stdin\) cannot be checked together with other paths/);
  });

  it('applies the configuration of the path it stands for: per-file-ignores, and excludes with --force-exclude', async () => {
    const ignored = await runCli(['check', '--stdin-filename', 'scripts/pool.py', '-'], { cwd, input: UNGUARDED_POOL });
    assert.equal(ignored.status, 0, ignored.stdout);
    const notForced = await runCli(['check', '--stdin-filename', 'generated/pool.py', '-'], { cwd, input: UNGUARDED_POOL });
    assert.equal(notForced.status, 1, 'without --force-exclude a named path is checked, as in ruff');
    const excluded = await runCli(['check', '--force-exclude', '--stdin-filename', 'generated/pool.py', '-'], {
      cwd,
      input: UNGUARDED_POOL,
    });
    assert.equal(excluded.status, 0);
    assert.equal(excluded.stdout, '');
    const fixExcluded = await runCli(['check', '--fix', '--force-exclude', '--stdin-filename', 'generated/pool.py', '-'], {
      cwd,
      input: UNGUARDED_POOL,
    });
    assert.equal(fixExcluded.stdout, UNGUARDED_POOL, 'an excluded source is handed back unchanged');
  });

  it('--fix prints the fixed source on stdout and the findings left on stderr; nothing is written', async () => {
    const run = await runCli(['check', '--fix', '--stdin-filename', 'pool.py', '-'], { cwd, input: UNGUARDED_POOL });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^if __name__ == "__main__":\n {4}pool = multiprocessing\.Pool\(2\)$/m);
    assert.match(run.stderr, /Fixed pool\.py: Add main guard/);
    assert.ok(!fs.existsSync(path.join(cwd, 'pool.py')));
    const unchanged = await runCli(['check', '--fix', '-'], { cwd, input: GUARDED_POOL });
    assert.equal(unchanged.stdout, GUARDED_POOL);
  });

  it('--diff prints the diff of the stdin source', async () => {
    const run = await runCli(['check', '--diff', '--stdin-filename', 'pool.py', '-'], { cwd, input: UNGUARDED_POOL });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^--- pool\.py\n\+\+\+ pool\.py\n@@ /);
    assert.match(run.stdout, /^\+if __name__ == "__main__":$/m);
  });

  it('keeps the BOM and the declared encoding of the source in what --fix prints', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('# -*- coding: latin-1 -*-\n# caf'),
      Buffer.from([0xe9]),
      Buffer.from(`\n${UNGUARDED_POOL}`),
    ]);
    const run = await runCli(['check', '--fix', '-'], { cwd, input: latin1 });
    assert.equal(run.status, 0, run.stderr);
    // Read back as UTF-8, the latin-1 byte of é is not valid: it was printed as latin-1.
    assert.ok(run.stdout.includes('# caf\uFFFD\n'), run.stdout.slice(0, 80));
    assert.match(run.stdout, /^if __name__ == "__main__":$/m);
    const withBom = await runCli(['check', '--fix', '-'], { cwd, input: `\uFEFF${UNGUARDED_POOL}` });
    assert.ok(withBom.stdout.startsWith('\uFEFFimport multiprocessing'), JSON.stringify(withBom.stdout.slice(0, 30)));
  });
});

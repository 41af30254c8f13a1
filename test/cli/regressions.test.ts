import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_MAIN, createTree, parseJsonFindings, removeTree, runCli } from '../helpers/cli';
import { SKIPPED_DIRECTORIES } from '../../server/src/cli/files';
import { GUARDED_POOL, UNGUARDED_POOL } from '../helpers/cli-scripts';
import { REPO_ROOT } from '../helpers/paths';

/** Regressions for the correctness bugs of issue 15, and issue 18's unparsable files. */
describe('spawn-guard check: regressions', () => {
  let cwd: string;
  before(() => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 300; i++) many[`many/pool_${String(i).padStart(3, '0')}.py`] = UNGUARDED_POOL;
    cwd = createTree({
      ...many,
      'clean/ok.py': GUARDED_POOL,
      'braces/build/pool.py': UNGUARDED_POOL,
      'braces/src/pool.py': UNGUARDED_POOL,
      'braces/keep/pool.py': UNGUARDED_POOL,
      'configs/good/pool.py': UNGUARDED_POOL,
      'configs/bad/pyproject.toml': '[tool.spawn-guard]\nselect = ["SPG001"\n',
      'configs/bad/pool.py': UNGUARDED_POOL,
      'deep/nested.py': `import multiprocessing as mp\nx = ${'{'.repeat(5000)}${'}'.repeat(5000)}\nmp.Process(target=lambda: ${'['.repeat(5000)}${']'.repeat(5000)}).start()\n`,
      'deep/pool.py': UNGUARDED_POOL,
      'py2/legacy.py': 'import multiprocessing\nprint "starting"\n',
      'py2/typo.py': 'import multiprocessing\n\ndef work(x)\n    return x\n',
    });
  });
  after(() => removeTree(cwd));

  it('never prints "All checks passed!" beside exit status 2', async () => {
    const run = await runCli(['check', 'clean', 'missing.py'], { cwd });
    assert.equal(run.status, 2, run.stderr);
    assert.doesNotMatch(run.stdout, /All checks passed/);
    assert.match(run.stdout, /^No problems found in 1 file checked; 1 error \(see above\)\.$/m);
  });

  it('keeps exit status 1 when the reader closes the pipe early (`check many | true`)', async () => {
    const status = await new Promise<string>((resolve, reject) =>
      execFile(
        'bash',
        ['-c', `"${process.execPath}" "${CLI_MAIN}" check many | true; echo "\${PIPESTATUS[0]}"`],
        { cwd, encoding: 'utf8' },
        (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
      ),
    );
    assert.equal(status, '1');
  });

  it('--exclude keeps a comma inside braces: {build,src}/** excludes both', async () => {
    const run = await runCli(['check', '--output-format', 'json', '--exclude', '{build,src}/**', '.'], { cwd: path.join(cwd, 'braces') });
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(
      [...new Set(parseJsonFindings(run.stdout).map((finding) => path.relative(cwd, finding.filename)))],
      [path.join('braces', 'keep', 'pool.py')],
    );
  });

  it('an invalid pyproject.toml in a subfolder: an error for its files, the rest checked, JSON printed', async () => {
    const run = await runCli(['check', '--output-format', 'json', 'configs'], { cwd });
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr,
      /^error: invalid configuration in configs[/\\]bad[/\\]pyproject\.toml: invalid TOML .*the files it governs were not checked$/m,
    );
    const files = new Set(parseJsonFindings(run.stdout).map((finding) => path.relative(cwd, finding.filename)));
    assert.deepEqual([...files], [path.join('configs', 'good', 'pool.py')]);
  });

  it('5,000 nested brackets: a clear per-file error, and the run goes on', async () => {
    for (const format of ['text', 'json']) {
      const run = await runCli(['check', '--output-format', format, 'deep'], { cwd });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /^error: deep[/\\]nested\.py: not checked: its code is nested too deeply to analyse/m);
      assert.doesNotMatch(run.stderr, /Maximum call stack|internal error|\n {4}at /);
      assert.match(run.stdout, /pool\.py/, 'the next file is checked');
    }
  });

  it('a file that does not parse as Python 3 is reported in every output, never "All checks passed"', async () => {
    const text = await runCli(['check', 'py2'], { cwd });
    assert.equal(text.status, 1, text.stderr);
    assert.match(text.stdout, /^py2[/\\]legacy\.py:2:1: syntax-error SyntaxError: `print` statement \(Python 2\)/m);
    assert.match(text.stdout, /^py2[/\\]typo\.py:\d+:\d+: syntax-error SyntaxError: /m);
    assert.match(text.stdout, /^2 files did not parse as Python 3 \(syntax-error\)/m);
    assert.doesNotMatch(text.stdout, /All checks passed/);
    const json = parseJsonFindings((await runCli(['check', '--output-format', 'json', 'py2'], { cwd })).stdout);
    assert.deepEqual(
      json.map((finding) => [path.basename(finding.filename), finding.code, finding.fix]),
      [
        ['legacy.py', 'syntax-error', null],
        ['typo.py', 'syntax-error', null],
      ],
    );
    const sarif = JSON.parse((await runCli(['check', '--output-format', 'sarif', 'py2'], { cwd })).stdout) as {
      runs: { results: { ruleId: string; level: string }[] }[];
    };
    assert.deepEqual(
      sarif.runs[0].results.map((result) => [result.ruleId, result.level]),
      [
        ['syntax-error', 'error'],
        ['syntax-error', 'error'],
      ],
    );
  });
});

describe('what the docs claim', () => {
  let cwd: string;
  before(() => {
    const skipped: Record<string, string> = { 'src/pool.py': UNGUARDED_POOL };
    for (const directory of SKIPPED_DIRECTORIES) skipped[`src/${directory}/pool.py`] = UNGUARDED_POOL;
    skipped['job_queue.py'] = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'job_queue.py'), 'utf8');
    cwd = createTree(skipped);
  });
  after(() => removeTree(cwd));

  it("a walk skips ruff's default excludes (and __pycache__); a file named on the command line is checked", async () => {
    for (const directory of [
      '.direnv',
      '.eggs',
      '.git',
      '.venv',
      '__pypackages__',
      '_build',
      'buck-out',
      'dist',
      'site-packages',
      'venv',
    ]) {
      assert.ok(SKIPPED_DIRECTORIES.has(directory), directory);
    }
    const walk = parseJsonFindings((await runCli(['check', '--output-format', 'json', 'src'], { cwd })).stdout);
    assert.deepEqual([...new Set(walk.map((finding) => path.relative(cwd, finding.filename)))], [path.join('src', 'pool.py')]);
    const named = await runCli(['check', path.join('src', 'dist', 'pool.py')], { cwd });
    assert.equal(named.status, 1, named.stderr);
  });

  it('examples/job_queue.py: SPG003 first, then, after --fix, SPG005, as its docstring says', async () => {
    const codes = async () =>
      parseJsonFindings((await runCli(['check', '--output-format', 'json', 'job_queue.py'], { cwd })).stdout).map(
        (finding) => finding.code,
      );
    assert.deepEqual(await codes(), ['SPG003']);
    await runCli(['check', '--fix', 'job_queue.py'], { cwd });
    assert.deepEqual(await codes(), ['SPG005']);
  });

  it('--diff with a JSON or SARIF output format is a usage error', async () => {
    const run = await runCli(['check', '--diff', '--output-format', 'json', '.'], { cwd });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: --diff prints a unified diff and takes no --output-format/);
  });
});

describe('spawn-guard check --fix and --diff: counts', () => {
  let cwd: string;
  before(() => (cwd = createTree({ 'pool.py': UNGUARDED_POOL })));
  after(() => removeTree(cwd));

  it('one fix settling several findings counts each, with every code, the same in --diff and --fix', async () => {
    const findings = parseJsonFindings((await runCli(['check', '--output-format', 'json', 'pool.py'], { cwd })).stdout);
    assert.ok(findings.length >= 2, 'the script has several findings for one fix');
    const codes = [...new Set(findings.map((finding) => finding.code))].sort().join(', ');
    const diff = await runCli(['check', '--diff', 'pool.py'], { cwd });
    assert.match(diff.stderr, new RegExp(`^Would fix ${findings.length} problems with 1 fix in 1 file\\.$`, 'm'));
    const fix = await runCli(['check', '--fix', 'pool.py'], { cwd });
    assert.equal(fix.status, 0, fix.stderr);
    assert.ok(fix.stderr.includes(`Fixed pool.py: Add main guard (${findings.length} problems: ${codes})`), fix.stderr);
    assert.match(
      fix.stdout,
      new RegExp(`^Found ${findings.length} problems \\(${findings.length} fixed, 0 remaining; 1 file checked\\)\\.$`, 'm'),
    );
  });
});

describe('fix safety, as in ruff', () => {
  // Under spawn the Pool is re-created in every child (SPG001); the guard fix is unsafe here because it
  // moves `pool`, which `__all__` exports, so `import thisfile` would no longer get it.
  const EXPORTED_POOL = `import multiprocessing\n\n__all__ = ["pool"]\n\n\ndef square(n):\n    return n * n\n\n\npool = multiprocessing.Pool(2)\nprint(pool.map(square, range(3)))\n`;
  let cwd: string;
  before(() => (cwd = createTree({ 'exported.py': EXPORTED_POOL, 'safe.py': UNGUARDED_POOL })));
  after(() => removeTree(cwd));

  it('--fix applies safe fixes only and says how many unsafe ones it left out; --unsafe-fixes applies them', async () => {
    const fix = await runCli(['check', '--fix', 'exported.py'], { cwd });
    assert.equal(fix.status, 1, fix.stderr);
    assert.equal(fs.readFileSync(path.join(cwd, 'exported.py'), 'utf8'), EXPORTED_POOL, 'an unsafe fix is not applied');
    assert.match(fix.stdout, /^2 problems have unsafe fixes, not applied \(`--unsafe-fixes` applies them\)\.$/m);
    const diff = await runCli(['check', '--diff', 'exported.py'], { cwd });
    assert.equal(diff.stdout, '');
    assert.match(diff.stderr, /^2 problems have unsafe fixes, not applied/m);
    const unsafe = await runCli(['check', '--fix', '--unsafe-fixes', 'exported.py'], { cwd });
    assert.equal(unsafe.status, 0, unsafe.stderr);
    assert.match(fs.readFileSync(path.join(cwd, 'exported.py'), 'utf8'), /^if __name__ == "__main__":$/m);
  });

  it('a plain check computes no fixes, so it marks no finding [*]', async () => {
    const run = await runCli(['check', '--fix', '--select', 'SPG008', 'safe.py'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    const marked = await runCli(['check', '--output-format', 'text', 'safe.py'], { cwd });
    assert.doesNotMatch(marked.stdout, /\[\*\]/, 'a plain check computes no fixes, so marks none');
  });
});

describe('spawn-guard check --fix: how it writes', () => {
  let cwd: string;
  before(() => (cwd = createTree({ 'readonly.py': UNGUARDED_POOL, 'linked.py': UNGUARDED_POOL })));
  after(() => removeTree(cwd));

  it('refuses a read-only file with a clear message and leaves it as it was', async () => {
    const file = path.join(cwd, 'readonly.py');
    fs.chmodSync(file, 0o444);
    const run = await runCli(['check', '--fix', 'readonly.py'], { cwd });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /^error: readonly\.py: is read-only; not fixed/m);
    assert.equal(fs.readFileSync(file, 'utf8'), UNGUARDED_POOL);
    assert.equal(fs.statSync(file).mode & 0o777, 0o444);
  });

  it('writes a hard-linked file in place: both names see the fix', async () => {
    const file = path.join(cwd, 'linked.py');
    const other = path.join(cwd, 'other-name.py');
    fs.linkSync(file, other);
    const inode = fs.statSync(file).ino;
    const run = await runCli(['check', '--fix', 'linked.py'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(fs.statSync(file).ino, inode, 'the same file, not a new one');
    assert.match(fs.readFileSync(other, 'utf8'), /^if __name__ == "__main__":$/m);
  });
});

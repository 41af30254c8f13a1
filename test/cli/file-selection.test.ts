import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTree, removeTree, runCli } from '../helpers/cli';
import { UNGUARDED_POOL } from '../helpers/cli-scripts';

async function shownFiles(args: string[], cwd: string): Promise<string[]> {
  const run = await runCli(['check', '--show-files', ...args], { cwd });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\n').filter((line) => line !== '');
}

describe('spawn-guard check: which files', () => {
  let cwd: string;
  before(() => {
    cwd = createTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'build/\n*_pb2.py\n!keep_pb2.py\n',
      'app/main.py': UNGUARDED_POOL,
      'app/api_pb2.py': UNGUARDED_POOL,
      'app/keep_pb2.py': UNGUARDED_POOL,
      'build/lib/main.py': UNGUARDED_POOL,
      'vendor/.gitignore': 'patched.py\n',
      'vendor/patched.py': UNGUARDED_POOL,
      'vendor/other.py': UNGUARDED_POOL,
      'scratch/.ignore': '*\n',
      'scratch/try.py': UNGUARDED_POOL,
      'tools/gen.py': UNGUARDED_POOL,
      'tests/test_pool.py': UNGUARDED_POOL,
    });
  });
  after(() => removeTree(cwd));

  it('--show-files lists the files a check reads: .gitignore and .ignore files (nested too) respected', async () => {
    assert.deepEqual(await shownFiles([], cwd), [
      'app/keep_pb2.py',
      'app/main.py',
      'tests/test_pool.py',
      'tools/gen.py',
      'vendor/other.py',
    ]);
  });

  it('--no-respect-gitignore and respect-gitignore = false check the ignored files too', async () => {
    const all = await shownFiles(['--no-respect-gitignore'], cwd);
    for (const file of ['app/api_pb2.py', 'build/lib/main.py', 'vendor/patched.py', 'scratch/try.py']) assert.ok(all.includes(file), file);
    const configured = await shownFiles(['--config', 'respect-gitignore = false'], cwd);
    assert.deepEqual(configured, all);
  });

  it('a file or folder named on the command line is checked though ignored, unless --force-exclude', async () => {
    assert.deepEqual(await shownFiles(['app/api_pb2.py'], cwd), ['app/api_pb2.py']);
    assert.deepEqual(await shownFiles(['build'], cwd), ['build/lib/main.py'], 'as ripgrep and ruff walk an ignored folder named');
    assert.deepEqual(await shownFiles(['--force-exclude', 'build'], cwd), []);
    assert.deepEqual(await shownFiles(['--force-exclude', 'app/api_pb2.py', 'app/main.py'], cwd), ['app/main.py']);
  });

  it('--exclude replaces the configured exclude, --extend-exclude adds to it (ruff)', async () => {
    const tree = createTree({
      'pyproject.toml': '[tool.spawn-guard]\nexclude = ["tools"]\nextend-exclude = ["tests"]\n',
      'app.py': UNGUARDED_POOL,
      'tools/gen.py': UNGUARDED_POOL,
      'tests/test_a.py': UNGUARDED_POOL,
      'docs/conf.py': UNGUARDED_POOL,
    });
    try {
      assert.deepEqual(await shownFiles([], tree), ['app.py', 'docs/conf.py']);
      assert.deepEqual(await shownFiles(['--exclude', 'docs'], tree), ['app.py', 'tools/gen.py']);
      assert.deepEqual(await shownFiles(['--extend-exclude', 'docs/*.py'], tree), ['app.py']);
    } finally {
      removeTree(tree);
    }
  });

  it('a bad glob in a flag or the configuration is an error (exit 2)', async () => {
    for (const args of [
      ['--exclude', 'build/[a'],
      ['--extend-exclude', '{a,b'],
      ['--per-file-ignores', 'tests/[x:SPG001'],
      ['--per-file-ignores', 'SPG001'],
      ['--config', 'exclude = ["src/(x"]'],
      ['--select', ''],
      ['--extend-select', ','],
    ]) {
      const run = await runCli(['check', ...args], { cwd });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^error: /, args.join(' '));
    }
    const bad = createTree({ 'pyproject.toml': '[tool.spawn-guard]\nextend-exclude = ["gen_[0-9.py"]\n', 'a.py': UNGUARDED_POOL });
    try {
      const run = await runCli(['check', '.'], { cwd: bad });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /extend-exclude: invalid glob "gen_\[0-9\.py": Missing closing: "\]"/);
    } finally {
      removeTree(bad);
    }
  });
});

describe('spawn-guard check: which rules', () => {
  let cwd: string;
  before(() => {
    cwd = createTree({
      'pyproject.toml':
        '[tool.spawn-guard]\nselect = ["SPG008"]\nextend-select = ["SPG001"]\n' +
        '[tool.spawn-guard.per-file-ignores]\n"scripts/*" = ["SPG001"]\n"__init__.py" = ["SPG"]\n',
      'app.py': UNGUARDED_POOL,
      'scripts/run.py': UNGUARDED_POOL,
      'pkg/__init__.py': UNGUARDED_POOL,
    });
  });
  after(() => removeTree(cwd));

  const codes = async (args: string[]) => {
    const run = await runCli(['check', ...args], { cwd });
    return run.stdout
      .split('\n')
      .filter((line) => / SPG\d+ /.test(line))
      .map((line) => `${line.split(':')[0]} ${/ (SPG\d+) /.exec(line)![1]}`)
      .sort();
  };

  it('extend-select adds to select; per-file-ignores leave rules out in the files they match', async () => {
    assert.deepEqual(await codes([]), ['app.py SPG001', 'app.py SPG008', 'scripts/run.py SPG008']);
  });

  it('--extend-select, --per-file-ignores (replaces) and --extend-per-file-ignores (adds) on the command line', async () => {
    assert.deepEqual(await codes(['--select', 'SPG001', '--extend-select', 'import-side-effect']), [
      'app.py SPG001',
      'app.py SPG008',
      'scripts/run.py SPG008',
    ]);
    assert.deepEqual(await codes(['--per-file-ignores', 'app.py:SPG001,SPG008']), [
      'pkg/__init__.py SPG001',
      'pkg/__init__.py SPG008',
      'scripts/run.py SPG001',
      'scripts/run.py SPG008',
    ]);
    assert.deepEqual(await codes(['--extend-per-file-ignores', 'scripts/*:SPG008']), ['app.py SPG001', 'app.py SPG008']);
  });
});

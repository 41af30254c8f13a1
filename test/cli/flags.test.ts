import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTree, removeTree, runCli } from '../helpers/cli';
import { GUARDED_POOL, UNGUARDED_MAIN, UNGUARDED_POOL } from '../helpers/cli-scripts';

const ESC = '\u001b[';

describe('spawn-guard check output flags', () => {
  let cwd: string;
  before(() => {
    cwd = createTree({ 'a.py': UNGUARDED_POOL, 'b.py': UNGUARDED_POOL, 'c.py': UNGUARDED_MAIN, 'ok.py': GUARDED_POOL });
  });
  after(() => removeTree(cwd));

  it('--statistics counts findings per rule, most frequent first (then by code), [*] for the fixable (ruff layout and JSON)', async () => {
    const run = await runCli(['check', '--statistics'], { cwd });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stdout, '2\tSPG001\t[*] unguarded-start\n2\tSPG008\t[*] import-side-effect\n1\tSPG002\t[*] unguarded-call\n');
    const json = await runCli(['check', '--statistics', '--output-format', 'json'], { cwd });
    assert.deepEqual(JSON.parse(json.stdout)[0], { code: 'SPG001', name: 'unguarded-start', count: 2, fixable: true });
    const withDiff = await runCli(['check', '--statistics', '--diff'], { cwd });
    assert.equal(withDiff.status, 2);
    assert.match(withDiff.stderr, /--statistics and --diff cannot be used together/);
  });

  it('-q prints the findings only; -s prints nothing; the exit status stays', async () => {
    const quiet = await runCli(['check', '-q'], { cwd });
    assert.equal(quiet.status, 1);
    assert.equal(quiet.stdout.split('\n').filter(Boolean).length, 5);
    assert.doesNotMatch(quiet.stdout, /Found|fix/);
    const silent = await runCli(['check', '--silent'], { cwd });
    assert.equal(silent.status, 1);
    assert.equal(silent.stdout, '');
    assert.equal(silent.stderr, '');
  });

  it('--color always|never wins; auto follows NO_COLOR and FORCE_COLOR', async () => {
    assert.ok((await runCli(['check', '--color', 'always', 'a.py'], { cwd })).stdout.includes(ESC));
    assert.ok(!(await runCli(['check', '--color', 'never', 'a.py'], { cwd, env: { FORCE_COLOR: '1' } })).stdout.includes(ESC));
    assert.ok((await runCli(['check', 'a.py'], { cwd, env: { FORCE_COLOR: '1' } })).stdout.includes(ESC));
    assert.ok(!(await runCli(['check', 'a.py'], { cwd, env: { NO_COLOR: '1' } })).stdout.includes(ESC));
    assert.ok(!(await runCli(['check', 'a.py'], { cwd })).stdout.includes(ESC), 'a pipe gets no colour');
    const bad = await runCli(['check', '--color', 'sometimes'], { cwd });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--color must be auto, always or never/);
  });

  it('--config names a configuration file used for every file, or sets a key', async () => {
    const tree = createTree({
      'pyproject.toml': '[tool.spawn-guard]\nselect = ["SPG008"]\n',
      'ci/spawn-guard.toml': 'select = ["SPG001"]\n',
      'ci/pyproject.toml': '[tool.spawn-guard]\nselect = ["SPG002"]\n',
      'a.py': UNGUARDED_POOL,
      'c.py': UNGUARDED_MAIN,
    });
    try {
      const codes = async (args: string[]) =>
        [...(await runCli(['check', ...args], { cwd: tree })).stdout.matchAll(/ (SPG\d+) /g)].map((match) => match[1]).sort();
      assert.deepEqual(await codes([]), ['SPG008']);
      assert.deepEqual(await codes(['--config', 'ci/spawn-guard.toml']), ['SPG001']);
      assert.deepEqual(await codes(['--config', 'ci/pyproject.toml']), ['SPG002']);
      assert.deepEqual(await codes(['--config', 'select = ["SPG001", "SPG002"]']), ['SPG001', 'SPG002']);
      for (const [option, message] of [
        ['missing.toml', /invalid configuration in missing\.toml: No such file/],
        ['selekt = ["SPG001"]', /unknown key "selekt"/],
        ['select = [', /invalid TOML/],
      ] as const) {
        const run = await runCli(['check', '--config', option], { cwd: tree });
        assert.equal(run.status, 2, option);
        assert.match(run.stderr, message);
      }
    } finally {
      removeTree(tree);
    }
  });
});

describe('spawn-guard usage help', () => {
  let cwd: string;
  before(() => (cwd = createTree({})));
  after(() => removeTree(cwd));

  it('suggests the option or command meant', async () => {
    for (const [args, hint] of [
      [['check', '--unsafe-fix'], /Unknown option '--unsafe-fix'; did you mean --unsafe-fixes\?/],
      [['check', '--statstics'], /; did you mean --statistics\?/],
      [['check', '--stdin'], /; did you mean --stdin-filename\?/],
      [['chek'], /unknown command "chek"; did you mean check\?/],
      [['rule', 'unguarded-strat'], /did you mean unguarded-start\?/],
    ] as const) {
      const run = await runCli([...args], { cwd });
      assert.equal(run.status, 2);
      assert.match(run.stderr, hint);
    }
    const far = await runCli(['check', '--xyzzy'], { cwd });
    assert.doesNotMatch(far.stderr, /did you mean/);
  });

  it('rule takes names as well as codes; --select takes names', async () => {
    const byName = await runCli(['rule', 'unguarded-start'], { cwd });
    const byCode = await runCli(['rule', 'SPG001'], { cwd });
    assert.equal(byName.status, 0, byName.stderr);
    assert.equal(byName.stdout, byCode.stdout);
    const all = await runCli(['rule', '--all'], { cwd });
    assert.ok(all.stdout.includes(byCode.stdout));
    const tree = createTree({ 'a.py': UNGUARDED_POOL });
    try {
      const run = await runCli(['check', '--select', 'unguarded-start'], { cwd: tree });
      assert.deepEqual(
        [...run.stdout.matchAll(/ (SPG\d+) /g)].map((match) => match[1]),
        ['SPG001'],
      );
    } finally {
      removeTree(tree);
    }
  });

  it('check --help lists every option', async () => {
    const help = (await runCli(['check', '--help'], { cwd })).stdout;
    for (const option of [
      '--output-format',
      '--statistics',
      '--show-files',
      '--quiet',
      '--silent',
      '--color',
      '--fix',
      '--unsafe-fixes',
      '--diff',
      '--add-noqa',
      '--select',
      '--extend-select',
      '--ignore',
      '--per-file-ignores',
      '--extend-per-file-ignores',
      '--exclude',
      '--extend-exclude',
      '--force-exclude',
      '--no-respect-gitignore',
      '--stdin-filename',
      '--config',
      '--exit-zero',
      '--threads',
      '--no-prefilter',
    ])
      assert.ok(help.includes(option), option);
  });
});

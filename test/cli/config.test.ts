import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTree, parseJsonFindings, removeTree, runCli, writeTree } from '../helpers/cli';
import { UNGUARDED_MAIN, UNGUARDED_POOL } from '../helpers/cli-scripts';

async function codesFound(args: string[], cwd: string): Promise<string[]> {
  const run = await runCli(['check', '--format', 'json', ...args], { cwd });
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
  return [...new Set(parseJsonFindings(run.stdout).map((finding) => finding.code))].sort();
}

describe('spawn-guard check rule selection', () => {
  let cwd: string;
  before(() => (cwd = createTree({ 'pool.py': UNGUARDED_POOL, 'main_call.py': UNGUARDED_MAIN })));
  after(() => removeTree(cwd));

  it('--select runs only the selected rules (codes or prefixes, comma-separated or repeated)', async () => {
    assert.deepEqual(await codesFound(['--select', 'SPG001'], cwd), ['SPG001']);
    assert.deepEqual(await codesFound(['--select', 'spg002', '--select', 'SPG001'], cwd), ['SPG001', 'SPG002']);
    assert.deepEqual(await codesFound(['--select', 'SPG001,SPG002'], cwd), ['SPG001', 'SPG002']);
    const all = await codesFound(['--select', 'ALL'], cwd);
    assert.deepEqual(await codesFound(['--select', 'SPG'], cwd), all);
    assert.ok(all.includes('SPG001') && all.includes('SPG002'));
  });

  it('--ignore skips rules and wins over --select', async () => {
    const codes = await codesFound(['--ignore', 'SPG001'], cwd);
    assert.ok(!codes.includes('SPG001') && codes.includes('SPG002'), codes.join());
    assert.deepEqual(await codesFound(['--select', 'SPG001,SPG002', '--ignore', 'SPG002'], cwd), ['SPG001']);
  });
});

describe('spawn-guard check with [tool.spawn-guard] in pyproject.toml', () => {
  let cwd: string;
  before(() => (cwd = createTree({})));
  after(() => removeTree(cwd));

  function project(
    name: string,
    pyproject: string,
    files: Record<string, string> = { 'pool.py': UNGUARDED_POOL, 'main_call.py': UNGUARDED_MAIN },
  ): string {
    const prefixed = Object.fromEntries(Object.entries(files).map(([file, text]) => [`${name}/${file}`, text]));
    writeTree(cwd, { [`${name}/pyproject.toml`]: pyproject, ...prefixed });
    return name;
  }

  it('select and ignore', async () => {
    assert.deepEqual(await codesFound([project('selects', '[tool.spawn-guard]\nselect = ["SPG001"]\n')], cwd), ['SPG001']);
    const ignoring = project('ignores', '[tool.spawn-guard]\nignore = ["SPG001"]\n');
    const codes = await codesFound([ignoring], cwd);
    assert.ok(!codes.includes('SPG001') && codes.includes('SPG002'), codes.join());
  });

  it('the command line layers on top as in ruff: --select replaces, --ignore adds', async () => {
    const ignoring = project('layers', '[tool.spawn-guard]\nignore = ["SPG001"]\n');
    assert.deepEqual(await codesFound(['--select', 'SPG001', ignoring], cwd), ['SPG001'], '--select replaces the configured ignore');
    const codes = await codesFound(['--ignore', 'SPG002', ignoring], cwd);
    assert.ok(!codes.includes('SPG001') && !codes.includes('SPG002'), codes.join());
  });

  it('severity per rule, in every format', async () => {
    const dir = project('severity', '[tool.spawn-guard.severity]\nSPG001 = "warning"\n', { 'pool.py': UNGUARDED_POOL });
    const json = await runCli(['check', '--format', 'json', '--select', 'SPG001', dir], { cwd });
    const findings = parseJsonFindings(json.stdout);
    assert.ok(findings.length > 0);
    for (const finding of findings) assert.equal(finding.severity, 'warning');
    const sarif = JSON.parse((await runCli(['check', '--format', 'sarif', '--select', 'SPG001', dir], { cwd })).stdout);
    for (const result of sarif.runs[0].results) assert.equal(result.level, 'warning');
    const github = await runCli(['check', '--format', 'github', '--select', 'SPG001', dir], { cwd });
    assert.match(github.stdout, /^::warning file=/);
  });

  it('exclude globs, relative to the pyproject.toml, during the walk', async () => {
    const dir = project('excludes', '[tool.spawn-guard]\nexclude = ["generated", "legacy_*.py", "tools/*.py"]\n', {
      'app.py': UNGUARDED_POOL,
      'generated/pool.py': UNGUARDED_POOL,
      'src/legacy_pool.py': UNGUARDED_POOL,
      'tools/pool.py': UNGUARDED_POOL,
      'src/tools/pool.py': UNGUARDED_POOL,
    });
    const run = await runCli(['check', '--format', 'json', dir], { cwd });
    const files = [
      ...new Set(
        parseJsonFindings(run.stdout).map((finding) =>
          finding.filename
            .slice(cwd.length + 1)
            .split('\\')
            .join('/'),
        ),
      ),
    ];
    assert.deepEqual(files.sort(), ['excludes/app.py', 'excludes/src/tools/pool.py']);
  });

  it('a file named on the command line is checked even when excluded, unless --force-exclude', async () => {
    const dir = project('named', '[tool.spawn-guard]\nexclude = ["legacy_*.py"]\n', { 'legacy_pool.py': UNGUARDED_POOL });
    const named = await runCli(['check', `${dir}/legacy_pool.py`], { cwd });
    assert.equal(named.status, 1);
    const forced = await runCli(['check', '--force-exclude', `${dir}/legacy_pool.py`], { cwd });
    assert.equal(forced.status, 0, forced.stdout);
    assert.match(forced.stdout, /^All checks passed! \(0 files checked\)/);
  });

  it('--exclude adds globs relative to the working directory', async () => {
    const dir = project('cli-exclude', '[project]\nname = "x"\n', { 'keep.py': UNGUARDED_POOL, 'skip/pool.py': UNGUARDED_POOL });
    const run = await runCli(['check', '--format', 'json', '--exclude', `${dir}/skip`, dir], { cwd });
    const files = [...new Set(parseJsonFindings(run.stdout).map((finding) => finding.filename))];
    assert.equal(files.length, 1);
    assert.ok(files[0].endsWith('keep.py'));
  });

  it('the nearest configuration applies; a pyproject.toml without the table does not stop the search', async () => {
    writeTree(cwd, {
      'nested/pyproject.toml': '[tool.spawn-guard]\nselect = ["SPG002"]\n',
      'nested/pool.py': UNGUARDED_POOL,
      'nested/main_call.py': UNGUARDED_MAIN,
      'nested/inner/pyproject.toml': '[tool.spawn-guard]\nselect = ["SPG001"]\n',
      'nested/inner/pool.py': UNGUARDED_POOL,
      'nested/plain/pyproject.toml': '[tool.black]\nline-length = 100\n',
      'nested/plain/pool.py': UNGUARDED_POOL,
    });
    const run = await runCli(['check', '--format', 'json', 'nested'], { cwd });
    const byFile = new Map<string, Set<string>>();
    for (const finding of parseJsonFindings(run.stdout)) {
      const file = finding.filename
        .slice(cwd.length + 1)
        .split('\\')
        .join('/');
      byFile.set(file, (byFile.get(file) ?? new Set()).add(finding.code));
    }
    assert.deepEqual([...(byFile.get('nested/inner/pool.py') ?? [])], ['SPG001']);
    assert.deepEqual([...(byFile.get('nested/main_call.py') ?? [])], ['SPG002']);
    assert.equal(byFile.get('nested/pool.py'), undefined, 'SPG001 is not selected there');
    assert.equal(byFile.get('nested/plain/pool.py'), undefined, 'the [tool.black]-only pyproject.toml is passed over');
  });

  it('invalid configuration: exit 2 with the file and the reason, its files not checked', async () => {
    const cases: [string, RegExp][] = [
      ['[tool.spawn-guard]\nselect = ["SPG001"\n', /invalid TOML at line \d+/],
      ['[tool.spawn-guard]\nselekt = ["SPG001"]\n', /unknown key "selekt"/],
      ['[tool.spawn-guard]\nignore = "SPG001"\n', /ignore: expected a list of strings/],
      ['[tool.spawn-guard]\nselect = ["SPG999"]\n', /select: unknown rule code or prefix "SPG999"/],
      ['[tool.spawn-guard.severity]\nSPG001 = "fatal"\n', /severity: SPG001: expected one of "error", "warning", "info", "hint"/],
      ['[tool.spawn-guard]\nexclude = [1]\n', /exclude: expected a list of strings/],
    ];
    for (const [index, [pyproject, reason]] of cases.entries()) {
      const dir = project(`invalid-${index}`, pyproject, { 'pool.py': UNGUARDED_POOL });
      for (const format of ['text', 'json']) {
        const run = await runCli(['check', '--format', format, dir], { cwd });
        assert.equal(run.status, 2, `${pyproject}: ${run.stderr}`);
        assert.match(run.stderr, /^error: invalid configuration in .*pyproject\.toml: /);
        assert.ok(run.stderr.includes(`${dir}`), 'names the file');
        assert.match(run.stderr, reason);
        // The files it governs are not checked; the output is still whole (JSON: an empty array).
        if (format === 'json') assert.deepEqual(parseJsonFindings(run.stdout), []);
        else assert.match(run.stdout, /^No problems found in 0 files checked; 1 error \(see above\)\.\n$/);
      }
    }
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseJsonFindings, runCli } from '../helpers/cli';
import { PROJECT_FIXTURES } from './project-fixtures';

describe('spawn-guard check with project modules', () => {
  it('reports a finding in an imported module that the command line did not name, with its own path', async () => {
    const cwd = path.join(PROJECT_FIXTURES, 'import-time-start');
    const run = await runCli(['check', 'main.py'], { cwd });
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.split('\n').filter((line) => /^\S+:\d+:\d+: SPG/.test(line));
    assert.deepEqual(
      lines.map((line) => line.split(' ')[0] + ' ' + line.split(' ')[1]),
      ['main.py:2:1: SPG001', 'helper.py:9:1: SPG001'],
    );
    // The terminal shows the first clause; the JSON message has the import chain.
    assert.match(lines[0], /`import helper` imports helper, which starts processes at import time$/);
    const json = await runCli(['check', 'main.py', '--output-format', 'json'], { cwd });
    assert.match(
      parseJsonFindings(json.stdout)[0].message,
      /`import helper` imports helper, which starts processes at import time: `import helper -> process\.start\(\)` in helper\.py:9/,
    );
  });

  it('checks each file alone with --no-project, with worker threads or without', async () => {
    const cwd = path.join(PROJECT_FIXTURES, 'import-time-start');
    const alone = await runCli(['check', 'main.py', '--no-project'], { cwd });
    assert.equal(alone.status, 0, alone.stdout + alone.stderr);
    // Worker threads scan and summarise for the project pass: the same findings as on one thread.
    const threaded = await runCli(['check', '.', '--threads', '2'], { cwd });
    const single = await runCli(['check', '.', '--threads', '1'], { cwd });
    assert.equal(threaded.stdout, single.stdout);
    assert.match(threaded.stdout, /main\.py:2:1: SPG001/);
  });

  it('gives related locations in other files their own path (JSON)', async () => {
    const cwd = path.join(PROJECT_FIXTURES, 'cross-module-call');
    const run = await runCli(['check', 'main.py', '--format', 'json'], { cwd });
    const [finding] = JSON.parse(run.stdout) as { code: string; related: { filename?: string; location: { row: number } }[] }[];
    assert.equal(finding.code, 'SPG002');
    const start = finding.related.at(-1)!;
    assert.equal(start.filename, path.join(cwd, 'pkg', 'cluster.py'));
    assert.equal(start.location.row, 10);
  });

  it('reads [tool.spawn-guard] spawners, and rejects a bad entry with its reason', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-spawners-'));
    try {
      fs.writeFileSync(path.join(cwd, 'main.py'), 'from pyBKT.models import Model\n\nModel().fit(data_path="x.csv")\n');
      fs.writeFileSync(path.join(cwd, 'pyproject.toml'), '[tool.spawn-guard]\nspawners = ["pyBKT.models.Model.fit"]\n');
      const run = await runCli(['check', 'main.py'], { cwd });
      assert.equal(run.status, 1, run.stderr);
      assert.match(
        run.stdout,
        /main\.py:3:1: SPG001 `Model\(\)\.fit\(…\)` starts processes at import time \(listed in `\[tool\.spawn-guard\] spawners`\)/,
      );
      fs.writeFileSync(path.join(cwd, 'pyproject.toml'), '[tool.spawn-guard]\nspawners = ["fit"]\n');
      const bad = await runCli(['check', 'main.py'], { cwd });
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /spawners: entry 1: "fit" names no module \(expected module\.function or module\.Class\.method\)/);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

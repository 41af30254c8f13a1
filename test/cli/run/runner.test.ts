/**
 * The runner's watchdog against hostile scripts: each is stopped within its bound and leaves no process
 * behind (checked in the process table after the run, by the run's environment marker and process group).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { RUN_MARKER_NAME, runScript, scriptEnvironment, type ScriptRun, type ScriptRunOptions } from '../../../server/src/cli/run/runner';
import { siteFolder } from '../../../server/src/cli/run/site-folder';
import { FIXTURES } from '../../helpers/paths';
import { runningProcesses } from '../../helpers/processes';

const HOSTILE = path.join(FIXTURES, 'run', 'hostile');
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-runner-'));
after(() => fs.rmSync(cwd, { recursive: true, force: true }));

function run(script: string, options: Partial<ScriptRunOptions> = {}): Promise<ScriptRun> {
  return runScript({
    python: 'python3',
    args: [path.join(HOSTILE, script)],
    startMethod: 'spawn',
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, LANG: 'C.UTF-8' },
    siteFolder: siteFolder(),
    timeoutMs: 10_000,
    maxProcesses: 16,
    maxBootstrapDeaths: 1_000,
    stdin: false,
    captureBytes: 64 * 1024,
    ...options,
  });
}

/** Processes still running that are in the run's group or carry its marker. */
function survivors(run: ScriptRun): number[] {
  return runningProcesses()
    .filter((process) => process.pgrp === run.pid || process.environ().includes(run.marker))
    .map((process) => process.pid);
}

describe('runner watchdog', { concurrency: 2 }, () => {
  it('stops a storm of unguarded pools at the process bound', async () => {
    const result = await run('pool-storm.py');
    assert.deepEqual(result.stopped && { reason: result.stopped.reason }, { reason: 'processes' });
    assert.ok(result.durationMs < 8_000, `took ${result.durationMs} ms`);
    assert.deepEqual(survivors(result), []);
  });

  it('kills a script that ignores SIGTERM at the time-out', async () => {
    const result = await run('ignores-sigterm.py', { timeoutMs: 1_500 });
    assert.deepEqual(result.stopped, { reason: 'timeout', seconds: 1.5 });
    assert.equal(result.stdout.text, 'ignoring SIGTERM\n');
    assert.ok(result.durationMs < 4_000, `took ${result.durationMs} ms`);
    assert.deepEqual(survivors(result), []);
  });

  it('keeps reading megabytes of output and keeps only the head', async () => {
    const result = await run('floods-stdout.py');
    assert.equal(result.stopped, undefined);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.bytes, 20 * 1024 * 1024);
    assert.equal(result.stdout.text.length, 64 * 1024);
    assert.equal(result.stdout.truncated, true);
    assert.equal(result.stderr.text, 'done\n');
    assert.deepEqual(survivors(result), []);
  });

  it('closes stdin: a script reading it gets end-of-file at once', async () => {
    const result = await run('reads-stdin.py');
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.text, 'read 0 bytes\n');
    assert.deepEqual(survivors(result), []);
  });

  it('kills a daemon that left the process group and session', async () => {
    const result = await run('daemon-child.py');
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout.text, 'started\n');
    assert.equal(result.leftBehind, 1);
    assert.ok(result.durationMs < 5_000, `took ${result.durationMs} ms`);
    assert.deepEqual(survivors(result), []);
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    const running = run('ignores-sigterm.py', { signal: controller.signal, onStdout: () => controller.abort() });
    const result = await running;
    assert.deepEqual(result.stopped, { reason: 'cancelled' });
    assert.deepEqual(survivors(result), []);
  });
});

describe("the script's environment", () => {
  const site = '/opt/spawn-guard-site';
  const environment = (env: NodeJS.ProcessEnv) => scriptEnvironment({ env, siteFolder: site, startMethod: 'spawn' }, 'm1');

  it('puts the sitecustomize first on an existing PYTHONPATH, names the start method and marks the run', () => {
    const env = environment({ PATH: '/bin', PYTHONPATH: '/work/lib' });
    assert.equal(env.PYTHONPATH, `${site}${path.delimiter}/work/lib`);
    assert.equal(env.SPAWN_GUARD_START_METHOD, 'spawn');
    assert.equal(env[RUN_MARKER_NAME], 'm1');
    assert.equal(env.PATH, '/bin');
    assert.equal(environment({}).PYTHONPATH, site);
  });

  it("makes output unbuffered unless the caller's environment says otherwise", () => {
    assert.equal(environment({}).PYTHONUNBUFFERED, '1');
    // Passed on as given: Python reads an empty value or "0" as buffered, anything else as unbuffered.
    for (const value of ['', '0', 'yes']) assert.equal(environment({ PYTHONUNBUFFERED: value }).PYTHONUNBUFFERED, value);
  });

  // Python's own reading of the variable, in the script and in a spawned child: what the tests above pass on.
  const REPORTS_BUFFERING = [
    'import multiprocessing, sys',
    'def report(): print("child", sys.stdout.write_through)',
    'if __name__ == "__main__":',
    '    print("parent", sys.stdout.write_through, flush=True)',
    '    child = multiprocessing.Process(target=report)',
    '    child.start()',
    '    child.join()',
    '',
  ].join('\n');
  const cases: [string, Record<string, string>, string][] = [
    ['unbuffered by default', {}, 'True'],
    ['buffered when the caller sets it empty', { PYTHONUNBUFFERED: '' }, 'False'],
    ['buffered when the caller sets it to 0', { PYTHONUNBUFFERED: '0' }, 'False'],
  ];
  const script = path.join(cwd, 'reports-buffering.py');
  fs.writeFileSync(script, REPORTS_BUFFERING);
  for (const [name, extra, writeThrough] of cases) {
    it(`runs the script and its spawned children ${name}`, async () => {
      const result = await run('', { args: [script], env: { PATH: process.env.PATH, HOME: cwd, LANG: 'C.UTF-8', ...extra } });
      assert.equal(result.exitCode, 0, result.stderr.text);
      assert.equal(result.stdout.text, `parent ${writeThrough}\nchild ${writeThrough}\n`);
    });
  }
});

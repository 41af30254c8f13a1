/**
 * The runner's watchdog against hostile scripts: each is stopped within its bound and leaves no process
 * behind (checked in the process table after the run, by the run's environment marker and process group).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { runScript, type ScriptRun, type ScriptRunOptions } from '../../../server/src/cli/run/runner';
import { siteFolder } from '../../../server/src/cli/run/site-folder';
import { FIXTURES } from '../../helpers/paths';

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

/** Processes still running that are in the run's group or carry its marker (zombies have ended). */
function survivors(run: ScriptRun): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const marked = fs.readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`${run.marker}\0`);
      if (Number(pgrp) === run.pid || marked) found.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return found;
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

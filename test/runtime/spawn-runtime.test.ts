/**
 * The runtime is the judge: every rule fixture's header claim and every fix fixture pair is checked
 * against the real CPython, with spawn forced as the default start method (test/helpers/python.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runPython, type PythonRun, type StartMethod } from '../helpers/python';
import { REPO_ROOT } from '../helpers/paths';
import { fixFixturePairs, parseRuntimeClaim, ruleFixtures, type RuntimeClaim } from './fixtures';

/** What a `hangs` claim costs: a respawning pool never ends, so it always runs this long. */
const HANG_TIMEOUT_MS = 6_000;
/** Fixtures that end do so in about a second; only a broken claim runs into this. */
const RUN_TIMEOUT_MS = 20_000;
/**
 * Python process trees at a time (each test runs its scripts one after the other). A run mostly waits on
 * interpreter start-up and pipes, so twice the cores keeps them busy without starving hanging pools.
 */
const CONCURRENCY = 2 * os.availableParallelism();

const SCRIPTS = path.join(REPO_ROOT, 'test', 'runtime', 'scripts');

function run(file: string, startMethod: StartMethod, timeoutMs = RUN_TIMEOUT_MS): Promise<PythonRun> {
  return runPython(file, { startMethod, timeoutMs });
}

function describeRun(label: string, result: PythonRun): string {
  const status = result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`;
  return `${label}: ${status}\n--- stdout\n${result.stdout}--- stderr (end)\n${result.stderr.slice(-2000)}`;
}

function assertFinished(result: PythonRun, label: string): void {
  assert.ok(!result.timedOut, `${label} did not end within ${RUN_TIMEOUT_MS} ms\n${describeRun(label, result)}`);
}

/** Same stdout and exit status: what "behaves the same" means for a script. */
function assertSameBehaviour(actual: PythonRun, actualLabel: string, reference: PythonRun, referenceLabel: string): void {
  assertFinished(reference, referenceLabel);
  assertFinished(actual, actualLabel);
  assert.deepEqual(
    { exitCode: actual.exitCode, stdout: actual.stdout },
    { exitCode: reference.exitCode, stdout: reference.stdout },
    `${actualLabel} should behave as ${referenceLabel}\n${describeRun(actualLabel, actual)}\n${describeRun(referenceLabel, reference)}`,
  );
}

async function checkClaim(file: string, claim: Exclude<RuntimeClaim, { kind: 'skip' }>): Promise<void> {
  switch (claim.kind) {
    case 'fails': {
      // The text is the evidence: a non-zero exit alone could be any error (a typo in the fixture), and
      // a failure in a child often leaves the parent's exit status at 0.
      const spawned = await run(file, 'spawn');
      assertFinished(spawned, 'spawn run');
      assert.ok(spawned.stderr.includes(claim.text), `stderr under spawn lacks "${claim.text}"\n${describeRun('spawn run', spawned)}`);
      return;
    }
    case 'hangs': {
      const spawned = await run(file, 'spawn', HANG_TIMEOUT_MS);
      assert.ok(spawned.timedOut, `expected a hang under spawn\n${describeRun('spawn run', spawned)}`);
      return;
    }
    case 'differs': {
      const spawned = await run(file, 'spawn');
      const forked = await run(file, 'fork');
      assertFinished(forked, 'fork run');
      assertFinished(spawned, 'spawn run');
      assert.notEqual(spawned.stdout, forked.stdout, `stdout is the same under spawn and fork\n${describeRun('spawn run', spawned)}`);
      return;
    }
    case 'same': {
      const spawned = await run(file, 'spawn');
      const forked = await run(file, 'fork');
      assertSameBehaviour(spawned, 'spawn run', forked, 'fork run');
      return;
    }
  }
}

/** Processes of the group that still run (zombies have ended; only their exit status is left). */
function livingMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(entry));
  }
  return members;
}

/**
 * Polls until no process of the group runs, and returns those still running at the deadline. The pipes
 * close a moment before a killed process is fully gone, so one look right after the run could race.
 */
async function membersLeftAfter(pgid: number, deadlineMs = 2_000): Promise<number[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const members = livingMembers(pgid);
    if (members.length === 0 || Date.now() >= deadline) return members;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('runtime harness', () => {
  it('makes the requested start method the default', async () => {
    const script = path.join(SCRIPTS, 'print-start-method.py');
    assert.equal((await run(script, 'spawn')).stdout, 'spawn\n');
    assert.equal((await run(script, 'fork')).stdout, 'fork\n');
  });

  it('kills a hanging unguarded pool with its whole process group', async () => {
    const result = await run(path.join(SCRIPTS, 'unguarded-pool.py'), 'spawn', 3_000);
    assert.ok(result.timedOut, describeRun('unguarded pool', result));
    assert.match(result.stderr, /bootstrapping phase/);
    assert.deepEqual(await membersLeftAfter(result.pid), []);
  });

  it('kills what a script leaves behind when it exits', async () => {
    const result = await run(path.join(SCRIPTS, 'stray-child.py'), 'fork');
    assert.equal(result.timedOut, false);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'started\n');
    assert.deepEqual(await membersLeftAfter(result.pid), []);
  });
});

const rules = ruleFixtures();
const fixes = fixFixturePairs();

describe('rule fixture corpus', () => {
  it('has fixtures', () => assert.ok(rules.length > 0));

  for (const fixture of rules) {
    it(`${fixture.name} has a runtime header and an .expected file`, () => {
      const claim = parseRuntimeClaim(fixture.source);
      assert.ok(claim, `first line must be '# spawn: fails "<text>" | hangs | differs | same | skip <why>'`);
      assert.notEqual(fixture.expected, undefined, 'missing .expected beside the fixture');
      if (fixture.expected!.trim() === '') {
        assert.ok(
          claim.kind === 'same' || claim.kind === 'skip',
          `a clean fixture must run the same under spawn and fork, not "${claim.kind}"`,
        );
      }
    });
  }
});

describe('fixtures under spawn', { concurrency: CONCURRENCY }, () => {
  for (const fixture of rules) {
    const claim = parseRuntimeClaim(fixture.source);
    if (!claim) continue; // reported by the corpus test
    if (claim.kind === 'skip') {
      it(fixture.name, { skip: claim.reason }, () => {});
      continue;
    }
    it(`${fixture.name} (${claim.kind})`, () => checkClaim(fixture.file, claim));
  }

  for (const pair of fixes) {
    // A pair is skipped when either file says so (`# spawn: skip <why>` on its first line).
    const skip = [pair.before, pair.after]
      .map((file) => parseRuntimeClaim(fs.readFileSync(file, 'utf8')))
      .find((claim) => claim?.kind === 'skip');
    if (skip?.kind === 'skip') {
      it(pair.name, { skip: skip.reason }, () => {});
      continue;
    }
    it(`${pair.name}: after under spawn and fork behaves as before under fork`, async () => {
      const before = await run(pair.before, 'fork');
      const afterSpawned = await run(pair.after, 'spawn');
      const afterForked = await run(pair.after, 'fork');
      assertSameBehaviour(afterSpawned, 'after under spawn', before, 'before under fork');
      assertSameBehaviour(afterForked, 'after under fork', before, 'before under fork');
    });
  }
});

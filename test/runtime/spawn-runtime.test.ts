/**
 * The runtime is the judge, and `spawn-guard run` reads it: every rule fixture's header claim (`fails`,
 * `hangs`, `differs`, `same`) must be the verdict the product's runner gives under the real CPython, and
 * every fix fixture's "after" must behave under spawn as its "before" did under fork.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { reproduce, type RunReport } from '../../server/src/cli/run/reproduce';
import type { Failure } from '../../server/src/cli/run/failures';
import { judge } from '../../server/src/cli/run/verdict';
import { PYTHON, runPython, testPythonEnv, type PythonRun } from '../helpers/python';
import { REPO_ROOT } from '../helpers/paths';
import { runningInGroup } from '../helpers/processes';
import { debianPackages, fixFixturePairs, parseRuntimeClaim, ruleFixtures, type RuntimeClaim } from './fixtures';
import { installDebianPythonPackages, SYSTEM_PYTHON } from '../helpers/debian-python';

/** A `hangs` claim: the runner stops a respawning Pool in about a second; a plain hang costs this long. */
const HANG_TIMEOUT_SECONDS = 6;
/** Fixtures that end do so in about a second; only a broken claim runs into this. */
const RUN_TIMEOUT_SECONDS = 20;
/**
 * Fixtures at a time. A run mostly waits on interpreter start-up and pipes, so a few per core keep the
 * cores busy; more would only slow each run (CI machines have two cores).
 */
const CONCURRENCY = Math.min(6, 2 * os.availableParallelism());

const SCRIPTS = path.join(REPO_ROOT, 'test', 'runtime', 'scripts');

/** `spawn-guard run [--compare] FILE` as the tests run it: a clean environment, a fresh working directory. */
async function spawnGuardRun(file: string, options: { compare: boolean; timeoutSeconds?: number; python?: string }): Promise<RunReport> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-runtime-'));
  try {
    return await reproduce({
      script: path.resolve(file),
      scriptArgs: [],
      python: options.python ?? PYTHON,
      method: 'spawn',
      compare: options.compare,
      timeoutSeconds: options.timeoutSeconds ?? RUN_TIMEOUT_SECONDS,
      maxProcesses: 64,
      stdin: false,
      cwd,
      env: testPythonEnv(os.tmpdir()),
    });
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

function describeReport(report: RunReport): string {
  return [
    `verdict: ${report.summary}`,
    ...report.runs.map(
      (run) =>
        `--- ${run.startMethod}: exit ${run.exitCode ?? run.signal}${run.stopped ? `, stopped (${run.stopped.reason})` : ''}\n` +
        `stdout:\n${run.stdout.text.slice(0, 2000)}stderr (end):\n${run.stderr.text.slice(-2000)}`,
    ),
  ].join('\n');
}

/** The failure a claim's text names, as the verdict must name it (other texts: any failure). */
function expectedFailure(text: string): Failure | undefined {
  const name = /(?:Can't get attribute|NameError: name) '([^']+)'/.exec(text)?.[1];
  if (text.includes('bootstrapping phase')) return undefined; // the number of children that died varies
  if (text.startsWith("Can't get attribute")) return { kind: 'missing-attribute', name: name!, module: '__mp_main__' };
  if (text.startsWith('NameError')) return { kind: 'name-error', name: name! };
  if (text.includes('context has already been set')) return { kind: 'context-already-set' };
  return undefined;
}

async function checkClaim(file: string, claim: Exclude<RuntimeClaim, { kind: 'skip' }>, python?: string): Promise<void> {
  switch (claim.kind) {
    case 'fails': {
      // Without --compare: some fixtures fail under any start method (a fork context with an option only
      // spawn has); the text is the evidence of which failure it is.
      const report = await spawnGuardRun(file, { compare: false, python });
      assert.equal(report.verdict.kind, 'fails', describeReport(report));
      assert.ok(report.runs[0].stderr.text.includes(claim.text), `stderr under spawn lacks "${claim.text}"\n${describeReport(report)}`);
      if (report.verdict.kind !== 'fails') return;
      const failure = report.verdict.failure;
      if (claim.text.includes('bootstrapping phase')) assert.equal(failure.kind, 'bootstrapping', describeReport(report));
      else if (claim.text.includes("Can't pickle")) assert.equal(failure.kind, 'pickling', describeReport(report));
      const expected = expectedFailure(claim.text);
      if (expected) assert.deepEqual(failure, expected, describeReport(report));
      return;
    }
    case 'hangs': {
      const report = await spawnGuardRun(file, { compare: false, timeoutSeconds: HANG_TIMEOUT_SECONDS, python });
      assert.equal(report.verdict.kind, 'hangs', describeReport(report));
      return;
    }
    case 'differs':
    case 'same': {
      const report = await spawnGuardRun(file, { compare: true, python });
      assert.equal(report.verdict.kind, claim.kind, describeReport(report));
      return;
    }
  }
}

describe('runtime harness', () => {
  it('makes the requested start method the default', async () => {
    const script = path.join(SCRIPTS, 'print-start-method.py');
    assert.equal((await runPython(script, { startMethod: 'spawn', timeoutMs: 20_000 })).stdout, 'spawn\n');
    assert.equal((await runPython(script, { startMethod: 'fork', timeoutMs: 20_000 })).stdout, 'fork\n');
  });

  it('stops a respawning unguarded pool and kills its whole process group', async () => {
    const result = await runPython(path.join(SCRIPTS, 'unguarded-pool.py'), { startMethod: 'spawn', timeoutMs: 3_000 });
    assert.ok(result.timedOut, describeRun(result));
    assert.match(result.stderr, /bootstrapping phase/);
    assert.deepEqual(runningInGroup(result.pid), []);
  });

  it('kills what a script leaves behind when it exits', async () => {
    const result = await runPython(path.join(SCRIPTS, 'stray-child.py'), { startMethod: 'fork', timeoutMs: 20_000 });
    assert.equal(result.timedOut, false);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'started\n');
    assert.equal(result.run.leftBehind, 1);
    assert.deepEqual(runningInGroup(result.pid), []);
  });
});

function describeRun(result: PythonRun): string {
  return `exit ${result.exitCode ?? result.signal}\n--- stdout\n${result.stdout}--- stderr (end)\n${result.stderr.slice(-2000)}`;
}

const rules = ruleFixtures();
const fixes = fixFixturePairs();
// Fixtures that import a library (`# debian: python3-joblib` on the second line) run with Debian's python3.
const withLibraries = rules.filter((fixture) => debianPackages(fixture.source).length > 0);
const installProblem =
  withLibraries.length > 0
    ? installDebianPythonPackages(
        withLibraries.flatMap((fixture) => debianPackages(fixture.source)),
        'rule fixtures',
      )
    : undefined;

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

describe('fixtures under spawn-guard run', { concurrency: CONCURRENCY }, () => {
  for (const fixture of rules) {
    const claim = parseRuntimeClaim(fixture.source);
    if (!claim) continue; // reported by the corpus test
    if (claim.kind === 'skip') {
      it(fixture.name, { skip: claim.reason }, () => {});
      continue;
    }
    const libraries = debianPackages(fixture.source).length > 0;
    it(`${fixture.name} (${claim.kind})`, { skip: libraries ? installProblem : undefined }, () =>
      checkClaim(fixture.file, claim, libraries ? SYSTEM_PYTHON : undefined),
    );
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
      const [before, after] = await Promise.all([
        runPython(pair.before, { startMethod: 'fork', timeoutMs: RUN_TIMEOUT_SECONDS * 1000 }),
        spawnGuardRun(pair.after, { compare: true }),
      ]);
      assert.ok(!before.timedOut, `before under fork did not end\n${describeRun(before)}`);
      assert.equal(after.verdict.kind, 'same', describeReport(after));
      // The product's own judgement, with the before file under fork as the reference.
      const verdict = judge(after.runs[0], before.run, pair.after);
      assert.equal(verdict.kind, 'same', `after under spawn vs before under fork: ${JSON.stringify(verdict)}\n${describeReport(after)}`);
    });
  }
});

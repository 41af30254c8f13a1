// The editor tests expect the guard fix to turn each workspace file into test/e2e/fixtures/fixed/<name>.
// Here CPython judges those files: each original does what its header claims under spawn, and the fixed
// file under spawn prints and exits exactly as the original does under fork.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runPython, type PythonRun, type StartMethod } from '../helpers/python';
import { parseRuntimeClaim } from '../runtime/fixtures';
import { E2E_FIXED_DIR, E2E_WORKSPACE_FIXTURE } from './support/paths';

const RUN_TIMEOUT_MS = 20_000;
/** Long enough for an unguarded Pool to show it never ends. */
const HANG_TIMEOUT_MS = 5_000;

function run(file: string, startMethod: StartMethod, timeoutMs = RUN_TIMEOUT_MS): Promise<PythonRun> {
  return runPython(file, { startMethod, timeoutMs });
}

function describeRun(label: string, result: PythonRun): string {
  const status = result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`;
  return `${label}: ${status}\n--- stdout\n${result.stdout}--- stderr (end)\n${result.stderr.slice(-2000)}`;
}

const workspaceFiles = fs
  .readdirSync(E2E_WORKSPACE_FIXTURE)
  .filter((name) => name.endsWith('.py'))
  .sort();

describe('e2e workspace fixtures under spawn', { concurrency: true }, () => {
  for (const name of workspaceFiles) {
    const original = path.join(E2E_WORKSPACE_FIXTURE, name);
    const claim = parseRuntimeClaim(fs.readFileSync(original, 'utf8'));

    it(`${name} does what its header says`, async () => {
      assert.ok(claim && claim.kind !== 'skip', `${name} needs a "# spawn: fails/hangs/same" header`);
      if (claim.kind === 'hangs') {
        const spawned = await run(original, 'spawn', HANG_TIMEOUT_MS);
        assert.ok(spawned.timedOut, `expected a hang under spawn\n${describeRun('spawn', spawned)}`);
      } else if (claim.kind === 'fails') {
        const spawned = await run(original, 'spawn');
        assert.ok(spawned.stderr.includes(claim.text), `stderr under spawn lacks "${claim.text}"\n${describeRun('spawn', spawned)}`);
      } else {
        const [spawned, forked] = await Promise.all([run(original, 'spawn'), run(original, 'fork')]);
        assert.deepEqual(
          { exitCode: spawned.exitCode, stdout: spawned.stdout, timedOut: spawned.timedOut },
          { exitCode: forked.exitCode, stdout: forked.stdout, timedOut: false },
          `${describeRun('spawn', spawned)}\n${describeRun('fork', forked)}`,
        );
      }
    });

    const fixed = path.join(E2E_FIXED_DIR, name);
    if (!fs.existsSync(fixed)) continue;
    it(`fixed/${name} under spawn behaves as ${name} under fork`, async () => {
      const [fixedSpawned, originalForked] = await Promise.all([run(fixed, 'spawn'), run(original, 'fork')]);
      assert.deepEqual(
        { exitCode: fixedSpawned.exitCode, stdout: fixedSpawned.stdout, timedOut: fixedSpawned.timedOut },
        { exitCode: originalForked.exitCode, stdout: originalForked.stdout, timedOut: false },
        `${describeRun('fixed under spawn', fixedSpawned)}\n${describeRun('original under fork', originalForked)}`,
      );
    });
  }
});

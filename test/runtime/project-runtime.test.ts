/**
 * Multi-file fixtures (test/fixtures/projects/<case>/) under the real CPython: each case folder is
 * copied to a temporary folder and run as its case.json says (`python3 main.py` or `python3 -m
 * pkg.main`), with spawn forced as the default start method, and the entry file's `# spawn:` claim is
 * checked. Cases that import a library run with the system interpreter, which sees Debian's python3-*
 * packages; missing packages are installed first (and the test says so).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { installDebianPythonPackages, SYSTEM_PYTHON } from '../helpers/debian-python';
import { runPython, type PythonRun, type StartMethod } from '../helpers/python';
import { projectCases, type ProjectCase } from '../project/project-fixtures';
import { parseRuntimeClaim } from './fixtures';

const RUN_TIMEOUT_MS = 30_000;
const HANG_TIMEOUT_MS = 8_000;

async function runCase(fixture: ProjectCase, startMethod: StartMethod, timeoutMs: number): Promise<PythonRun> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), `spawn-guard-project-${fixture.name}-`));
  try {
    fs.cpSync(fixture.folder, cwd, { recursive: true });
    return await runPython(path.join(cwd, fixture.entry), {
      startMethod,
      timeoutMs,
      cwd,
      args: fixture.run,
      pythonPath: fixture.pythonPath.map((folder) => path.join(cwd, folder)),
      interpreter: fixture.debian.length > 0 ? SYSTEM_PYTHON : undefined,
    });
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

function report(label: string, result: PythonRun): string {
  const status = result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`;
  return `${label}: ${status}\n--- stdout\n${result.stdout}--- stderr (end)\n${result.stderr.slice(-2000)}`;
}

const cases = projectCases();
const withLibraries = cases.filter((fixture) => fixture.debian.length > 0);
const installProblem =
  withLibraries.length > 0
    ? installDebianPythonPackages(
        withLibraries.flatMap((fixture) => fixture.debian),
        'project fixtures',
      )
    : undefined;

describe('project fixtures under spawn', { concurrency: 2 * os.availableParallelism() }, () => {
  for (const fixture of cases) {
    const claim = parseRuntimeClaim(fs.readFileSync(path.join(fixture.folder, fixture.entry), 'utf8'));
    it(`${fixture.name} has a runtime header; a clean case runs the same unless it shows a stated limit`, () => {
      assert.ok(claim, `${fixture.entry}: first line must be '# spawn: fails "<text>" | hangs | differs | same'`);
      if (fixture.expected.length === 0 && !fixture.limit) assert.equal(claim.kind, 'same');
      if (fixture.limit) assert.equal(fixture.expected.length, 0, 'a limit case shows what is not reported');
    });
    if (!claim || claim.kind === 'skip') continue;
    const skip = fixture.debian.length > 0 ? installProblem : undefined;
    it(`${fixture.name} (${claim.kind})`, { skip }, async () => {
      switch (claim.kind) {
        case 'fails': {
          const spawned = await runCase(fixture, 'spawn', RUN_TIMEOUT_MS);
          assert.ok(!spawned.timedOut, report('spawn run', spawned));
          assert.ok(spawned.stderr.includes(claim.text), `stderr lacks "${claim.text}"\n${report('spawn run', spawned)}`);
          return;
        }
        case 'hangs': {
          const spawned = await runCase(fixture, 'spawn', HANG_TIMEOUT_MS);
          assert.ok(spawned.timedOut, `expected a hang under spawn\n${report('spawn run', spawned)}`);
          return;
        }
        case 'differs':
        case 'same': {
          const spawned = await runCase(fixture, 'spawn', RUN_TIMEOUT_MS);
          const forked = await runCase(fixture, 'fork', RUN_TIMEOUT_MS);
          assert.ok(!spawned.timedOut && !forked.timedOut, `${report('spawn run', spawned)}\n${report('fork run', forked)}`);
          const same = spawned.stdout === forked.stdout && spawned.exitCode === forked.exitCode;
          assert.equal(same, claim.kind === 'same', `${report('spawn run', spawned)}\n${report('fork run', forked)}`);
          return;
        }
      }
    });
  }
});

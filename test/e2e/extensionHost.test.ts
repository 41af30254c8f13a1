// Runs the extension-host suite (test/e2e/suite) in code-server's real VS Code extension host and reports
// each of its mocha tests as a test here, so one `node --test` summary counts them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths';
import { EXTENSION_SUITE } from './support/paths';
import { runSuiteInCodeServer, type SuiteRun } from './support/runSuiteInCodeServer';
import { readSuiteReport, SUITE_REPORT_ENV, type SuiteReport } from './support/suiteReport';
import { copyWorkspace } from './support/workspace';

const SUITE_TIMEOUT_MS = 4 * 60_000;

/** The development extension's entry (package.json `main`), written by `npm run build`. */
function assertExtensionBuilt(): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main?: string };
  assert.ok(manifest.main, 'package.json has no "main": the extension entry is missing');
  const entry = path.join(REPO_ROOT, manifest.main);
  assert.ok(fs.existsSync(entry), `${entry} is missing: run 'npm run build' first`);
}

// The suite's tests are only known once it has run, so they are declared after the run, inside the
// describe callback (node:test awaits an async one before running what it declared).
describe('extension-host suite in code-server', async () => {
  assertExtensionBuilt();
  assert.ok(fs.existsSync(EXTENSION_SUITE), `${EXTENSION_SUITE} is missing: run 'npm run compile' first`);
  const workspace = copyWorkspace();
  const reportFile = `${workspace}-report.json`;
  let run: SuiteRun;
  let report: SuiteReport | undefined;
  try {
    run = await runSuiteInCodeServer({
      name: 'extension-host',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: EXTENSION_SUITE,
      workspace,
      env: { [SUITE_REPORT_ENV]: reportFile },
      timeoutMs: SUITE_TIMEOUT_MS,
    });
    report = readSuiteReport(reportFile);
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(reportFile, { force: true });
  }
  const logs = `logs: ${run.consoleLogFile}, ${run.serverLogFile}`;

  for (const result of report?.results ?? []) {
    test(result.title, { skip: result.state === 'pending' && 'pending in the suite' }, () => {
      if (result.state === 'failed') throw new Error(`${result.error}\n${logs}`);
    });
  }

  test('the suite ran to its end and reported success', () => {
    assert.ok(report, `the suite ended (exit code ${run.exitCode}) without writing its report; ${logs}`);
    assert.equal(report.error, undefined, `the suite failed outside a test; ${logs}`);
    assert.ok(report.results.length > 0, `the suite ran no test; ${logs}`);
    assert.equal(run.exitCode, 0, `the extension host reported exit code ${run.exitCode}; ${logs}`);
  });
});

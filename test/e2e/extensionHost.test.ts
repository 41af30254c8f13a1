// Runs the extension-host suite (test/e2e/suite) in code-server's real VS Code extension host and reports
// each of its mocha tests as a test here, so one `node --test` summary counts them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths';
import { EXTENSION_SUITE } from './support/paths';
import { runSuiteInCodeServer } from './support/runSuiteInCodeServer';
import { readSuiteReport, SUITE_REPORT_ENV } from './support/suiteReport';
import { copyWorkspace } from './support/workspace';

const SUITE_TIMEOUT_MS = 4 * 60_000;

/** The development extension's entry (package.json `main`), written by `npm run build`. */
function assertExtensionBuilt(): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main?: string };
  assert.ok(manifest.main, 'package.json has no "main": the extension entry is missing');
  const entry = path.join(REPO_ROOT, manifest.main);
  assert.ok(fs.existsSync(entry), `${entry} is missing: run 'npm run build' first`);
}

test('extension-host suite in code-server', { timeout: SUITE_TIMEOUT_MS + 60_000 }, async (t) => {
  assertExtensionBuilt();
  assert.ok(fs.existsSync(EXTENSION_SUITE), `${EXTENSION_SUITE} is missing: run 'npm run compile' first`);
  const workspace = copyWorkspace();
  const reportFile = path.join(workspace, '..', `${path.basename(workspace)}-report.json`);
  try {
    const run = await runSuiteInCodeServer({
      name: 'extension-host',
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: EXTENSION_SUITE,
      workspace,
      env: { [SUITE_REPORT_ENV]: reportFile },
      timeoutMs: SUITE_TIMEOUT_MS,
    });
    const report = readSuiteReport(reportFile);
    const logs = `logs: ${run.consoleLogFile}, ${run.serverLogFile}`;
    assert.ok(report, `the suite ended (exit code ${run.exitCode}) without writing its report; ${logs}`);
    for (const result of report.results) {
      await t.test(result.title, (subtest) => {
        if (result.state === 'pending') subtest.skip('pending in the suite');
        if (result.state === 'failed') throw new Error(result.error);
      });
    }
    assert.equal(report.error, undefined, `the suite failed outside a test; ${logs}`);
    assert.ok(report.results.length > 0, `the suite ran no test; ${logs}`);
    assert.equal(run.exitCode, 0, `the extension host reported exit code ${run.exitCode}; ${logs}`);
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(reportFile, { force: true });
  }
});

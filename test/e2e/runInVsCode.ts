// Runs the extension-host suite (test/e2e/suite) in desktop VS Code with @vscode/test-electron, for a
// machine that can download VS Code (`npm run test:e2e:vscode`; needs a display, e.g. xvfb-run). CI here
// cannot download it and runs the same suite in code-server instead (extensionHost.test.ts).
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import * as fs from 'node:fs';
import { REPO_ROOT } from '../helpers/paths';
import { EXTENSION_SUITE } from './support/paths';
import { readSuiteReport, SUITE_REPORT_ENV } from './support/suiteReport';
import { copyWorkspace } from './support/workspace';

async function main(): Promise<number> {
  const workspace = copyWorkspace();
  const reportFile = `${workspace}-report.json`;
  try {
    let exitCode: number;
    try {
      exitCode = await runTests({
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: EXTENSION_SUITE,
        extensionTestsEnv: { [SUITE_REPORT_ENV]: reportFile },
        // Only the extension under development; no prompt about trusting the temporary workspace.
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      });
    } catch (error) {
      // A failing suite makes VS Code exit non-zero, which runTests() reports by rejecting.
      if (!(error instanceof TestRunFailedError)) throw error;
      exitCode = error.code ?? 1;
    }
    const report = readSuiteReport(reportFile);
    if (!report) throw new Error(`VS Code exited with ${exitCode} before the suite wrote its report`);
    if (report.error) console.error(`the suite failed outside a test: ${report.error}`);
    const results = report.results;
    const count = (state: string) => results.filter((result) => result.state === state).length;
    console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('pending')} skipped`);
    return exitCode;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(reportFile, { force: true });
  }
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    console.error(`the extension tests did not run in VS Code: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

// The extension-host test entry (`extensionTestsPath`): VS Code, or code-server, loads this module inside
// the extension host and calls run(); a rejection fails the run. Used by both runners (runInVsCode.ts
// with @vscode/test-electron, extensionHost.test.ts in code-server).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { SUITE_REPORT_ENV, writeSuiteReport, type SuiteTestResult } from '../support/suiteReport';

/** Covers the language server's start and first analysis on a cold, two-core CI machine. */
const TEST_TIMEOUT_MS = 60_000;

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: TEST_TIMEOUT_MS });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.spec.js')) mocha.addFile(path.join(__dirname, file));
  }
  const results: SuiteTestResult[] = [];
  let outsideTests: string | undefined;
  let failures: number;
  try {
    failures = await new Promise<number>((resolve) => {
      const runner = mocha.run(resolve);
      runner.on('pass', (test) => results.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 }));
      runner.on('pending', (test) => results.push({ title: test.fullTitle(), state: 'pending', durationMs: 0 }));
      runner.on('fail', (runnable, error: Error) => {
        const message = error.stack ?? String(error);
        if (runnable.type === 'test') {
          results.push({ title: runnable.fullTitle(), state: 'failed', durationMs: runnable.duration ?? 0, error: message });
        } else {
          outsideTests = `${runnable.fullTitle()}: ${message}`;
        }
      });
    });
  } catch (error) {
    // mocha.run() loads the spec files first: a spec that does not load throws here.
    outsideTests = (error as Error).stack ?? String(error);
    failures = 1;
  }
  const reportFile = process.env[SUITE_REPORT_ENV];
  if (reportFile) writeSuiteReport(reportFile, { results, error: outsideTests });
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed${outsideTests ? `: ${outsideTests}` : ''}`);
}

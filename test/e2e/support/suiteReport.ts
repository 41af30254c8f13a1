import * as fs from 'node:fs';

/**
 * What the extension-host suite (suite/index.ts) writes when it ends, so the runner outside VS Code can
 * report each mocha test as its own node:test test. The path travels in this environment variable,
 * which the extension host inherits from the editor that a runner starts.
 */
export const SUITE_REPORT_ENV = 'SPAWN_GUARD_E2E_SUITE_REPORT';

export interface SuiteTestResult {
  /** Suite and test titles, e.g. "diagnostics: an unguarded Pool is an SPG001 error". */
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  /** The failure's message and stack. */
  error?: string;
}

export interface SuiteReport {
  results: SuiteTestResult[];
  /** A failure outside any test (a hook, loading a spec file). */
  error?: string;
}

export function writeSuiteReport(file: string, report: SuiteReport): void {
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
}

export function readSuiteReport(file: string): SuiteReport | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteReport) : undefined;
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { E2E_WORKSPACE_FIXTURE } from './paths';

/** A fresh copy of test/e2e/fixtures/workspace: the tests edit and fix its files. */
export function copyWorkspace(): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-e2e-workspace-'));
  fs.cpSync(E2E_WORKSPACE_FIXTURE, workspace, { recursive: true });
  return workspace;
}

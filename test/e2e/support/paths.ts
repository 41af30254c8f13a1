import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../helpers/paths';

/** The separate package that holds code-server (scripts/setup-e2e.sh installs it). */
export const HARNESS_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'harness');
export const CODE_SERVER_ENTRY = path.join(HARNESS_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Python files the editor tests open; copied to a temporary workspace so edits never touch them. */
export const E2E_WORKSPACE_FIXTURE = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace');

/** Each workspace file as the guard fix or command leaves it (each proven to run under spawn). */
export const E2E_FIXED_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'fixed');

/** The compiled extension-host suite (its `run()` is what VS Code calls). */
export const EXTENSION_SUITE = path.join(REPO_ROOT, 'out', 'test', 'e2e', 'suite', 'index.js');

/** The README's pictures, which the UI test rewrites when SPAWN_GUARD_UPDATE_IMAGES=1. */
export const README_IMAGES_DIR = path.join(REPO_ROOT, 'images');

/** Screenshots and logs a person reads after a run (gitignored). */
export const E2E_OUTPUT_DIR = path.join(REPO_ROOT, 'test-output', 'e2e');

/** The .vsix that `npm run package` wrote for the version in package.json. */
export function packagedVsix(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
}

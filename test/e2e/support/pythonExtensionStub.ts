import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../helpers/paths';

/** A stand-in for ms-python.python that answers its `environments` API (see its extension.js). */
const STUB_SOURCE = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'python-extension-stub');

/** The environment variables the stub reads in the extension host. */
export function pythonExtensionStubEnv(python: string, files: readonly string[]): NodeJS.ProcessEnv {
  return { SPAWN_GUARD_E2E_PYTHON: python, SPAWN_GUARD_E2E_PYTHON_FILES: files.join(':') };
}

/** Packs the stub into `folder`/ms-python.python.vsix with the repository's vsce; returns its path. */
export function packPythonExtensionStub(folder: string): string {
  const source = path.join(folder, 'python-extension-stub');
  fs.cpSync(STUB_SOURCE, source, { recursive: true });
  const vsix = path.join(folder, 'ms-python.python.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], {
    cwd: source,
    stdio: 'pipe',
  });
  return vsix;
}

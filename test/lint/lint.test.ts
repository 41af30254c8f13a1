import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../helpers/paths';

/**
 * `npm run lint` as tests, so that `npm test` (and CI) fails on a lint warning, a formatting difference,
 * an import that breaks the layers or an import cycle, and says which.
 */
function run(tool: string, args: string[]): { status: number | null; output: string } {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', tool);
  const result = spawnSync(bin, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('lint', () => {
  it('eslint: no warning', () => {
    const { status, output } = run('eslint', ['--max-warnings', '0', '.']);
    assert.equal(status, 0, output);
  });

  it('prettier: every file formatted', () => {
    const { status, output } = run('prettier', ['--check', '.']);
    assert.equal(status, 0, output);
  });

  it('dependency-cruiser: layers kept, no import cycle', () => {
    const { status, output } = run('depcruise', ['server/src', 'client/src', '--config', '.dependency-cruiser.cjs']);
    assert.equal(status, 0, output);
  });
});

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

const DIST = path.join(REPO_ROOT, 'dist');
const BUNDLES = ['extension.js', 'server.js', 'tree-sitter.wasm', 'tree-sitter-python.wasm'];
const LOCK = path.join(REPO_ROOT, '.build.lock');
const BUILD_TIMEOUT_MS = 120_000;

function bundlesPresent(): boolean {
  return BUNDLES.every((name) => fs.existsSync(path.join(DIST, name)));
}

/**
 * Runs `npm run build` (scripts/build.mjs) when dist/ lacks the bundles. Test files run in parallel
 * processes, so one builds under a lock directory while the others wait for it to go away.
 */
export function ensureBuilt(): void {
  if (bundlesPresent()) return;
  removeStaleLock();
  try {
    fs.mkdirSync(LOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    waitUntil(() => !fs.existsSync(LOCK), BUILD_TIMEOUT_MS, 'another test process to finish `npm run build`');
    if (!bundlesPresent()) throw new Error('`npm run build` run by another test process left no bundles in dist/');
    return;
  }
  try {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: BUILD_TIMEOUT_MS,
    });
    if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** A lock older than a build can take was left by a test process that died while building. */
function removeStaleLock(): void {
  try {
    if (Date.now() - fs.statSync(LOCK).mtimeMs > BUILD_TIMEOUT_MS) fs.rmSync(LOCK, { recursive: true, force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Polls `condition` (a synchronous check) until it holds, blocking the thread between checks. */
function waitUntil(condition: () => boolean, timeoutMs: number, what: string): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    Atomics.wait(pause, 0, 0, 50);
  }
}

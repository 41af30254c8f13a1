// The npm package as a user gets it: `npm pack` run on a copy of the sources (the pack rebuilds dist/ for
// production, and other tests run the repository's own dist/), then installed from the tarball.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

/** What `npm pack` (and pre-commit's install from git) needs of the repository; node_modules is linked. */
export const PACKAGE_SOURCES = [
  'package.json',
  'package-lock.json',
  '.npmrc',
  '.npmignore',
  '.vscodeignore',
  '.pre-commit-hooks.yaml',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'tsconfig.json',
  'bin',
  'docs',
  'images',
  'syntaxes',
  'scripts',
  'client',
  'server',
];

export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export const PACKAGE_VERSION: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;

/**
 * The environment without what an enclosing `npm test` exports (npm_config_*, npm_package_*, the
 * lifecycle), which would point npm at this repository instead of the folder it runs in. The cache and
 * the registry stay, so installs use what `npm ci` already fetched.
 */
export function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    const keep = !lower.startsWith('npm_') || lower === 'npm_config_cache' || lower === 'npm_config_registry';
    if (keep && lower !== 'init_cwd') env[name] = value;
  }
  return { ...env, ...extra };
}

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanNpmEnv()): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
}

export function output(result: SpawnSyncReturns<string>): string {
  return `status ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}${result.error ? `\n${result.error}` : ''}`;
}

/** Copies the package's sources into `dir` and links the repository's node_modules beside them. */
export function copyPackageSources(dir: string): void {
  for (const source of PACKAGE_SOURCES) fs.cpSync(path.join(REPO_ROOT, source), path.join(dir, source), { recursive: true });
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

export interface PackedPackage {
  tarball: string;
  /** The paths in the tarball, sorted. */
  files: string[];
}

/** `npm pack` of a copy of the sources in `work`/source; the tarball is written to `work`. */
export function packPackage(work: string): PackedPackage {
  const source = path.join(work, 'source');
  fs.mkdirSync(source);
  copyPackageSources(source);
  const pack = run(NPM, ['pack', '--json', '--pack-destination', work], source);
  assert.equal(pack.status, 0, output(pack));
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(work, packed.filename), files: packed.files.map((file) => file.path).sort() };
}

/** A user's project in `dir` (a package.json of its own) with the tarball installed, offline. */
export function installInProject(dir: string, tarball: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  const install = run(NPM, ['install', '--offline', '--no-audit', '--no-fund', tarball], dir);
  assert.equal(install.status, 0, output(install));
}

/** A script with an unguarded Pool (SPG001 on line 3) and one without any hazard. */
export const UNGUARDED_SCRIPT = 'from multiprocessing import Pool\n\nwith Pool(2) as pool:\n    pool.map(abs, [-1, -2])\n';
export const GUARDED_SCRIPT =
  'from multiprocessing import Pool\n\nif __name__ == "__main__":\n    with Pool(2) as pool:\n        print(pool.map(abs, [-1, -2]))\n';

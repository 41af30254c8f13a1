// The pre-commit hook (.pre-commit-hooks.yaml): its definition run the way pre-commit runs it (entry, then
// args, then the file names its types select, with the package installed as `language: node` installs
// it), and pre-commit itself installing the hook from a git repository and running it. pre-commit is
// Debian's package: the setup installs it with apt-get when it is missing, and says so; where it cannot
// be installed that test is skipped with the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  cleanNpmEnv,
  copyPackageSources,
  GUARDED_SCRIPT,
  NPM,
  output,
  packPackage,
  run,
  UNGUARDED_SCRIPT,
  PACKAGE_SOURCES,
} from '../helpers/npm-package';
import { REPO_ROOT } from '../helpers/paths';

interface HookDefinition {
  id: string;
  entry: string;
  language: string;
  args?: string[];
  types_or?: string[];
  require_serial?: boolean;
  pass_filenames?: boolean;
}

/**
 * The hooks of a .pre-commit-hooks.yaml in the subset of YAML it is written in: a list of mappings of
 * scalars and flow lists (`[a, b]`). Anything else is an error, so the test never reads it wrong.
 */
function parseHooks(text: string): HookDefinition[] {
  const hooks: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const entry = /^(- | {2})([a-z_]+): (.*)$/.exec(line);
    if (!entry) throw new Error(`unexpected line in .pre-commit-hooks.yaml: ${line}`);
    if (entry[1] === '- ') hooks.push({});
    const raw = entry[3].trim();
    hooks[hooks.length - 1][entry[2]] = raw.startsWith('[')
      ? raw
          .slice(1, -1)
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : raw === 'true' || raw === 'false'
        ? raw === 'true'
        : raw.replace(/^'(.*)'$/, '$1');
  }
  return hooks as unknown as HookDefinition[];
}

/** The identify tags pre-commit matches `types_or` against, for the files this test writes. */
const FILE_TAGS: Record<string, string[]> = {
  '.py': ['file', 'text', 'python'],
  '.ipynb': ['file', 'text', 'json', 'jupyter'],
  '.txt': ['file', 'text', 'plain-text'],
};

function selects(hook: HookDefinition, file: string): boolean {
  const tags = FILE_TAGS[path.extname(file)];
  return (hook.types_or ?? ['file']).some((type) => tags.includes(type));
}

const hooks = parseHooks(fs.readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8'));

describe('.pre-commit-hooks.yaml', { timeout: 5 * 60_000 }, () => {
  let work: string;
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-pre-commit-'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('defines the spawn-guard hook: language node, `spawn-guard check` on Python files and notebooks, run once', () => {
    assert.deepEqual(
      hooks.map((hook) => hook.id),
      ['spawn-guard'],
    );
    const [hook] = hooks;
    assert.equal(hook.language, 'node');
    assert.equal(hook.entry, 'spawn-guard check --force-exclude');
    assert.deepEqual(hook.types_or, ['python', 'jupyter']);
    assert.equal(hook.require_serial, true);
  });

  it('runs as pre-commit runs it: entry, args, the selected files; fails on a hazard, passes without', () => {
    // What `language: node` does: `npm pack` of the hook's repository, `npm install -g` of the tarball
    // into the hook's environment, the entry run with that environment's bin first on PATH.
    const { tarball } = packPackage(work);
    const prefix = path.join(work, 'node_env');
    const install = run(NPM, ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], work);
    assert.equal(install.status, 0, output(install));
    const env = cleanNpmEnv({ PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}` });

    const repo = path.join(work, 'repo');
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, 'unguarded.py'), UNGUARDED_SCRIPT);
    fs.writeFileSync(path.join(repo, 'guarded.py'), GUARDED_SCRIPT);
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'with Pool() as pool: not Python\n');
    for (const hook of hooks) {
      const runHook = (files: string[]) => {
        const selected = files.filter((file) => selects(hook, file));
        const [command, ...entryArgs] = hook.entry.split(/\s+/);
        return run(command, [...entryArgs, ...(hook.args ?? []), ...(hook.pass_filenames === false ? [] : selected)], repo, env);
      };
      const failing = runHook(['unguarded.py', 'guarded.py', 'notes.txt']);
      assert.equal(failing.status, 1, output(failing));
      assert.match(failing.stdout, /^unguarded\.py:3:6: SPG001 /m, output(failing));
      const passing = runHook(['guarded.py', 'notes.txt']);
      assert.equal(passing.status, 0, output(passing));
    }
  });

  it('is installed and run by pre-commit itself', (context) => {
    const preCommit = ensurePreCommit();
    if (!preCommit.available) {
      context.skip(preCommit.reason);
      return;
    }
    // The hook's repository: the package sources committed to a git repository, as on GitHub.
    const hookRepo = path.join(work, 'hook-repo');
    fs.mkdirSync(hookRepo);
    copyPackageSources(hookRepo);
    fs.rmSync(path.join(hookRepo, 'node_modules'));
    const git = (cwd: string, ...args: string[]) => {
      const result = run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], cwd);
      assert.equal(result.status, 0, output(result));
      return result.stdout.trim();
    };
    git(hookRepo, 'init', '-q');
    git(hookRepo, 'add', '--', ...PACKAGE_SOURCES);
    git(hookRepo, 'commit', '-q', '-m', 'spawn-guard');
    const rev = git(hookRepo, 'rev-parse', 'HEAD');

    const userRepo = path.join(work, 'user-repo');
    fs.mkdirSync(userRepo);
    git(userRepo, 'init', '-q');
    fs.writeFileSync(
      path.join(userRepo, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: spawn-guard\n`,
    );
    fs.writeFileSync(path.join(userRepo, 'job.py'), UNGUARDED_SCRIPT);
    fs.writeFileSync(path.join(userRepo, 'notes.txt'), 'with Pool() as pool: not Python\n');
    git(userRepo, 'add', '-A');

    // The hook's install runs `npm install` in its repository: from npm's cache where `npm ci` filled it.
    const env = cleanNpmEnv({ PRE_COMMIT_HOME: path.join(work, 'pre-commit-home'), npm_config_prefer_offline: 'true' });
    const preCommitRun = (...args: string[]) =>
      spawnSync(preCommit.command, ['run', '--color', 'never', ...args], { cwd: userRepo, env, encoding: 'utf8', timeout: 280_000 });
    const failing = preCommitRun('--all-files');
    assert.equal(failing.status, 1, output(failing));
    assert.match(failing.stdout, /^spawn-guard\.+Failed$/m, output(failing));
    assert.match(failing.stdout, /^job\.py:3:6: SPG001 /m, output(failing));

    fs.writeFileSync(path.join(userRepo, 'job.py'), GUARDED_SCRIPT);
    git(userRepo, 'add', '-A');
    const passing = preCommitRun('--all-files');
    assert.equal(passing.status, 0, output(passing));
    assert.match(passing.stdout, /^spawn-guard\.+Passed$/m, output(passing));
  });
});

/** pre-commit on PATH, or Debian's package installed now (said on stderr); otherwise why not. */
function ensurePreCommit(): { available: true; command: string } | { available: false; reason: string } {
  const found = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return { available: true, command: 'pre-commit' };
  const canInstall = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (!canInstall)
    return {
      available: false,
      reason: 'pre-commit is not installed, and only root on Debian can install it here (apt-get install pre-commit)',
    };
  process.stderr.write('pre-commit test: installing Debian package pre-commit with apt-get\n');
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let install = spawnSync('apt-get', ['install', '-y', '-q', 'pre-commit'], { encoding: 'utf8', env: aptEnv, timeout: 240_000 });
  if (install.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env: aptEnv, timeout: 240_000 });
    install = spawnSync('apt-get', ['install', '-y', '-q', 'pre-commit'], { encoding: 'utf8', env: aptEnv, timeout: 240_000 });
  }
  if (install.status !== 0)
    return { available: false, reason: `apt-get install pre-commit failed: ${install.stderr.trim().split('\n').pop()}` };
  return { available: true, command: 'pre-commit' };
}

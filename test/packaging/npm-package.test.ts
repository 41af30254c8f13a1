// The npm package from the outside: `npm pack`, installed into an empty project, globally and through
// npx, then `spawn-guard check` and the language server run from the install alone; and the CI commands
// the docs give, run as written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ruleDocsUrl } from '../../server/src/rules/docs-url';
import { LspTestClient } from '../helpers/lsp';
import {
  cleanNpmEnv,
  GUARDED_SCRIPT,
  installInProject,
  NPM,
  output,
  PACKAGE_VERSION,
  packPackage,
  run,
  UNGUARDED_SCRIPT,
  type PackedPackage,
} from '../helpers/npm-package';
import { REPO_ROOT } from '../helpers/paths';

const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

describe('the npm package', { timeout: 5 * 60_000 }, () => {
  let work: string;
  let packed: PackedPackage;
  /** A user's project with the tarball installed; its `repo/` folder (no package.json) holds the Python files. */
  let project: string;
  let repo: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-npm-'));
    packed = packPackage(work);
    project = path.join(work, 'project');
    installInProject(project, packed.tarball);
    repo = path.join(project, 'repo');
    fs.mkdirSync(repo);
    fs.writeFileSync(path.join(repo, 'unguarded.py'), UNGUARDED_SCRIPT);
    fs.writeFileSync(path.join(repo, 'guarded.py'), GUARDED_SCRIPT);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('ships the CLI, the language server, the wasm grammar and the docs, and nothing else', () => {
    const listed = (dir: string, prefix: string) =>
      fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `${prefix}/${path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')}`);
    const docs = listed(path.join(REPO_ROOT, 'docs'), 'docs').filter((file) => file.endsWith('.md'));
    // What the pack's production build wrote, but for the VS Code client (the .vsix ships that).
    const dist = listed(path.join(work, 'source', 'dist'), 'dist').filter((file) => file !== 'dist/extension.js');
    for (const needed of ['cli.js', 'cli-worker.js', 'server.js', 'server-main.js', 'tree-sitter.wasm', 'tree-sitter-python.wasm']) {
      assert.ok(dist.includes(`dist/${needed}`), needed);
    }
    assert.deepEqual(packed.files, ['CHANGELOG.md', 'LICENSE', 'README.md', 'bin/spawn-guard.js', ...dist, ...docs, 'package.json'].sort());
    assert.ok(!packed.files.some((file) => file.endsWith('.map')), 'no source maps: the production build');
  });

  it('is publishable and needs nothing at install time', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'spawn-guard', 'package.json'), 'utf8'));
    assert.equal(manifest.private, undefined, 'a private package cannot be published');
    // The bundles hold every library; a runtime dependency would only be downloaded (tree-sitter-python
    // would even build a native module) for nothing.
    assert.deepEqual(manifest.dependencies ?? {}, {}, 'runtime libraries belong in devDependencies: dist/ bundles them');
    assert.equal(manifest.bin['spawn-guard'], 'bin/spawn-guard.js');
    assert.ok(fs.existsSync(path.join(project, 'node_modules', '.bin', 'spawn-guard')));
  });

  it('runs `spawn-guard check` from the install: the finding, exit status 1', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'spawn-guard');
    const check = run(bin, ['check', 'unguarded.py'], repo);
    assert.equal(check.status, 1, output(check));
    assert.match(check.stdout, /^unguarded\.py:3:6: SPG001 /m, output(check));
    const clean = run(bin, ['check', 'guarded.py'], repo);
    assert.equal(clean.status, 0, output(clean));
    const version = run(bin, ['--version'], repo);
    assert.equal(version.status, 0, output(version));
    assert.equal(version.stdout.trim(), `spawn-guard ${PACKAGE_VERSION}`);
  });

  it('runs through `npm exec` and `npx spawn-guard@<version>`', () => {
    const env = cleanNpmEnv({ npm_config_offline: 'true' });
    const exec = run(NPM, ['exec', '--', 'spawn-guard', 'check', 'unguarded.py'], repo, env);
    assert.equal(exec.status, 1, output(exec));
    assert.match(exec.stdout, /SPG001/);
    // npx takes the installed package when it is the version asked for, as it fetches it when it is not.
    const npx = run(NPX, ['--yes', `spawn-guard@${PACKAGE_VERSION}`, '--version'], repo, env);
    assert.equal(npx.status, 0, output(npx));
    assert.equal(npx.stdout.trim(), `spawn-guard ${PACKAGE_VERSION}`);
  });

  it('installs globally (`npm install -g`) with a working `spawn-guard` command', () => {
    const prefix = path.join(work, 'global');
    const install = run(NPM, ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, packed.tarball], work);
    assert.equal(install.status, 0, output(install));
    const bin = process.platform === 'win32' ? path.join(prefix, 'spawn-guard.cmd') : path.join(prefix, 'bin', 'spawn-guard');
    const check = run(bin, ['check', '.'], repo);
    assert.equal(check.status, 1, output(check));
    assert.match(check.stdout, /unguarded\.py:3:6: SPG001 /);
    assert.doesNotMatch(check.stdout, /^guarded\.py:/m);
  });

  it('holds a language server that runs from the install alone', async () => {
    const serverPath = path.join(project, 'node_modules', 'spawn-guard', 'dist', 'server.js');
    const client = await LspTestClient.start({ serverPath, workspaceFolder: repo });
    try {
      const uri = 'untitled:installed';
      client.open(uri, UNGUARDED_SCRIPT, 1);
      const published = await client.diagnosticsFor(uri, 1);
      assert.deepEqual(
        published.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.codeDescription?.href]),
        [['SPG001', ruleDocsUrl('SPG001')]],
      );
    } finally {
      await client.stop();
    }
  });

  describe('the CI commands in the docs, run as written', () => {
    const docs = ['README.md', 'docs/ci.md', 'walkthrough/ci.md'].map((file) => ({
      file,
      text: fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'),
    }));
    /** Every workflow `run:` line and shell line of the docs that runs a pinned spawn-guard. */
    const documented = docs.flatMap(({ file, text }) =>
      text
        .split('\n')
        .map((line) => /^\s*(?:- )?(?:run: )?(npx (?:--yes )?spawn-guard@\S+ .*)$/.exec(line)?.[1])
        .filter((command): command is string => command !== undefined)
        .map((command) => ({ file, command })),
    );

    it('pin the current version (npx, the pre-commit rev, the package file names)', () => {
      assert.ok(
        documented.some(({ command }) => command.includes('--format github')),
        'a GitHub annotations step',
      );
      assert.ok(
        documented.some(({ command }) => command.includes('--format sarif')),
        'a SARIF step',
      );
      for (const { file, text } of docs) {
        const pinned = [...text.matchAll(/spawn-guard@(\S+?)(?=\s|`|$)|rev: v(\S+)|spawn-guard-(\d\S*?)\.(?:vsix|tgz)/gm)];
        for (const match of pinned) assert.equal(match[1] ?? match[2] ?? match[3], PACKAGE_VERSION, `${file}: ${match[0]}`);
      }
    });

    it('report the finding: text, GitHub annotations, SARIF that code scanning takes', () => {
      const env = cleanNpmEnv({ npm_config_offline: 'true' });
      for (const { file, command } of documented) {
        const result = spawnSync('bash', ['-c', command], { cwd: repo, env, encoding: 'utf8', timeout: 120_000 });
        const what = `${file}: ${command}\n${output(result)}`;
        if (command.includes('--format github')) {
          assert.equal(result.status, 1, what);
          assert.match(result.stdout, /^::error file=unguarded\.py,line=3,col=6,.*title=SPG001::/m, what);
        } else if (command.includes('--format sarif')) {
          assert.equal(result.status, 0, what);
          const sarifFile = /> (\S+)$/.exec(command)?.[1];
          assert.ok(sarifFile, `${what}: writes a file`);
          const sarif = JSON.parse(fs.readFileSync(path.join(repo, sarifFile), 'utf8'));
          assert.equal(sarif.version, '2.1.0');
          const [sarifRun] = sarif.runs;
          assert.deepEqual(
            sarifRun.results.map((result: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [
              result.ruleId,
              result.locations[0].physicalLocation.artifactLocation.uri,
            ]),
            [['SPG001', 'unguarded.py']],
          );
          const rule = sarifRun.tool.driver.rules.find((candidate: { id: string }) => candidate.id === 'SPG001');
          assert.equal(rule.helpUri, ruleDocsUrl('SPG001'));
        } else {
          assert.equal(result.status, 1, what);
          assert.match(result.stdout, /^unguarded\.py:3:6: SPG001 /m, what);
        }
      }
    });
  });
});

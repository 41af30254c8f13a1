import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from '../helpers/lsp';
import { PYTHON } from '../helpers/python';
import { REPO_ROOT } from '../helpers/paths';

/** What `npm run package` needs from the repository; node_modules is linked, not copied. */
const PACKAGE_INPUTS = [
  'package.json',
  '.vscodeignore',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'images',
  'syntaxes',
  'scripts',
  'client',
  'server',
  'walkthrough',
];
const MAX_VSIX_BYTES = 2 * 1024 * 1024;

/** The names in a zip file (a .vsix is one), read with Python's zipfile. */
function zipEntries(file: string): string[] {
  const listing = spawnSync(PYTHON, ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], {
    encoding: 'utf8',
  });
  assert.equal(listing.status, 0, listing.stderr);
  return listing.stdout.split('\n').filter(Boolean).sort();
}

function zipText(file: string, entry: string): string {
  const read = spawnSync(
    PYTHON,
    ['-c', 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())', file, entry],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(read.status, 0, read.stderr);
  return read.stdout;
}

describe('npm run package', () => {
  // Packaging rebuilds dist/ for production; a copy of the sources keeps the repository's dist/, which
  // other tests run the server from, untouched.
  let copy: string;
  let vsix: string;
  let output: string;
  before(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-package-'));
    for (const input of PACKAGE_INPUTS) fs.cpSync(path.join(REPO_ROOT, input), path.join(copy, input), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = spawnSync(npm, ['run', 'package'], { cwd: copy, encoding: 'utf8', timeout: 240_000 });
    output = `${run.stdout}${run.stderr}`;
    assert.equal(run.status, 0, output);
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    vsix = path.join(copy, `spawn-guard-${version}.vsix`);
  });
  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('writes spawn-guard-<version>.vsix under 2 MB', () => {
    assert.ok(fs.existsSync(vsix), output);
    const size = fs.statSync(vsix).size;
    assert.ok(size < MAX_VSIX_BYTES, `${size} bytes`);
  });

  it('ships only the bundles, the wasm grammar, the comment grammar, the run helpers, the docs, the icon and the walkthrough', () => {
    assert.deepEqual(zipEntries(vsix), [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/changelog.md',
      'extension/dist/cli.js',
      'extension/dist/extension.js',
      'extension/dist/server-main.js',
      'extension/dist/server.js',
      'extension/dist/spawn-guard-notebook/run_notebook.py',
      'extension/dist/spawn-guard-site/sitecustomize.py',
      'extension/dist/tree-sitter-python.wasm',
      'extension/dist/tree-sitter.wasm',
      'extension/images/icon.png',
      'extension/images/quick-fix.png',
      'extension/images/squiggle.png',
      'extension/package.json',
      'extension/readme.md',
      'extension/syntaxes/spawn-guard-comments.tmLanguage.json',
      'extension/walkthrough/ci.md',
      'extension/walkthrough/find.md',
      'extension/walkthrough/fix.md',
      'extension/walkthrough/save.md',
    ]);
  });

  it('packs the manifest whose entry point and grammar are in the package', () => {
    const manifest = JSON.parse(zipText(vsix, 'extension/package.json'));
    const entries = new Set(zipEntries(vsix));
    assert.ok(entries.has(`extension/${path.posix.normalize(manifest.main)}`), manifest.main);
    for (const grammar of manifest.contributes.grammars) assert.ok(entries.has(`extension/${path.posix.normalize(grammar.path)}`));
    assert.ok(entries.has(`extension/${manifest.icon}`));
    for (const walkthrough of manifest.contributes.walkthroughs) {
      for (const step of walkthrough.steps) {
        const media = `extension/${step.media.markdown ?? step.media.image}`;
        assert.ok(entries.has(media), step.id);
        if (!step.media.markdown) continue;
        // The pictures the step's page shows, relative to the page.
        for (const [, image] of zipText(vsix, media).matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
          assert.ok(entries.has(path.posix.join(path.posix.dirname(media), image)), `${media}: ${image}`);
        }
      }
    }
  });

  it('holds a server that runs from the package alone, with the wasm grammar beside it', async () => {
    const unpacked = path.join(copy, 'unpacked');
    const extract = spawnSync(PYTHON, ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', vsix, unpacked]);
    assert.equal(extract.status, 0, String(extract.stderr));
    // Outside the repository there is no node_modules to fall back on.
    const client = await LspTestClient.start({
      serverPath: path.join(unpacked, 'extension', 'dist', 'server.js'),
      workspaceFolder: unpacked,
    });
    try {
      const uri = 'untitled:packaged';
      client.open(uri, 'from multiprocessing import Pool\n\nwith Pool() as pool:\n    pool.map(abs, [-1])\n', 1);
      const published = await client.diagnosticsFor(uri, 1);
      assert.deepEqual(
        published.diagnostics.map((diagnostic) => diagnostic.code),
        ['SPG001'],
      );
    } finally {
      await client.stop();
    }
  });
});

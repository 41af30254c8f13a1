import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { CODE_CACHE_DIR_ARGUMENT } from '../../server/src/shared/nodeFlags';
import { LspTestClient, SERVER_BUNDLE } from '../helpers/lsp';

/** The files a server needs to run on its own: the loader, the server bundle and the two wasm files. */
const SERVER_FILES = ['server.js', 'server-main.js', 'tree-sitter.wasm', 'tree-sitter-python.wasm'];

const UNGUARDED_POOL = 'from multiprocessing import Pool\n\nwith Pool() as pool:\n    pool.map(abs, [-1])\n';

/** The rule codes a server started from `dir` (with its cache in `cacheDir`) publishes for one document, after a polite shutdown. */
async function codesFrom(dir: string, cacheDir?: string): Promise<string[]> {
  const client = await LspTestClient.start({
    serverPath: path.join(dir, 'server.js'),
    workspaceFolder: dir,
    serverArgs: cacheDir ? [`${CODE_CACHE_DIR_ARGUMENT}${cacheDir}`] : [],
  });
  try {
    const uri = 'untitled:code-cache';
    client.open(uri, UNGUARDED_POOL, 1);
    const published = await client.diagnosticsFor(uri, 1);
    return published.diagnostics.map((diagnostic) => String(diagnostic.code));
  } finally {
    await client.stop();
  }
}

const cacheFiles = (dir: string) => fs.readdirSync(dir).filter((name) => name.endsWith('.cache'));

describe('the server loader code cache (serverLoader.ts)', () => {
  // A copy of the server (its bundle is changed below), and the cache folder a client would pass (a
  // folder that does not exist yet, as the extension's global storage at first).
  let server: string;
  let dir: string;
  before(() => {
    ensureBuilt();
    server = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-code-cache-'));
    for (const name of SERVER_FILES) fs.copyFileSync(path.join(path.dirname(SERVER_BUNDLE), name), path.join(server, name));
    dir = path.join(server, 'global-storage');
  });
  after(() => fs.rmSync(server, { recursive: true, force: true }));

  it('is not written anywhere without a cache folder: never beside the bundle, which may be read-only', async () => {
    const before = fs.readdirSync(server).sort();
    assert.deepEqual(await codesFrom(server), ['SPG001']);
    assert.deepEqual(fs.readdirSync(server).sort(), before);
  });

  it('is written into the cache folder by the first server that exits, and the servers started with it answer alike', async () => {
    assert.deepEqual(await codesFrom(server, dir), ['SPG001']);
    assert.equal(cacheFiles(dir).length, 1);
    assert.deepEqual(await codesFrom(server, dir), ['SPG001']);
  });

  it('is taken by the next server: V8 accepts it, so that server does not write it again', async () => {
    const [cache] = cacheFiles(dir);
    const file = path.join(dir, cache);
    const written = { bytes: fs.readFileSync(file), mtimeMs: fs.statSync(file).mtimeMs };
    assert.deepEqual(await codesFrom(server, dir), ['SPG001']);
    assert.deepEqual(cacheFiles(dir), [cache]);
    assert.equal(fs.statSync(file).mtimeMs, written.mtimeMs, 'a server that rejected the cache wrote it again');
    assert.deepEqual(fs.readFileSync(file), written.bytes);
  });

  it('is ignored and written again when V8 rejects it (here: garbage)', async () => {
    const [cache] = cacheFiles(dir);
    const garbage = Buffer.alloc(fs.statSync(path.join(dir, cache)).size, 0x5a);
    fs.writeFileSync(path.join(dir, cache), garbage);
    assert.deepEqual(await codesFrom(server, dir), ['SPG001']);
    assert.deepEqual(cacheFiles(dir), [cache]);
    assert.notDeepEqual(fs.readFileSync(path.join(dir, cache)), garbage);
  });

  it('is replaced, not kept beside, when the bundle changes', async () => {
    const [old] = cacheFiles(dir);
    fs.appendFileSync(path.join(server, 'server-main.js'), '\n// rebuilt\n');
    assert.deepEqual(await codesFrom(server, dir), ['SPG001']);
    const now = cacheFiles(dir);
    assert.equal(now.length, 1);
    assert.notEqual(now[0], old);
  });
});

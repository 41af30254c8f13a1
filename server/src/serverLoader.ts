/**
 * dist/server.js: starts the language server bundle (dist/server-main.js, built from server.ts) with a
 * V8 code cache, the way Node 22's module.enableCompileCache() does (Node 18/20 have no such switch).
 *
 * Compiling the server bundle (0.4 MB of JavaScript minified, 0.9 MB not) and each function it runs on the way to
 * the first diagnostics is a good part of a cold start. The first server process writes what V8 compiled
 * to a cache file in the folder its command line names (CODE_CACHE_DIR_ARGUMENT: the VS Code client
 * passes the extension's global storage) when it exits; later starts hand that to V8, which then skips
 * the compiling. Without that argument the server keeps no cache: it never writes beside the bundle. V8 rejects a cache made by another V8 version, with other V8 flags or for a source of
 * another length; the file name also carries the Node version and the bundle's size and modification
 * time, so a rebuilt or updated bundle never meets an old cache. Without a usable cache (none yet, a
 * read-only directory, a rejected one) the server starts as it would without this loader. A cache holds
 * what its writer had compiled: one written by a server that exited right after `initialize` covers
 * less of the next start, until a new bundle brings a new cache.
 */
import * as fs from 'node:fs';
import { Module } from 'node:module';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { CODE_CACHE_DIR_ARGUMENT } from './shared/nodeFlags';

// V8 checks a code cache against the flags it was made under, and the cache is made at exit, after the
// server's idle collector has set --expose-gc (lsp/idleCollector.ts): set here, before the bundle is
// compiled, the flags are the same at both ends. (Set later, every start rejected the cache.)
v8.setFlagsFromString('--expose-gc');

const SERVER_BUNDLE = path.join(__dirname, 'server-main.js');
/** A server killed before it exits normally still leaves a cache once it has run this long. */
const SAVE_AFTER_MS = 30_000;

const cacheDir = process.argv.find((argument) => argument.startsWith(CODE_CACHE_DIR_ARGUMENT))?.slice(CODE_CACHE_DIR_ARGUMENT.length);
const bundle = fs.statSync(SERVER_BUNDLE);
const cachePrefix = cacheDir ? path.join(cacheDir, `server-main.js.${process.version}-${process.arch}.`) : '';
const cacheFile = `${cachePrefix}${bundle.size}-${Math.trunc(bundle.mtimeMs)}.cache`;
const cachedData = cacheDir ? readIfPresent(cacheFile) : undefined;
// The bundle has no dynamic import() on the server's paths (the wasm files are read as bytes), so the
// script needs no importModuleDynamically.
const script = new vm.Script(Module.wrap(fs.readFileSync(SERVER_BUNDLE, 'utf8')), { filename: SERVER_BUNDLE, cachedData });

if (cacheDir && (cachedData === undefined || script.cachedDataRejected)) {
  // Written at exit, or after a while: by then the functions the start and the first analyses need are
  // compiled, and the cache holds them too, not only the bundle's top level.
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    saveCache(script.createCachedData());
  };
  process.on('exit', save);
  setTimeout(save, SAVE_AFTER_MS).unref();
}

const serverModule = new Module(SERVER_BUNDLE, module);
serverModule.filename = SERVER_BUNDLE;
const run = script.runInThisContext() as (...args: unknown[]) => void;
run.call(serverModule.exports, serverModule.exports, Module.createRequire(SERVER_BUNDLE), serverModule, SERVER_BUNDLE, __dirname);

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache (atomically: concurrent servers may do so too) and drops caches of older bundles. */
function saveCache(data: Buffer): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, cacheFile);
    for (const name of fs.readdirSync(path.dirname(cacheFile))) {
      const file = path.join(path.dirname(cacheFile), name);
      if (file.startsWith(cachePrefix) && file.endsWith('.cache') && file !== cacheFile) fs.rmSync(file, { force: true });
    }
  } catch {
    // A folder the server may not write to only costs the speed-up.
    fs.rmSync(temporary, { force: true });
  }
}

// Bundles the VS Code client, the language server and the CLI into dist/ with esbuild, and copies the two
// tree-sitter wasm files beside them (parser.ts's locateWasm() looks beside the bundle first).
//   node scripts/build.mjs               development build, with source maps
//   node scripts/build.mjs --production  minified, no source maps (what the .vsix and the npm package ship)
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(join(root, 'package.json'));
// `npm pack` and `npm publish` run `prepare` (this build): what they pack is the production build.
const production = process.argv.includes('--production') || ['pack', 'publish'].includes(process.env.npm_command);
const watch = process.argv.includes('--watch');

/** Entry point -> bundle name. The CLI entries are optional so the editor parts build on their own. */
const entries = [
  { source: 'client/src/extension.ts', bundle: 'extension', required: true },
  // dist/server.js, what clients start, loads the server bundle with a V8 code cache (see serverLoader.ts).
  { source: 'server/src/serverLoader.ts', bundle: 'server', required: true },
  { source: 'server/src/server.ts', bundle: 'server-main', required: true },
  { source: 'server/src/cli/main.ts', bundle: 'cli', required: false },
  { source: 'server/src/cli/worker.ts', bundle: 'cli-worker', required: false },
];

const wasmFiles = [
  require.resolve('web-tree-sitter/tree-sitter.wasm'),
  join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
];

const entryPoints = {};
for (const entry of entries) {
  const source = join(root, entry.source);
  if (existsSync(source)) entryPoints[entry.bundle] = source;
  else if (entry.required) throw new Error(`missing entry point ${entry.source}`);
}

mkdirSync(dist, { recursive: true });
const wasmNames = wasmFiles.map((wasm) => basename(wasm));
wasmFiles.forEach((wasm, index) => copyFileSync(wasm, join(dist, wasmNames[index])));

// `spawn-guard run` puts this folder (its sitecustomize.py, nothing else) first on the script's PYTHONPATH;
// cli/run/site-folder.ts looks for it beside the bundle.
// The notebook driver runs a notebook's cells in a Jupyter kernel (cli/run/site-folder.ts finds both).
const pythonFolders = ['spawn-guard-site', 'spawn-guard-notebook'];
for (const folder of pythonFolders) {
  rmSync(join(dist, folder), { recursive: true, force: true });
  cpSync(join(root, 'server', 'src', 'cli', 'run', folder), join(dist, folder), {
    recursive: true,
    filter: (source) => !source.includes('__pycache__'),
  });
}

/**
 * esbuild resolves an `import` with the package's "import" condition, which for web-tree-sitter is its ES
 * build; that one reads import.meta.url, which a CommonJS bundle does not have. Node's own `require`
 * resolution picks the CommonJS build.
 */
const commonJsWebTreeSitter = {
  name: 'commonjs-web-tree-sitter',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const options = {
  entryPoints,
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.82 (the engines floor) runs extensions on Node 18.
  target: 'node18',
  plugins: [commonJsWebTreeSitter],
  // Only the fallback lookup of the wasm in node_modules reads this; the build copies the wasm beside the bundle.
  external: ['vscode', 'tree-sitter-python/package.json'],
  // cli/version.ts: the version built in, so that no bundle reads package.json for it when it starts.
  define: { SPAWN_GUARD_VERSION: JSON.stringify(version) },
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
  console.log('esbuild: watching for changes');
} else {
  // esbuild has already printed the errors; a stack trace of the build script would only hide them.
  const result = await esbuild.build({ ...options, metafile: true }).catch(() => process.exit(1));
  // Only a successful build replaces dist/: stale files (a removed entry, old source maps) go now.
  const written = new Set([...Object.keys(result.metafile.outputs).map((file) => basename(file)), ...wasmNames, ...pythonFolders]);
  for (const name of readdirSync(dist)) if (!written.has(name)) rmSync(join(dist, name), { recursive: true, force: true });
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) console.log(`${file.padEnd(24)} ${(output.bytes / 1024).toFixed(0).padStart(6)} KiB`);
  }
}

// Writes package.json `contributes.configuration` from the settings schema in
// server/src/config/settings.ts, the single source of the `spawnGuard.*` settings.
//   node scripts/sync-package-json.mjs          rewrite package.json if it differs
//   node scripts/sync-package-json.mjs --check  exit 1 if it differs (used before packaging)
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageJsonPath = join(root, 'package.json');

/** The `contributes.configuration` object settings.ts describes. */
export async function expectedConfiguration() {
  const bundle = await build({
    entryPoints: [join(root, 'server/src/config/settings.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
  });
  const source = bundle.outputFiles[0].text;
  const settings = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
  return settings.configurationContribution();
}

async function main() {
  const check = process.argv.includes('--check');
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  const expected = await expectedConfiguration();
  if (isDeepStrictEqual(manifest.contributes?.configuration, expected)) return;
  if (check) {
    console.error('package.json contributes.configuration differs from server/src/config/settings.ts: run `npm run sync:package-json`');
    process.exit(1);
  }
  manifest.contributes = { ...manifest.contributes, configuration: expected };
  writeFileSync(packageJsonPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log('package.json contributes.configuration updated from server/src/config/settings.ts');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();

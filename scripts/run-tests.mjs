// Runs every compiled test file (out/test/**/*.test.js) in one `node --test` run, so CI reads one summary.
// `node scripts/run-tests.mjs unit` leaves out the real-editor tests (test/e2e).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const unitOnly = process.argv.includes('unit');
const root = 'out/test';

function collect(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return unitOnly && full === join(root, 'e2e') ? [] : collect(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

const files = collect(root).sort();
if (files.length === 0) {
  console.error(`no test files under ${root}: run 'npm run compile' first`);
  process.exit(1);
}
const extra = process.argv.slice(2).filter((arg) => arg !== 'unit');
const result = spawnSync(process.execPath, ['--test', ...extra, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);

// `npm run docs`: writes the rule reference (and the library spawner table) into README.md from their sources. `--check` only compares.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withSpawnersTable } from '../server/src/docs/readme-project';
import { withRulesSection } from '../server/src/docs/readme-rules';

const readmePath = path.resolve(__dirname, '..', '..', 'README.md');
const current = fs.readFileSync(readmePath, 'utf8');
const updated = withSpawnersTable(withRulesSection(current));
if (process.argv.includes('--check')) {
  if (updated !== current) {
    console.error('README.md rule reference is out of date: run `npm run docs`');
    process.exit(1);
  }
} else if (updated !== current) {
  fs.writeFileSync(readmePath, updated);
  console.log('README.md rule reference updated');
}

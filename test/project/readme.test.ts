import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { withSpawnersTable } from '../../server/src/docs/readme-project';
import { BUILT_IN_SPAWNERS } from '../../server/src/project/spawners';
import { REPO_ROOT } from '../helpers/paths';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

it('README spawner table matches the built-in table (npm run docs)', () => {
  assert.equal(readme, withSpawnersTable(readme));
});

it('every built-in spawner says how it was checked', () => {
  for (const spawner of BUILT_IN_SPAWNERS) assert.ok(spawner.evidence, spawner.name);
});

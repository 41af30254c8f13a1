import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { withRulesSection } from '../../server/src/docs/readme-rules';
import { REPO_ROOT } from '../helpers/paths';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

it('README rule reference matches the rule docs (npm run docs)', () => {
  assert.equal(readme, withRulesSection(readme));
});

it('README starts with the two quick-start commands', () => {
  const quickStart = /## Quick start\n\n```sh\n(.*)\n(.*)\n```/.exec(readme);
  assert.ok(quickStart, 'a Quick start section with one sh block');
  assert.deepEqual([quickStart[1], quickStart[2]], ['npm ci && npx spawn-guard check examples/', 'npm test']);
});

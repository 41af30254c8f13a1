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

it('README opens with Install (VS Code, command line, pre-commit, CI), then what it finds, with pictures', () => {
  const headings = [...readme.matchAll(/^## (.*)$/gm)].map((match) => match[1]);
  assert.deepEqual(headings.slice(0, 3), ['Quick start', 'Install', 'What it finds']);
  const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## What it finds'));
  for (const part of ['**VS Code.**', '.vsix', '**Command line.**', 'npx spawn-guard@', '**pre-commit.**', '**CI.**', 'docs/ci.md']) {
    assert.ok(install.includes(part), part);
  }
  const findings = readme.slice(readme.indexOf('## What it finds'), readme.indexOf('\n## ', readme.indexOf('## What it finds') + 3));
  const pictures = [...findings.matchAll(/!\[[^\]]+\]\((images\/[^)]+\.png)\)/g)].map((match) => match[1]);
  assert.ok(pictures.length >= 3, 'pictures of the squiggle and hover, the quick fix and the palette');
  for (const picture of pictures) assert.ok(fs.existsSync(path.join(REPO_ROOT, picture)), picture);
});

it('README links only to files that exist', () => {
  for (const [, target] of readme.matchAll(/\]\((?!https?:|#)([^)#\s]+)(?:#[^)]*)?\)/g)) {
    assert.ok(fs.existsSync(path.join(REPO_ROOT, target)), target);
  }
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../server/src/engine/catalog';
import { REPOSITORY_URL, ruleDocsPath, ruleDocsUrl } from '../../server/src/rules/docs-url';
import { docsChanges } from '../../scripts/update-docs';
import { REPO_ROOT } from '../helpers/paths';

const readPage = (code: string) => fs.readFileSync(path.join(REPO_ROOT, ruleDocsPath(code)), 'utf8');

describe('rule pages (docs/rules/, written by npm run docs)', () => {
  it('are up to date with the rule docs, one per rule in the registry, none for a removed rule', () => {
    const { write, remove } = docsChanges(REPO_ROOT);
    assert.deepEqual({ outOfDate: write.map(([file]) => file), stale: remove }, { outOfDate: [], stale: [] }, 'run `npm run docs`');
  });

  it('explain each rule with its example and fix, and link to CPython', () => {
    for (const rule of RULES) {
      const page = readPage(rule.code);
      for (const part of [
        `# ${rule.name} (${rule.code})`,
        rule.docs.example.bad.trimEnd(),
        rule.docs.example.good.trimEnd(),
        rule.docs.fix.trim(),
      ]) {
        assert.ok(page.includes(part), `${rule.code}: ${part.slice(0, 60)}`);
      }
      assert.match(rule.docs.url, /^https:\/\/docs\.python\.org\/3\//, rule.code);
      assert.ok(page.includes(`](${rule.docs.url})`), `${rule.code} links to ${rule.docs.url}`);
    }
  });

  it('are where diagnostics and the CLI link: the repository package.json names', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(manifest.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''), REPOSITORY_URL);
    for (const rule of RULES) assert.equal(ruleDocsUrl(rule.code), `${REPOSITORY_URL}/blob/main/docs/rules/${rule.code}.md`);
  });

  it('are linked from the README rule list', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const rule of RULES) assert.ok(readme.includes(`[${rule.code}](${ruleDocsPath(rule.code)})`), rule.code);
  });
});

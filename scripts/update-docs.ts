// `npm run docs`: writes what is generated from the rule docs in server/src/rules/ and the library
// spawner table in server/src/project/spawners.ts: the rule list and the spawner table in README.md,
// the rule pages in docs/rules/ (one per rule, and an index), and removes the pages of rules that no
// longer exist. `--check` writes nothing and exits 1 when anything is out of date.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withSpawnersTable } from '../server/src/docs/readme-project';
import { withRulesSection } from '../server/src/docs/readme-rules';
import { RULE_PAGES_DIR, rulePages } from '../server/src/docs/rule-pages';

export interface DocsChanges {
  /** Generated files (paths from the repository root) that are missing or differ, with their text. */
  write: [file: string, text: string][];
  /** Rule pages of codes the registry no longer has. */
  remove: string[];
}

/** What `npm run docs` would change in the repository at `root`. */
export function docsChanges(root: string): DocsChanges {
  const read = (file: string) => (fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), 'utf8') : undefined);
  const expected = new Map([['README.md', withSpawnersTable(withRulesSection(read('README.md') ?? ''))], ...rulePages()]);
  const pagesDir = path.join(root, RULE_PAGES_DIR);
  const existingPages = fs.existsSync(pagesDir) ? fs.readdirSync(pagesDir).map((name) => `${RULE_PAGES_DIR}/${name}`) : [];
  return {
    write: [...expected].filter(([file, text]) => read(file) !== text),
    remove: existingPages.filter((file) => /\/SPG\d+\.md$/.test(file) && !expected.has(file)),
  };
}

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const { write, remove } = docsChanges(root);
  if (process.argv.includes('--check')) {
    const wrong = [...write.map(([file]) => file), ...remove];
    if (wrong.length > 0) {
      console.error(`out of date (run \`npm run docs\`): ${wrong.join(', ')}`);
      process.exit(1);
    }
    return;
  }
  fs.mkdirSync(path.join(root, RULE_PAGES_DIR), { recursive: true });
  for (const [file, text] of write) {
    fs.writeFileSync(path.join(root, file), text);
    console.log(`${file} updated`);
  }
  for (const file of remove) {
    fs.rmSync(path.join(root, file));
    console.log(`${file} removed (no such rule)`);
  }
}

if (require.main === module) main();

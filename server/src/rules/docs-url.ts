/**
 * Where each rule's documentation page lives: `docs/rules/<CODE>.md` in the repository, written by
 * `npm run docs` from the rule's docs. Diagnostics (`codeDescription`), the CLI's JSON `url` and SARIF
 * `helpUri` link there; the page links on to CPython's documentation (`RuleDocs.url`).
 */

/** The repository, as package.json `repository` names it (test/docs checks they agree). */
export const REPOSITORY_URL = 'https://github.com/spawn-guard/spawn-guard';

/** The page's path in the repository, from its root. */
export function ruleDocsPath(code: string): string {
  return `docs/rules/${code}.md`;
}

/** The page's address on the repository's default branch. */
export function ruleDocsUrl(code: string): string {
  return `${REPOSITORY_URL}/blob/main/${ruleDocsPath(code)}`;
}

import { ruleDocsPath } from '../rules/docs-url';
import { rulesTable } from './rule-pages';

export const README_RULES_START = '<!-- rules:start -->';
export const README_RULES_END = '<!-- rules:end -->';

/** The README's rule list: a table whose codes link to the rule pages in docs/rules/. Written by `npm run docs`. */
export function readmeRulesSection(): string {
  return [
    README_RULES_START,
    '<!-- Generated from the rule docs in server/src/rules/ by `npm run docs`; edit them, not this. -->',
    '',
    ...rulesTable(ruleDocsPath),
    '',
    README_RULES_END,
  ].join('\n');
}

/** `readme` with its rule list replaced by the current one. */
export function withRulesSection(readme: string): string {
  const start = readme.indexOf(README_RULES_START);
  const end = readme.indexOf(README_RULES_END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${README_RULES_START} and ${README_RULES_END}`);
  return readme.slice(0, start) + readmeRulesSection() + readme.slice(end + README_RULES_END.length);
}

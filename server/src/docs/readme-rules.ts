import { RULES } from '../engine/catalog';
import { formatRuleDocs } from './rule-docs';

export const README_RULES_START = '<!-- rules:start -->';
export const README_RULES_END = '<!-- rules:end -->';

/** The README's rule reference: a table, then every rule's docs. Written by `npm run docs`. */
export function readmeRulesSection(): string {
  const table = [
    '| code | name | default severity | what it reports |',
    '| --- | --- | --- | --- |',
    ...RULES.map(
      (rule) =>
        `| [${rule.code}](#${anchor(rule.name, rule.code)}) | \`${rule.name}\` | ${rule.defaultSeverity} | ${rule.docs.summary.replace(/\|/g, '\\|')} |`,
    ),
  ];
  return [
    README_RULES_START,
    '<!-- Generated from the rule docs in server/src/rules/ by `npm run docs`; edit them, not this. -->',
    '',
    '## Rules',
    '',
    ...table,
    '',
    ...RULES.map((rule) => formatRuleDocs(rule, 3)),
    README_RULES_END,
  ].join('\n');
}

/** `readme` with its rule reference replaced by the current one. */
export function withRulesSection(readme: string): string {
  const start = readme.indexOf(README_RULES_START);
  const end = readme.indexOf(README_RULES_END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${README_RULES_START} and ${README_RULES_END}`);
  return readme.slice(0, start) + readmeRulesSection() + readme.slice(end + README_RULES_END.length);
}

/** GitHub's heading anchor for `### name (CODE)`. */
function anchor(name: string, code: string): string {
  return `${name} (${code})`
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

import { RULES } from '../engine/catalog';
import { ruleDocsPath } from '../rules/docs-url';
import type { Rule } from '../rules/rule';
import { formatRuleDocs } from './rule-docs';

/** The folder of the rule pages, from the repository root; `npm run docs` owns its `SPG*.md` files and README.md. */
export const RULE_PAGES_DIR = 'docs/rules';
export const RULE_PAGES_INDEX = `${RULE_PAGES_DIR}/README.md`;

const GENERATED_NOTE = '<!-- Generated from the rule docs in server/src/rules/ by `npm run docs`; edit them, not this. -->';

/**
 * Every rule's page (`docs/rules/<CODE>.md`, what diagnostics and the CLI link to) and the folder's index,
 * keyed by path from the repository root. Every rule in the registry gets one, so a new rule is
 * documented by running `npm run docs`.
 */
export function rulePages(): Map<string, string> {
  const pages = new Map<string, string>();
  for (const rule of RULES) pages.set(ruleDocsPath(rule.code), rulePage(rule));
  pages.set(RULE_PAGES_INDEX, rulePagesIndex());
  return pages;
}

function rulePage(rule: Rule): string {
  return [
    GENERATED_NOTE,
    '',
    formatRuleDocs(rule, 1).trimEnd(),
    '',
    '## Turning it off',
    '',
    `On one line: \`# noqa: ${rule.code}\`. In a whole file: \`# spawn-guard: noqa: ${rule.code}\` in its first 10 lines.`,
    `In a project: \`ignore = ["${rule.code}"]\` under \`[tool.spawn-guard]\` in \`pyproject.toml\` (see the`,
    '[README](../../README.md)).',
    '',
    `[All rules](README.md)`,
    '',
  ].join('\n');
}

function rulePagesIndex(): string {
  return [GENERATED_NOTE, '', '# Rules', '', ...rulesTable((code) => `${code}.md`), ''].join('\n');
}

/** A Markdown table of every rule; `link(code)` is where each code points. */
export function rulesTable(link: (code: string) => string): string[] {
  return [
    '| code | name | default severity | what it reports |',
    '| --- | --- | --- | --- |',
    ...RULES.map(
      (rule) =>
        `| [${rule.code}](${link(rule.code)}) | \`${rule.name}\` | ${rule.defaultSeverity} | ${rule.docs.summary.replace(/\|/g, '\\|')} |`,
    ),
  ];
}

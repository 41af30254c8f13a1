import { FIX_PROVIDERS } from '../fixes/registry';
import { NOTEBOOK_FIX_CODES } from '../notebook/fix-notebook';
import type { Rule } from '../rules/rule';

/**
 * A rule's documentation as Markdown: the one rendering of the rule docs that `spawn-guard rule`, SARIF
 * help, the editor hover and the README's rule reference all show.
 * `headingLevel` is the level of the rule's own heading (1 for a page of its own, deeper when embedded);
 * `'bold'` sets the headings in bold instead, for a hover, where headings would be too loud.
 */
export function formatRuleDocs(rule: Rule, headingLevel: number | 'bold' = 1): string {
  const heading = (level: number, text: string) =>
    headingLevel === 'bold' ? `**${text}**` : `${'#'.repeat(Math.min(6, headingLevel + level))} ${text}`;
  const fixable = FIX_PROVIDERS.some((provider) => provider.codes.includes(rule.code)) || NOTEBOOK_FIX_CODES.includes(rule.code);
  return [
    heading(0, `${rule.name} (${rule.code})`),
    '',
    `Default severity: ${rule.defaultSeverity}. ${fixable ? 'An automatic fix is available.' : 'No automatic fix.'}`,
    '',
    rule.docs.summary,
    '',
    heading(1, 'Why'),
    '',
    rule.docs.explanation.trim(),
    '',
    heading(1, 'Example'),
    '',
    fenced(rule.docs.example.bad),
    '',
    'Use instead:',
    '',
    fenced(rule.docs.example.good),
    '',
    heading(1, 'Fix'),
    '',
    rule.docs.fix.trim(),
    '',
    `See: [CPython documentation](${rule.docs.url})`,
    '',
  ].join('\n');
}

/** A Python code block whose fence is longer than any backtick run inside, so the code cannot close it. */
function fenced(code: string): string {
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}python\n${code.trimEnd()}\n${fence}`;
}

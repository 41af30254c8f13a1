import { FIX_PROVIDERS } from '../fixes/registry';
import type { Rule } from '../rules/rule';

/** A rule's documentation as Markdown, for `spawn-guard rule` and SARIF help (like `ruff rule`). */
export function formatRuleDocs(rule: Rule): string {
  const fixable = FIX_PROVIDERS.some((provider) => provider.codes.includes(rule.code));
  return [
    `# ${rule.name} (${rule.code})`,
    '',
    `Default severity: ${rule.defaultSeverity}. ${fixable ? 'An automatic fix is available (`spawn-guard check --fix`).' : 'No automatic fix.'}`,
    '',
    rule.docs.summary,
    '',
    '## Why',
    '',
    rule.docs.explanation.trim(),
    '',
    '## Example',
    '',
    '```python',
    rule.docs.example.bad.trimEnd(),
    '```',
    '',
    'Use instead:',
    '',
    '```python',
    rule.docs.example.good.trimEnd(),
    '```',
    '',
    '## Fix',
    '',
    rule.docs.fix.trim(),
    '',
    `See: ${rule.docs.url}`,
    '',
  ].join('\n');
}

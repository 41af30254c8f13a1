import type { Analysis } from '../analysis/analyze';
import type { PythonParser } from '../analysis/parser';
import type { Finding, Fix } from '../analysis/types';
import { applyEdits } from './edits';
import type { FixProvider } from './fix';

/** Every fix provider. One file per fix; keyed by the rule codes each one handles. */
export const FIX_PROVIDERS: readonly FixProvider[] = [];

/** The fixes offered for `finding`: only those whose result still parses. Files with syntax errors get none. */
export function fixesFor(analysis: Analysis, finding: Finding, parser: PythonParser): Fix[] {
  if (analysis.tree.rootNode.hasError) return [];
  const fixes: Fix[] = [];
  for (const provider of FIX_PROVIDERS) {
    if (!provider.codes.includes(finding.code)) continue;
    const proposed = provider.provide({ analysis, parser }, finding);
    if (!proposed || proposed.edits.length === 0) continue;
    if (!parsesCleanly(parser, applyEdits(analysis.text, proposed.edits))) continue;
    fixes.push({ id: provider.id, ...proposed });
  }
  return fixes;
}

export function parsesCleanly(parser: PythonParser, text: string): boolean {
  const tree = parser.parse(text);
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

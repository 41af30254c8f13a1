import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { Finding } from '../rules/types';
import type { Position, Range } from '../text/types';
import { formatRuleDocs } from '../docs/rule-docs';
import { ruleByCode } from '../engine/catalog';

/**
 * The hover for `position`: for each finding whose range holds it, the rule's explanation and its example,
 * from the same rule docs the README is written from. Null when no finding is there.
 */
export function hoverAt(findings: readonly Finding[], position: Position): Hover | null {
  const here = findings.filter((finding) => contains(finding.range, position));
  if (here.length === 0) return null;
  const seen = new Set<string>();
  const sections: string[] = [];
  for (const finding of here) {
    if (seen.has(finding.code)) continue;
    seen.add(finding.code);
    sections.push(ruleMarkdown(finding));
  }
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
    range: here[0].range,
  };
}

function ruleMarkdown(finding: Finding): string {
  const rule = ruleByCode(finding.code);
  return rule ? formatRuleDocs(rule, 'bold') : `**${finding.code}** ${finding.message}`;
}

function contains(range: Range, position: Position): boolean {
  const afterStart =
    position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

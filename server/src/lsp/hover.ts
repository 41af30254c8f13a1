import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { Finding, Position, Range } from '../analysis/types';
import { ruleByCode } from '../rules/registry';

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

export function ruleMarkdown(finding: Finding): string {
  const rule = ruleByCode(finding.code);
  if (!rule) return `**${finding.code}** ${finding.message}`;
  const { docs } = rule;
  return [
    `**${rule.code} ${rule.name}**: ${docs.summary}`,
    docs.explanation,
    '**Example**',
    fenced(docs.example.bad),
    '**Fixed**',
    fenced(docs.example.good),
    docs.fix,
    `[CPython documentation](${docs.url})`,
  ].join('\n\n');
}

function fenced(code: string): string {
  // A fence longer than any backtick run inside the example, so the example cannot close it early.
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}python\n${code.replace(/\s+$/, '')}\n${fence}`;
}

function contains(range: Range, position: Position): boolean {
  const afterStart =
    position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd =
    position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

import { applyEdits } from '../fixes/edits';
import { disableRuleEdit } from '../fixes/noqa-comment';
import { ParsedDocument } from '../syntax/document';
import type { PythonParser } from '../syntax/parser';
import type { TextEdit } from '../text/types';
import type { ReportedFinding } from './report';
import { readSource, SourceError, writeSource } from './source';

export interface NoqaResult {
  /** `# noqa` comments added or extended. */
  added: number;
  /** Lines with findings that cannot take a comment (inside a multi-line string, after a `\`). */
  skippedLines: number[];
  /** A notebook: left as it is (its cells are JSON strings). */
  notebook?: boolean;
}

/**
 * --add-noqa: silences the findings of `file` with `# noqa: CODE` comments on their lines (an existing
 * `# noqa: …` is extended, its codes kept), to baseline a codebase. The result is parsed before it is
 * written: a file that would parse worse is not touched. Throws SourceError.
 */
export function addNoqa(parser: PythonParser, file: string, findings: readonly ReportedFinding[]): NoqaResult {
  if (findings.some((finding) => finding.cell !== undefined)) return { added: 0, skippedLines: [], notebook: true };
  const codesByRow = new Map<number, Set<string>>();
  for (const finding of findings) {
    if (!/^SPG\d+$/.test(finding.code)) continue;
    const codes = codesByRow.get(finding.noqa_row) ?? new Set<string>();
    codesByRow.set(finding.noqa_row, codes.add(finding.code));
  }
  if (codesByRow.size === 0) return { added: 0, skippedLines: [] };
  const source = readSource(file);
  const document = new ParsedDocument(parser, source.text);
  const edits: TextEdit[] = [];
  const skippedLines: number[] = [];
  try {
    for (const [row, codes] of [...codesByRow].sort((a, b) => a[0] - b[0])) {
      const edit = disableRuleEdit(document, row - 1, [...codes].sort().join(', '));
      if (edit) edits.push(edit);
      else skippedLines.push(row);
    }
  } finally {
    document.dispose();
  }
  if (edits.length === 0) return { added: 0, skippedLines };
  const text = applyEdits(source.text, edits);
  const before = parser.parse(source.text);
  const after = parser.parse(text);
  try {
    if (after.rootNode.hasError && !before.rootNode.hasError)
      throw new SourceError(file, 'not changed: the noqa comments would break its syntax');
  } finally {
    before.delete();
    after.delete();
  }
  writeSource(source, text);
  return { added: edits.length, skippedLines };
}

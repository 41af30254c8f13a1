import type { ParsedDocument } from '../syntax/document';
import type { TextEdit } from '../text/types';

/** `# noqa: A1, B2` (flake8 and ruff style: codes separated by commas or spaces). */
const NOQA_WITH_CODES = /#\s*noqa\s*:\s*[A-Z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Z]+[0-9]+)*/i;
const BARE_NOQA = /#\s*noqa(?!\s*:)/i;

/**
 * The edit that silences `code` on `line` (0-based): extends the line's `# noqa: …` comment with the
 * code, or appends `  # noqa: CODE` after the code on that line (after any comment already there).
 * Null when the line cannot take a trailing comment (it ends inside a multi-line string or with a `\`
 * line continuation) or is already silenced.
 */
export function disableRuleEdit(document: ParsedDocument, line: number, code: string): TextEdit | null {
  const { text, lineStarts } = document;
  if (line < 0 || line >= lineStarts.length) return null;
  const lineStart = lineStarts[line];
  const lineEnd = document.offsetAt({ line, character: Number.MAX_SAFE_INTEGER });
  const contentEnd = lineStart + text.slice(lineStart, lineEnd).trimEnd().length;
  if (contentEnd === lineStart) return null;

  const root = document.readTree().rootNode;
  const last = root.descendantForIndex(contentEnd - 1);
  if (last?.type === 'comment' && last.startIndex >= lineStart) {
    const comment = last.text;
    const withCodes = NOQA_WITH_CODES.exec(comment);
    if (withCodes) {
      const listed = withCodes[0].slice(withCodes[0].indexOf(':') + 1).split(/[\s,]+/);
      if (listed.some((listedCode) => listedCode.toUpperCase() === code.toUpperCase())) return null;
      return insertAt(document, last.startIndex + withCodes.index + withCodes[0].length, `, ${code}`);
    }
    if (BARE_NOQA.test(comment)) return null;
    return insertAt(document, contentEnd, `  # noqa: ${code}`);
  }

  if (text.charCodeAt(contentEnd - 1) === 92 /* \ */) return null;
  for (let node = last; node; node = node.parent) {
    // A string token that goes on past the line: a comment here would be text inside it.
    if (node.type === 'string' && node.endIndex > lineEnd) return null;
  }
  return insertAt(document, contentEnd, `  # noqa: ${code}`);
}

function insertAt(document: ParsedDocument, offset: number, newText: string): TextEdit {
  const position = document.positionAt(offset);
  return { range: { start: position, end: position }, newText };
}

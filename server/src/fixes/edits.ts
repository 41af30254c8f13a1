import { computeLineStarts, offsetAt } from '../analysis/document';
import type { TextEdit } from '../analysis/types';

/** Applies non-overlapping edits (LSP ranges on `text`) and returns the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = computeLineStarts(text);
  const spans = edits
    .map((edit) => ({
      start: offsetAt(text, lineStarts, edit.range.start),
      end: offsetAt(text, lineStarts, edit.range.end),
      newText: edit.newText,
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let cursor = 0;
  for (const span of spans) {
    if (span.start < cursor) throw new Error('overlapping text edits');
    result += text.slice(cursor, span.start) + span.newText;
    cursor = span.end;
  }
  return result + text.slice(cursor);
}

import { diffArrays } from 'diff';
import { computeLineStarts, offsetAt, positionAt } from '../text/lineIndex';
import type { TextEdit } from '../text/types';

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

/**
 * The smallest set of edits (by lines, each then trimmed to the characters that differ) that turns
 * `before` into `after`. Fixes build the text they want and let this say what changed, so an editor
 * moves its markers, folds and cursor only where the fix really touched the file.
 */
export function editsBetween(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const { oldLines, newLines, hunks } = lineDiff(before, after);
  const oldStarts = lineOffsets(oldLines);
  const newStarts = lineOffsets(newLines);
  const lineStarts = computeLineStarts(before);
  const edits: TextEdit[] = [];
  for (const hunk of hunks) {
    const trimmed = trimCommonEnds(
      before,
      oldStarts[hunk.oldStart],
      oldStarts[hunk.oldEnd],
      after.slice(newStarts[hunk.newStart], newStarts[hunk.newEnd]),
    );
    edits.push({
      range: {
        start: positionAt(lineStarts, trimmed.start, before.length),
        end: positionAt(lineStarts, trimmed.end, before.length),
      },
      newText: trimmed.newText,
    });
  }
  return edits;
}

/** Two texts as lines (each with its line break) and the runs of lines that differ between them, in order. */
export function lineDiff(before: string, after: string): { oldLines: string[]; newLines: string[]; hunks: LineHunk[] } {
  const oldLines = splitKeepingBreaks(before);
  const newLines = splitKeepingBreaks(after);
  return { oldLines, newLines, hunks: diffSequences(oldLines, newLines) };
}

/** Lines with their breaks (`\n`, `\r\n`, lone `\r`); the last may have none. */
function splitKeepingBreaks(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

function lineOffsets(lines: readonly string[]): number[] {
  const offsets = [0];
  for (const line of lines) offsets.push(offsets[offsets.length - 1] + line.length);
  return offsets;
}

/** Lines [oldStart, oldEnd) of the old text are replaced by lines [newStart, newEnd) of the new one (0-based). */
export interface LineHunk {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/**
 * The line diff's budget: Myers' algorithm costs about (lines × differences), which is quadratic when a
 * fix re-indents a whole script. Past this many line comparisons the differing middle becomes one hunk.
 */
const DIFF_BUDGET = 4_000_000;

/** Runs of differing lines between two line sequences. */
function diffSequences(oldLines: string[], newLines: string[]): LineHunk[] {
  // The common head and tail cost nothing to find and are most of a typical fix's text.
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head++;
  let tail = 0;
  while (
    tail < oldLines.length - head &&
    tail < newLines.length - head &&
    oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]
  )
    tail++;
  const oldMiddle = oldLines.slice(head, oldLines.length - tail);
  const newMiddle = newLines.slice(head, newLines.length - tail);
  if (oldMiddle.length === 0 && newMiddle.length === 0) return [];
  const size = oldMiddle.length + newMiddle.length;
  const changes = diffArrays(oldMiddle, newMiddle, { maxEditLength: Math.max(64, Math.floor(DIFF_BUDGET / size)) });
  if (!changes) return [{ oldStart: head, oldEnd: head + oldMiddle.length, newStart: head, newEnd: head + newMiddle.length }];
  const hunks: LineHunk[] = [];
  let oldCursor = head;
  let newCursor = head;
  let open: LineHunk | undefined;
  for (const change of changes) {
    const count = change.count ?? change.value.length;
    if (!change.added && !change.removed) {
      if (open) hunks.push(open);
      open = undefined;
      oldCursor += count;
      newCursor += count;
      continue;
    }
    open ??= { oldStart: oldCursor, oldEnd: oldCursor, newStart: newCursor, newEnd: newCursor };
    if (change.removed) open.oldEnd = oldCursor += count;
    else open.newEnd = newCursor += count;
  }
  if (open) hunks.push(open);
  return hunks;
}

/**
 * Narrows the replacement of `before[start, end)` by `newText` to the characters that differ, never
 * splitting a `\r\n` pair or a surrogate pair (an LSP position cannot point between them).
 */
function trimCommonEnds(before: string, start: number, end: number, newText: string): { start: number; end: number; newText: string } {
  let head = 0;
  const limit = Math.min(end - start, newText.length);
  while (head < limit && before.charCodeAt(start + head) === newText.charCodeAt(head)) head++;
  while (head > 0 && splitsPair(before, start + head)) head--;
  let tail = 0;
  while (tail < limit - head && before.charCodeAt(end - 1 - tail) === newText.charCodeAt(newText.length - 1 - tail)) tail++;
  while (tail > 0 && splitsPair(before, end - tail)) tail--;
  return { start: start + head, end: end - tail, newText: newText.slice(head, newText.length - tail) };
}

function splitsPair(text: string, offset: number): boolean {
  const previous = text.charCodeAt(offset - 1);
  const next = text.charCodeAt(offset);
  return (previous === 13 && next === 10) || (previous >= 0xd800 && previous <= 0xdbff && next >= 0xdc00 && next <= 0xdfff);
}

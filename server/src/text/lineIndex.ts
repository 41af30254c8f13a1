import type { Position } from './types';

/** Offsets where each line starts. A line ends at \n, \r\n or a lone \r, as in LSP and tree-sitter. */
export function computeLineStarts(text: string): number[] {
  return scanLineStarts(text, 0, text.length, [0]);
}

/** Appends to `starts` the start of every line that begins after a line break found in text[from, to). */
function scanLineStarts(text: string, from: number, to: number, starts: number[]): number[] {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * The line starts of `text`, which is the text `lineStarts` belonged to with [start, end) replaced by
 * `insertedLength` code units, updated in place (and returned). Only the lines around the edit are
 * scanned again: a keystroke in a large file must not cost a scan of the whole text, nor a new array.
 * Equal to computeLineStarts(text) (a property test checks).
 */
export function updateLineStarts(lineStarts: number[], text: string, start: number, end: number, insertedLength: number): number[] {
  const delta = insertedLength - (end - start);
  // Rescan from the start of the line before the edit: a \r just before `start` may pair with an inserted \n.
  const line = Math.max(0, lineIndexAt(lineStarts, start) - 1);
  // Up to two units past the inserted text: an inserted \r may pair with a \n that follows it.
  const scanEnd = Math.min(text.length, start + insertedLength + 2);
  const scanned = scanLineStarts(text, lineStarts[line], scanEnd, []);
  const lastScanned = scanned.length > 0 ? scanned[scanned.length - 1] : lineStarts[line];
  // Later line breaks are untouched: their starts move by the length difference. They are the entries
  // from the first one after the edit that lands past the rescanned part (the tests only grow along the array).
  let kept = line + 1;
  while (
    kept < lineStarts.length &&
    !(lineStarts[kept] > end && lineStarts[kept] + delta > lastScanned && lineStarts[kept] + delta > scanEnd)
  )
    kept++;
  for (let index = kept; index < lineStarts.length; index++) lineStarts[index] += delta;
  const replaced = kept - (line + 1);
  // Typing within a line replaces as many line starts as it removes: no splice (which copies the array).
  if (replaced === scanned.length) for (let index = 0; index < replaced; index++) lineStarts[line + 1 + index] = scanned[index];
  else lineStarts.splice(line + 1, replaced, ...scanned);
  return lineStarts;
}

/** The index of the line holding `offset` (the last line start at or before it). */
export function lineIndexAt(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * LSP position to offset, clamped as LSP specifies: a character past the end of its line means the end
 * of the line (before its line break), a line past the end means the end of the text. Never throws.
 */
export function offsetAt(text: string, lineStarts: number[], position: Position): number {
  if (position.line < 0) return 0;
  if (position.line >= lineStarts.length) return text.length;
  const lineStart = lineStarts[position.line];
  let lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : text.length;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 10) lineEnd--;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  return lineStart + Math.max(0, Math.min(position.character, lineEnd - lineStart));
}

export function positionAt(lineStarts: number[], offset: number, textLength: number): Position {
  const clamped = Math.max(0, Math.min(offset, textLength));
  const line = lineIndexAt(lineStarts, clamped);
  return { line, character: clamped - lineStarts[line] };
}

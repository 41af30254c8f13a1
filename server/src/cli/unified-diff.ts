import { lineDiff, type LineHunk } from '../fixes/edits';

const CONTEXT = 3;

/**
 * `before` -> `after` as a unified diff (`--- name` / `+++ name`, hunks with 3 lines of context), as
 * `diff -u` and `git apply` read it. Built on the fixes' line diff, whose cost stays linear when a fix
 * re-indents a whole script (the `diff` package's patch writer is quadratic there).
 */
export function unifiedDiff(name: string, before: string, after: string): string {
  if (before === after) return '';
  const { oldLines, newLines, hunks } = lineDiff(before, after);
  let text = `--- ${name}\n+++ ${name}\n`;
  for (const group of groupHunks(hunks)) {
    const first = group[0];
    const last = group[group.length - 1];
    const oldStart = Math.max(0, first.oldStart - CONTEXT);
    const newStart = Math.max(0, first.newStart - CONTEXT);
    const oldEnd = Math.min(oldLines.length, last.oldEnd + CONTEXT);
    const newEnd = Math.min(newLines.length, last.newEnd + CONTEXT);
    text += `@@ -${range(oldStart, oldEnd)} +${range(newStart, newEnd)} @@\n`;
    let oldCursor = oldStart;
    for (const hunk of group) {
      for (; oldCursor < hunk.oldStart; oldCursor++) text += patchLine(' ', oldLines[oldCursor]);
      for (let line = hunk.oldStart; line < hunk.oldEnd; line++) text += patchLine('-', oldLines[line]);
      for (let line = hunk.newStart; line < hunk.newEnd; line++) text += patchLine('+', newLines[line]);
      oldCursor = hunk.oldEnd;
    }
    for (; oldCursor < oldEnd; oldCursor++) text += patchLine(' ', oldLines[oldCursor]);
  }
  return text;
}

/** Hunks whose context would touch or overlap are printed as one. */
function groupHunks(hunks: readonly LineHunk[]): LineHunk[][] {
  const groups: LineHunk[][] = [];
  for (const hunk of hunks) {
    const group = groups[groups.length - 1];
    if (group && hunk.oldStart - group[group.length - 1].oldEnd <= 2 * CONTEXT) group.push(hunk);
    else groups.push([hunk]);
  }
  return groups;
}

/** `start,count` with a 1-based start; an empty range names the line before it, as diff does. */
function range(start: number, end: number): string {
  const count = end - start;
  return `${count === 0 ? start : start + 1},${count}`;
}

/**
 * One diff line: the marker and the line (a `\r` before its `\n` kept, as `diff` keeps it), and the
 * marker for a last line without a line break.
 */
function patchLine(marker: string, line: string): string {
  return line.endsWith('\n') ? `${marker}${line}` : `${marker}${line}\n\\ No newline at end of file\n`;
}

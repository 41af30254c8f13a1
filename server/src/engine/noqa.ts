import type { SyntaxNode } from '../syntax/syntaxNode';
import { computeLineStarts } from '../text/lineIndex';

/** `'all'` for a bare noqa, else the set of codes named. */
export type NoqaCodes = 'all' | Set<string>;

// Codes of any tool may be listed (`# noqa: E501, SPG001`): only the named ones are silenced, and a
// list without an SPG code silences nothing here. A bare `# noqa` (or one with no codes) silences all.
const LINE_NOQA = /#\s*noqa(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?/gi;
const FILE_NOQA = /^\s*#\s*spawn-guard:\s*noqa(?::\s*(SPG\d+(?:\s*,\s*SPG\d+)*))?\s*$/i;
/** How many lines at the top of a file may hold `# spawn-guard: noqa`. */
export const FILE_NOQA_LINES = 10;

/** Codes silenced for the whole file by `# spawn-guard: noqa[: SPG00x, …]` in its first lines. */
export function fileNoqa(text: string): NoqaCodes {
  const head = text.slice(0, 4096).split(/\r\n|\r|\n/, FILE_NOQA_LINES);
  const codes = new Set<string>();
  for (const line of head) {
    const match = FILE_NOQA.exec(line);
    if (!match) continue;
    if (!match[1]) return 'all';
    for (const code of parseCodes(match[1])) codes.add(code);
  }
  return codes;
}

/** Whether two texts silence the same codes for the whole file (a fix must not move `# spawn-guard: noqa` out of the first lines, or into them). */
export function sameFileNoqa(before: string, after: string): boolean {
  const a = fileNoqa(before);
  const b = fileNoqa(after);
  if (a === 'all' || b === 'all') return a === b;
  return a.size === b.size && [...a].every((code) => b.has(code));
}

/** Codes silenced on `line` (0-based) by a `# noqa` comment; undefined when there is none. */
export function lineNoqa(root: SyntaxNode, text: string, line: number): NoqaCodes | undefined {
  const lineStarts = computeLineStarts(text);
  if (line < 0 || line >= lineStarts.length) return undefined;
  return noqaBetween(root, text, lineStarts[line], line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length);
}

/**
 * Codes silenced on the line that holds `offset`; undefined when there is none. Reads only that line
 * (an analysis asks for each finding, and a keystroke must not cost a pass over the whole text).
 */
export function noqaOnLineOf(root: SyntaxNode, text: string, offset: number): NoqaCodes | undefined {
  let start = Math.min(offset, text.length);
  while (start > 0 && !isLineBreak(text.charCodeAt(start - 1))) start--;
  let end = start;
  while (end < text.length && !isLineBreak(text.charCodeAt(end))) end++;
  return noqaBetween(root, text, start, end);
}

/** \n or \r: an LSP line ends at either (and at \r\n). */
function isLineBreak(code: number): boolean {
  return code === 10 || code === 13;
}

function noqaBetween(root: SyntaxNode, text: string, start: number, end: number): NoqaCodes | undefined {
  const lineText = text.slice(start, end);
  let result: NoqaCodes | undefined;
  for (const match of lineText.matchAll(LINE_NOQA)) {
    // Only a real comment counts, not `# noqa` inside a string.
    const at = root.descendantForIndex(start + match.index!);
    if (at?.type !== 'comment') continue;
    if (!match[1]) return 'all';
    result ??= new Set();
    for (const code of parseCodes(match[1])) (result as Set<string>).add(code);
  }
  return result;
}

function parseCodes(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .map((code) => code.toUpperCase())
    .filter(Boolean);
}

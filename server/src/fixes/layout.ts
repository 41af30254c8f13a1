import type { SyntaxNode } from '../syntax/syntaxNode';

/** One physical line: `text.slice(start, end)` is its content, `text.slice(end, next)` its line break. */
export interface SourceLine {
  start: number;
  end: number;
  next: number;
}

const DEFAULT_INDENT = '    ';
const COMMENT_LINE = /^[ \t\f]*#/;
const CELL_MARKER = /^#\s*%%/;
const BLANK_LINE = /^[ \t\f]*$/;
const LEADING_WHITESPACE = /^[ \t\f]*/;

/**
 * The physical layout of a Python file as the fixes need it to write code the way the file does: its
 * lines, line-break style, indentation unit, and the lines that lie inside multi-line strings (whose
 * indentation is part of a value and must never change).
 */
export class SourceLayout {
  readonly lines: SourceLine[];
  /** The file's line break (its first one), used for every line a fix adds. */
  readonly eol: string;
  /** One level of indentation as the file writes it: a tab, or the most common width in spaces. */
  readonly indentUnit: string;
  private readonly frozenLines: Set<number>;

  constructor(
    readonly text: string,
    root: SyntaxNode,
  ) {
    this.lines = splitLines(text);
    this.eol = detectEol(text);
    this.frozenLines = linesInsideStrings(root);
    this.indentUnit = detectIndentUnit(root, this);
  }

  get lineCount(): number {
    return this.lines.length;
  }

  content(line: number): string {
    const { start, end } = this.lines[line];
    return this.text.slice(start, end);
  }

  /** The line's break, or the file's line break for a last line that has none. */
  terminator(line: number): string {
    const { end, next } = this.lines[line];
    return next > end ? this.text.slice(end, next) : this.eol;
  }

  /** True when the file's last line ends with a line break. */
  get endsWithLineBreak(): boolean {
    const last = this.lines[this.lines.length - 1];
    return last.start === last.end && this.lines.length > 1;
  }

  isBlank(line: number): boolean {
    return !this.frozenLines.has(line) && BLANK_LINE.test(this.content(line));
  }

  /** A line holding nothing but a comment (not a `#` inside a multi-line string). */
  isCommentOnly(line: number): boolean {
    return !this.frozenLines.has(line) && COMMENT_LINE.test(this.content(line));
  }

  /**
   * A cell marker of a `# %%` script (VS Code's Interactive Window, Jupytext, Spyder): `# %%` at the start
   * of a line. It heads the cell below it rather than the statement below it, so it never moves with one.
   */
  isCellMarker(line: number): boolean {
    return !this.frozenLines.has(line) && CELL_MARKER.test(this.content(line));
  }

  /** Leading whitespace of a line. */
  indentation(line: number): string {
    return LEADING_WHITESPACE.exec(this.content(line))![0];
  }

  /** True when the line starts inside a multi-line string, so its leading whitespace is string content. */
  isInsideString(line: number): boolean {
    return this.frozenLines.has(line);
  }

  /**
   * Lines `first..last` (inclusive) re-indented: `remove` leading whitespace characters are dropped
   * (at most what the line has) and `add` is prefixed. Blank lines become empty; lines inside
   * multi-line strings are copied unchanged. Each line keeps its own line break; the result ends with one.
   */
  reindent(first: number, last: number, remove: number, add: string): string {
    let out = '';
    for (let line = first; line <= last; line++) {
      const content = this.content(line);
      if (this.frozenLines.has(line)) out += content;
      else if (BLANK_LINE.test(content)) out += '';
      else {
        const strip = Math.min(remove, LEADING_WHITESPACE.exec(content)![0].length);
        out += add + content.slice(strip);
      }
      out += this.terminator(line);
    }
    return out;
  }

  /** Lines `first..last` exactly as they are, each with its line break. */
  verbatim(first: number, last: number): string {
    if (first > last) return '';
    const lastLine = this.lines[last];
    const end = lastLine.next > lastLine.end ? lastLine.next : lastLine.end;
    return this.text.slice(this.lines[first].start, end) + (lastLine.next > lastLine.end ? '' : this.eol);
  }
}

/** Lines split at \n, \r\n or a lone \r (as Python, LSP and the parser count them). */
export function splitLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    const end = i;
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    lines.push({ start, end, next: i + 1 });
    start = i + 1;
  }
  lines.push({ start, end: text.length, next: text.length });
  return lines;
}

function detectEol(text: string): string {
  const match = /\r\n|\r|\n/.exec(text);
  return match ? match[0] : '\n';
}

/** Rows whose start lies inside a string literal that spans several lines. */
function linesInsideStrings(root: SyntaxNode): Set<number> {
  const rows = new Set<number>();
  const visit = (node: SyntaxNode): void => {
    if (node.startPosition.row === node.endPosition.row) return;
    if (node.type === 'string') {
      for (let row = node.startPosition.row + 1; row <= node.endPosition.row; row++) rows.add(row);
      return;
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return rows;
}

/**
 * The indentation step the file uses: for every block, the extra leading whitespace of its first line
 * over its parent statement's line. A tab if the file indents with tabs, else the most common width.
 */
function detectIndentUnit(root: SyntaxNode, layout: SourceLayout): string {
  const widths = new Map<number, number>();
  let tabs = 0;
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'block' && node.parent && node.startPosition.row > node.parent.startPosition.row) {
      const outer = layout.indentation(node.parent.startPosition.row);
      const inner = layout.indentation(node.startPosition.row);
      if (inner.length > outer.length && inner.startsWith(outer)) {
        const step = inner.slice(outer.length);
        if (step.includes('\t')) tabs++;
        else widths.set(step.length, (widths.get(step.length) ?? 0) + 1);
      }
    }
    if (node.startPosition.row === node.endPosition.row) return;
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(root);
  let best = 0;
  let bestCount = 0;
  for (const [width, count] of widths) {
    if (count > bestCount || (count === bestCount && width < best)) [best, bestCount] = [width, count];
  }
  if (tabs > bestCount) return '\t';
  return best > 0 ? ' '.repeat(best) : DEFAULT_INDENT;
}

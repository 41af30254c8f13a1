/**
 * IPython syntax in a code cell (line magics `%time f()`, shell lines `!pip install x`, `x = !ls`, help
 * `obj?`, cell magics `%%bash`) is not Python. It is replaced by Python of the same length (`...` and
 * spaces, or blanks), so that every other character keeps its line and column and the cell parses.
 */

/** Cell magics whose body is Python that runs in the kernel (the magic only times or captures it). */
const PYTHON_BODY_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun']);

/** What a cell is, once its IPython syntax is blanked. */
export interface BlankedCell {
  /** The cell's Python, the same length and lines as the source. */
  code: string;
  /** `%%writefile [-a] name.py`: the module the cell writes, and its content. */
  writesModule?: { name: string; file: string; content: string; append: boolean };
  /** `%run script.py`: scripts the cell runs (they run as scripts, with `__file__` set). */
  runs: string[];
}

export function blankIpython(source: string): BlankedCell {
  const firstLineEnd = source.indexOf('\n') < 0 ? source.length : source.indexOf('\n');
  const firstLine = source.slice(0, firstLineEnd);
  const cellMagic = /^%%(\w+)(.*)$/.exec(firstLine.trimEnd());
  if (cellMagic) {
    const body = source.slice(Math.min(firstLineEnd + 1, source.length));
    if (!PYTHON_BODY_CELL_MAGICS.has(cellMagic[1])) {
      const blanked = { code: blankAll(source), runs: [] };
      if (cellMagic[1] !== 'writefile') return blanked;
      const args = cellMagic[2].trim().split(/\s+/);
      const append = args.includes('-a') || args.includes('--append');
      const file = args.filter((arg) => !arg.startsWith('-')).pop();
      const name = file && /^(?:\.\/)?([A-Za-z_]\w*)\.py$/.exec(file)?.[1];
      return name ? { ...blanked, writesModule: { name, file, content: body, append } } : blanked;
    }
    const rest = blankLines(body);
    return { code: ' '.repeat(firstLine.length) + (firstLineEnd < source.length ? '\n' : '') + rest.code, runs: rest.runs };
  }
  return blankLines(source);
}

function blankAll(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

/** `...` then spaces, as long as `text` (blanks when it is shorter than `...`). */
function ellipsisOf(text: string): string {
  return text.length >= 3 ? '...' + ' '.repeat(text.length - 3) : ' '.repeat(text.length);
}

/** Lines that start a statement (not inside brackets, a string or after a backslash), with their offsets. */
function statementLines(text: string): Array<{ start: number; end: number }> {
  const lines: Array<{ start: number; end: number }> = [];
  let depth = 0;
  let quote: string | undefined;
  let lineStart = 0;
  let continued = false;
  for (let i = 0; i <= text.length; i++) {
    const char = text[i];
    if (i === text.length || char === '\n') {
      if (!continued) lines.push({ start: lineStart, end: i });
      continued = depth > 0 || quote !== undefined || text[i - 1] === '\\';
      lineStart = i + 1;
      if (quote && quote.length === 1) quote = undefined;
      continue;
    }
    if (quote) {
      if (char === '\\') i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (char === '#') {
      const newline = text.indexOf('\n', i);
      i = (newline < 0 ? text.length : newline) - 1;
    } else if (char === '"' || char === "'") {
      quote = text.startsWith(char.repeat(3), i) ? char.repeat(3) : char;
      i += quote.length - 1;
    } else if (char === '(' || char === '[' || char === '{') depth++;
    else if ((char === ')' || char === ']' || char === '}') && depth > 0) depth--;
  }
  return lines;
}

function blankLines(source: string): BlankedCell {
  let code = source;
  const runs: string[] = [];
  const replace = (start: number, end: number, by: string) => {
    code = code.slice(0, start) + by + code.slice(end);
  };
  for (const { start, end } of statementLines(source)) {
    const line = source.slice(start, end);
    const indent = /^[ \t]*/.exec(line)![0].length;
    const content = line.slice(indent).replace(/\s+$/, '');
    if (content === '' || content.startsWith('#')) continue;
    const contentStart = start + indent;
    const contentEnd = contentStart + content.length;
    if (content.startsWith('%') || content.startsWith('!')) {
      const run = /^%run\s+(?:-\S+\s+)*(\S+\.py)\b/.exec(content);
      if (run) runs.push(run[1]);
      replace(contentStart, contentEnd, ellipsisOf(content));
      continue;
    }
    // `files = !ls`, `t = %timeit -o f()`: the right side is IPython.
    const assigned = /^[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*(?=[%!])/.exec(content);
    if (assigned) {
      replace(contentStart + assigned[0].length, contentEnd, ellipsisOf(content.slice(assigned[0].length)));
      continue;
    }
    // Help: `obj?`, `obj??`, `?obj`.
    if (content.startsWith('?') || (content.endsWith('?') && !/["'#]/.test(content))) {
      replace(contentStart, contentEnd, ' '.repeat(content.length));
    }
  }
  return { code, runs };
}

/**
 * Lexical helpers: what the model reads from the source text before (or instead of) the tree, where the
 * text alone can tell. Character codes, not regexes, where they run for every statement of a keystroke.
 */

export function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

export function isIdentifierStart(code: number): boolean {
  return code === 95 || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Openers minus closers in a piece of code (strings are not told apart: only used to stay conservative). */
export function bracketDepth(code: string): number {
  let depth = 0;
  for (let index = 0; index < code.length; index++) {
    const char = code[index];
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') depth--;
  }
  return depth;
}

/** Offsets in [start, end) where `word` occurs as a whole identifier (not inside a longer one). */
export function wordOccurrences(text: string, word: string, start: number, end: number): number[] {
  const result: number[] = [];
  // A MISSING identifier has no text; indexOf('') would find it at the end of the region forever.
  if (word.length === 0) return result;
  // Search a slice: an unbounded indexOf would run to the next occurrence anywhere in the file.
  const region = text.slice(start, end);
  for (let index = region.indexOf(word); index >= 0; index = region.indexOf(word, index + 1)) {
    const at = start + index;
    if (!isIdentifierCode(text.charCodeAt(at - 1)) && !isIdentifierCode(text.charCodeAt(at + word.length))) result.push(at);
  }
  return result;
}

/** ASCII letters, digits and `_`, and anything non-ASCII (which may be part of a Unicode identifier). */
export function isIdentifierCode(code: number): boolean {
  if (Number.isNaN(code)) return false;
  return code === 95 || (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 127;
}

/** The index of the last character at or before `index` that is not a space or tab. */
export function skipBlanksBack(text: string, index: number): number {
  while (index >= 0 && (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 9)) index--;
  return index;
}

export function isAsciiWordCode(code: number): boolean {
  return code === 95 || isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * False when the source text shows that the identifier at `offset` cannot be a binding target, so the
 * tree need not be asked. Conservative: whatever it cannot rule out is left to the tree.
 * - followed by `.`, `[` or `(` it is read (`x.a = 1`, `x[0] = 1` and calls bind nothing), unless it
 *   names a `def` or `class`;
 * - on a line that starts a statement other than for/with/except/import/def/class/del/match, it can
 *   only be bound by an assignment: an `=` (or `op=`, or an annotation) outside brackets after it.
 */
export function mayBeBound(text: string, offset: number, length: number): boolean {
  let after = offset + length;
  while (text.charCodeAt(after) === 32 || text.charCodeAt(after) === 9) after++;
  const next = text[after];
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  // `import a.b` binds `a`. Several statements on one line (`x = 1; del x`, `if c: import re`): not judged.
  if (IMPORT_START.test(before) || before.includes(';') || INLINE_STATEMENT.test(before)) return true;
  if (next === '.' || next === '[') return false;
  if (next === '(') return /(?:^|[^\w])(?:def|class)\s*$/.test(before);
  const header = BINDING_STATEMENT_START.exec(before);
  // `with X as name`, `except E as name`: only what follows an `as` is bound.
  if (header) return header[1] === 'with' || header[1] === 'except' ? /\bas\b/.test(before) : true;
  if (continuesStatement(text, lineStart)) return true;
  // Inside brackets it can still be a target: `(a, name) = pair`. Only an `=` outside all brackets assigns.
  let depth = bracketDepth(before);
  if (depth < 0) return true;
  if (depth === 0 && next === ':' && text[after + 1] !== '=') return true;
  for (let index = offset + length; index < text.length; index++) {
    const char = text[index];
    if (char === '\n' || char === '#') return depth > 0 || text[index - 1] === '\\';
    if (char === ';' && depth === 0) return false;
    // An annotation (`(x): int`) makes a name local even without a value.
    if (char === ':' && depth === 0 && text[index + 1] !== '=') return true;
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') {
      // Closing a bracket opened on an earlier line: this line continues a statement.
      if (--depth < 0) return true;
    } else if (char === '=' && depth === 0) {
      const previous = text[index - 1];
      // `<<=` and `>>=` assign; `<=`, `>=`, `==`, `!=` compare; `:=` is a walrus (found by the scan).
      const shift = (previous === '<' || previous === '>') && text[index - 2] === previous;
      if (
        !shift &&
        (text[index + 1] === '=' || previous === '=' || previous === '!' || previous === '<' || previous === '>' || previous === ':')
      ) {
        if (text[index + 1] === '=') index++;
        continue;
      }
      return true;
    }
  }
  return depth > 0;
}

const IMPORT_START = /^\s*(?:import|from)\b/;
/** A statement after the colon of a one-line compound statement. */
const INLINE_STATEMENT = /:\s*(?:async\s+)?(?:for|with|except|import|from|def|class|del)\b/;

/** A line that starts a statement which binds names in its header. */
const BINDING_STATEMENT_START = /^\s*(?:async\s+)?(for|with|except|import|from|def|class|del|case|match|global|nonlocal)\b/;

/** True when the line at `lineStart` continues the statement of an earlier line. */
function continuesStatement(text: string, lineStart: number): boolean {
  let first = lineStart;
  while (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9) first++;
  if (/[)\]},.+\-*/%&|^=<>!:@~]/.test(text[first] ?? '')) return true;
  // The previous line that holds code: the statement goes on after a backslash, an open bracket, a
  // trailing comma, operator or keyword.
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).replace(/#.*$/, '').trimEnd();
    if (line.trim().length > 0) {
      return /[\\,([{+\-*/%&|^=<>!~]$/.test(line) || /\b(?:and|or|not|in|is|if|else|lambda)$/.test(line) || bracketDepth(line) > 0;
    }
    end = start - 1;
  }
  return false;
}

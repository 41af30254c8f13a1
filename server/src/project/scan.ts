import { escapeRegExp, isIdentifierCode } from '../text/lexical';

/**
 * An import statement as the text shows it, before it is resolved: `from ..a import b, c` is level 2,
 * module `a`, names `b` and `c`; `import a.b, c` gives two imports of level 0 without names.
 */
export interface RawImport {
  level: number;
  module: string;
  /** The names after `from … import` (`*` for a star import). */
  names: string[];
  /** The statement is in the body of a `def` (told from indentation): it runs when the function does, not at import time. */
  inFunction: boolean;
}

const WORD = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/u;

/**
 * The import statements of a module's text, found without parsing: every `import` keyword that starts a
 * statement (at the start of a line, or after `;` or `:` on it). Loose on purpose: an import in a string
 * is found too, and a statement is taken to run at import time unless an enclosing line (by indentation)
 * is a `def`. What Python would import is never missed, so an answer built on this ("cannot start
 * processes") is safe; an extra import only costs a look.
 */
export function scanImports(text: string): RawImport[] {
  const found: RawImport[] = [];
  for (let at = text.indexOf('import'); at >= 0; at = text.indexOf('import', at + 6)) {
    if (isIdentifierCode(text.charCodeAt(at - 1)) || isIdentifierCode(text.charCodeAt(at + 6))) continue;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const before = text.slice(lineStart, at);
    const from = /(?:^|[;:])[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+$/u.exec(before);
    const plain = from ? undefined : /(?:^|[;:])[ \t]*$/.exec(before);
    if (!from && !plain) continue;
    const inFunction = insideDef(text, lineStart);
    const rest = statementRest(text, at + 6);
    if (from) {
      const names = rest
        .replace(/[()]/g, ' ')
        .split(',')
        .map((item) => item.trim().split(/\s+/)[0])
        .filter((name) => name === '*' || (name !== undefined && WORD.test(name)));
      found.push({ level: from[1].length, module: from[2], names, inFunction });
    } else {
      for (const item of rest.split(',')) {
        const module = item.trim().split(/\s+/)[0];
        if (module && /^[\w.]+$/u.test(module)) found.push({ level: 0, module, names: [], inFunction });
      }
    }
  }
  return found;
}

/** The rest of the statement after `import`: to the end of its line, through a parenthesised list or backslashes. */
function statementRest(text: string, start: number): string {
  let end = start;
  let depth = 0;
  while (end < text.length) {
    const char = text[end];
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === '\\' && text[end + 1] === '\n') end++;
    else if ((char === '\n' && depth === 0) || char === ';' || char === '#') break;
    end++;
  }
  return text.slice(start, end).replace(/\\\n/g, ' ');
}

/**
 * Whether the line at `lineStart` is in a function body: one of the lines that enclose it by indentation
 * (each the nearest line above with less indentation) starts with `def` or `async def`. A string's line
 * with less indentation can only end the walk early, which answers "import time": the safe answer.
 */
export function insideDef(text: string, lineStart: number): boolean {
  let indent = indentationAt(text, lineStart);
  let end = lineStart - 1;
  while (indent > 0 && end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const own = indentationAt(text, start);
    const first = text.charCodeAt(start + own);
    // Blank lines and comments do not enclose anything.
    if (own < indent && first !== 10 && first !== 13 && first !== 35 && start + own < end) {
      if (/^(?:async[ \t]+)?def\b/.test(text.slice(start + own, start + own + 10))) return true;
      indent = own;
    }
    end = start - 1;
  }
  return false;
}

function indentationAt(text: string, lineStart: number): number {
  let index = lineStart;
  while (text.charCodeAt(index) === 32 || text.charCodeAt(index) === 9) index++;
  return index - lineStart;
}

/**
 * A pattern for an import statement that names one of `modules` (`import multiprocessing as mp`, `from
 * concurrent.futures import …`, `import os, \⏎ multiprocessing`, `from x import (⏎ multiprocessing)`):
 * the model knows process APIs only through such imports.
 */
export function importMentionPatterns(modules: readonly string[]): RegExp[] {
  const names = `(?:${modules.map(escapeRegExp).join('|')})`;
  return [
    // On the statement's line, or on lines joined to it by backslashes.
    new RegExp(String.raw`\b(?:import|from)\b(?:[^\n;\\#]|\\\r?\n)*?\b${names}\b`),
    // Inside the parentheses of `from x import (…)`.
    new RegExp(String.raw`\bimport\b[^\n;#(]*\([^)]*\b${names}\b`),
  ];
}

/** Whether `word` occurs in `text` as a whole identifier. */
export function mentionsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isIdentifierCode(text.charCodeAt(at - 1)) && !isIdentifierCode(text.charCodeAt(at + word.length))) return true;
  }
  return false;
}

import { IMPORT_SIDE_EFFECTS, PROCESS_MODULES } from '../model/api';
import { escapeRegExp } from '../text/lexical';
import { importMentionPatterns, insideDef, scanImports, type RawImport } from './scan';
import { BLOCKING_METHODS, BLOCKING_NAMES } from './summary';

/** Modules a module must import to start processes itself (the model's modules and the built-in spawners' libraries). */
export const PROCESS_WORDS = [...PROCESS_MODULES, 'torch', 'dask', 'tqdm', 'pebble', 'multiprocess', 'pathos'];

/** What the text of a module tells without parsing it; plain data (the CLI's worker threads make it). */
export interface TextScan {
  imports: RawImport[];
  /** It imports a module processes come from (PROCESS_WORDS, and the user's spawners' modules). */
  processes: boolean;
}

export function scanText(text: string, extraWords: readonly string[] = []): TextScan {
  return {
    imports: scanImports(text),
    processes: importMentionPatterns([...PROCESS_WORDS, ...extraWords]).some((pattern) => pattern.test(text)),
  };
}

/** A module-level statement of the text may call what the summary counts as an import-time effect (false is certain). */
export function mayHaveImportTimeEffects(text: string, scan: TextScan): boolean {
  return mayHaveEffects(text, effectWords(scan.imports));
}

/** The calls the summary counts as effects, by last name: builtins always, a module's only where the text imports it. */
const ALWAYS = [...Object.keys(IMPORT_SIDE_EFFECTS).filter((name) => name.startsWith('builtins.')), ...BLOCKING_METHODS];
const BY_MODULE = new Map<string, string[]>();
for (const name of [...Object.keys(IMPORT_SIDE_EFFECTS), ...BLOCKING_NAMES]) {
  const top = name.split('.')[0];
  if (top !== 'builtins') BY_MODULE.set(top, [...(BY_MODULE.get(top) ?? []), name]);
}

function effectWords(imports: readonly RawImport[]): string[] {
  const names = [...ALWAYS];
  for (const raw of imports) if (raw.level === 0) names.push(...(BY_MODULE.get(raw.module.split('.')[0]) ?? []));
  return [...new Set(names.map((name) => name.split('.').pop()!))];
}

/** A line at column 0 that starts a simple statement (not a definition, import, compound header, comment or string). */
const SIMPLE_STATEMENT =
  /^(?!(?:def|class|import|from|if|elif|else|try|except|finally|for|while|with|async|match|case|return|raise|global|nonlocal|del|pass)\b)[^\s#@)\]}'"]/;

/**
 * Whether a module-level simple statement (a line at column 0 that starts no block, with the indented
 * lines that continue it) calls one of `words` by its name, or by an alias bound outside function
 * bodies (`say = print`, `from os import system as run`). Lines of a string count as statements: safe.
 */
function mayHaveEffects(text: string, words: readonly string[]): boolean {
  const names = words.map(escapeRegExp).join('|');
  const aliases = new RegExp(String.raw`\b(?:${names})\s+as\s+(\w+)|^[ \t]*(\w+)\s*=\s*(?:[\w.]+\.)?(?:${names})\s*$`, 'gm');
  const called = [...names.split('|')];
  for (const match of text.matchAll(aliases))
    if (!insideDef(text, text.lastIndexOf('\n', match.index) + 1)) called.push(match[1] ?? match[2]);
  const call = new RegExp(String.raw`\b(?:${called.join('|')})\s*\(`, 'g');
  const docstring = docstringEnd(text);
  for (const match of text.matchAll(call)) {
    if (match.index < docstring) continue;
    // The statement the call is in starts at the nearest line above that is not indented.
    let start = text.lastIndexOf('\n', match.index) + 1;
    while (start > 0 && isIndented(text, start)) start = text.lastIndexOf('\n', start - 2) + 1;
    if (start >= docstring && SIMPLE_STATEMENT.test(text.slice(start, start + 12))) return true;
  }
  return false;
}

/** A line that starts with a blank or a closing bracket (a blank line counts: it continues nothing, but ends nothing either). */
function isIndented(text: string, lineStart: number): boolean {
  const code = text.charCodeAt(lineStart);
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 41 || code === 93 || code === 125;
}

/** Where the module's docstring (a triple-quoted string before any statement) ends; 0 when there is none. */
function docstringEnd(text: string): number {
  const opening = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*[rRuU]?("""|''')/.exec(text);
  if (!opening) return 0;
  const close = text.indexOf(opening[1], opening[0].length);
  return close < 0 ? 0 : close + 3;
}

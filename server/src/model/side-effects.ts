import type { SyntaxNode } from '../syntax/syntaxNode';
import { unparenthesize } from '../syntax/queries';
import { IMPORT_SIDE_EFFECTS } from './api';

/**
 * What a call does outside the process when it runs at import time (IMPORT_SIDE_EFFECTS), or undefined.
 * `open(...)` counts only when it writes: a spawned child that reads a file again at import gets the
 * same data (the module's own data, test/fixtures/rules/SPG008/core-data-read-in-with-block.py), while
 * one that opens it with "w" or "a" truncates or appends again (open-at-import.py). `os.devnull` is no
 * file: IPython and psutil open it for writing at import time, and nothing changes when a child does too.
 */
export function importSideEffect(qualified: string | undefined, call: SyntaxNode): string | undefined {
  const effect = qualified ? IMPORT_SIDE_EFFECTS[qualified] : undefined;
  if (qualified !== 'builtins.open') return effect;
  if (opensDevnull(call)) return undefined;
  const mode = openMode(call);
  if (mode === 'read') return undefined;
  return mode === 'write' ? 'opens a file for writing' : effect;
}

/** `open(file, mode)`: 'read' for a literal mode without w, a, x or +, or none; 'write' for one with; else unknown. */
function openMode(call: SyntaxNode): 'read' | 'write' | 'unknown' {
  const values = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (argument): argument is SyntaxNode => argument !== null && argument.type !== 'comment',
  );
  if (values.some((argument) => argument.type === 'list_splat' || argument.type === 'dictionary_splat')) return 'unknown';
  const keyword = values.find((argument) => argument.type === 'keyword_argument' && argument.childForFieldName('name')?.text === 'mode');
  const positional = values.filter((argument) => argument.type !== 'keyword_argument');
  const mode = keyword ? keyword.childForFieldName('value') : positional[1];
  if (!mode) return 'read';
  const literal = unparenthesize(mode);
  if (literal.type !== 'string' || literal.namedChildren.some((part) => part?.type === 'interpolation')) return 'unknown';
  return /[wax+]/.test(literal.text.replace(/^[A-Za-z]*/, '')) ? 'write' : 'read';
}

function opensDevnull(call: SyntaxNode): boolean {
  const values = call.childForFieldName('arguments')?.namedChildren ?? [];
  const keyword = values.find((argument) => argument?.type === 'keyword_argument' && argument.childForFieldName('name')?.text === 'file');
  const first = keyword ? keyword.childForFieldName('value') : values.find((argument) => argument?.type !== 'comment');
  if (!first || first.type === 'keyword_argument') return false;
  const file = unparenthesize(first).text;
  return file === 'os.devnull' || /^["']\/dev\/null["']$/.test(file);
}

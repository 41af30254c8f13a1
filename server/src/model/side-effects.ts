import type { SyntaxNode } from '../syntax/syntaxNode';
import { argumentAt, callArguments, unparenthesize } from '../syntax/queries';
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
  const args = callArguments(call);
  const file = argumentAt(args, 0, 'file');
  if (file && isDevnull(file)) return undefined;
  const mode = argumentAt(args, 1, 'mode');
  // No mode: "r", unless a splat may hold one.
  if (!mode) return args.hasStarArgs || args.hasStarKwargs ? effect : undefined;
  const literal = unparenthesize(mode);
  if (literal.type !== 'string' || literal.namedChildren.some((part) => part?.type === 'interpolation')) return effect;
  // The mode's letters, after a string prefix such as r or b.
  return /[wax+]/.test(literal.text.replace(/^[A-Za-z]*/, '')) ? 'opens a file for writing' : undefined;
}

function isDevnull(file: SyntaxNode): boolean {
  const text = unparenthesize(file).text;
  return text === 'os.devnull' || /^["']\/dev\/null["']$/.test(text);
}

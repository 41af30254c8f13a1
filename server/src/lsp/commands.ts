import { ADD_MAIN_GUARD_COMMAND, FIX_ALL_COMMAND } from '../shared/protocol';
import type { Analysis, AnalysisOptions } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import type { TextEdit } from '../text/types';
import { addMainGuard, NOTHING_TO_WRAP, SYNTAX_ERRORS } from '../fixes/add-main-guard';
import { safeFixAllEdits } from './codeActions';

export { ADD_MAIN_GUARD_COMMAND, FIX_ALL_COMMAND };
/** The commands the server executes (workspace/executeCommand). */
export const SERVER_COMMANDS: readonly string[] = [ADD_MAIN_GUARD_COMMAND, FIX_ALL_COMMAND];

/** The document a command acts on, and the version the user saw when running it. */
export interface CommandTarget {
  uri: string;
  version?: number;
}

/** Reads `[{ uri, version? }]`, `[uri]` or `[uri, version]`; undefined for anything else. */
export function commandTarget(args: readonly unknown[] | undefined): CommandTarget | undefined {
  const [first, second] = args ?? [];
  if (typeof first === 'string') return { uri: first, ...(typeof second === 'number' ? { version: second } : {}) };
  if (typeof first !== 'object' || first === null) return undefined;
  const { uri, version } = first as { uri?: unknown; version?: unknown };
  if (typeof uri !== 'string') return undefined;
  return { uri, ...(typeof version === 'number' ? { version } : {}) };
}

/** What running a command comes to: edits to apply, or a message for the user. */
export type CommandPlan =
  { kind: 'edit'; label: string; edits: TextEdit[] } | { kind: 'message'; severity: 'info' | 'warning'; text: string };

/** `spawnGuard.addMainGuard`: wrap the import-time script code, or say why there is nothing to do. */
export function planAddMainGuard(analysis: Analysis, parser: PythonParser, documentName: string): CommandPlan {
  if (analysis.tree.rootNode.hasError) return syntaxErrorMessage(documentName, 'Add main guard');
  const result = addMainGuard(analysis, parser);
  if ('fix' in result) return { kind: 'edit', label: result.fix.title, edits: result.fix.edits };
  switch (result.error) {
    case NOTHING_TO_WRAP:
      return {
        kind: 'message',
        severity: 'info',
        text: `Spawn Guard: nothing to wrap in ${documentName}: no script code runs at import time.`,
      };
    case SYNTAX_ERRORS:
      return syntaxErrorMessage(documentName, 'Add main guard');
    default:
      return { kind: 'message', severity: 'warning', text: `Spawn Guard: no main guard added to ${documentName}: ${result.error}.` };
  }
}

/** `spawnGuard.fixAll`: every safe fix at once. */
export function planFixAll(analysis: Analysis, parser: PythonParser, options: AnalysisOptions, documentName: string): CommandPlan {
  if (analysis.tree.rootNode.hasError) return syntaxErrorMessage(documentName, 'Fix all spawn hazards');
  const edits = safeFixAllEdits(analysis.text, parser, options);
  if (edits.length === 0) {
    return { kind: 'message', severity: 'info', text: `Spawn Guard: no spawn hazard in ${documentName} has a safe fix.` };
  }
  return { kind: 'edit', label: 'Fix all spawn hazards', edits };
}

function syntaxErrorMessage(documentName: string, command: string): CommandPlan {
  return {
    kind: 'message',
    severity: 'warning',
    text: `Spawn Guard: ${documentName} has syntax errors; fix them, then run "${command}" again.`,
  };
}

/** A short name for messages: the file name of the URI's path, or the URI itself for other schemes. */
export function documentName(uri: string): string {
  const withoutQuery = uri.replace(/[?#].*$/, '');
  const name = withoutQuery.slice(withoutQuery.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name) || uri;
  } catch {
    return name || uri;
  }
}

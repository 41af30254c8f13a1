import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../rules/types';
import { RUN_UNDER_SPAWN_COMMAND } from '../shared/protocol';
import { findingForDiagnostic } from './diagnostics';

/**
 * "Reproduce under spawn" beside a finding: runs the saved file with `spawn-guard run` (the client's
 * command, which asks nothing of the server). Only for files on disk: the run reads the saved file.
 */
export function reproduceAction(uri: string, findings: readonly Finding[], diagnostics: readonly Diagnostic[]): CodeAction | undefined {
  if (!uri.startsWith('file:')) return undefined;
  const related = diagnostics.filter((diagnostic) => findingForDiagnostic(findings, diagnostic));
  if (related.length === 0) return undefined;
  return {
    title: 'Reproduce under spawn (run this file with spawn-guard run)',
    kind: CodeActionKind.QuickFix,
    diagnostics: related,
    command: { title: 'Reproduce under spawn', command: RUN_UNDER_SPAWN_COMMAND, arguments: [uri] },
  };
}

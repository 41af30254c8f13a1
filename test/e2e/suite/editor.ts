// Helpers for the extension-host specs: open workspace files and wait, on VS Code's own events, until
// diagnostics or text reach the state a test expects.
import * as vscode from 'vscode';

/** The language server analyses within milliseconds; this covers its start on a cold CI machine. */
export const EDITOR_TIMEOUT_MS = 30_000;

export const DIAGNOSTIC_SOURCE = 'spawn-guard';

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test run opened no workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openInEditor(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

export function diagnosticCode(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function spawnGuardDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
}

/** "SPG001 11:6-11:13 Error" per diagnostic (1-based line and column), for assertions and messages. */
export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => {
    const { start, end } = diagnostic.range;
    const severity = vscode.DiagnosticSeverity[diagnostic.severity];
    return `${diagnosticCode(diagnostic)} ${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1} ${severity}`;
  });
}

/**
 * Resolves with `check()`'s first value other than undefined, checked now and after every `event`;
 * rejects after `timeoutMs` with `describe()` of the state it ended in.
 */
export function waitFor<T>(
  event: vscode.Event<unknown>,
  check: () => T | undefined,
  describe: () => string,
  timeoutMs = EDITOR_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const settle = (): boolean => {
      const value = check();
      if (value === undefined) return false;
      subscription.dispose();
      clearTimeout(timer);
      resolve(value);
      return true;
    };
    const subscription = event(() => {
      try {
        settle();
      } catch (error) {
        subscription.dispose();
        clearTimeout(timer);
        reject(error);
      }
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms: ${describe()}`));
    }, timeoutMs);
    try {
      settle();
    } catch (error) {
      subscription.dispose();
      clearTimeout(timer);
      reject(error);
    }
  });
}

/** Waits until the file's Spawn Guard diagnostics, described, equal `expected` (in any order). */
export async function waitForDiagnostics(uri: vscode.Uri, expected: readonly string[]): Promise<vscode.Diagnostic[]> {
  const wanted = [...expected].sort().join(', ');
  const current = () => describeDiagnostics(spawnGuardDiagnostics(uri)).sort().join(', ');
  return waitFor(
    vscode.languages.onDidChangeDiagnostics,
    () => (current() === wanted ? spawnGuardDiagnostics(uri) : undefined),
    () => `${vscode.workspace.asRelativePath(uri)}: expected diagnostics [${wanted}], have [${current()}]`,
  );
}

/** Waits until `predicate` holds for the document's text (edits arrive through workspace/applyEdit). */
export function waitForText(document: vscode.TextDocument, predicate: (text: string) => boolean, what: string): Promise<string> {
  return waitFor(
    vscode.workspace.onDidChangeTextDocument,
    () => (predicate(document.getText()) ? document.getText() : undefined),
    () => `${vscode.workspace.asRelativePath(document.uri)} never ${what}; its text:\n${document.getText()}`,
  );
}

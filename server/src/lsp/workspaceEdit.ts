import type { WorkspaceEdit } from 'vscode-languageserver';
import type { TextEdit } from '../text/types';

/**
 * A workspace edit of one document. With `documentChanges` support it names the document version the
 * edits were computed for, so the client refuses to apply them to a document that has changed since.
 */
export function documentEdit(uri: string, version: number, edits: TextEdit[], versioned: boolean): WorkspaceEdit {
  return versioned ? { documentChanges: [{ textDocument: { uri, version }, edits }] } : { changes: { [uri]: edits } };
}

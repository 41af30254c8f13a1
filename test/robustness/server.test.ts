import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { documentUri, INTERNAL_ERROR, LspTestClient } from '../helpers/lsp';
import { propertyParameters } from '../helpers/property-runs';
import { editSpan, programTextArb, randomEditArb, type RandomEdit } from '../helpers/python-programs';

/** A diagnostic without what names its document, so two documents with the same text compare equal. */
function comparable(diagnostics: readonly Diagnostic[], uri: string): unknown[] {
  return JSON.parse(JSON.stringify(diagnostics).split(JSON.stringify(uri).slice(1, -1)).join('<document>'));
}

/**
 * Waits for the diagnostics of `uri` at `version` to equal `expected`. The first publish after a change
 * comes from an incremental parse; where that parse recovered broken code differently than a fresh parse,
 * the server publishes again once typing pauses (it settles the document), which this waits for.
 */
async function settledDiagnostics(client: LspTestClient, uri: string, version: number, expected: unknown[]): Promise<Diagnostic[]> {
  try {
    const settled = await client.waitForDiagnostics(
      uri,
      (params) => params.version === version && isDeepStrictEqual(comparable(params.diagnostics, uri), expected),
      10_000,
      'the diagnostics of a fresh parse',
    );
    return settled.diagnostics;
  } catch {
    // Show the difference rather than the time-out.
    const latest = client.latestDiagnostics(uri);
    assert.ok(latest, `no diagnostics for ${uri}`);
    assert.equal(latest.version, version);
    assert.deepEqual(comparable(latest.diagnostics, uri), expected);
    throw new Error('unreachable: the diagnostics matched after the wait timed out');
  }
}

/**
 * The changes as an editor sends them: each edit in its own didChange, or several in one (as a
 * multi-cursor edit or a quick burst arrives), each range relative to the text after the previous one.
 */
function editorChanges(
  mirror: TextDocument,
  edits: readonly RandomEdit[],
): { changes: TextDocumentContentChangeEvent[]; document: TextDocument } {
  const changes: TextDocumentContentChangeEvent[] = [];
  let document = mirror;
  for (const edit of edits) {
    const { start, end } = editSpan(document.getText(), edit);
    const change = { range: { start: document.positionAt(start), end: document.positionAt(end) }, text: edit.insert };
    changes.push(change);
    document = TextDocument.update(document, [change], document.version);
  }
  return { changes, document };
}

describe('the language server under generated documents and edits', () => {
  let client: LspTestClient;
  let documentCount = 0;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(async () => {
    await client?.stop();
  });

  it('never fails, keeps answering, and ends with the diagnostics a fresh open of the final text gets', async () => {
    await fc.assert(
      fc.asyncProperty(
        programTextArb,
        fc.array(fc.array(randomEditArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
        async (text, batches) => {
          const id = documentCount++;
          const uri = documentUri(`generated-${id}.py`);
          const freshUri = documentUri(`generated-${id}-fresh.py`);
          let mirror = TextDocument.create(uri, 'python', 1, text);
          client.open(uri, text, 1);
          for (const batch of batches) {
            const { changes, document } = editorChanges(mirror, batch);
            mirror = TextDocument.create(uri, 'python', mirror.version + 1, document.getText());
            client.change(uri, mirror.version, changes);
          }
          const incremental = await client.diagnosticsFor(uri, mirror.version);
          assert.equal(incremental.version, mirror.version);

          client.open(freshUri, mirror.getText(), 1);
          const fresh = await client.diagnosticsFor(freshUri, 1);
          const diagnostics = await settledDiagnostics(client, uri, mirror.version, comparable(fresh.diagnostics, freshUri));

          const whole = { start: { line: 0, character: 0 }, end: mirror.positionAt(mirror.getText().length) };
          const answer = await client.answer('textDocument/codeAction', {
            textDocument: { uri },
            range: whole,
            context: { diagnostics },
          });
          assert.notEqual(answer.error?.code, INTERNAL_ERROR, `codeAction failed: ${answer.error?.message}`);
          client.close(uri);
          client.close(freshUri);
          assert.equal(client.exitStatus, undefined, `the server exited${client.stderrTail()}`);
          assert.deepEqual(client.loggedErrors, [], 'a handler threw');
        },
      ),
      propertyParameters(40),
    );
  });
});

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { documentUri, LspTestClient } from '../helpers/lsp';

/** The case tree-sitter recovers differently incrementally (see regressions.test.ts): SPG001 shows only while typing. */
const BEFORE = 'from multiprocessing import Pool\nif __name__ == "__main__":\n\tif _!="":\n\t"""i';
const AFTER = '\tPool(2).map(abs, [1])\n';
const TYPED = '":\n ';

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => `${diagnostic.range.start.line}:${diagnostic.range.start.character} ${String(diagnostic.code)}`);
}

describe('settling a document typed into broken code', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(async () => {
    await client?.stop();
  });

  it("publishes from the incremental parse at once, and the fresh parse's diagnostics once typing pauses", async () => {
    const uri = documentUri('settle-typed.py');
    const freshUri = documentUri('settle-fresh.py');
    client.open(freshUri, BEFORE + TYPED + AFTER, 1);
    const expected = codes((await client.diagnosticsFor(freshUri, 1)).diagnostics);

    client.open(uri, BEFORE + AFTER, 1);
    await client.diagnosticsFor(uri, 1);
    const lines = BEFORE.split('\n');
    const at = { line: lines.length - 1, character: lines[lines.length - 1].length };
    client.change(uri, 2, [{ range: { start: at, end: at }, text: TYPED }]);
    const first = await client.diagnosticsFor(uri, 2);
    assert.equal(first.version, 2);
    // This edit's incremental tree differs from the fresh one (regressions.test.ts), so settling replaces
    // the tree and the server publishes version 2 again, whether or not the findings changed.
    const settled = await client.waitForDiagnostics(
      uri,
      (params) => params !== first && params.version === 2,
      10_000,
      'a second publish of version 2',
    );
    assert.deepEqual(codes(settled.diagnostics), expected);
    client.close(uri);
    client.close(freshUri);
  });

  it('settles before answering a code action, so fixes never see an incrementally recovered tree', async () => {
    const uri = documentUri('settle-code-action.py');
    client.open(uri, BEFORE + AFTER, 1);
    await client.diagnosticsFor(uri, 1);
    const lines = BEFORE.split('\n');
    const at = { line: lines.length - 1, character: lines[lines.length - 1].length };
    client.change(uri, 2, [{ range: { start: at, end: at }, text: TYPED }]);
    await client.diagnosticsFor(uri, 2);
    const whole = { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } };
    const answer = await client.answer('textDocument/codeAction', { textDocument: { uri }, range: whole, context: { diagnostics: [] } });
    assert.equal(answer.error, undefined);
    // The code action settled the document; if that changed its findings they were published again, and
    // the published ones now match a fresh open of the same text.
    const freshUri = documentUri('settle-code-action-fresh.py');
    client.open(freshUri, BEFORE + TYPED + AFTER, 1);
    const expected = codes((await client.diagnosticsFor(freshUri, 1)).diagnostics);
    const settled = await client.waitForDiagnostics(
      uri,
      (params) => params.version === 2 && JSON.stringify(codes(params.diagnostics)) === JSON.stringify(expected),
      10_000,
    );
    assert.deepEqual(codes(settled.diagnostics), expected);
    assert.deepEqual(client.loggedErrors, []);
  });
});

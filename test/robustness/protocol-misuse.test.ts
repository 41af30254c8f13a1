import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, TextDocumentContentChangeEvent, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { documentUri, INTERNAL_ERROR, LspTestClient } from '../helpers/lsp';
import { pythonCompileErrors } from '../helpers/py-compile';

/** A script whose import-time code starts a Pool: SPG001, and "Add main guard" has work to do. */
const SCRIPT = `import multiprocessing

def work(x):
    return x * 2

print("loading")
with multiprocessing.Pool(2) as pool:
    print(pool.map(work, [1, 2, 3]))
`;

const ADD_MAIN_GUARD = 'spawnGuard.addMainGuard';

/** The edits a workspace edit holds for `uri`, with the version it names (undefined for unversioned `changes`). */
function editsFor(edit: WorkspaceEdit, uri: string): { version: number | null | undefined; edits: TextEdit[] } {
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) {
      return { version: change.textDocument.version, edits: change.edits.filter((e): e is TextEdit => 'range' in e) };
    }
  }
  return { version: undefined, edits: edit.changes?.[uri] ?? [] };
}

function applyTo(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.py', 'python', 0, text), edits);
}

describe('protocol misuse', () => {
  let client: LspTestClient;
  let count = 0;
  const nextUri = (name: string) => documentUri(`misuse-${count++}-${name}.py`);

  /**
   * What "Add main guard" makes of the text the server holds for `uri`, applied to `text`. Equal to what
   * it makes of a fresh document holding `text` only if the server's text is `text`.
   */
  async function guardedBy(uri: string, version: number, text: string): Promise<string> {
    const before = client.appliedEdits.length;
    const answer = await client.answer('workspace/executeCommand', { command: ADD_MAIN_GUARD, arguments: [{ uri, version }] });
    assert.equal(answer.error, undefined, `${ADD_MAIN_GUARD} failed: ${answer.error?.message}`);
    assert.equal(client.appliedEdits.length, before + 1, `${ADD_MAIN_GUARD} sent no edit: ${JSON.stringify(client.shownMessages.at(-1))}`);
    const { version: named, edits } = editsFor(client.appliedEdits[before].edit, uri);
    if (named !== undefined) assert.equal(named, version, 'the edit names the version it was computed for');
    return applyTo(text, edits);
  }

  /** The server holds `expected` for `uri` at `version`: its diagnostics and its "Add main guard" match a fresh open. */
  async function assertServerHolds(uri: string, version: number, expected: string): Promise<void> {
    const published = await client.diagnosticsFor(uri, version);
    const freshUri = nextUri('fresh');
    client.open(freshUri, expected, 1);
    const fresh = await client.diagnosticsFor(freshUri, 1);
    const strip = (diagnostics: unknown, of: string) => JSON.stringify(diagnostics).split(of).join('<document>');
    assert.equal(strip(published.diagnostics, uri), strip(fresh.diagnostics, freshUri));
    assert.equal(await guardedBy(uri, version, expected), await guardedBy(freshUri, 1, expected));
    client.close(freshUri);
  }

  function assertHealthy(): void {
    assert.equal(client.exitStatus, undefined, `the server exited${client.stderrTail()}`);
    assert.deepEqual(client.loggedErrors, [], 'a handler threw');
  }

  before(async () => {
    client = await LspTestClient.start();
  });
  after(async () => {
    await client?.stop();
  });

  it('ignores didChange for a document that was never opened', async () => {
    const never = nextUri('never-opened');
    client.change(never, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }]);
    client.change(never, 3, [{ text: SCRIPT }]);
    // Messages are handled in order: once a later document's diagnostics arrive, the changes were handled.
    const later = nextUri('later');
    client.open(later, SCRIPT, 1);
    await client.diagnosticsFor(later, 1);
    assert.equal(client.latestDiagnostics(never), undefined, 'nothing is published for a document that is not open');
    const hover = await client.answer('textDocument/hover', { textDocument: { uri: never }, position: { line: 0, character: 0 } });
    assert.notEqual(hover.error?.code, INTERNAL_ERROR);
    client.close(never);
    client.close(later);
    assertHealthy();
  });

  it('clamps out-of-range and reversed edit ranges as the LSP text model does', async () => {
    const uri = nextUri('out-of-range');
    let mirror = TextDocument.create(uri, 'python', 1, SCRIPT);
    client.open(uri, SCRIPT, 1);
    const misuses: TextDocumentContentChangeEvent[][] = [
      [{ range: { start: { line: 99, character: 0 }, end: { line: 120, character: 7 } }, text: 'print("appended")\n' }],
      [{ range: { start: { line: 0, character: 500 }, end: { line: 0, character: 900 } }, text: '  # past the line end' }],
      [{ range: { start: { line: 3, character: 10 }, end: { line: 1, character: 0 } }, text: '' }],
      [{ range: { start: { line: -1, character: -5 }, end: { line: 0, character: 0 } }, text: '# start\n' }],
      [
        { range: { start: { line: 2, character: 1_000_000 }, end: { line: 2, character: 1_000_000 } }, text: '\r\n' },
        { range: { start: { line: 1_000_000, character: 0 }, end: { line: 1_000_000, character: 0 } }, text: 'x = 1' },
      ],
    ];
    for (const changes of misuses) {
      mirror = TextDocument.create(uri, 'python', mirror.version + 1, TextDocument.update(mirror, changes, mirror.version + 1).getText());
      client.change(uri, mirror.version, changes);
    }
    await assertServerHolds(uri, mirror.version, mirror.getText());
    client.close(uri);
    assertHealthy();
  });

  it('survives a version that goes backwards and keeps publishing for the text it holds', async () => {
    const uri = nextUri('backwards');
    client.open(uri, SCRIPT, 5);
    await client.diagnosticsFor(uri, 5);
    const backwards = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited at version 3\n' };
    client.forgetDiagnostics(uri);
    client.change(uri, 3, [backwards]);
    const afterBackwards = await client.waitForDiagnostics(uri, () => true);
    const applied = applyTo(SCRIPT, [{ range: backwards.range, newText: backwards.text }]);
    // Either answer is safe: the change applied (and labelled 3) or ignored (still 5); never a crash.
    assert.ok(afterBackwards.version === 3 || afterBackwards.version === 5, `published version ${afterBackwards.version}`);
    const held = afterBackwards.version === 3 ? applied : SCRIPT;
    client.change(uri, 6, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'import os\n' }]);
    await assertServerHolds(uri, 6, `import os\n${held}`);
    client.close(uri);
    assertHealthy();
  });

  it('never applies a code action or command computed for an old version to the new one', async () => {
    const uri = nextUri('stale');
    client.open(uri, SCRIPT, 1);
    const old = await client.diagnosticsFor(uri, 1);
    assert.ok(old.diagnostics.length > 0, 'the script has a hazard to act on');
    const shifted = `# a header\n# that moves every line\n\n${SCRIPT}`;
    client.change(uri, 2, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# a header\n# that moves every line\n\n' },
    ]);
    await client.diagnosticsFor(uri, 2);

    const actions = (await client.codeActions(uri, old.diagnostics[0].range, old.diagnostics)) ?? [];
    const fixed: string[] = [];
    for (const action of actions as CodeAction[]) {
      if (!action.edit) continue;
      const { version, edits } = editsFor(action.edit, uri);
      assert.notEqual(version, 1, `"${action.title}" names the old version`);
      if (version === undefined || version === 2) fixed.push(applyTo(shifted, edits));
    }
    // Whatever was offered for the stale diagnostics fits the current text.
    pythonCompileErrors(fixed).forEach((error, index) => assert.equal(error, null, `action ${index} broke the file:\n${fixed[index]}`));

    const before = client.appliedEdits.length;
    const stale = await client.answer('workspace/executeCommand', { command: ADD_MAIN_GUARD, arguments: [{ uri, version: 1 }] });
    assert.notEqual(stale.error?.code, INTERNAL_ERROR);
    assert.equal(client.appliedEdits.length, before, 'a command for version 1 sent an edit for version 2');
    client.close(uri);
    assertHealthy();
  });

  it('answers requests for unknown methods and unknown commands with errors, not crashes', async () => {
    const unknown = await client.answer('spawnGuard/noSuchRequest', {});
    assert.equal(unknown.error?.code, -32601);
    const command = await client.answer('workspace/executeCommand', { command: 'spawnGuard.noSuchCommand', arguments: [] });
    assert.ok(command.error && command.error.code !== INTERNAL_ERROR, JSON.stringify(command));
    const noArguments = await client.answer('workspace/executeCommand', { command: ADD_MAIN_GUARD });
    assert.notEqual(noArguments.error?.code, INTERNAL_ERROR);
    const closedTwice = nextUri('closed-twice');
    client.close(closedTwice);
    client.open(closedTwice, SCRIPT, 1);
    client.open(closedTwice, 'x = 1\n', 2);
    await assertServerHolds(closedTwice, 2, 'x = 1\n');
    client.close(closedTwice);
    client.close(closedTwice);
    assertHealthy();
  });
});

describe('requests after shutdown', () => {
  it('are refused with an error, notifications are ignored, and exit ends the process cleanly', async () => {
    const client = await LspTestClient.start();
    const uri = documentUri('after-shutdown.py');
    client.open(uri, SCRIPT, 1);
    await client.diagnosticsFor(uri, 1);
    assert.equal((await client.answer('shutdown', null)).error, undefined);
    const hover = await client.answer('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 8 } });
    assert.ok(hover.error, 'a request after shutdown is refused');
    assert.notEqual(hover.error.code, INTERNAL_ERROR);
    client.change(uri, 2, [{ text: 'x = 1\n' }]);
    const again = await client.answer('shutdown', null);
    assert.notEqual(again.error?.code, INTERNAL_ERROR);
    assert.equal(client.exitStatus, undefined, `the server died after shutdown${client.stderrTail()}`);
    client.notify('exit', null);
    const status = await client.waitForExit();
    assert.deepEqual(status, { code: 0, signal: null });
    await client.stop();
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, Hover, MarkupContent, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import { applyEdits } from '../../server/src/fixes/edits';
import { ruleDocsUrl } from '../../server/src/rules/docs-url';
import { TREES_KEPT } from '../../server/src/lsp/documents';
import { ensureBuilt } from '../helpers/build';
import { documentUri, LspTestClient, SERVER_BUNDLE } from '../helpers/lsp';
import { FIXTURES } from '../helpers/paths';
import { GUARDED, UNGUARDED } from './sources';

const POOL_RANGE = { start: { line: 7, character: 5 }, end: { line: 7, character: 15 } };

/** The one document edit of a workspace edit, checked to name `uri` at `version`. */
function documentEdits(edit: WorkspaceEdit | undefined, uri: string, version: number): TextDocumentEdit['edits'] {
  assert.ok(edit?.documentChanges, 'a versioned document edit');
  assert.equal(edit.documentChanges.length, 1);
  const change = edit.documentChanges[0] as TextDocumentEdit;
  assert.deepEqual(change.textDocument, { uri, version });
  return change.edits;
}

function apply(text: string, edit: WorkspaceEdit | undefined, uri: string, version: number): string {
  return applyEdits(
    text,
    documentEdits(edit, uri, version).map((each) => ('newText' in each ? each : assert.fail('plain text edits only'))),
  );
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}

/** Waits until the diagnostics published for `uri` have exactly these codes (a change's effect, whenever it lands). */
function diagnosticsBecome(client: LspTestClient, uri: string, expected: string[]) {
  return client.waitForDiagnostics(
    uri,
    (params) => codes(params.diagnostics).join() === expected.join(),
    undefined,
    expected.join() || 'none',
  );
}

function isCodeAction(action: unknown): action is CodeAction {
  return typeof action === 'object' && action !== null && 'title' in action && !('command' in action && typeof action.command === 'string');
}

describe('language server over stdio', () => {
  let client: LspTestClient;
  let counter = 0;
  const nextUri = (name: string) => documentUri(`protocol-${++counter}-${name}.py`);

  before(async () => {
    ensureBuilt();
    client = await LspTestClient.start();
  });
  after(async () => {
    await client?.stop();
  });

  it('announces incremental sync, quick fixes, fix-all, hover and its two commands', () => {
    const capabilities = client.initializeResult!.capabilities;
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual(capabilities.codeActionProvider, {
      codeActionKinds: ['quickfix', 'source.fixAll.spawn-guard', 'notebook.source.fixAll.spawn-guard'],
      resolveProvider: false,
    });
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.executeCommandProvider, { commands: ['spawnGuard.addMainGuard', 'spawnGuard.fixAll'] });
    assert.equal(client.initializeResult!.serverInfo?.name, 'spawn-guard');
  });

  it('publishes what the rule fixtures expect, for every fixture, with the version it was opened at', async () => {
    const fixtures: { uri: string; expected: string[]; name: string }[] = [];
    for (const code of fs.readdirSync(path.join(FIXTURES, 'rules')).sort()) {
      const folder = path.join(FIXTURES, 'rules', code);
      for (const file of fs
        .readdirSync(folder)
        .filter((name) => name.endsWith('.py'))
        .sort()) {
        const expectedFile = path.join(folder, file.replace(/\.py$/, '.expected'));
        const expected = fs
          .readFileSync(expectedFile, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '');
        const uri = pathToFileURL(path.join(folder, file)).href;
        fixtures.push({ uri, expected, name: `${code}/${file}` });
        client.open(uri, fs.readFileSync(path.join(folder, file), 'utf8'), 7);
      }
    }
    assert.ok(fixtures.length >= 9, 'rule fixtures exist');
    for (const fixture of fixtures) {
      const published = await client.diagnosticsFor(fixture.uri, 7);
      assert.equal(published.version, 7, fixture.name);
      const found = published.diagnostics.map(
        (diagnostic) => `${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1} ${diagnostic.code}`,
      );
      assert.deepEqual(found, fixture.expected, fixture.name);
      for (const diagnostic of published.diagnostics) {
        assert.equal(diagnostic.source, 'spawn-guard');
        assert.equal(diagnostic.codeDescription?.href, ruleDocsUrl(String(diagnostic.code)), fixture.name);
        assert.ok([1, 2, 3, 4].includes(diagnostic.severity!));
        assert.equal(typeof (diagnostic.data as { rule: unknown }).rule, 'string');
        for (const related of diagnostic.relatedInformation ?? []) assert.equal(related.location.uri, fixture.uri);
      }
      client.close(fixture.uri);
    }
  });

  it('links the start site a call leads to (relatedInformation)', async () => {
    const uri = nextUri('related');
    const text = [
      'from multiprocessing import Process',
      '',
      '',
      'def work():',
      '    pass',
      '',
      '',
      'def main():',
      '    Process(target=work).start()',
      '',
      '',
      'main()',
      '',
    ].join('\n');
    client.open(uri, text, 1);
    const [diagnostic] = (await client.diagnosticsFor(uri, 1)).diagnostics;
    assert.equal(diagnostic.code, 'SPG002');
    assert.equal(diagnostic.range.start.line, 11);
    assert.ok(diagnostic.relatedInformation!.some((related) => related.location.range.start.line === 8));
    client.close(uri);
  });

  it('follows incremental edits that introduce and then remove a hazard, version by version', async () => {
    const uri = nextUri('edits');
    client.open(uri, GUARDED, 1);
    assert.deepEqual((await client.diagnosticsFor(uri, 1)).diagnostics, []);

    // Dedent the `with` block out of the guard: delete the guard line and four spaces on each body line.
    client.change(uri, 2, [{ range: { start: { line: 7, character: 0 }, end: { line: 8, character: 4 } }, text: '' }]);
    client.change(uri, 3, [{ range: { start: { line: 8, character: 0 }, end: { line: 8, character: 4 } }, text: '' }]);
    const hazard = await client.diagnosticsFor(uri, 3);
    assert.equal(hazard.version, 3);
    assert.deepEqual(codes(hazard.diagnostics), ['SPG001']);
    assert.deepEqual(hazard.diagnostics[0].range, POOL_RANGE);

    // Type the guard back, one keystroke at a time, and indent the block again.
    const guard = 'if __name__ == "__main__":\n';
    let version = 3;
    for (let index = 0; index < guard.length; index++) {
      client.change(uri, ++version, [
        { range: { start: { line: 7, character: index }, end: { line: 7, character: index } }, text: guard[index] },
      ]);
    }
    client.change(uri, ++version, [
      { range: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }, text: '    ' },
      { range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, text: '    ' },
    ]);
    const seen: number[] = [];
    const clean = await client.waitForDiagnostics(uri, (params) => {
      seen.push(params.version!);
      return params.version === version;
    });
    assert.deepEqual(clean.diagnostics, []);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
      'never an older version published after a newer one',
    );
    assert.ok(seen.length < guard.length / 2, `a burst of keystrokes is analysed a few times, not per keystroke (${seen.join(', ')})`);
    client.close(uri);
  });

  it('offers the guard fix (preferred) and "Disable SPG001 for this line"; both edits do what they say', async () => {
    const uri = nextUri('quickfix');
    client.open(uri, UNGUARDED, 4);
    const { diagnostics } = await client.diagnosticsFor(uri, 4);
    const actions = (await client.codeActions(uri, POOL_RANGE, diagnostics))!.filter(isCodeAction);
    assert.deepEqual(
      actions.map((action) => [action.title, action.kind, action.isPreferred ?? false]),
      [
        ['Add main guard', 'quickfix', true],
        ['Disable SPG001 for this line', 'quickfix', false],
      ],
    );
    assert.equal(apply(UNGUARDED, actions[0].edit, uri, 4), GUARDED);
    const silenced = apply(UNGUARDED, actions[1].edit, uri, 4);
    assert.equal(silenced, UNGUARDED.replace('as pool:', 'as pool:  # noqa: SPG001'));

    // Applied, each clears the diagnostic.
    client.change(uri, 5, [{ text: GUARDED }]);
    assert.deepEqual((await client.diagnosticsFor(uri, 5)).diagnostics, []);
    client.change(uri, 6, [{ text: silenced }]);
    assert.deepEqual((await client.diagnosticsFor(uri, 6)).diagnostics, []);
    client.close(uri);
  });

  it('computes code actions on the version they are asked for: a diagnostic the edit made stale gets none', async () => {
    const uri = nextUri('stale');
    client.open(uri, UNGUARDED, 1);
    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    // Two lines inserted above: the old diagnostic's range no longer holds the Pool.
    client.change(uri, 2, [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'import os\nimport sys\n' },
    ]);
    const actions = await client.codeActions(uri, POOL_RANGE, diagnostics);
    assert.deepEqual(actions, []);
    const current = await client.diagnosticsFor(uri, 2);
    const fresh = (await client.codeActions(uri, current.diagnostics[0].range, current.diagnostics))!.filter(isCodeAction);
    assert.equal(fresh.length, 2);
    documentEdits(fresh[0].edit, uri, 2);
    client.close(uri);
  });

  it('answers source.fixAll with every safe fix, and nothing for a clean file', async () => {
    const uri = nextUri('fixall');
    client.open(uri, UNGUARDED, 1);
    await client.diagnosticsFor(uri, 1);
    const everywhere = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const [fixAll, ...rest] = (await client.codeActions(uri, everywhere, [], ['source.fixAll']))!.filter(isCodeAction);
    assert.deepEqual(rest, []);
    assert.equal(fixAll.kind, 'source.fixAll.spawn-guard');
    assert.equal(apply(UNGUARDED, fixAll.edit, uri, 1), GUARDED);
    // Quick fixes are not source actions, and the other way round.
    assert.deepEqual(await client.codeActions(uri, everywhere, [], ['quickfix']), []);
    assert.deepEqual((await client.codeActions(uri, everywhere, []))!.filter(isCodeAction), []);

    client.change(uri, 2, [{ text: GUARDED }]);
    await client.diagnosticsFor(uri, 2);
    assert.deepEqual(await client.codeActions(uri, everywhere, [], ['source.fixAll.spawn-guard']), []);
    client.close(uri);
  });

  it('runs spawnGuard.addMainGuard as a versioned workspace/applyEdit, and says why when it cannot', async () => {
    const uri = nextUri('command');
    client.open(uri, UNGUARDED, 3);
    await client.diagnosticsFor(uri, 3);
    const before = client.appliedEdits.length;
    const result = await client.request('workspace/executeCommand', {
      command: 'spawnGuard.addMainGuard',
      arguments: [{ uri, version: 3 }],
    });
    assert.deepEqual(result, { applied: true });
    assert.equal(client.appliedEdits.length, before + 1);
    const request = client.appliedEdits.at(-1)!;
    assert.equal(request.label, 'Add main guard');
    assert.equal(apply(UNGUARDED, request.edit, uri, 3), GUARDED);

    // Nothing to wrap.
    client.change(uri, 4, [{ text: GUARDED }]);
    await client.diagnosticsFor(uri, 4);
    const messages = client.shownMessages.length;
    assert.deepEqual(await client.request('workspace/executeCommand', { command: 'spawnGuard.addMainGuard', arguments: [uri] }), {
      applied: false,
    });
    assert.equal(client.appliedEdits.length, before + 1);
    assert.match(client.shownMessages[messages]?.message ?? '', /nothing to wrap in protocol-\d+-command\.py/);

    // Syntax errors.
    client.change(uri, 5, [{ text: `${UNGUARDED}def broken(:\n` }]);
    await client.diagnosticsFor(uri, 5);
    await client.request('workspace/executeCommand', { command: 'spawnGuard.addMainGuard', arguments: [{ uri, version: 5 }] });
    assert.equal(client.appliedEdits.length, before + 1);
    assert.match(client.shownMessages[messages + 1]?.message ?? '', /has syntax errors/);

    // A version the document has moved past.
    await client.request('workspace/executeCommand', { command: 'spawnGuard.addMainGuard', arguments: [{ uri, version: 4 }] });
    assert.equal(client.appliedEdits.length, before + 1);
    assert.match(client.shownMessages[messages + 2]?.message ?? '', /changed/);
    client.close(uri);
  });

  it('runs spawnGuard.fixAll', async () => {
    const uri = nextUri('fixall-command');
    client.open(uri, UNGUARDED, 1);
    await client.request('workspace/executeCommand', { command: 'spawnGuard.fixAll', arguments: [{ uri, version: 1 }] });
    assert.equal(apply(UNGUARDED, client.appliedEdits.at(-1)!.edit, uri, 1), GUARDED);
    client.close(uri);
  });

  it('keeps going through syntax errors mid-edit, offering no fix while the file does not parse', async () => {
    const uri = nextUri('syntax');
    client.open(uri, UNGUARDED, 1);
    await client.diagnosticsFor(uri, 1);
    // Half-typed code above the Pool.
    client.change(uri, 2, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: 'def helper(x, (' }]);
    const broken = await client.diagnosticsFor(uri, 2);
    const actions = (await client.codeActions(uri, POOL_RANGE, broken.diagnostics))!.filter(isCodeAction);
    assert.ok(!actions.some((action) => action.title.includes('guard')), JSON.stringify(actions.map((action) => action.title)));
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(hover, null);
    // Finished typing: the hazard is back with its fix.
    client.change(uri, 3, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 15 } }, text: '' }]);
    const fixed = await client.diagnosticsFor(uri, 3);
    assert.deepEqual(codes(fixed.diagnostics), ['SPG001']);
    assert.equal(client.exitStatus, undefined);
    assert.deepEqual(client.loggedErrors, []);
    client.close(uri);
  });

  it('explains the rule on hover over a diagnostic, and nothing elsewhere', async () => {
    const uri = nextUri('hover');
    client.open(uri, UNGUARDED, 1);
    await client.diagnosticsFor(uri, 1);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 7, character: 9 } });
    const markdown = (hover!.contents as MarkupContent).value;
    assert.equal((hover!.contents as MarkupContent).kind, 'markdown');
    assert.match(markdown, /^\*\*unguarded-start \(SPG001\)\*\*/);
    assert.match(markdown, /```python\n/);
    assert.match(markdown, /if __name__ == "__main__":/);
    assert.match(markdown, /\[CPython documentation\]\(https:\/\/docs\.python\.org\//);
    assert.deepEqual(hover!.range, POOL_RANGE);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 4 } }), null);
    client.close(uri);
  });

  it('analyses untitled documents too', async () => {
    const uri = `untitled:Untitled-${++counter}`;
    client.open(uri, UNGUARDED, 1);
    assert.deepEqual(codes((await client.diagnosticsFor(uri, 1)).diagnostics), ['SPG001']);
    client.close(uri);
  });

  it('clears the diagnostics of a closed document', async () => {
    const uri = nextUri('close');
    client.open(uri, UNGUARDED, 1);
    assert.equal((await client.diagnosticsFor(uri, 1)).diagnostics.length, 1);
    client.close(uri);
    const cleared = await client.waitForDiagnostics(uri, (params) => params.diagnostics.length === 0);
    assert.equal(cleared.version, undefined);
  });

  it('answers the same for a document whose tree was released while others were analysed, and takes its edits', async () => {
    const uri = nextUri('released');
    client.open(uri, UNGUARDED, 1);
    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    const hoverAt = { textDocument: { uri }, position: { line: 7, character: 9 } };
    const hover = await client.request<Hover | null>('textDocument/hover', hoverAt);
    const actions = await client.codeActions(uri, POOL_RANGE, diagnostics);
    assert.ok(hover && actions?.length === 2);

    // More documents analysed after it than the server keeps trees for: its tree is released.
    const others = Array.from({ length: TREES_KEPT + 1 }, (_, index) => nextUri(`other-${index}`));
    for (const other of others) client.open(other, GUARDED, 1);
    for (const other of others) await client.diagnosticsFor(other, 1);
    assert.deepEqual(await client.request<Hover | null>('textDocument/hover', hoverAt), hover);
    assert.deepEqual(await client.codeActions(uri, POOL_RANGE, diagnostics), actions);

    // Released again, then edited: two lines inserted above the Pool move its diagnostic down.
    for (const other of others) client.change(other, 2, [{ text: `${GUARDED}\n` }]);
    for (const other of others) await client.diagnosticsFor(other, 2);
    client.change(uri, 2, [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'import os\nimport sys\n' },
    ]);
    const moved = await client.diagnosticsFor(uri, 2);
    assert.deepEqual(
      moved.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]),
      [['SPG001', 9]],
    );
    const fixes = (await client.codeActions(uri, moved.diagnostics[0].range, moved.diagnostics))!.filter(isCodeAction);
    const withImports = (text: string) => text.replace('\n', '\nimport os\nimport sys\n');
    assert.equal(apply(withImports(UNGUARDED), fixes[0].edit, uri, 2), withImports(GUARDED), 'the guard fix, computed on the edited text');
    for (const other of [uri, ...others]) client.close(other);
  });
});

describe('language server settings', () => {
  let client: LspTestClient;
  let workspace: string;
  before(async () => {
    ensureBuilt();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-protocol-'));
    client = await LspTestClient.start({ workspaceFolder: workspace });
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('recomputes the diagnostics when the settings change, without a restart', async () => {
    const uri = pathToFileURL(path.join(workspace, 'settings.py')).href;
    const text = `${UNGUARDED}print("done")\n`;
    client.open(uri, text, 1);
    assert.deepEqual(codes((await client.diagnosticsFor(uri, 1)).diagnostics), ['SPG001', 'SPG008']);

    client.changeSettings({ ignore: ['SPG008'], severity: { SPG001: 'warning' } });
    const ignored = await diagnosticsBecome(client, uri, ['SPG001']);
    assert.equal(ignored.version, 1);
    assert.equal(ignored.diagnostics[0].severity, 2);

    client.changeSettings({ enable: false });
    await diagnosticsBecome(client, uri, []);
    assert.equal(await client.codeActions(uri, POOL_RANGE, []), null);

    client.changeSettings({ codeAction: { disableRuleComment: { enable: false } } });
    const back = await diagnosticsBecome(client, uri, ['SPG001', 'SPG008']);
    const titles = (await client.codeActions(uri, POOL_RANGE, back.diagnostics))!.filter(isCodeAction).map((action) => action.title);
    assert.deepEqual(titles, ['Add main guard']);
    client.changeSettings({});
    client.close(uri);
  });

  it('lets the workspace pyproject.toml win, and reads it again when it changes', async () => {
    const pyproject = path.join(workspace, 'pyproject.toml');
    const pyprojectChanged = (type: number) =>
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(pyproject).href, type }] });
    client.changeSettings({ select: ['SPG001'] });
    const uri = pathToFileURL(path.join(workspace, 'project.py')).href;
    client.open(uri, `${UNGUARDED}print("done")\n`, 1);
    await diagnosticsBecome(client, uri, ['SPG001']);

    fs.writeFileSync(pyproject, '[tool.spawn-guard]\nselect = ["SPG008"]\n');
    pyprojectChanged(1);
    await diagnosticsBecome(client, uri, ['SPG008']);

    // Invalid: reported once, and the editor settings apply until it is fixed.
    const messages = client.shownMessages.length;
    fs.writeFileSync(pyproject, '[tool.spawn-guard]\nselect = "SPG008"\n');
    pyprojectChanged(2);
    await diagnosticsBecome(client, uri, ['SPG001']);
    assert.match(client.shownMessages[messages]?.message ?? '', /Invalid configuration.*pyproject\.toml.*select/);

    fs.rmSync(pyproject);
    pyprojectChanged(3);
    client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
    assert.deepEqual(codes((await client.diagnosticsFor(uri, 2)).diagnostics), ['SPG001']);
    client.close(uri);
  });
});

describe('server process', () => {
  it('says how to start it when no transport is given', () => {
    ensureBuilt();
    const result = spawnSync(process.execPath, [SERVER_BUNDLE], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /usage: node server\.js --stdio/);
  });
});

describe('"Reproduce under spawn" beside a finding', () => {
  it('is offered only to a client that has the Run under spawn command (initializationOptions)', async () => {
    const uri = 'file:///workspace/reproduce.py';
    for (const runUnderSpawn of [true, false]) {
      const client = await LspTestClient.start({ initializationOptions: { runUnderSpawn } });
      try {
        client.open(uri, UNGUARDED, 1);
        const { diagnostics } = await client.diagnosticsFor(uri, 1);
        const titles = (await client.codeActions(uri, POOL_RANGE, diagnostics))!.filter(isCodeAction).map((action) => action.title);
        assert.equal(titles.includes('Reproduce under spawn (run this file with spawn-guard run)'), runUnderSpawn, titles.join(', '));
      } finally {
        await client.stop();
      }
    }
  });

  it('never runs by itself: not preferred (Auto Fix), not a source action (code actions on save)', async () => {
    const uri = 'file:///workspace/reproduce.py';
    const client = await LspTestClient.start({ initializationOptions: { runUnderSpawn: true } });
    try {
      client.open(uri, UNGUARDED, 1);
      const { diagnostics } = await client.diagnosticsFor(uri, 1);
      const actions = (await client.codeActions(uri, POOL_RANGE, diagnostics))!.filter(isCodeAction);
      const reproduce = actions.find((action) => action.command?.command === 'spawnGuard.runUnderSpawn');
      assert.equal(reproduce?.kind, 'quickfix');
      assert.notEqual(reproduce?.isPreferred, true);
      for (const only of [['source'], ['source.fixAll'], ['source.fixAll.spawn-guard']]) {
        const onSave = (await client.codeActions(uri, POOL_RANGE, diagnostics, only))!.filter(isCodeAction);
        assert.deepEqual(
          onSave.filter((action) => action.command?.command === 'spawnGuard.runUnderSpawn'),
          [],
          only.join(),
        );
      }
    } finally {
      await client.stop();
    }
  });
});

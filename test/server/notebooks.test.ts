import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CreateFile, Diagnostic, Hover, MarkupContent, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import { applyEdits } from '../../server/src/fixes/edits';
import { ensureBuilt } from '../helpers/build';
import { cellUri, LspTestClient, type NotebookCellText } from '../helpers/lsp';
import { FIXTURES } from '../helpers/paths';

const IMPORTS = 'from multiprocessing import Pool\n';
const SQUARE = 'def square(x):\n    return x * x\n';
const MAP = 'with Pool(2) as pool:\n    print(pool.map(square, range(4)))\n';

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}

function cells(notebookUri: string, texts: readonly string[]): NotebookCellText[] {
  return texts.map((text, index) => ({ uri: cellUri(notebookUri, index), text }));
}

function actionsOf(result: unknown): CodeAction[] {
  return ((result as CodeAction[] | null) ?? []).filter((action) => typeof action.title === 'string');
}

/** The workspace edit's parts: files created, and text edits by URI with the version they name. */
function partsOf(edit: WorkspaceEdit | undefined) {
  assert.ok(edit?.documentChanges, 'a workspace edit with documentChanges');
  const created: string[] = [];
  const edits = new Map<string, { version: number | null; edits: TextDocumentEdit['edits'] }>();
  for (const change of edit.documentChanges) {
    if ('kind' in change) {
      assert.equal(change.kind, 'create');
      assert.equal((change as CreateFile).options, undefined, 'never overwrites a file that appeared meanwhile');
      created.push(change.uri);
    } else edits.set(change.textDocument.uri, { version: change.textDocument.version, edits: change.edits });
  }
  return { created, edits };
}

function applied(text: string, edits: TextDocumentEdit['edits']): string {
  return applyEdits(
    text,
    edits.map((edit) => ('newText' in edit ? edit : assert.fail('plain text edits only'))),
  );
}

describe('language server: Jupyter notebooks (notebookDocument sync)', () => {
  let client: LspTestClient;
  let folder: string;
  let counter = 0;
  /** A fresh notebook URI in the temporary folder (each test its own notebook and module). */
  const notebookUri = (name = `nb${++counter}`) => pathToFileURL(path.join(folder, `${name}.ipynb`)).href;

  before(async () => {
    ensureBuilt();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-notebooks-'));
    client = await LspTestClient.start({ workspaceFolder: folder });
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('advertises notebook synchronisation for Jupyter notebooks (all cells: messages number them as the editor does)', () => {
    assert.deepEqual(client.initializeResult?.capabilities.notebookDocumentSync, {
      notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' } }],
    });
  });

  it('analyses the cells as one program and publishes per cell, related locations in their cells', async () => {
    const uri = notebookUri();
    const [first, second, third] = cells(uri, [IMPORTS, SQUARE, MAP]);
    // A markdown cell first: it is no code, but counts in the cells' numbers.
    const title = { uri: cellUri(uri, 9), text: '# Lesson 2\n\n`Pool.map` and `square`', markdown: true };
    client.openNotebook(uri, [title, first, second, third]);
    const published = await client.diagnosticsFor(third.uri, 1);
    assert.deepEqual(codes(published.diagnostics), ['SPG020']);
    const [diagnostic] = published.diagnostics;
    assert.deepEqual(diagnostic.range, { start: { line: 1, character: 19 }, end: { line: 1, character: 25 } });
    assert.match(diagnostic.message, /`square` is defined in cell 3/);
    assert.deepEqual(
      diagnostic.relatedInformation?.map((related) => related.location),
      [{ uri: second.uri, range: { start: { line: 0, character: 0 }, end: { line: 1, character: 16 } } }],
    );
    // The other cells get an empty list (which clears what they showed).
    assert.deepEqual((await client.diagnosticsFor(first.uri, 1)).diagnostics, []);
    assert.deepEqual((await client.diagnosticsFor(second.uri, 1)).diagnostics, []);

    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: third.uri },
      position: { line: 1, character: 21 },
    });
    assert.match((hover?.contents as MarkupContent).value, /SPG020/);
    assert.deepEqual((await client.diagnosticsFor(title.uri, 1)).diagnostics, []);
    client.closeNotebook(uri, [title.uri, first.uri, second.uri, third.uri]);
  });

  it('"Move to module": one edit creates the module and replaces the definition in its cell; the finding goes', async () => {
    const uri = notebookUri('lesson');
    const notebookCells = cells(uri, [IMPORTS, SQUARE, MAP]);
    client.openNotebook(uri, notebookCells);
    const { diagnostics } = await client.diagnosticsFor(notebookCells[2].uri, 1);
    const actions = actionsOf(await client.codeActions(notebookCells[2].uri, diagnostics[0].range, diagnostics));
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Move `square` to lesson_workers.py', 'Disable SPG020 for this line'],
    );
    const move = actions[0];
    assert.equal(move.isPreferred, true);
    const moduleUri = pathToFileURL(path.join(folder, 'lesson_workers.py')).href;
    const { created, edits } = partsOf(move.edit);
    assert.deepEqual(created, [moduleUri]);
    const moduleEdit = edits.get(moduleUri)!;
    assert.equal(moduleEdit.version, null);
    const moduleText = applied('', moduleEdit.edits);
    assert.match(moduleText, /^def square\(x\):\n {4}return x \* x\n$/m);
    const cellEdit = edits.get(notebookCells[1].uri)!;
    assert.equal(cellEdit.version, 1);
    assert.equal(applied(SQUARE, cellEdit.edits), 'from lesson_workers import square\n');
    assert.deepEqual([...edits.keys()].sort(), [moduleUri, notebookCells[1].uri].sort());
    const disable = partsOf(actions[1].edit).edits.get(notebookCells[2].uri)!;
    assert.equal(applied(MAP, disable.edits), MAP.replace('range(4)))\n', 'range(4)))  # noqa: SPG020\n'));

    // What the editor does with it: the file appears, the cell changes.
    fs.writeFileSync(path.join(folder, 'lesson_workers.py'), moduleText);
    client.changeNotebookCell(uri, 2, { uri: notebookCells[1].uri, version: 2, text: applied(SQUARE, cellEdit.edits) });
    await client.waitForDiagnostics(notebookCells[2].uri, (params) => params.diagnostics.length === 0, undefined, 'no findings');
    client.closeNotebook(
      uri,
      notebookCells.map((cell) => cell.uri),
    );
  });

  it('offers "make it a parameter" when the definition reads notebook globals', async () => {
    const uri = notebookUri('globals');
    const notebookCells = cells(uri, [
      IMPORTS + 'FACTOR = 3\n',
      'def scale(x):\n    return FACTOR * x\n',
      'with Pool(2) as pool:\n    print(pool.map(scale, [1]))\n',
    ]);
    client.openNotebook(uri, notebookCells);
    const { diagnostics } = await client.diagnosticsFor(notebookCells[2].uri, 1);
    const actions = actionsOf(await client.codeActions(notebookCells[2].uri, diagnostics[0].range, diagnostics));
    const parameter = actions.find((action) => action.title === 'Make `FACTOR` a parameter of `scale` and move it to globals_workers.py');
    assert.ok(parameter, actions.map((action) => action.title).join('\n'));
    assert.notEqual(parameter.isPreferred, true);
    const { edits } = partsOf(parameter.edit);
    const moduleUri = pathToFileURL(path.join(folder, 'globals_workers.py')).href;
    assert.match(applied('', edits.get(moduleUri)!.edits), /^def scale\(x, \*, FACTOR\):$/m);
    assert.equal(
      applied(notebookCells[2].text, edits.get(notebookCells[2].uri)!.edits),
      'with Pool(2) as pool:\n    print(pool.map(functools.partial(scale, FACTOR=FACTOR), [1]))\n',
    );
    assert.equal(
      applied(notebookCells[1].text, edits.get(notebookCells[1].uri)!.edits),
      'import functools\nfrom globals_workers import scale\n',
    );
    assert.ok(!actions.some((action) => action.title.startsWith('Move `scale`')), 'no silent move');
    client.closeNotebook(
      uri,
      notebookCells.map((cell) => cell.uri),
    );
  });

  it('an untitled notebook gets no fix that creates a file', async () => {
    const uri = 'untitled:Untitled-1.ipynb';
    const notebookCells = [IMPORTS, SQUARE, MAP].map((text, index) => ({ uri: `vscode-notebook-cell:Untitled-1.ipynb#W${index}`, text }));
    client.openNotebook(uri, notebookCells);
    const { diagnostics } = await client.diagnosticsFor(notebookCells[2].uri, 1);
    assert.deepEqual(codes(diagnostics), ['SPG020']);
    const actions = actionsOf(await client.codeActions(notebookCells[2].uri, diagnostics[0].range, diagnostics));
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Disable SPG020 for this line'],
    );
    const fixAll = actionsOf(await client.codeActions(notebookCells[2].uri, diagnostics[0].range, [], ['source.fixAll']));
    assert.deepEqual(fixAll, []);
    client.closeNotebook(
      uri,
      notebookCells.map((cell) => cell.uri),
    );
  });

  it('names the module after spawnGuard.notebook.workersModule; fix-all and the command move every definition', async () => {
    const uri = notebookUri('course');
    const notebookCells = cells(uri, [
      IMPORTS,
      SQUARE + '\n\ndef cube(x):\n    return x ** 3\n',
      MAP + 'with Pool(2) as pool:\n    print(pool.map(cube, [2]))\n',
    ]);
    client.changeSettings({ notebook: { workersModule: 'mp_{notebook}' } });
    try {
      client.openNotebook(uri, notebookCells);
      const { diagnostics } = await client.diagnosticsFor(notebookCells[2].uri, 1);
      assert.deepEqual(codes(diagnostics), ['SPG020', 'SPG020']);
      const quick = actionsOf(await client.codeActions(notebookCells[2].uri, diagnostics[1].range, [diagnostics[1]]));
      assert.equal(quick[0].title, 'Move `cube` to mp_course.py');
      // A pyproject.toml with notebook-workers-module wins over the setting, as the CLI reads it.
      const project = path.join(folder, 'project');
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'pyproject.toml'), '[tool.spawn-guard]\nnotebook-workers-module = "{notebook}_helpers"\n');
      const inProject = pathToFileURL(path.join(project, 'lab.ipynb')).href;
      const projectCells = cells(inProject, [IMPORTS, SQUARE, MAP]);
      client.openNotebook(inProject, projectCells);
      const found = await client.diagnosticsFor(projectCells[2].uri, 1);
      const projectActions = actionsOf(await client.codeActions(projectCells[2].uri, found.diagnostics[0].range, found.diagnostics));
      assert.equal(projectActions[0].title, 'Move `square` to lab_helpers.py');
      client.closeNotebook(
        inProject,
        projectCells.map((cell) => cell.uri),
      );
      const [fixAll] = actionsOf(await client.codeActions(notebookCells[2].uri, diagnostics[0].range, [], ['source.fixAll']));
      assert.equal(fixAll.kind, 'source.fixAll.spawn-guard');
      const [notebookFixAll] = actionsOf(
        await client.codeActions(notebookCells[0].uri, diagnostics[0].range, [], ['notebook.source.fixAll']),
      );
      assert.equal(notebookFixAll.kind, 'notebook.source.fixAll.spawn-guard');
      assert.deepEqual(notebookFixAll.edit, fixAll.edit);
      const { created, edits } = partsOf(fixAll.edit);
      const moduleUri = pathToFileURL(path.join(folder, 'mp_course.py')).href;
      assert.deepEqual(created, [moduleUri]);
      assert.equal(
        applied(notebookCells[1].text, edits.get(notebookCells[1].uri)!.edits),
        'from mp_course import square\n\n\nfrom mp_course import cube\n',
      );

      const before = client.appliedEdits.length;
      const result = await client.request<{ applied: boolean }>('workspace/executeCommand', {
        command: 'spawnGuard.fixAll',
        arguments: [{ uri: notebookCells[0].uri, version: 1 }],
      });
      assert.deepEqual(result, { applied: true });
      assert.deepEqual(client.appliedEdits[before].edit, fixAll.edit);

      const guard = await client.request<{ applied: boolean }>('workspace/executeCommand', {
        command: 'spawnGuard.addMainGuard',
        arguments: [{ uri: notebookCells[0].uri }],
      });
      assert.deepEqual(guard, { applied: false });
      assert.match(client.shownMessages[client.shownMessages.length - 1].message, /a main guard does nothing in course\.ipynb/);
    } finally {
      client.changeSettings({});
      client.closeNotebook(
        uri,
        notebookCells.map((cell) => cell.uri),
      );
    }
  });

  it('follows cell edits, added and removed cells, and clears every cell when the notebook closes', async () => {
    const uri = notebookUri();
    const [first, second] = cells(uri, [IMPORTS + SQUARE, 'print(1)\n']);
    client.openNotebook(uri, [first, second]);
    assert.deepEqual((await client.diagnosticsFor(second.uri, 1)).diagnostics, []);
    // A new cell sends `square` to a Pool: its finding appears in it.
    const added = { uri: cellUri(uri, 7), text: MAP };
    client.changeNotebookCells(uri, 2, 2, 0, [added], []);
    await client.waitForDiagnostics(added.uri, (params) => codes(params.diagnostics).join() === 'SPG020');
    // The cell that sends it is edited: the finding goes.
    client.changeNotebookCell(uri, 3, { uri: added.uri, version: 2, text: 'with Pool(2) as pool:\n    print(pool.map(abs, range(4)))\n' });
    await client.diagnosticsFor(added.uri, 2);
    assert.deepEqual(client.latestDiagnostics(added.uri)?.diagnostics, []);
    // The edit comes back; then the cell is removed: its diagnostics are cleared.
    client.changeNotebookCell(uri, 4, { uri: added.uri, version: 3, text: MAP });
    await client.waitForDiagnostics(added.uri, (params) => params.version === 3 && params.diagnostics.length === 1);
    client.changeNotebookCells(uri, 5, 2, 1, [], [added.uri]);
    await client.waitForDiagnostics(added.uri, (params) => params.diagnostics.length === 0, undefined, 'cleared');
    // A finding in the first cell, then the notebook closes: every cell is cleared.
    client.changeNotebookCell(uri, 6, { uri: second.uri, version: 2, text: 'if __name__ == "__main__":\n    pass\n' });
    await client.waitForDiagnostics(second.uri, (params) => codes(params.diagnostics).join() === 'SPG022');
    client.closeNotebook(uri, [first.uri, second.uri]);
    await client.waitForDiagnostics(
      second.uri,
      (params) => params.diagnostics.length === 0 && params.version === undefined,
      undefined,
      'cleared',
    );
    assert.deepEqual(client.loggedErrors, []);
  });

  it("a `# %%` cell file (VS Code's Interactive Window) is a script: the script rules apply, not the notebook ones", async () => {
    const uri = pathToFileURL(path.join(folder, 'cells.py')).href;
    const text = fs.readFileSync(path.join(FIXTURES, 'rules', 'SPG001', 'interactive-window-cells.py'), 'utf8');
    client.open(uri, text + '\n# %%\nif __name__ == "__main__":\n    pass\n');
    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(codes(diagnostics), ['SPG001', 'SPG008']);
    client.close(uri);
  });

  it('half-typed cells, magics and messages about unknown notebooks leave the server answering', async () => {
    const uri = notebookUri();
    const notebookCells = cells(uri, [
      '%%time\nimport multiprocessing as mp\n',
      'def work(x:\n',
      '!pip install numpy\nx = (\n',
      'mp.Process(target=work).start()\n',
    ]);
    client.openNotebook(uri, notebookCells);
    await client.diagnosticsFor(notebookCells[3].uri, 1);
    client.notify('notebookDocument/didChange', { notebookDocument: { uri: 'file:///nowhere/unknown.ipynb', version: 2 }, change: {} });
    const hover = await client.request('textDocument/hover', {
      textDocument: { uri: cellUri(uri, 99) },
      position: { line: 0, character: 0 },
    });
    assert.equal(hover, null);
    const actions = await client.codeActions(
      notebookCells[3].uri,
      { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
      [],
      ['source.fixAll'],
    );
    assert.deepEqual(actionsOf(actions), []);
    const result = await client.request<{ applied: boolean }>('workspace/executeCommand', {
      command: 'spawnGuard.fixAll',
      arguments: [{ uri: notebookCells[1].uri }],
    });
    assert.deepEqual(result, { applied: false });
    assert.match(client.shownMessages[client.shownMessages.length - 1].message, /has syntax errors/);
    client.closeNotebook(
      uri,
      notebookCells.map((cell) => cell.uri),
    );
    assert.deepEqual(client.loggedErrors, []);
    assert.equal(client.exitStatus, undefined);
  });

  it('extends the module open in the editor, unsaved text and version included', async () => {
    const uri = notebookUri('opened');
    const moduleUri = pathToFileURL(path.join(folder, 'opened_workers.py')).href;
    client.open(moduleUri, 'import math\n\n\ndef root(x):\n    return math.sqrt(x)\n', 4);
    const notebookCells = cells(uri, [IMPORTS, SQUARE, MAP]);
    client.openNotebook(uri, notebookCells);
    const { diagnostics } = await client.diagnosticsFor(notebookCells[2].uri, 1);
    const [move] = actionsOf(await client.codeActions(notebookCells[2].uri, diagnostics[0].range, diagnostics));
    const { created, edits } = partsOf(move.edit);
    assert.deepEqual(created, []);
    const moduleEdit = edits.get(moduleUri)!;
    assert.equal(moduleEdit.version, 4);
    assert.equal(
      applied('import math\n\n\ndef root(x):\n    return math.sqrt(x)\n', moduleEdit.edits),
      'import math\n\n\ndef root(x):\n    return math.sqrt(x)\n\n\ndef square(x):\n    return x * x\n',
    );
    client.closeNotebook(
      uri,
      notebookCells.map((cell) => cell.uri),
    );
    client.close(moduleUri);
  });
});

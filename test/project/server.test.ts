import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { ensureBuilt } from '../helpers/build';
import { LspTestClient } from '../helpers/lsp';
import { PROJECT_FIXTURES } from './project-fixtures';

function codes(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((diagnostic) => `${diagnostic.range.start.line + 1}:${diagnostic.code}`).join(' ');
}

describe('language server: project modules', () => {
  let client: LspTestClient;
  let folder: string;
  const uri = (name: string) => pathToFileURL(path.join(folder, name)).href;
  const becomes = (name: string, expected: string) =>
    client.waitForDiagnostics(uri(name), (params) => codes(params.diagnostics) === expected, undefined, expected || 'none');

  before(async () => {
    ensureBuilt();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-project-server-'));
    fs.cpSync(path.join(PROJECT_FIXTURES, 'cross-module-call'), folder, { recursive: true });
    client = await LspTestClient.start({ workspaceFolder: folder });
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('refines an opened script with the imported modules read from disk, with related locations in them', async () => {
    const text = fs.readFileSync(path.join(folder, 'main.py'), 'utf8');
    client.open(uri('main.py'), text);
    const published = await becomes('main.py', '9:SPG002');
    const [diagnostic] = published.diagnostics;
    assert.match(diagnostic.message, /main\(\) -> cluster\.setup_cluster\(\) -> process\.start\(\)` in pkg\/cluster\.py:10/);
    assert.equal(diagnostic.relatedInformation?.at(-1)?.location.uri, uri('pkg/cluster.py'));
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: uri('main.py') },
      position: { line: 8, character: 1 },
    });
    assert.match(hover?.contents.value ?? '', /unguarded-call/);
    const actions = await client.codeActions(uri('main.py'), diagnostic.range, [diagnostic]);
    assert.deepEqual(
      (actions as { title: string }[]).map((action) => action.title),
      ['Disable SPG002 for this line'],
    );
  });

  it('keeps what is known on lines a keystroke left alone, and refines after', async () => {
    // A comment added on line 2: the finding's line (9) moves to 10 only with the refinement.
    client.change(uri('main.py'), 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# x\n' }]);
    await becomes('main.py', '10:SPG002');
    // An edit of another line keeps the finding in the first publish of the version.
    client.change(uri('main.py'), 3, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: ' ' }]);
    const first = await client.diagnosticsFor(uri('main.py'), 3);
    assert.equal(codes(first.diagnostics), '10:SPG002');
  });

  it('takes the unsaved text of an open module, and republishes its dependents when it changes', async () => {
    const cluster = fs.readFileSync(path.join(folder, 'pkg', 'cluster.py'), 'utf8');
    client.open(uri('pkg/cluster.py'), cluster);
    const harmless = cluster.replace('process.start()', 'print("no start")');
    client.change(uri('pkg/cluster.py'), 2, [{ text: harmless }]);
    await becomes('main.py', '');
    client.change(uri('pkg/cluster.py'), 3, [{ text: cluster }]);
    await becomes('main.py', '10:SPG002');
    client.close(uri('pkg/cluster.py'));
  });

  it('republishes dependents when a watched module changes on disk', async () => {
    const file = path.join(folder, 'pkg', 'cluster.py');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('process.start()', 'print("no start")'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('pkg/cluster.py'), type: 2 }] });
    await becomes('main.py', '');
  });

  it('republishes dependents when a module that could not start processes before now does (on disk)', async () => {
    // pkg/__init__.py was only scanned (it imported no process library), never summarised: it is still watched.
    const file = path.join(folder, 'pkg', '__init__.py');
    fs.writeFileSync(file, 'import multiprocessing\n\nmultiprocessing.set_start_method("spawn")\n');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('pkg/__init__.py'), type: 2 }] });
    // The import is on line 3 since the keystrokes above.
    await becomes('main.py', '3:SPG006');
  });

  it('refines a script that imports no project module but a library of the spawner table', async () => {
    // Standalone scripts skip the refinement unless a library spawner (or a spawner method) can start processes.
    const standalone = 'import multiprocessing\n\nprint(multiprocessing.cpu_count())\n';
    client.open(uri('standalone.py'), standalone);
    await becomes('standalone.py', '');
    const loader = [
      'from torch.utils.data import DataLoader',
      '',
      'loader = DataLoader(range(8), num_workers=2)',
      'for batch in loader:',
      '    print(batch)',
      '',
    ].join('\n');
    client.open(uri('train.py'), loader);
    await becomes('train.py', '4:SPG001');
  });
});

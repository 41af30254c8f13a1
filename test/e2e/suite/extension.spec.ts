// What the extension does inside a real VS Code, through the same API other extensions and the
// workbench use. The workspace is a fresh copy of test/e2e/fixtures/workspace for every run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { REPO_ROOT } from '../../helpers/paths';
import { E2E_FIXED_DIR } from '../support/paths';
import { diagnosticCode, openInEditor, waitForDiagnostics, waitForText, workspaceFile } from './editor';

const MANIFEST = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
const EXTENSION_ID = `${MANIFEST.publisher}.${MANIFEST.name}`;
const ADD_MAIN_GUARD = 'spawnGuard.addMainGuard';
const GUARD_FIX_TITLE = 'Add main guard';
/** The Pool call (SPG001) and the print every spawned child would repeat (SPG008). */
const POOL_SQUARES_DIAGNOSTICS = ['SPG001 11:6-11:13 Error', 'SPG008 12:5-12:39 Warning'];

/** The file as the guard fix or command leaves it (test/e2e/fixtures/fixed, proven under spawn). */
function fixedText(name: string): string {
  return fs.readFileSync(path.join(E2E_FIXED_DIR, name), 'utf8');
}

suite('Spawn Guard in VS Code', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
  });

  test('an unguarded Pool is an SPG001 error at the Pool call, with its documentation link', async () => {
    const { document } = await openInEditor('pool_squares.py');
    const diagnostics = await waitForDiagnostics(document.uri, POOL_SQUARES_DIAGNOSTICS);
    const diagnostic = diagnostics.find((candidate) => diagnosticCode(candidate) === 'SPG001')!;
    assert.ok(typeof diagnostic.code === 'object', "the code links to the rule's page");
    assert.match(diagnostic.code.target.toString(), /^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/main\/docs\/rules\/SPG001\.md$/);
    assert.match(diagnostic.message, /Pool/);
  });

  test('the guard quick fix is offered, preferred, and leaves a file that runs under spawn', async () => {
    const { document } = await openInEditor('process_cubes.py');
    const [diagnostic] = await waitForDiagnostics(document.uri, ['SPG001 10:1-10:15 Error']);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((action) => action.title);
    const guardFix = actions.find((action) => action.title === GUARD_FIX_TITLE);
    assert.ok(guardFix, `no ${JSON.stringify(GUARD_FIX_TITLE)} among ${JSON.stringify(titles)}`);
    assert.ok(guardFix.isPreferred, 'the guard fix is the preferred (safe) fix');
    assert.ok(guardFix.kind && vscode.CodeActionKind.QuickFix.contains(guardFix.kind));
    assert.ok(
      titles.some((title) => title === 'Disable SPG001 for this line'),
      `titles: ${JSON.stringify(titles)}`,
    );
    assert.ok(guardFix.edit, 'the fix carries its edit');

    assert.ok(await vscode.workspace.applyEdit(guardFix.edit));
    assert.equal(document.getText(), fixedText('process_cubes.py'));
    await waitForDiagnostics(document.uri, []);
  });

  test('"Add main guard" wraps script code that starts no process', async () => {
    const { document } = await openInEditor('report_script.py');
    await vscode.commands.executeCommand(ADD_MAIN_GUARD);
    const expected = fixedText('report_script.py');
    await waitForText(document, (text) => text === expected, 'got its main guard');
  });

  test('diagnostics follow typing: a hazard typed at module level appears, and goes when undone', async () => {
    const editor = await openInEditor('guarded_pool.py');
    const { document } = editor;
    await waitForDiagnostics(document.uri, []);
    const end = document.lineAt(document.lineCount - 1).range.end;
    const typed = '\nrunaway = Pool(2)\n';
    assert.ok(await editor.edit((edit) => edit.insert(end, typed)));
    const line = document.lineCount - 1; // 1-based number of the inserted statement's line
    await waitForDiagnostics(document.uri, [`SPG001 ${line}:11-${line}:18 Error`]);

    const inserted = new vscode.Range(end, document.positionAt(document.offsetAt(end) + typed.length));
    assert.ok(await editor.edit((edit) => edit.delete(inserted)));
    await waitForDiagnostics(document.uri, []);
  });

  test('untitled Python documents are analysed too', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'python',
      content: 'from multiprocessing import Process\n\nProcess(target=print).start()\n',
    });
    await vscode.window.showTextDocument(document);
    await waitForDiagnostics(document.uri, ['SPG001 3:1-3:30 Error']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('settings apply without a restart: severity override, then ignore', async () => {
    const uri = workspaceFile('pool_squares.py');
    await openInEditor('pool_squares.py');
    await waitForDiagnostics(uri, POOL_SQUARES_DIAGNOSTICS);
    const settings = () => vscode.workspace.getConfiguration('spawnGuard', uri);
    try {
      await settings().update('severity', { SPG001: 'warning' }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, ['SPG001 11:6-11:13 Warning', 'SPG008 12:5-12:39 Warning']);
      await settings().update('ignore', ['SPG001'], vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, ['SPG008 12:5-12:39 Warning']);
    } finally {
      await settings().update('severity', undefined, vscode.ConfigurationTarget.Workspace);
      await settings().update('ignore', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(uri, POOL_SQUARES_DIAGNOSTICS);
  });
});

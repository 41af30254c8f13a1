import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze, type Analysis } from '../../server/src/engine/analyze';
import { ParsedDocument } from '../../server/src/syntax/document';
import { fixesFor } from '../../server/src/fixes/registry';
import { documentUri, INTERNAL_ERROR, LspTestClient } from '../helpers/lsp';
import { sharedParser } from '../helpers/parser';
import { REPO_ROOT } from '../helpers/paths';
import { hostileDocuments } from './hostile-documents';

const DOCUMENTS = hostileDocuments();

/** Every finding must point inside the document: a range past its end would break an editor. */
function assertRangesInside(analysis: Analysis, document: ParsedDocument): void {
  const lines = document.lineStarts.length;
  for (const finding of analysis.findings) {
    for (const position of [finding.range.start, finding.range.end]) {
      assert.ok(position.line >= 0 && position.line < lines, `${finding.code} at line ${position.line} of ${lines}`);
      assert.equal(document.offsetAt(position) - document.lineStarts[position.line], position.character);
    }
  }
}

describe('hostile documents: analysis core', () => {
  for (const hostile of DOCUMENTS) {
    it(`analyses, fixes and edits ${hostile.name} without throwing`, async () => {
      const parser = await sharedParser();
      const document = new ParsedDocument(parser, hostile.text);
      try {
        const analysis = analyze({ text: document.text, tree: document.readTree() });
        assertRangesInside(analysis, document);
        for (const finding of analysis.findings) fixesFor(analysis, finding, parser);
        if (hostile.allBroken) {
          const root = document.readTree().rootNode;
          assert.equal(root.namedChildCount, 1, 'the case is meant to be a single ERROR node');
          assert.equal(root.firstNamedChild?.type, 'ERROR');
          assert.deepEqual(analysis.findings, [], 'nothing may be reported from inside a broken region');
        }
        // Keep typing in it: an insertion in the middle and a deletion at the start.
        const middle = document.positionAt(Math.floor(hostile.text.length / 2));
        document.applyEdit({ start: middle, end: middle }, 'x = (');
        assertRangesInside(analyze({ text: document.text, tree: document.readTree() }), document);
        document.applyEdit({ start: { line: 0, character: 0 }, end: document.positionAt(Math.min(7, document.text.length)) }, '');
        assertRangesInside(analyze({ text: document.text, tree: document.readTree() }), document);
      } finally {
        document.dispose();
      }
    });
  }
});

describe('hostile documents: language server', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start();
  });
  after(async () => {
    await client?.stop();
  });

  DOCUMENTS.forEach((hostile, index) => {
    it(`answers for ${hostile.name} within ${hostile.boundMs / 1000} s and stays up`, async () => {
      const uri = documentUri(`hostile-${index}.py`);
      client.open(uri, hostile.text, 1);
      const published = await client.diagnosticsFor(uri, 1, hostile.boundMs);
      assert.ok(Array.isArray(published.diagnostics));
      const middle = { line: Math.floor(hostile.text.split(/\r\n|\r|\n/).length / 2), character: 0 };
      client.change(uri, 2, [{ range: { start: middle, end: middle }, text: 'Pool(' }]);
      await client.diagnosticsFor(uri, 2, hostile.boundMs);
      for (const [method, params] of [
        ['textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }],
        [
          'textDocument/codeAction',
          { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: middle }, context: { diagnostics: [] } },
        ],
      ] as const) {
        const answer = await client.answer(method, params, hostile.boundMs);
        assert.notEqual(answer.error?.code, INTERNAL_ERROR, `${method} failed: ${answer.error?.message}`);
      }
      client.close(uri);
      await client.waitForDiagnostics(uri, (p) => p.diagnostics.length === 0, hostile.boundMs, 'the clearing publish');
      assert.equal(client.exitStatus, undefined, `the server exited${client.stderrTail()}`);
      assert.deepEqual(client.loggedErrors, [], 'a handler threw');
    });
  });
});

const CLI = path.join(REPO_ROOT, 'bin', 'spawn-guard.js');

function runCli(args: string[], timeoutMs: number) {
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: run `npm run build` first');
  return spawnSync(process.execPath, [CLI, 'check', ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
}

/** An uncaught exception prints a stack; a clean report never does. */
function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `the CLI crashed:\n${stderr.slice(0, 2000)}`);
}

describe('hostile documents: CLI', () => {
  let directory: string;
  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-hostile-'));
    DOCUMENTS.forEach((hostile, index) => fs.writeFileSync(path.join(directory, `hostile_${index}.py`), hostile.bytes));
    // Sorted last, so a run that stopped at the first bad file would not report it.
    fs.writeFileSync(path.join(directory, 'zz_unguarded.py'), 'import multiprocessing\n\nmultiprocessing.Pool(2)\n');
  });
  after(() => fs.rmSync(directory, { recursive: true, force: true }));

  DOCUMENTS.forEach((hostile, index) => {
    it(`reports on ${hostile.name} without crashing`, () => {
      const run = runCli([path.join(directory, `hostile_${index}.py`), '--format', 'json'], hostile.boundMs * 2);
      assert.equal(run.error, undefined, `the CLI did not finish: ${run.error?.message}`);
      assert.ok([0, 1, 2].includes(run.status!), `exit status ${run.status} (signal ${run.signal})\n${run.stderr}`);
      assertNoStackTrace(run.stderr);
      assert.ok(Array.isArray(JSON.parse(run.stdout)), 'JSON output is an array');
      if (run.status === 2) assert.match(run.stderr, new RegExp(`hostile_${index}\\.py`), 'an unreadable file is named');
    });
  });

  it('goes on past every hostile file and reports the hazard after them', () => {
    const run = runCli([directory, '--format', 'json'], 120_000);
    assert.equal(run.error, undefined, `the CLI did not finish: ${run.error?.message}`);
    assertNoStackTrace(run.stderr);
    const findings = JSON.parse(run.stdout) as { filename: string; code: string }[];
    assert.ok(
      findings.some((finding) => finding.filename.endsWith('zz_unguarded.py') && finding.code === 'SPG001'),
      `the unguarded Pool after the hostile files is reported:\n${run.stdout.slice(0, 2000)}`,
    );
  });
});

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { documentUri, LspTestClient } from '../helpers/lsp';
import { realisticProgram } from '../helpers/realistic-python';

const KEYSTROKES = 10_000;
/** Measured after this many keystrokes, once the server has settled: the baseline for growth. */
const WARM_UP = 1_000;
/** Resident memory may grow this much over 9,000 more keystrokes; a leaked tree per edit would be far more. */
const ALLOWED_GROWTH_BYTES = 64 * 1024 * 1024;

/** A long function someone types, then a module-level call of it (an import-time start once complete). */
function typedCode(): string {
  let body = '';
  for (let step = 0; body.length < 8_800; step++) {
    body += `    # step ${step}: fan out, then gather\n`;
    body += `    with mp.Pool(processes=workers) as pool:\n`;
    body += `        partial_${step} = pool.map(transform_0, records[${step}::7], chunksize=4)\n`;
    body += `        totals.update(dict(partial_${step}))\n`;
  }
  return `def pipeline(paths, workers=2):\n    records = load_batch_0(paths[0])\n    totals = {}\n${body}    return totals\n\n\npipeline(sys.argv[1:])\n`;
}

/**
 * The keystrokes that type `code` at `offset` of `text`: one character each, with a typo and its
 * backspace every 37 characters, then more typos and backspaces until there are KEYSTROKES edits.
 */
function keystrokes(text: string, offset: number, code: string): { changes: TextDocumentContentChangeEvent[]; final: string } {
  let document = TextDocument.create('file:///typing.py', 'python', 0, text);
  const changes: TextDocumentContentChangeEvent[] = [];
  const press = (change: TextDocumentContentChangeEvent) => {
    changes.push(change);
    document = TextDocument.update(document, [change], document.version + 1);
  };
  let cursor = offset;
  const typo = () => {
    const at = document.positionAt(cursor);
    press({ range: { start: at, end: at }, text: 'q' });
    press({ range: { start: at, end: document.positionAt(cursor + 1) }, text: '' });
  };
  for (let index = 0; index < code.length; index++) {
    if (index % 37 === 36) typo();
    const at = document.positionAt(cursor);
    press({ range: { start: at, end: at }, text: code[index] });
    cursor++;
  }
  if (changes.length > KEYSTROKES) throw new Error(`typing the code takes ${changes.length} keystrokes, more than ${KEYSTROKES}`);
  while (changes.length + 2 <= KEYSTROKES) typo();
  if (changes.length < KEYSTROKES) press({ range: { start: document.positionAt(cursor), end: document.positionAt(cursor) }, text: '\n' });
  return { changes, final: document.getText() };
}

describe('10,000 rapid keystrokes', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start({ timeoutMs: 60_000 });
  });
  after(async () => {
    await client?.stop();
  });

  it('end with the diagnostics of the final text and without unbounded memory growth', async (t) => {
    const base = realisticProgram(400);
    const { changes, final } = keystrokes(base, base.indexOf('\ndef main(argv):') + 1, typedCode());
    assert.equal(changes.length, KEYSTROKES);
    const uri = documentUri('typing.py');
    client.open(uri, base, 0);
    await client.diagnosticsFor(uri, 0);

    changes.slice(0, WARM_UP).forEach((change, index) => client.change(uri, index + 1, [change]));
    await client.diagnosticsFor(uri, WARM_UP);
    const settled = client.residentBytes();

    changes.slice(WARM_UP).forEach((change, index) => client.change(uri, WARM_UP + index + 1, [change]));
    const typed = await client.diagnosticsFor(uri, KEYSTROKES);
    assert.equal(typed.version, KEYSTROKES);
    const grown = client.residentBytes() - settled;
    t.diagnostic(
      `server RSS ${(settled / 2 ** 20).toFixed(1)} MB after ${WARM_UP} keystrokes, ${((settled + grown) / 2 ** 20).toFixed(1)} MB after ${KEYSTROKES}`,
    );
    assert.ok(
      grown < ALLOWED_GROWTH_BYTES,
      `resident memory grew ${(grown / 2 ** 20).toFixed(1)} MB over ${KEYSTROKES - WARM_UP} keystrokes`,
    );

    const freshUri = documentUri('typing-fresh.py');
    client.open(freshUri, final, 1);
    const fresh = await client.diagnosticsFor(freshUri, 1);
    const strip = (diagnostics: unknown, of: string) => JSON.stringify(diagnostics).split(of).join('<document>');
    assert.equal(strip(typed.diagnostics, uri), strip(fresh.diagnostics, freshUri));
    assert.deepEqual(client.loggedErrors, [], 'a handler threw');
  });
});

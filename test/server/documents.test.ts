import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { PythonParser } from '../../server/src/analysis/parser';
import { changedSpan, DocumentStore } from '../../server/src/lsp/documents';
import { sharedParser } from '../helpers/parser';

const URI = 'file:///doc.py';

function openStore(parser: PythonParser, text: string): DocumentStore {
  const store = new DocumentStore(parser);
  store.open({ textDocument: { uri: URI, languageId: 'python', version: 1, text } });
  return store;
}

describe('changedSpan', () => {
  it('is what lies between the common ends', () => {
    assert.deepEqual(changedSpan('abcdef', 'abXYef'), { start: 2, end: 4 });
    assert.deepEqual(changedSpan('abc', 'abc!'), { start: 3, end: 3 });
    assert.deepEqual(changedSpan('aaaa', 'aa'), { start: 2, end: 4 });
    assert.deepEqual(changedSpan('', 'x'), { start: 0, end: 0 });
  });

  it('never splits a CRLF', () => {
    // Inserting "x" between \r and \n of "a\r\nb": the span takes in the whole line break.
    assert.deepEqual(changedSpan('a\r\nb', 'a\rx\nb'), { start: 1, end: 3 });
    assert.deepEqual(changedSpan('a\r\nb', 'a\r\r\nb'), { start: 1, end: 3 });
  });
});

describe('DocumentStore', () => {
  it('parses once for a burst of changes, when the tree is read', async () => {
    const parser = await PythonParser.create();
    let parses = 0;
    const parse = parser.parse.bind(parser);
    parser.parse = (text, oldTree) => {
      parses++;
      return parse(text, oldTree);
    };
    const store = openStore(parser, 'def work(x):\n    return x\n');
    assert.equal(parses, 1);
    let version = 1;
    for (const character of 'print(work(2))\n') {
      const end = store.get(URI)!.text.length;
      const at = { line: 2, character: end - 'def work(x):\n    return x\n'.length };
      store.change({ textDocument: { uri: URI, version: ++version }, contentChanges: [{ range: { start: at, end: at }, text: character }] });
    }
    assert.equal(parses, 1, 'no parse while typing');
    const document = store.get(URI)!;
    assert.equal(document.version, version);
    assert.equal(document.text, 'def work(x):\n    return x\nprint(work(2))\n');
    assert.equal(document.parsed.tree.rootNode.toString(), parse(document.text).rootNode.toString());
    assert.equal(parses, 2, 'one incremental parse for the burst');
    document.parsed;
    assert.equal(parses, 2, 'nothing to catch up');
    store.dispose();
  });

  it('ends with the text and tree of a fresh parse after any edits (vscode-languageserver-textdocument as the oracle)', async () => {
    const parser = await sharedParser();
    const pieces = ['\n', '\r\n', '    ', 'def f(x):', 'return x', 'Pool()', ':', '(', ')', '"""', '#', 'é', '😀', 'if __name__ == "__main__":'];
    const change = fc.record({
      startLine: fc.integer({ min: -1, max: 12 }),
      startCharacter: fc.integer({ min: -1, max: 40 }),
      endLine: fc.integer({ min: -1, max: 12 }),
      endCharacter: fc.integer({ min: -1, max: 40 }),
      text: fc.array(fc.constantFrom(...pieces), { maxLength: 4 }).map((parts) => parts.join('')),
      full: fc.boolean().map((full) => full && Math.random() < 0.05),
    });
    const batches = fc.array(fc.tuple(fc.array(change, { minLength: 1, maxLength: 3 }), fc.boolean()), { maxLength: 25 });
    fc.assert(
      fc.property(fc.constantFrom('', 'import os\r\nx = 1\r\n', 'def f():\n    pass\n', 'a\rb\r'), batches, (initial, steps) => {
        const store = openStore(parser, initial);
        let oracle = TextDocument.create(URI, 'python', 1, initial);
        try {
          for (const [changes, read] of steps) {
            const events: TextDocumentContentChangeEvent[] = changes.map((each) =>
              each.full
                ? { text: each.text }
                : {
                    range: {
                      start: { line: Math.max(0, each.startLine), character: Math.max(0, each.startCharacter) },
                      end: { line: Math.max(0, each.endLine), character: Math.max(0, each.endCharacter) },
                    },
                    text: each.text,
                  },
            );
            // Applied one by one to fresh oracles: the oracle's own line bookkeeping assumes in-range edits.
            for (const event of events) {
              const next = TextDocument.update(oracle, [event], oracle.version + 1);
              oracle = TextDocument.create(URI, 'python', next.version, next.getText());
            }
            store.change({ textDocument: { uri: URI, version: oracle.version }, contentChanges: events });
            assert.equal(store.get(URI)!.text, oracle.getText());
            if (read) store.get(URI)!.parsed;
          }
          const parsed = store.get(URI)!.parsed;
          assert.equal(parsed.text, oracle.getText());
          const fresh = parser.parse(oracle.getText());
          try {
            assert.equal(parsed.tree.rootNode.toString(), fresh.rootNode.toString());
          } finally {
            fresh.delete();
          }
        } finally {
          store.dispose();
        }
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { PythonParser } from '../../server/src/syntax/parser';
import { DEFAULT_SETTINGS } from '../../server/src/config/settings';
import { ANALYSIS_CACHE_SIZE, AnalysisCache } from '../../server/src/lsp/analyses';
import { codeActionsFor, FIX_ALL_KIND } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { changedSpan, DocumentStore, TREES_KEPT, type OpenDocument } from '../../server/src/lsp/documents';
import { hoverAt } from '../../server/src/lsp/hover';
import { sharedParser } from '../helpers/parser';
import { realisticProgram } from '../helpers/realistic-python';
import { countingParser } from './live-trees';
import { UNGUARDED } from './sources';

const URI = 'file:///doc.py';

const OTHER_URI = 'file:///other.py';

function openStore(parser: PythonParser, text: string, treesKept?: number): DocumentStore {
  const store = new DocumentStore(parser, treesKept);
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
    assert.equal(parses, 0, 'opening keeps the text; the first read parses');
    void store.get(URI)!.parsedDocument();
    assert.equal(parses, 1);
    let version = 1;
    for (const character of 'print(work(2))\n') {
      const end = store.get(URI)!.text.length;
      const at = { line: 2, character: end - 'def work(x):\n    return x\n'.length };
      store.change({
        textDocument: { uri: URI, version: ++version },
        contentChanges: [{ range: { start: at, end: at }, text: character }],
      });
    }
    assert.equal(parses, 1, 'no parse while typing');
    const document = store.get(URI)!;
    assert.equal(document.version, version);
    assert.equal(document.text, 'def work(x):\n    return x\nprint(work(2))\n');
    assert.equal(document.parsedDocument().readTree().rootNode.toString(), parse(document.text).rootNode.toString());
    assert.equal(parses, 2, 'one incremental parse for the burst');
    void document.parsedDocument();
    assert.equal(parses, 2, 'nothing to catch up');
    store.dispose();
  });

  it('ends with the text and tree of a fresh parse after any edits (vscode-languageserver-textdocument as the oracle)', async () => {
    const parser = await sharedParser();
    const pieces = [
      '\n',
      '\r\n',
      '    ',
      'def f(x):',
      'return x',
      'Pool()',
      ':',
      '(',
      ')',
      '"""',
      '#',
      'é',
      '😀',
      'if __name__ == "__main__":',
    ];
    const change = fc.record({
      startLine: fc.integer({ min: -1, max: 12 }),
      startCharacter: fc.integer({ min: -1, max: 40 }),
      endLine: fc.integer({ min: -1, max: 12 }),
      endCharacter: fc.integer({ min: -1, max: 40 }),
      text: fc.array(fc.constantFrom(...pieces), { maxLength: 4 }).map((parts) => parts.join('')),
      full: fc.boolean().map((full) => full && Math.random() < 0.05),
    });
    // After each batch: nothing, read the tree (catch up), or read another document, which releases this one's tree.
    const afterBatch = fc.constantFrom('nothing', 'read', 'release');
    const batches = fc.array(fc.tuple(fc.array(change, { minLength: 1, maxLength: 3 }), afterBatch), { maxLength: 25 });
    fc.assert(
      fc.property(fc.constantFrom('', 'import os\r\nx = 1\r\n', 'def f():\n    pass\n', 'a\rb\r'), batches, (initial, steps) => {
        const store = openStore(parser, initial, 1);
        const other = store.open({ textDocument: { uri: OTHER_URI, languageId: 'python', version: 1, text: 'x = 1\n' } });
        let oracle = TextDocument.create(URI, 'python', 1, initial);
        try {
          for (const [changes, afterwards] of steps) {
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
            if (afterwards === 'read') void store.get(URI)!.parsedDocument();
            if (afterwards === 'release') {
              void other.parsedDocument();
              assert.equal(store.get(URI)!.currentTree, undefined);
            }
          }
          const parsed = store.get(URI)!.parsedDocument();
          assert.equal(parsed.text, oracle.getText());
          const fresh = parser.parse(oracle.getText());
          try {
            assert.equal(parsed.readTree().rootNode.toString(), fresh.rootNode.toString());
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

/** An unguarded Pool (SPG001 on `mp.Pool(2)`, line 7) and an unguarded Process start (SPG001, line 10). */
const HAZARDS = `${UNGUARDED}worker = mp.Process(target=square, args=(2,))\nworker.start()\n`;

/** What the server answers for a document: its diagnostics, a hover on each, and the code actions for all of them. */
function answers(document: OpenDocument, cache: AnalysisCache, parser: PythonParser) {
  const analysis = cache.analysisFor(document, {});
  const diagnostics = analysis.findings.map((finding) => toDiagnostic(finding, document.uri));
  const request = {
    uri: document.uri,
    version: document.version,
    document: document.parsedDocument(),
    analysis,
    parser,
    options: {},
    versionedEdits: true,
    runUnderSpawn: false,
  };
  return {
    diagnostics,
    hovers: analysis.findings.map((finding) => hoverAt(analysis.findings, finding.range.start)),
    quickFixes: codeActionsFor({ ...request, settings: DEFAULT_SETTINGS, context: { diagnostics } }),
    fixAll: codeActionsFor({
      ...request,
      settings: { ...DEFAULT_SETTINGS, fixAll: true },
      context: { diagnostics: [], only: [FIX_ALL_KIND] },
    }),
  };
}

describe('documents not read recently', () => {
  const open = (store: DocumentStore, uri: string, text: string) =>
    store.open({ textDocument: { uri, languageId: 'python', version: 1, text } });

  it('answer the same diagnostics, hovers and code actions after their released tree is parsed again', async () => {
    const parser = await sharedParser();
    const store = new DocumentStore(parser, 1);
    const cache = new AnalysisCache(1);
    const document = open(store, URI, HAZARDS);
    const before = answers(document, cache, parser);
    assert.deepEqual(
      before.diagnostics.map((diagnostic) => diagnostic.code),
      ['SPG001', 'SPG001'],
    );
    assert.ok(before.quickFixes.length > 0 && before.fixAll.length === 1 && before.hovers.every((hover) => hover !== null));

    cache.analysisFor(open(store, OTHER_URI, 'x = 1\n'), {});
    assert.equal(document.currentTree, undefined, 'released to make room for the other document');
    assert.deepEqual(answers(document, cache, parser), before);
    store.dispose();
  });

  it('take edits while released, and are parsed from their current text when read', async () => {
    const counting = await countingParser();
    const store = new DocumentStore(counting.parser, 1);
    const cache = new AnalysisCache(1);
    const document = open(store, URI, HAZARDS);
    const other = open(store, OTHER_URI, 'x = 1\n');
    const before = answers(document, cache, counting.parser);
    void other.parsedDocument();
    assert.equal(document.currentTree, undefined);
    const parses = counting.parses();
    // Two lines inserted at the top, then the Process start guarded, in two notifications.
    const top = { line: 0, character: 0 };
    store.change({
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ range: { start: top, end: top }, text: 'import os\nimport sys\n' }],
    });
    const start = { line: 12, character: 0 };
    store.change({
      textDocument: { uri: URI, version: 3 },
      contentChanges: [{ range: { start, end: { line: 12, character: 14 } }, text: 'if __name__ == "__main__":\n    worker.start()' }],
    });
    assert.equal(counting.parses(), parses, 'no parse while released');
    void document.parsedDocument();
    assert.equal(counting.parses(), parses + 1, 'one fresh parse of the current text');
    const after = answers(document, cache, counting.parser);
    const expectedText = `import os\nimport sys\n${HAZARDS.replace('worker.start()', 'if __name__ == "__main__":\n    worker.start()')}`;
    assert.equal(document.text, expectedText);
    assert.equal(document.version, 3);
    const fresh = counting.parser.parse(expectedText);
    try {
      assert.equal(document.parsedDocument().readTree().rootNode.toString(), fresh.rootNode.toString());
    } finally {
      fresh.delete();
    }
    assert.deepEqual(
      after.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]),
      [['SPG001', 9]],
      'the Pool moved down two lines; the Process start is guarded now',
    );
    assert.notDeepEqual(after.quickFixes, before.quickFixes);
    store.dispose();
    assert.equal(counting.live(), 0);
  });

  it('hold a bounded number of trees while 100 documents of 1,000 lines are opened and analysed', async () => {
    const counting = await countingParser();
    const store = new DocumentStore(counting.parser);
    const cache = new AnalysisCache();
    const base = realisticProgram(1_000);
    const documents = Array.from({ length: 100 }, (_, index) => open(store, `file:///memory-${index}.py`, `# document ${index}\n${base}`));
    assert.equal(counting.parses(), 0, 'opening parses nothing');
    // As the server does: every document analysed once, in turn, after all were opened.
    const findings = documents.map((document) => cache.analysisFor(document, {}).findings);
    assert.ok(
      findings.every((each) => JSON.stringify(each) === JSON.stringify(findings[0])),
      'all alike but the first line',
    );
    assert.equal(counting.peak(), TREES_KEPT, 'never more trees alive than kept');
    assert.equal(store.treeCount, TREES_KEPT);
    assert.equal(cache.size, ANALYSIS_CACHE_SIZE);
    assert.deepEqual(
      documents.map((document) => document.currentTree !== undefined),
      documents.map((_, index) => index >= documents.length - TREES_KEPT),
      'the most recently analysed keep their tree',
    );
    for (const document of documents) store.close(document.uri);
    assert.equal(counting.live(), 0, 'closing frees every tree');
    assert.equal(store.treeCount, 0);
  });
});

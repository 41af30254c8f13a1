import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { AnalysisCache } from '../../server/src/lsp/analyses';
import { DocumentStore, type OpenDocument } from '../../server/src/lsp/documents';
import { sharedParser } from '../helpers/parser';
import { countingParser } from './live-trees';

const POOL = 'import multiprocessing as mp\n\npool = mp.Pool(2)\n';

function openAll(store: DocumentStore, names: string[]): OpenDocument[] {
  return names.map((name) => store.open({ textDocument: { uri: `file:///${name}.py`, languageId: 'python', version: 1, text: POOL } }));
}

it('reuses an analysis until the document changes, and keeps only the most recently used ones', async () => {
  const store = new DocumentStore(await sharedParser());
  const cache = new AnalysisCache(2);
  const [a, b, c] = openAll(store, ['a', 'b', 'c']);
  const first = cache.analysisFor(a, {});
  assert.equal(cache.analysisFor(a, {}), first, 'same tree and options: the cached analysis');
  assert.notEqual(cache.analysisFor(a, { ignore: ['SPG008'] }), first, 'other options: analysed again');

  const ofA = cache.analysisFor(a, {});
  cache.analysisFor(b, {});
  assert.equal(cache.analysisFor(a, {}), ofA, 'a was used last but one: still cached');
  cache.analysisFor(c, {}); // evicts b, the least recently used
  assert.equal(cache.analysisFor(a, {}), ofA);
  const ofB = cache.analysisFor(b, {});
  assert.deepEqual(
    ofB.findings.map((finding) => finding.code),
    ['SPG001'],
    'an evicted analysis is recomputed',
  );

  a.applyChange({ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'x = 1\n' });
  assert.notEqual(cache.analysisFor(a, {}), ofA, 'a change makes a new tree, hence a new analysis');
  store.dispose();
});

it('never uses an analysis whose tree was released, and lets it go when the tree goes', async () => {
  const counting = await countingParser();
  const store = new DocumentStore(counting.parser, 2);
  const cache = new AnalysisCache(2);
  const [a, b, c] = openAll(store, ['a', 'b', 'c']);
  const ofA = cache.analysisFor(a, {});
  cache.analysisFor(b, {});
  assert.equal(cache.size, 2);
  cache.analysisFor(c, {}); // a is the least recently read: its tree is released to make room for c's
  assert.equal(a.currentTree, undefined, "a's tree was released");
  assert.equal(counting.live(), 2);
  assert.equal(cache.size, 2, "a's analysis went with its tree, b's and c's stay");

  const again = cache.analysisFor(a, {});
  assert.notEqual(again, ofA, 'analysed again on the fresh parse');
  assert.notEqual(again.tree, ofA.tree);
  assert.equal(again.tree, a.currentTree, 'the analysis is of the live tree');
  assert.deepEqual(again.findings, ofA.findings, 'the same findings');
  assert.equal(b.currentTree, undefined, 'reading a released the least recent tree, b');
  assert.equal(counting.peak(), 2, 'never more trees than kept');
  store.dispose();
  assert.equal(counting.live(), 0);
});

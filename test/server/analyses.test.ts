import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { ParsedDocument } from '../../server/src/analysis/document';
import { AnalysisCache } from '../../server/src/lsp/analyses';
import { OpenDocument } from '../../server/src/lsp/documents';
import { sharedParser } from '../helpers/parser';

async function openDocument(name: string): Promise<OpenDocument> {
  const text = 'import multiprocessing as mp\n\npool = mp.Pool(2)\n';
  return new OpenDocument(`file:///${name}.py`, 'python', 1, new ParsedDocument(await sharedParser(), text));
}

it('reuses an analysis until the document changes, and keeps only the most recently used ones', async () => {
  const cache = new AnalysisCache(2);
  const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(openDocument));
  const first = cache.analysisFor(a, {});
  assert.equal(cache.analysisFor(a, {}), first, 'same tree and options: the cached analysis');
  assert.notEqual(cache.analysisFor(a, { ignore: ['SPG008'] }), first, 'other options: analysed again');

  const ofA = cache.analysisFor(a, {});
  cache.analysisFor(b, {});
  assert.equal(cache.analysisFor(a, {}), ofA, 'a was used last but one: still cached');
  cache.analysisFor(c, {}); // evicts b, the least recently used
  assert.equal(cache.analysisFor(a, {}), ofA);
  const ofB = cache.analysisFor(b, {});
  assert.deepEqual(ofB.findings.map((finding) => finding.code), ['SPG001'], 'an evicted analysis is recomputed');

  a.applyChange({ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'x = 1\n' });
  assert.notEqual(cache.analysisFor(a, {}), ofA, 'a change makes a new tree, hence a new analysis');
  for (const document of [a, b, c]) document.dispose();
});

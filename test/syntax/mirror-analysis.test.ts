import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze, type Analysis } from '../../server/src/engine/analyze';
import { ParsedDocument } from '../../server/src/syntax/document';
import { SyntaxMirror } from '../../server/src/syntax/mirror/mirror';
import { rangeOf, sharedParser } from '../helpers/parser';
import { propertyParameters } from '../helpers/property-runs';
import { editSpan, programTextArb, randomEditArb } from '../helpers/python-programs';

/**
 * The server analyses a document being edited on its SyntaxMirror (plain objects kept across edits,
 * statements reparsed alone); the CLI analyses a fresh tree. Both run the same analysis, so its facts
 * and findings must be the same: an analysis of the mirror equals an analysis of the tree.
 */

/** The process events as plain data: kinds, methods, roles, the spans of their nodes and the scope each runs in. */
function eventsOf(analysis: Analysis): unknown {
  const span = (node: { startIndex: number; endIndex: number }) => `${node.startIndex}-${node.endIndex}`;
  const { startSites, workerReferences, threadStarts, startMethodCalls, forkOnlyUses } = analysis.facts.events;
  return {
    startSites: startSites.map((site) => [site.kind, site.method, span(site.call), span(site.creation), site.scope.qualifiedName]),
    workerReferences: workerReferences.map((reference) => [
      reference.role,
      reference.method,
      span(reference.argument),
      span(reference.call),
      reference.scope.qualifiedName,
    ]),
    threadStarts: threadStarts.map((start) => [span(start.call), span(start.target), start.scope.qualifiedName]),
    startMethodCalls: startMethodCalls.map((call) => [call.method, call.force, span(call.call), call.scope.qualifiedName]),
    forkOnlyUses: forkOnlyUses.map((use) => [use.reason, span(use.call)]),
  };
}

/** The module's bindings as plain data, names in the map's order. */
function moduleBindingsOf(analysis: Analysis): unknown {
  return [...analysis.facts.moduleBindings].map(([name, bindings]) => [
    name,
    bindings.map((binding) => [binding.kind, binding.statement.startIndex, binding.statement.endIndex, binding.target.startIndex]),
  ]);
}

/** The scopes in document order, with what they hold. */
function scopesOf(analysis: Analysis): unknown {
  return analysis.facts.scopes.scopes.map((scope) => [
    scope.qualifiedName,
    scope.bodyStart,
    scope.bodyEnd,
    scope.calls.map((call) => call.startIndex),
  ]);
}

/** What each worker reference refers to. */
function workerTargetsOf(analysis: Analysis): unknown {
  return analysis.facts.events.workerReferences.map((reference) => {
    const target = analysis.facts.workers.target(reference);
    const node = 'definition' in target ? target.definition : 'lambda' in target ? target.lambda : undefined;
    return [
      target.kind,
      'name' in target ? target.name : undefined,
      node?.startIndex,
      'scope' in target ? target.scope.qualifiedName : undefined,
    ];
  });
}

/**
 * Analyses the document's mirror and its tree and asserts they agree; unless the document holds a region
 * parsed alone with errors (reading the tree would end that, and the tree may recover otherwise).
 */
function assertMirrorAnalysedAsTree(document: ParsedDocument, label: string): void {
  const text = document.text;
  const onMirror = analyze({ text, tree: document.readSyntax() });
  if (document.provisionalRegion) return;
  const onTree = analyze({ text, tree: document.readTree() });
  assert.deepEqual(onMirror.findings, onTree.findings, `${label}: findings`);
  assert.deepEqual(eventsOf(onMirror), eventsOf(onTree), `${label}: process events`);
  assert.deepEqual(moduleBindingsOf(onMirror), moduleBindingsOf(onTree), `${label}: module bindings`);
  assert.deepEqual(scopesOf(onMirror), scopesOf(onTree), `${label}: scopes`);
  assert.deepEqual(workerTargetsOf(onMirror), workerTargetsOf(onTree), `${label}: worker targets`);
}

/** Replaces the first occurrence of `before` in the document by `after`. */
function replace(document: ParsedDocument, before: string, after: string): void {
  const start = document.text.indexOf(before);
  assert.ok(start >= 0, `"${before}" is in the text`);
  document.applyEdit(rangeOf(document, start, start + before.length), after);
}

describe('analysis of a mirrored document', () => {
  it('equals the analysis of the tree after any sequence of edits', async () => {
    const parser = await sharedParser();
    fc.assert(
      fc.property(
        programTextArb,
        fc.array(fc.record({ edit: randomEditArb, analyse: fc.boolean() }), { minLength: 1, maxLength: 20 }),
        (text, steps) => {
          const document = new ParsedDocument(parser, text, true);
          try {
            // A first edit makes the mirror.
            document.applyEdit(rangeOf(document, text.length, text.length), '\n');
            assertMirrorAnalysedAsTree(document, 'first analysis');
            steps.forEach(({ edit, analyse }, index) => {
              const { start, end } = editSpan(document.text, edit);
              document.applyEdit(rangeOf(document, start, end), edit.insert);
              if (analyse || index === steps.length - 1) assertMirrorAnalysedAsTree(document, `after edit ${index + 1}`);
            });
          } finally {
            document.dispose();
          }
        },
      ),
      propertyParameters(80),
    );
  });

  it('keeps a class with the nested scopes it holds, one with an empty body at its end too (regression, seed 52)', async () => {
    const parser = await sharedParser();
    const text =
      '# -*- coding: utf-8 -*-\ndef main():\n  def main():\n    N = 4\nimport multiprocessing\nif __name__ == "__main__":\n  squares = [work(i) for i in DATA]  # noqa: SPG001\n  def work(x=0):\n    return x * 2\n@trace\ndef work(x):\n  return x * 2\nclass Service:\n  """Starts a pool on demand."""\n  def start(self):\n    def main():\n      p.join()\n      import multiprocessing.pool\n    with mp.get_context("fork").Pool(2) as pool:\n      ex.submit(job, 1).result()\n      print("loading")\n# a comment that belongs to the next statement\nfrom multiprocessing import Pool as P\n';
    const edits = [
      { at: 6156918, remove: 1, insert: '# noqa' },
      { at: 0, remove: 3, insert: '    ' },
      { at: 0, remove: 0, insert: ' ' },
      { at: 115790849, remove: 0, insert: '\r' },
      { at: 0, remove: 0, insert: ' ' },
    ];
    const document = new ParsedDocument(parser, text, true);
    try {
      document.applyEdit(rangeOf(document, text.length, text.length), '\n');
      assertMirrorAnalysedAsTree(document, 'first analysis');
      edits.forEach((edit, index) => {
        const { start, end } = editSpan(document.text, edit);
        document.applyEdit(rangeOf(document, start, end), edit.insert);
        assertMirrorAnalysedAsTree(document, `after edit ${index + 1}`);
      });
    } finally {
      document.dispose();
    }
  });

  it("follows the module-level statements that a definition's values look up", async () => {
    const parser = await sharedParser();
    const text = [
      'import multiprocessing as mp',
      'P = mp.Pool',
      'jobs = []',
      '',
      'def square(x):',
      '    return x * x',
      '',
      'def run():',
      '    with P(2) as pool:',
      '        return pool.map(square, range(4))',
      '',
      'def start():',
      '    for job in jobs:',
      '        job.start()',
      '',
      'def unrelated():',
      '    return sorted([3, 1, 2])',
      '',
      'jobs.append(mp.Process(target=square, args=(1,)))',
      'run()',
      '',
    ].join('\n');
    const document = new ParsedDocument(parser, text, true);
    try {
      document.applyEdit(rangeOf(document, text.length, text.length), '\n');
      assert.ok(document.readSyntax() instanceof SyntaxMirror);
      assertMirrorAnalysedAsTree(document, 'first analysis');
      const startsIn = (name: string) =>
        analyze({ text: document.text, tree: document.readSyntax() }).facts.events.startSites.filter((site) => site.scope.name === name)
          .length;
      assert.equal(startsIn('run'), 1, 'run starts a pool');
      assert.equal(startsIn('start'), 1, 'start starts the processes appended at module level');

      // The alias `run` looked up now names no pool: run loses the start.
      replace(document, 'P = mp.Pool', 'P = mp.Queue');
      assertMirrorAnalysedAsTree(document, 'alias changed');
      assert.equal(startsIn('run'), 0);

      // The module-level append `start` depends on: without it, the list holds no processes.
      replace(document, 'jobs.append(mp.Process(target=square, args=(1,)))', 'jobs.append(len(jobs))');
      assertMirrorAnalysedAsTree(document, 'append changed');
      assert.equal(startsIn('start'), 0);

      // The import every value goes through: threading's Pool is no process pool.
      replace(document, 'P = mp.Queue', 'P = mp.Pool');
      assertMirrorAnalysedAsTree(document, 'alias restored');
      assert.equal(startsIn('run'), 1);
      replace(document, 'import multiprocessing as mp', 'import threading as mp');
      assertMirrorAnalysedAsTree(document, 'import changed');
      assert.equal(startsIn('run'), 0);

      // A half-typed module-level statement at the end.
      replace(document, 'import threading as mp', 'import multiprocessing as mp');
      assertMirrorAnalysedAsTree(document, 'import restored');
      const end = document.text.length;
      document.applyEdit(rangeOf(document, end, end), 'with mp.Pool(');
      assertMirrorAnalysedAsTree(document, 'half-typed statement at the end');
      assert.equal(startsIn('run'), 1);
    } finally {
      document.dispose();
    }
  });
});

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze, type Analysis } from '../../server/src/engine/analyze';
import { ParsedDocument } from '../../server/src/syntax/document';
import type { AnalysisMemo } from '../../server/src/model/memo';
import { SyntaxMirror } from '../../server/src/syntax/mirror/mirror';
import { rangeOf, sharedParser } from '../helpers/parser';
import { propertyParameters } from '../helpers/property-runs';
import { editSpan, programTextArb, randomEditArb } from '../helpers/python-programs';
import { realisticProgram } from '../helpers/realistic-python';

/**
 * AnalysisMemo keeps scan results and process events from one analysis of an edited document to the
 * next. It must never change a result: an analysis of the document's mirror (with its memo) gives the
 * findings and the process events an analysis of the same tree without any memo gives.
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

/** The module's bindings as plain data, names in the map's order (the memo updates the previous map in place). */
function moduleBindingsOf(analysis: Analysis): unknown {
  return [...analysis.facts.moduleBindings].map(([name, bindings]) => [
    name,
    bindings.map((binding) => [binding.kind, binding.statement.startIndex, binding.statement.endIndex, binding.target.startIndex]),
  ]);
}

/** The scopes in document order, with what they hold (built from the scan, which the memo updates in place). */
function scopesOf(analysis: Analysis): unknown {
  return analysis.facts.scopes.scopes.map((scope) => [
    scope.qualifiedName,
    scope.bodyStart,
    scope.bodyEnd,
    scope.calls.map((call) => call.startIndex),
  ]);
}

/** What each worker reference refers to (WorkerModel keeps targets for references the memo reuses). */
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

/** Analyses the document's mirror (memo and all) and its tree (no memo), and asserts they agree. */
function assertMemoChangesNothing(document: ParsedDocument, label: string): void {
  const text = document.text;
  const syntax = document.syntax;
  const withMemo = analyze({ text, tree: syntax });
  // The same nodes without the memo; and the tree, unless the document holds a region parsed alone with
  // errors (reading the tree would end that, and the tree may recover from the errors otherwise).
  const sameNodes = analyze({ text, tree: { rootNode: syntax.rootNode } });
  assert.deepEqual(withMemo.findings, sameNodes.findings, `${label}: findings (same nodes)`);
  assert.deepEqual(eventsOf(withMemo), eventsOf(sameNodes), `${label}: process events (same nodes)`);
  assert.deepEqual(moduleBindingsOf(withMemo), moduleBindingsOf(sameNodes), `${label}: module bindings (same nodes)`);
  assert.deepEqual(scopesOf(withMemo), scopesOf(sameNodes), `${label}: scopes (same nodes)`);
  assert.deepEqual(workerTargetsOf(withMemo), workerTargetsOf(sameNodes), `${label}: worker targets (same nodes)`);
  if (document.provisionalRegion) return;
  const withoutMemo = analyze({ text, tree: document.tree });
  assert.deepEqual(withMemo.findings, withoutMemo.findings, `${label}: findings`);
  assert.deepEqual(eventsOf(withMemo), eventsOf(withoutMemo), `${label}: process events`);
}

/** Replaces the first occurrence of `before` in the document by `after`. */
function replace(document: ParsedDocument, before: string, after: string): void {
  const start = document.text.indexOf(before);
  assert.ok(start >= 0, `"${before}" is in the text`);
  document.applyEdit(rangeOf(document, start, start + before.length), after);
}

/** How many top-level definitions the next analysis reads process events for again (the memo's misses). */
function eventReads(memo: AnalysisMemo, run: () => void): number {
  const definitions = memo.definitionEvents;
  const set = definitions.set.bind(definitions);
  let reads = 0;
  definitions.set = (key, value) => {
    reads++;
    return set(key, value);
  };
  try {
    run();
  } finally {
    definitions.set = set;
  }
  return reads;
}

describe('AnalysisMemo', () => {
  it('changes no finding and no process event after any sequence of edits', async () => {
    const parser = await sharedParser();
    fc.assert(
      fc.property(
        programTextArb,
        fc.array(fc.record({ edit: randomEditArb, analyse: fc.boolean() }), { minLength: 1, maxLength: 20 }),
        (text, steps) => {
          const document = new ParsedDocument(parser, text, true);
          try {
            // A first edit makes the mirror; its analysis fills the memo.
            document.applyEdit(rangeOf(document, text.length, text.length), '\n');
            assertMemoChangesNothing(document, 'first analysis');
            steps.forEach(({ edit, analyse }, index) => {
              const { start, end } = editSpan(document.text, edit);
              document.applyEdit(rangeOf(document, start, end), edit.insert);
              if (analyse || index === steps.length - 1) assertMemoChangesNothing(document, `after edit ${index + 1}`);
            });
          } finally {
            document.dispose();
          }
        },
      ),
      propertyParameters(80),
    );
  });

  it('keeps a class with the nested scopes it holds, one with an empty body at its end too (found by the property above, seed 52)', async () => {
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
      assertMemoChangesNothing(document, 'first analysis');
      edits.forEach((edit, index) => {
        const { start, end } = editSpan(document.text, edit);
        document.applyEdit(rangeOf(document, start, end), edit.insert);
        assertMemoChangesNothing(document, `after edit ${index + 1}`);
      });
    } finally {
      document.dispose();
    }
  });

  it('reads again only the definition a keystroke changes, and gives the findings of the tree', async () => {
    const parser = await sharedParser();
    const text = realisticProgram(300);
    const document = new ParsedDocument(parser, text, true);
    try {
      document.applyEdit(rangeOf(document, text.length, text.length), '\n');
      const mirror = document.syntax;
      assert.ok(mirror instanceof SyntaxMirror);
      const definitions = (text.match(/^(def|class) /gm) ?? []).length;
      assert.ok(
        eventReads(mirror.memo, () => assertMemoChangesNothing(document, 'first analysis')) >= definitions,
        'the first analysis reads every definition',
      );
      // Type a statement into the body of a function in the middle, a character at a time.
      const anchor = document.text.indexOf('def transform_2(record):\n') + 'def transform_2(record):\n'.length;
      const typed = '    scaled = record.total() * SCALE\n';
      for (let index = 0; index < typed.length; index++) {
        const at = anchor + index;
        document.applyEdit(rangeOf(document, at, at), typed[index]);
        const reads = eventReads(mirror.memo, () =>
          assertMemoChangesNothing(document, `after typing ${JSON.stringify(typed.slice(0, index + 1))}`),
        );
        assert.ok(reads <= 3, `a keystroke read ${reads} definitions again`);
      }
    } finally {
      document.dispose();
    }
  });

  it('keeps the scopes of every definition a keystroke leaves unchanged, moved to where it now is', async () => {
    const parser = await sharedParser();
    const text = realisticProgram(300);
    const document = new ParsedDocument(parser, text, true);
    try {
      document.applyEdit(rangeOf(document, text.length, text.length), '\n');
      const before = analyze({ text: document.text, tree: document.syntax }).facts.scopes.scopes;
      const edited = document.text.indexOf('def transform_1(record):\n') + 'def transform_1(record):\n'.length;
      document.applyEdit(rangeOf(document, edited, edited), '    scaled = record.total()\n');
      const after = analyze({ text: document.text, tree: document.syntax }).facts.scopes.scopes;
      const kept = new Set(before);
      const fresh = after.filter((scope) => !kept.has(scope));
      assert.deepEqual(
        fresh.map((scope) => scope.qualifiedName),
        ['transform_1'],
        'only the edited definition has new scopes',
      );
      const later = after.find((scope) => scope.qualifiedName === 'run_batch_2');
      assert.ok(later && kept.has(later));
      const definition = document.tree.rootNode.descendantForIndex(document.text.indexOf('def run_batch_2('))?.parent;
      assert.equal(later.bodyStart, definition?.childForFieldName('body')?.startIndex, 'a kept scope moved with its definition');
      assertMemoChangesNothing(document, 'after the edit');
    } finally {
      document.dispose();
    }
  });

  it('reads a definition again when a module-level statement its values looked up changes', async () => {
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
      const mirror = document.syntax;
      assert.ok(mirror instanceof SyntaxMirror);
      assertMemoChangesNothing(document, 'first analysis');
      const startsIn = (name: string) =>
        analyze({ text: document.text, tree: document.syntax }).facts.events.startSites.filter((site) => site.scope.name === name).length;
      assert.equal(startsIn('run'), 1, 'run starts a pool');
      assert.equal(startsIn('start'), 1, 'start starts the processes appended at module level');

      // The alias `run` looked up now names no pool: run's events are read again and lose the start.
      replace(document, 'P = mp.Pool', 'P = mp.Queue');
      assert.ok(eventReads(mirror.memo, () => assertMemoChangesNothing(document, 'alias changed')) >= 1);
      assert.equal(startsIn('run'), 0);

      // The module-level append `start` depends on: without it, the list holds no processes.
      replace(document, 'jobs.append(mp.Process(target=square, args=(1,)))', 'jobs.append(len(jobs))');
      assertMemoChangesNothing(document, 'append changed');
      assert.equal(startsIn('start'), 0);

      // The import every value goes through: threading's Pool is no process pool.
      replace(document, 'P = mp.Queue', 'P = mp.Pool');
      assertMemoChangesNothing(document, 'alias restored');
      assert.equal(startsIn('run'), 1);
      replace(document, 'import multiprocessing as mp', 'import threading as mp');
      assertMemoChangesNothing(document, 'import changed');
      assert.equal(startsIn('run'), 0);

      // A half-typed module-level statement that no definition looks up leaves the others' events as they were.
      replace(document, 'import threading as mp', 'import multiprocessing as mp');
      assertMemoChangesNothing(document, 'import restored');
      const end = document.text.length;
      document.applyEdit(rangeOf(document, end, end), 'with mp.Pool(');
      const reads = eventReads(mirror.memo, () => assertMemoChangesNothing(document, 'half-typed statement at the end'));
      assert.equal(reads, 0, 'no definition looked up what the half-typed statement binds');
    } finally {
      document.dispose();
    }
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Point, Tree } from 'web-tree-sitter';
import { analyze } from '../../server/src/engine/analyze';
import { ParsedDocument, MIRRORED_LENGTH_LIMIT } from '../../server/src/syntax/document';
import { computeLineStarts, lineIndexAt } from '../../server/src/text/lineIndex';
import { SyntaxMirror } from '../../server/src/syntax/mirror/mirror';
import { MirrorNode } from '../../server/src/syntax/mirror/node';
import { normalizeLoneCarriageReturns, type PythonParser } from '../../server/src/syntax/parser';
import type { SyntaxNode } from '../../server/src/syntax/syntaxNode';
import { hostileDocuments } from '../robustness/hostile-documents';
import { rangeOf, sharedParser } from '../helpers/parser';
import { FIXTURES } from '../helpers/paths';
import { propertyParameters } from '../helpers/property-runs';
import { editSpan, programTextArb, randomEditArb } from '../helpers/python-programs';
import { realisticProgram } from '../helpers/realistic-python';

/** A node as the comparisons name it: `type@start-end`, or `null`. */
function describeNode(node: SyntaxNode | null | undefined): string {
  return node ? `${node.type}@${node.startIndex}-${node.endIndex}` : 'null';
}

function describeNodes(nodes: readonly (SyntaxNode | null)[]): string {
  return nodes.map(describeNode).join(', ');
}

/**
 * The one difference between the mirror and web-tree-sitter 0.25.10 that is kept on purpose: with
 * 'ERROR' among other types, web-tree-sitter's descendantsOfType finds only ERROR nodes (it hands C an
 * unsorted symbol list that C searches as sorted); the mirror finds every node of the types, and the
 * analysis asks for 'ERROR' only alone. It is recognised narrowly, counted and listed by the last test;
 * any other difference fails the comparison. (Four others the first version of these tests found, in
 * error subtrees and an ERROR root, are fixed: the mirror asks the tree there, or is not made.)
 */
const knownDiscrepancies = new Map<string, { count: number; example: string }>();

function noteKnown(kind: string, example: string): void {
  const entry = knownDiscrepancies.get(kind);
  if (entry) entry.count++;
  else knownDiscrepancies.set(kind, { count: 1, example });
}

const ERROR_AMONG_TYPES =
  "descendantsOfType: with 'ERROR' among other types web-tree-sitter finds only ERROR nodes (its symbol list is unsorted), the mirror finds all";

const INHERITED_MATCH_ALTERNATIVE =
  "childForFieldName('alternative') of a match_statement: web-tree-sitter answers a case_clause of its body block (a field of the hidden rule the block aliases) though childrenForFieldName is empty; the mirror answers null (nothing asks a match_statement for it)";

/** The non-null field names of the Python grammar. */
function fieldNames(tree: Tree): string[] {
  return tree.language.fields.filter((name): name is string => name !== null);
}

/** Everything the mirror promises about one node, other nodes named by describeNode. */
function nodeRecord(node: SyntaxNode, fields: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {
    type: node.type,
    isNamed: node.isNamed,
    isMissing: node.isMissing,
    hasError: node.hasError,
    startIndex: node.startIndex,
    endIndex: node.endIndex,
    startPosition: node.startPosition,
    endPosition: node.endPosition,
    text: node.text,
    childCount: node.childCount,
    namedChildCount: node.namedChildCount,
    namedChildren: describeNodes(node.namedChildren),
    nextNamedSibling: describeNode(node.nextNamedSibling),
    parent: describeNode(node.parent),
  };
  if (node.childCount > 0) {
    for (const field of fields) {
      if (node.type === 'match_statement' && field === 'alternative') {
        noteKnown(INHERITED_MATCH_ALTERNATIVE, `${describeNode(node)}: ${describeNode(node.childForFieldName(field))}`);
        continue;
      }
      const single = describeNode(node.childForFieldName(field));
      const all = describeNodes(node.childrenForFieldName(field));
      if (single !== 'null' || all !== '') record[`field ${field}`] = `${single} | ${all}`;
    }
  }
  return record;
}

/**
 * Walks `real` and `mirror` in parallel (with an explicit stack: hostile documents nest 2,000 deep) and
 * asserts every node pair has the same record. Returns the node pairs in document order.
 */
function assertSameStructure(real: SyntaxNode, mirror: SyntaxNode, fields: readonly string[], label: string): [SyntaxNode, SyntaxNode][] {
  const pairs: [SyntaxNode, SyntaxNode][] = [];
  const stack: [SyntaxNode, SyntaxNode, string][] = [[real, mirror, 'root']];
  while (stack.length > 0) {
    const [left, right, where] = stack.pop()!;
    pairs.push([left, right]);
    const expected = nodeRecord(left, fields);
    const actual = nodeRecord(right, fields);
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      assert.deepEqual(actual, expected, `${label}: the mirror differs at ${where} (${describeNode(left)})`);
    }
    const leftChildren = left.children;
    const rightChildren = right.children;
    for (let index = leftChildren.length - 1; index >= 0; index--) {
      stack.push([leftChildren[index]!, rightChildren[index]!, `${where}/${index}:${leftChildren[index]!.type}`]);
    }
  }
  return pairs;
}

/** A mirror of `tree`; undefined for a text that is one ERROR node (no module), which is analysed on the tree. */
function freshMirror(tree: Tree, text: string): SyntaxMirror | undefined {
  const mirror = new SyntaxMirror();
  const synced = mirror.sync(tree, text, computeLineStarts(text), undefined);
  assert.equal(synced, tree.rootNode.type === 'module', 'a mirror is made exactly when the root is a module');
  return synced ? mirror : undefined;
}

/** A small deterministic generator, so the sampled offsets are the same on every run. */
function sampler(seed: number): (bound: number) => number {
  let state = seed >>> 0 || 1;
  return (bound) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % Math.max(1, bound);
  };
}

/** Every offset of a small text, a sample of a large one; always the ends and a little beyond. */
function offsetsOf(length: number, limit: number, seed: number): number[] {
  if (length <= limit) return Array.from({ length: length + 3 }, (_, index) => index);
  const next = sampler(seed);
  const offsets = new Set([0, 1, length - 1, length, length + 1]);
  while (offsets.size < limit) offsets.add(next(length + 1));
  return [...offsets].sort((a, b) => a - b);
}

function pointAt(lineStarts: readonly number[], offset: number): Point {
  let row = 0;
  while (row + 1 < lineStarts.length && lineStarts[row + 1] <= offset) row++;
  return { row, column: offset - lineStarts[row] };
}

interface Query {
  call: string;
  run(node: SyntaxNode): string;
  /** A known discrepancy: its name, and what the real tree's answer is when it is the cause. */
  quirk?: { kind: string; explains(expected: string, mirror: SyntaxNode): boolean };
}

const TYPES = ['call', 'identifier', 'ERROR', 'lambda', 'block'];
const ZERO: Point = { row: 0, column: 0 };
const showPoint = (p: Point) => `{${p.row},${p.column}}`;

/** The queries to compare on a text: by index, by position, first named child, descendants of types. */
function queriesFor(text: string, limit: number, seed: number): Query[] {
  const lineStarts = computeLineStarts(text);
  const point = (offset: number) => pointAt(lineStarts, offset);
  const offsets = offsetsOf(text.length, limit, seed);
  const spans = [1, 3, 17];
  const queries: Query[] = [];
  offsets.forEach((start, position) => {
    const end = start + spans[position % spans.length];
    const p = point(start);
    const q = point(end);
    queries.push(
      { call: `descendantForIndex(${start})`, run: (n) => describeNode(n.descendantForIndex(start)) },
      { call: `descendantForIndex(${start}, ${end})`, run: (n) => describeNode(n.descendantForIndex(start, end)) },
      { call: `descendantForIndex(${end}, ${start})`, run: (n) => describeNode(n.descendantForIndex(end, start)) },
      { call: `firstNamedChildForIndex(${start})`, run: (n) => describeNode(n.firstNamedChildForIndex(start)) },
      { call: `descendantForPosition(${showPoint(p)})`, run: (n) => describeNode(n.descendantForPosition(p)) },
      { call: `descendantForPosition(${showPoint(p)}, ${showPoint(q)})`, run: (n) => describeNode(n.descendantForPosition(p, q)) },
      { call: `descendantForPosition(${showPoint(q)}, ${showPoint(p)})`, run: (n) => describeNode(n.descendantForPosition(q, p)) },
    );
    // A column past the end of its line, as an editor's position may be.
    const wide = { row: p.row, column: p.column + 40 };
    queries.push({ call: `descendantForPosition(${showPoint(wide)})`, run: (n) => describeNode(n.descendantForPosition(wide)) });
  });
  const next = sampler(seed ^ 0x9e3779b9);
  // Each list of types, with each bound: the brief's list, the list without ERROR, single types.
  const typeLists: (string | string[])[] = [TYPES, TYPES.filter((type) => type !== 'ERROR'), 'ERROR', 'call', ['lambda']];
  const ofType = (types: string | string[], bounds: Point[], label: string): Query => {
    const run = (n: SyntaxNode) => describeNodes(n.descendantsOfType(types, ...bounds));
    const call = `descendantsOfType(${JSON.stringify(types)}${label})`;
    if (!Array.isArray(types) || !types.includes('ERROR') || types.length === 1) return { call, run };
    return {
      call,
      run,
      quirk: { kind: ERROR_AMONG_TYPES, explains: (expected, n) => expected === describeNodes(n.descendantsOfType('ERROR', ...bounds)) },
    };
  };
  const bounds: [Point[], string][] = [
    [[], ''],
    [[ZERO], ', {0,0}'],
    [[ZERO, ZERO], ', {0,0}, {0,0}'],
  ];
  for (let index = 0; index < 5; index++) {
    const a = point(next(text.length + 2));
    const b = point(next(text.length + 2));
    bounds.push([[a, b], `, ${showPoint(a)}, ${showPoint(b)}`], [[b, a], `, ${showPoint(b)}, ${showPoint(a)}`]);
    bounds.push([[a], `, ${showPoint(a)}`], [[ZERO, b], `, {0,0}, ${showPoint(b)}`]);
  }
  for (const types of typeLists) for (const [bound, label] of bounds) queries.push(ofType(types, bound, label));
  return queries;
}

function assertSameQueries(real: SyntaxNode, mirror: SyntaxNode, queries: readonly Query[], label: string): void {
  for (const query of queries) {
    const expected = query.run(real);
    const actual = query.run(mirror);
    if (actual === expected) continue;
    if (query.quirk?.explains(expected, mirror)) {
      noteKnown(query.quirk.kind, `${label}: ${describeNode(real)}.${query.call} is [${expected}] in the tree, [${actual}] in the mirror`);
      continue;
    }
    assert.equal(actual, expected, `${label}: ${describeNode(real)}.${query.call}`);
  }
}

/** The .py files under a folder, all subfolders. */
function pythonFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...pythonFiles(full));
    else if (entry.name.endsWith('.py')) files.push(full);
  }
  return files.sort();
}

const SIZE_LIMIT = 200 * 1024;

/** The fixed texts the structure and query tests read: fixtures, a realistic program, hostile documents. */
function corpus(): { name: string; text: string }[] {
  const texts = pythonFiles(FIXTURES).map((file) => ({ name: path.relative(FIXTURES, file), text: fs.readFileSync(file, 'utf8') }));
  texts.push({ name: 'realisticProgram(300)', text: realisticProgram(300) });
  // The smallest texts that show the known discrepancies.
  texts.push(
    { name: 'ERROR root with a field', text: 'r[y,_,o""' },
    { name: 'ERROR before an empty block', text: 'if __name__ == "__main__":\n    print("loading")\u2189' },
  );
  texts.push(
    { name: 'ERROR with fields', text: 'from x import (a, b' },
    { name: 'ERROR with a hidden child', text: 'import a\0\nx = 1\0' },
  );
  for (const hostile of hostileDocuments()) {
    if (hostile.text.length <= SIZE_LIMIT) texts.push({ name: `hostile: ${hostile.name}`, text: hostile.text });
  }
  return texts;
}

/** Parses `text`, mirrors the tree, and hands both to `check`. */
function withMirror(parser: PythonParser, text: string, check: (tree: Tree, mirror: SyntaxMirror) => void): void {
  const tree = parser.parse(text);
  try {
    const mirror = freshMirror(tree, text);
    if (mirror) check(tree, mirror);
  } finally {
    tree.delete();
  }
}

/** Up to `count` node pairs spread over the document, the root left out. */
function innerPairs(pairs: readonly [SyntaxNode, SyntaxNode][], count: number): [SyntaxNode, SyntaxNode][] {
  const inner = pairs.slice(1);
  if (inner.length === 0) return [];
  return Array.from({ length: Math.min(count, inner.length) }, (_, index) => inner[Math.floor(((index + 0.5) * inner.length) / count)]);
}

describe('SyntaxMirror is a copy of the tree', () => {
  const texts = corpus();

  it('has the nodes of the real tree, for every fixture, a realistic program and the hostile documents', async () => {
    const parser = await sharedParser();
    assert.ok(
      texts.some((entry) => entry.name.startsWith('hostile: 2,000-deep')),
      'the deep hostile documents are compared',
    );
    for (const { name, text } of texts) {
      withMirror(parser, text, (tree, mirror) => {
        assertSameStructure(tree.rootNode, mirror.rootNode, fieldNames(tree), name);
      });
    }
  });

  it('has the nodes of the real tree for generated programs', async () => {
    const parser = await sharedParser();
    fc.assert(
      fc.property(programTextArb, (text) => {
        withMirror(parser, text, (tree, mirror) => {
          assertSameStructure(tree.rootNode, mirror.rootNode, fieldNames(tree), JSON.stringify(text));
        });
      }),
      propertyParameters(100),
    );
  });

  it('answers descendantForIndex, descendantForPosition, firstNamedChildForIndex and descendantsOfType as the tree does', async () => {
    const parser = await sharedParser();
    texts.forEach(({ name, text }, seed) => {
      withMirror(parser, text, (tree, mirror) => {
        const pairs = assertSameStructure(tree.rootNode, mirror.rootNode, [], name);
        assertSameQueries(tree.rootNode, mirror.rootNode, queriesFor(text, 500, seed + 1), name);
        const inner = queriesFor(text, 100, seed + 7);
        for (const [real, copy] of innerPairs(pairs, 3)) assertSameQueries(real, copy, inner, name);
      });
    });
  });

  it('answers the queries as the tree does for generated programs', async () => {
    const parser = await sharedParser();
    fc.assert(
      fc.property(programTextArb, fc.nat(), (text, seed) => {
        withMirror(parser, text, (tree, mirror) => {
          const pairs = assertSameStructure(tree.rootNode, mirror.rootNode, [], JSON.stringify(text));
          const queries = queriesFor(text, 400, seed);
          for (const [real, copy] of [[tree.rootNode, mirror.rootNode] as [SyntaxNode, SyntaxNode], ...innerPairs(pairs, 3)]) {
            assertSameQueries(real, copy, queries, JSON.stringify(text));
          }
        });
      }),
      propertyParameters(60),
    );
  });
});

/**
 * The mirror the document analyses equals a fresh mirror of its tree and (unless `againstTree` is false:
 * the walk of a real tree costs a wasm call a property) the tree itself. While the document holds a
 * region parsed alone with errors, see assertProvisionalRegion instead (the tree is not read then: that
 * would end the provisional state).
 */
function assertSyntaxExact(
  parser: PythonParser,
  document: ParsedDocument,
  fields: readonly string[],
  label: string,
  againstTree = true,
): void {
  if (document.provisionalRegion) {
    assertProvisionalRegion(parser, document, fields, label);
    return;
  }
  const syntax = document.readSyntax();
  const fresh = freshMirror(document.readTree(), document.text);
  if (!fresh) {
    assert.equal(syntax, document.readTree(), 'a text that is one ERROR node is analysed on the tree');
    return;
  }
  assert.ok(syntax instanceof SyntaxMirror, 'an edited document analyses a mirror');
  assertSameStructure(fresh.rootNode, syntax.rootNode, fields, `${label} (against a fresh mirror)`);
  if (againstTree) assertSameStructure(document.readTree().rootNode, syntax.rootNode, fields, `${label} (against the tree)`);
}

/**
 * A document whose last keystroke left errors in the statements it reparsed alone: the mirror's
 * statements in that region are those of a parse of the region alone (node for node), and every other
 * statement has no error. The whole parse may recover from the errors otherwise; settle() decides.
 */
function assertProvisionalRegion(parser: PythonParser, document: ParsedDocument, fields: readonly string[], label: string): void {
  const region = document.provisionalRegion!;
  const syntax = document.readSyntax();
  assert.ok(syntax instanceof SyntaxMirror, 'a provisional region is held by a mirror');
  assert.equal(document.settled, false, 'a document with a provisional region is unsettled');
  const text = document.text;
  const lineStarts = computeLineStarts(text);
  const pointAt = (offset: number) => ({
    row: lineIndexAt(lineStarts, offset),
    column: offset - lineStarts[lineIndexAt(lineStarts, offset)],
  });
  const alone = parser.parseRegion(text, region.start, region.end, pointAt(region.start), pointAt(region.end));
  try {
    const statements = syntax.rootNode.children;
    const inRegion = statements.filter((statement) => statement.startIndex >= region.start && statement.endIndex <= region.end);
    const expected = alone.rootNode.children.filter((node) => node !== null);
    assert.equal(inRegion.length, expected.length, `${label}: the region's statements`);
    inRegion.forEach((statement, index) => {
      const where = `${label}: provisional statement ${index}`;
      assert.deepEqual(
        [statement.type, statement.startIndex, statement.endIndex, statement.hasError],
        [expected[index].type, expected[index].startIndex, expected[index].endIndex, expected[index].hasError],
        where,
      );
      assert.equal(statement.childCount, expected[index].childCount, where);
      statement.children.forEach((child, childIndex) => assertSameStructure(expected[index].child(childIndex)!, child, fields, where));
    });
    for (const statement of statements) {
      if (!inRegion.includes(statement))
        assert.equal(statement.hasError, false, `${label}: a statement outside the provisional region has an error`);
      // As the parser saw it: a lone carriage return as a line feed.
      assert.equal(statement.text, normalizeLoneCarriageReturns(text).slice(statement.startIndex, statement.endIndex));
      assert.deepEqual(statement.startPosition, pointAt(statement.startIndex), `${label}: where ${describeNode(statement)} starts`);
    }
  } finally {
    alone.delete();
  }
}

describe('SyntaxMirror follows incremental edits', () => {
  it('equals a fresh mirror and the tree after any sequence of edits, read after some of them', async () => {
    const parser = await sharedParser();
    const edited = fc.array(fc.record({ edit: randomEditArb, read: fc.boolean() }), { minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(programTextArb, edited, (text, edits) => {
        const document = new ParsedDocument(parser, text, true);
        const fields = fieldNames(document.readTree());
        try {
          edits.forEach(({ edit, read }, index) => {
            const { start, end } = editSpan(document.text, edit);
            document.applyEdit(rangeOf(document, start, end), edit.insert);
            if (read) assertSyntaxExact(parser, document, fields, `after edit ${index} of ${JSON.stringify(text)}`);
          });
          assertSyntaxExact(parser, document, fields, 'after the last edit');
          document.settle();
          assertSyntaxExact(parser, document, fields, 'after settle()');
        } finally {
          document.dispose();
        }
      }),
      propertyParameters(40),
    );
  });

  it('equals the tree while a statement is typed character by character into a realistic program', async () => {
    const parser = await sharedParser();
    const text = realisticProgram(200);
    const document = new ParsedDocument(parser, text, true);
    const fields = fieldNames(document.readTree());
    try {
      // Top level between two statements, then inside a function body (found in the text as it is then).
      const typed: [(lines: string[]) => number, number, string][] = [
        [
          (lines) => lines.findIndex((line, index) => index > lines.length / 2 && line.startsWith('def ')),
          0,
          'pool = mp.Pool(4, [x for x in "a"])\n',
        ],
        [
          (lines) => lines.findIndex((line, index) => index > lines.length / 3 && line.startsWith('    return')),
          4,
          'q = lambda: (yield)\n    ',
        ],
      ];
      for (const [findLine, character, statement] of typed) {
        const line = findLine(document.text.split('\n'));
        assert.ok(line > 0);
        let offset = document.offsetAt({ line, character });
        [...statement].forEach((typedCharacter, index) => {
          document.applyEdit(rangeOf(document, offset, offset), typedCharacter);
          offset += typedCharacter.length;
          // Against the tree itself every fourth keystroke and the last: the fresh mirror is checked against trees above.
          const againstTree = index % 4 === 0 || index === statement.length - 1;
          assertSyntaxExact(parser, document, fields, `after typing ${JSON.stringify(typedCharacter)} at ${offset}`, againstTree);
        });
      }
      document.settle();
      assertSyntaxExact(parser, document, fields, 'after settle()');
    } finally {
      document.dispose();
    }
  });
});

/** The rule fixtures and the fix fixtures' before files. */
function analysedFixtures(): string[] {
  return [
    ...pythonFiles(path.join(FIXTURES, 'rules')),
    ...pythonFiles(path.join(FIXTURES, 'fixes')).filter((file) => file.endsWith('.before.py')),
  ];
}

describe('analysis of a mirror', () => {
  it('gives the findings of the tree for every rule fixture and fix fixture', async () => {
    const parser = await sharedParser();
    const files = analysedFixtures();
    assert.ok(files.length > 50);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      withMirror(parser, text, (tree, mirror) => {
        assert.deepEqual(analyze({ text, tree: mirror }).findings, analyze({ text, tree }).findings, file);
      });
    }
  });

  it('gives the findings of a fresh parse after a line is deleted and typed again', async () => {
    const parser = await sharedParser();
    for (const file of analysedFixtures()) {
      const text = fs.readFileSync(file, 'utf8');
      const document = new ParsedDocument(parser, text, true);
      try {
        const lineCount = computeLineStarts(text).length;
        const line = Math.floor(lineCount / 2);
        const start = document.offsetAt({ line, character: 0 });
        const end = document.offsetAt({ line: line + 1, character: 0 });
        const removed = text.slice(start, end);
        document.applyEdit(rangeOf(document, start, end), '');
        assert.ok(document.readSyntax() instanceof SyntaxMirror);
        document.applyEdit(rangeOf(document, start, start), removed);
        assert.equal(document.text, text);
        const fresh = parser.parse(text);
        try {
          assert.deepEqual(
            analyze({ text: document.text, tree: document.readSyntax() }).findings,
            analyze({ text, tree: fresh }).findings,
            file,
          );
        } finally {
          fresh.delete();
        }
      } finally {
        document.dispose();
      }
    }
  });
});

describe('ParsedDocument.syntax', () => {
  const TEXT = 'import os\n\ndef first():\n    return 1\n\ndef second():\n    return 2\n\nprint(first())\n';

  it('is the tree itself without mirrorsEdits, even after edits', async () => {
    const document = new ParsedDocument(await sharedParser(), TEXT);
    try {
      assert.equal(document.readSyntax(), document.readTree());
      document.applyEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '# hi\n');
      assert.equal(document.readSyntax(), document.readTree());
    } finally {
      document.dispose();
    }
  });

  it('is the tree before the first edit and a SyntaxMirror after it', async () => {
    const document = new ParsedDocument(await sharedParser(), TEXT, true);
    try {
      assert.equal(document.readSyntax(), document.readTree());
      document.applyEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '# hi\n');
      const syntax = document.readSyntax();
      assert.ok(syntax instanceof SyntaxMirror);
      assert.equal(document.readSyntax(), syntax, 'the same mirror, synced');
    } finally {
      document.dispose();
    }
  });

  it('parses a keystroke inside a statement in that statement alone, from the first edit on; the tree catches up when read', async () => {
    const parser = await sharedParser();
    const document = new ParsedDocument(parser, TEXT, true);
    const fields = fieldNames(document.readTree());
    try {
      const before = document.currentTree;
      // The first edit makes the mirror from the tree before it, then parses `second` alone.
      const at = document.text.indexOf('return 2') + 'return 2'.length;
      document.applyEdit(rangeOf(document, at, at), '2');
      const [imported, first, , printed] = (document.readSyntax() as SyntaxMirror).rootNode.children;
      assert.equal(document.currentTree, before, 'the tree is not parsed for a keystroke in one statement');
      assert.equal(document.settled, true);
      assert.equal(document.provisionalRegion, undefined);
      const typed = document.text.indexOf('return 22') + 'return 22'.length;
      document.applyEdit(rangeOf(document, typed, typed), ' + 1');
      const after = (document.readSyntax() as SyntaxMirror).rootNode.children;
      assert.deepEqual([after[0], after[1], after[3]], [imported, first, printed], 'the other statements keep their nodes');
      assert.equal(document.currentTree, before);
      // Reading the tree parses it, with both edits; the mirror is the tree's copy.
      assertSyntaxExact(parser, document, fields, 'after the tree caught up');
      assert.notEqual(document.currentTree, before);
      assert.match(document.readTree().rootNode.text, /return 22 \+ 1/);
    } finally {
      document.dispose();
    }
  });

  it('holds a statement left broken by a keystroke provisionally: unsettled, read from the tree once it is parsed', async () => {
    const parser = await sharedParser();
    const document = new ParsedDocument(parser, TEXT, true);
    const fields = fieldNames(document.readTree());
    try {
      const at = document.text.indexOf('return 1') + 'return '.length;
      document.applyEdit(rangeOf(document, at, at), '(');
      const region = document.provisionalRegion;
      assert.ok(region, 'the broken statement was parsed alone');
      assert.equal(document.settled, false);
      assert.equal(document.text.slice(region.start, region.start + 'def first'.length), 'def first');
      assertProvisionalRegion(parser, document, fields, 'with the bracket open');
      // Analyses are of a revision: the provisional one, then the settled one.
      const revision = document.revision;
      assert.equal(document.settle(), true, 'settling replaces the tree (it was behind the text)');
      assert.notEqual(document.revision, revision);
      assert.equal(document.provisionalRegion, undefined);
      assertSyntaxExact(parser, document, fields, 'after settle()');
      // Closing the bracket: the statement parses alone without errors again.
      const close = document.text.indexOf('(1') + '(1'.length;
      document.applyEdit(rangeOf(document, close, close), ')');
      assert.equal(document.provisionalRegion, undefined);
      assert.equal(document.settled, true);
      assertSyntaxExact(parser, document, fields, 'after the bracket was closed');
    } finally {
      document.dispose();
    }
  });

  it('keeps the nodes of the statements an edit did not touch, moved, and reads the edited one again', async () => {
    const parser = await sharedParser();
    const document = new ParsedDocument(parser, TEXT, true);
    const fields = fieldNames(document.readTree());
    try {
      document.applyEdit({ start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, '\n');
      const before = (document.readSyntax() as SyntaxMirror).rootNode.children.slice();
      const [imported, first, second, printed] = before;
      assert.deepEqual(
        before.map((node) => node.type),
        ['import_statement', 'function_definition', 'function_definition', 'expression_statement'],
      );
      const innerOfFirst = first.descendantsOfType('integer')[0];

      // Edit the body of `second`: every other statement keeps its nodes.
      const secondReturn = document.text.indexOf('return 2');
      document.applyEdit(rangeOf(document, secondReturn + 7, secondReturn + 8), '22');
      let after = (document.readSyntax() as SyntaxMirror).rootNode.children;
      assert.equal(after[0], imported);
      assert.equal(after[1], first);
      assert.equal(first.descendantsOfType('integer')[0], innerOfFirst, 'the inner nodes too');
      assert.notEqual(after[2], second, 'the edited statement is read again');
      assert.ok(after[2] instanceof MirrorNode);
      assert.equal(after[3], printed);
      assertSyntaxExact(parser, document, fields, 'after an edit in a function body');

      // Typing above every statement moves them all, and keeps them all.
      const kept = after.slice();
      document.applyEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'x = 1\n\n');
      after = (document.readSyntax() as SyntaxMirror).rootNode.children;
      assert.equal(after.length, kept.length + 1);
      kept.forEach((node, index) => assert.equal(after[index + 1], node, `statement ${index} is kept`));
      assert.equal(kept[1].startPosition.row, 5, 'a kept statement moves down');
      assert.equal(innerOfFirst.startIndex, document.text.indexOf('return 1') + 7, 'its inner nodes move with it');
      assertSyntaxExact(parser, document, fields, 'after an edit above every statement');
    } finally {
      document.dispose();
    }
  });

  it('follows an edit whose effect reaches past it (a string left open, an empty error node) and one that moves a statement within its line', async () => {
    const parser = await sharedParser();
    const document = new ParsedDocument(parser, TEXT + '\nvalue = compute(1)\n\n\ndef later():\n    return value\n', true);
    const fields = fieldNames(document.readTree());
    try {
      document.applyEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '\n');
      assertSyntaxExact(parser, document, fields, 'first sync');
      // Typed one character at a time: `"""` opens a string that swallows the statements after it, until it is closed.
      const inBody = document.text.indexOf('return 1');
      for (const [index, character] of [...'x = """', ...'"""'].entries()) {
        const at = inBody + index;
        document.applyEdit(rangeOf(document, at, at), character);
        assertSyntaxExact(parser, document, fields, `after typing ${index + 1} characters of a string`);
      }
      // A space before a module-level statement moves it within its line (and breaks the indentation).
      const statement = document.text.indexOf('value = compute(1)');
      document.applyEdit(rangeOf(document, statement, statement), ' ');
      assertSyntaxExact(parser, document, fields, 'after indenting a module-level statement');
      document.applyEdit(rangeOf(document, statement, statement + 1), '');
      assertSyntaxExact(parser, document, fields, 'after removing the indentation again');
    } finally {
      document.dispose();
    }
  });

  it('is the tree for a text over the size limit', async () => {
    const parser = await sharedParser();
    const line = 'value = compute(1, 2)\n';
    const text = line.repeat(Math.ceil((MIRRORED_LENGTH_LIMIT + 1) / line.length));
    assert.ok(text.length > MIRRORED_LENGTH_LIMIT);
    const document = new ParsedDocument(parser, text, true);
    try {
      document.applyEdit({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '#');
      assert.equal(document.readSyntax(), document.readTree());
      assert.ok(!(document.readSyntax() instanceof SyntaxMirror));
    } finally {
      document.dispose();
    }
  });
});

describe('known discrepancies', () => {
  it('lists the differences from web-tree-sitter these tests recognised (reported, not failing)', (t) => {
    for (const [kind, { count, example }] of knownDiscrepancies) t.diagnostic(`${kind}: ${count} times, e.g. ${example}`);
  });
});

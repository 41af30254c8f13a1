import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ParsedDocument } from '../../server/src/syntax/document';
import { computeLineStarts, offsetAt, positionAt, updateLineStarts } from '../../server/src/text/lineIndex';
import { sharedParser } from '../helpers/parser';
import { propertyParameters } from '../helpers/property-runs';

describe('ParsedDocument', () => {
  it('applies an edit incrementally and ends with the tree a fresh parse gives', async () => {
    const parser = await sharedParser();
    const doc = new ParsedDocument(parser, 'import multiprocessing as mp\n\ndef work(x):\n    return x\n');
    doc.applyEdit({ start: { line: 3, character: 11 }, end: { line: 3, character: 12 } }, 'x * 2');
    doc.applyEdit({ start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, 'mp.Pool(2)\n');
    const fresh = parser.parse(doc.text);
    try {
      assert.equal(doc.text, 'import multiprocessing as mp\n\ndef work(x):\n    return x * 2\nmp.Pool(2)\n');
      assert.equal(doc.readTree().rootNode.toString(), fresh.rootNode.toString());
      assert.equal(doc.readTree().rootNode.hasError, false);
    } finally {
      fresh.delete();
      doc.dispose();
    }
  });

  it('clamps out-of-range edits instead of throwing', async () => {
    const doc = new ParsedDocument(await sharedParser(), 'x = 1\n');
    doc.applyEdit({ start: { line: 9, character: 0 }, end: { line: 12, character: 40 } }, 'y = 2\n');
    assert.equal(doc.text, 'x = 1\ny = 2\n');
    doc.applyEdit({ start: { line: 0, character: 99 }, end: { line: 0, character: 99 } }, '  # one');
    assert.equal(doc.text, 'x = 1  # one\ny = 2\n');
    doc.applyEdit({ start: { line: 1, character: 5 }, end: { line: 1, character: -3 } }, 'z = 3');
    assert.equal(doc.text, 'x = 1  # one\nz = 3\n');
    doc.dispose();
  });

  it('gives tree rows equal to LSP lines for CRLF and lone CR endings', async () => {
    const doc = new ParsedDocument(await sharedParser(), 'a = 1\r\nb = 2\rc = 3\n');
    const rows = doc.readTree().rootNode.namedChildren.map((statement) => statement!.startPosition.row);
    assert.deepEqual(rows, [0, 1, 2]);
    assert.equal(doc.readTree().rootNode.hasError, false);
    doc.setText('a = 1\rb = (\r2)\r');
    assert.deepEqual(
      doc.readTree().rootNode.namedChildren.map((s) => s!.startPosition.row),
      [0, 1],
    );
    doc.dispose();
  });
});

describe('offset and position helpers', () => {
  const text = 'ab\r\ncd\ref\n';
  const starts = computeLineStarts(text);
  it('splits lines at \\n, \\r\\n and a lone \\r', () => assert.deepEqual(starts, [0, 4, 7, 10]));
  it('round-trips offsets and positions', () => {
    for (let offset = 0; offset <= text.length; offset++) {
      if (text[offset - 1] === '\r' && text[offset] === '\n') continue; // inside a CRLF pair
      assert.equal(offsetAt(text, starts, positionAt(starts, offset, text.length)), offset);
    }
  });
  it('clamps a character past the end of a line to the end of that line', () => {
    assert.equal(offsetAt(text, starts, { line: 0, character: 50 }), 2);
    assert.equal(offsetAt(text, starts, { line: 1, character: 50 }), 6);
    assert.equal(offsetAt(text, starts, { line: 9, character: 0 }), text.length);
  });
});

describe('settling an incrementally parsed document', () => {
  it('is settled after an edit that leaves the code without errors, and settling does nothing', async () => {
    const doc = new ParsedDocument(await sharedParser(), 'def work(x):\n    return x\n');
    doc.applyEdit({ start: { line: 1, character: 12 }, end: { line: 1, character: 12 } }, ' + 1');
    assert.equal(doc.settled, true);
    const tree = doc.readTree();
    assert.equal(doc.settle(), false);
    assert.equal(doc.readTree(), tree);
    doc.dispose();
  });

  it('is unsettled after an edit that leaves broken code, and settling keeps an incremental tree equal to the fresh one', async () => {
    const parser = await sharedParser();
    const doc = new ParsedDocument(parser, 'def work(x):\n    return x\n');
    doc.applyEdit({ start: { line: 1, character: 12 }, end: { line: 1, character: 12 } }, ' +');
    assert.equal(doc.settled, false);
    const fresh = parser.parse(doc.text);
    const same = doc.readTree().rootNode.toString() === fresh.rootNode.toString();
    fresh.delete();
    const tree = doc.readTree();
    assert.equal(doc.settle(), !same);
    assert.equal(doc.settled, true);
    if (same) assert.equal(doc.readTree(), tree, 'an incremental tree equal to the fresh one is kept');
    doc.dispose();
  });
});

describe('updating line starts after an edit', () => {
  // Texts and insertions made of line-break characters and a letter, so \r, \n and \r\n meet edit boundaries often.
  const piece = fc.array(fc.constantFrom('\r', '\n', '\r\n', 'a'), { maxLength: 12 }).map((parts) => parts.join(''));
  it('gives what scanning the whole new text gives', () => {
    fc.assert(
      fc.property(piece, fc.nat(), fc.nat(), piece, (before, from, length, inserted) => {
        const start = before.length === 0 ? 0 : from % (before.length + 1);
        const end = Math.min(before.length, start + (length % 4));
        const after = before.slice(0, start) + inserted + before.slice(end);
        assert.deepEqual(updateLineStarts(computeLineStarts(before), after, start, end, inserted.length), computeLineStarts(after));
      }),
      propertyParameters(3000),
    );
  });
});

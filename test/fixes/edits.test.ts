import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeLineStarts, offsetAt } from '../../server/src/text/lineIndex';
import { applyEdits, editsBetween } from '../../server/src/fixes/edits';
import { propertyParameters } from '../helpers/property-runs';

/** Texts made of a few distinct lines with every kind of line break, so diffs find both matches and changes. */
const lineArb = fc.constantFrom('a = 1', 'b = 2', '    c()', '', '# note', 'x = "é😀"', '\tif x:');
const breakArb = fc.constantFrom('\n', '\r\n', '\r');
const textArb = fc
  .array(fc.tuple(lineArb, breakArb), { maxLength: 12 })
  .chain((lines) => fc.boolean().map((trailing) => lines.map(([l, b]) => l + b).join('') + (trailing ? 'tail' : '')));

describe('editsBetween', () => {
  it('gives edits that turn the first text into the second', () => {
    fc.assert(
      fc.property(textArb, textArb, (before, after) => {
        assert.equal(applyEdits(before, editsBetween(before, after)), after);
      }),
      propertyParameters(300),
    );
  });

  it('never splits a CRLF pair or a surrogate pair, and edits do not overlap', () => {
    fc.assert(
      fc.property(textArb, textArb, (before, after) => {
        const starts = computeLineStarts(before);
        let previousEnd = -1;
        for (const edit of editsBetween(before, after)) {
          const start = offsetAt(before, starts, edit.range.start);
          const end = offsetAt(before, starts, edit.range.end);
          assert.ok(start >= previousEnd && end >= start);
          previousEnd = end;
          for (const offset of [start, end]) {
            assert.ok(!(before[offset - 1] === '\r' && before[offset] === '\n'), 'splits \\r\\n');
            const code = before.charCodeAt(offset);
            assert.ok(!(code >= 0xdc00 && code <= 0xdfff), 'splits a surrogate pair');
          }
        }
      }),
      propertyParameters(300),
    );
  });

  it('touches only what changed', () => {
    const before = 'import os\n\nprint(1)\n\ndef f():\n    pass\n';
    const after = 'import os\n\ndef f():\n    pass\n\nif __name__ == "__main__":\n    print(1)\n';
    const edits = editsBetween(before, after);
    assert.equal(edits.length, 2);
    assert.deepEqual(edits[0], { range: { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } }, newText: '' });
    assert.equal(applyEdits(before, edits), after);
    assert.deepEqual(editsBetween(before, before), []);
  });
});

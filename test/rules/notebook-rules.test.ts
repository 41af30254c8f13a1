/**
 * Notebook rules on `.ipynb` fixtures (test/fixtures/notebooks/<CODE>/<case>.ipynb) with the expected
 * findings beside them (`<case>.expected`, one `cell N:ROW:COL CODE` line each). test/runtime checks
 * the claim in each fixture's first line with a real kernel.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { notebookFixtures } from '../runtime/fixtures';
import { notebookFindingLines } from '../helpers/notebooks';

describe('notebook rule fixtures', () => {
  const fixtures = notebookFixtures();
  it('has fixtures', () => assert.ok(fixtures.length > 0));
  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      assert.notEqual(fixture.expected, undefined, `${fixture.name} has no .expected file beside it`);
      const expected = fixture
        .expected!.split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
      assert.deepEqual(await notebookFindingLines(fs.readFileSync(fixture.file, 'utf8')), expected);
    });
  }
});

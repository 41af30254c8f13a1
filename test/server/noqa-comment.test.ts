import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParsedDocument } from '../../server/src/syntax/document';
import { lineNoqa } from '../../server/src/engine/noqa';
import { applyEdits } from '../../server/src/fixes/edits';
import { disableRuleEdit } from '../../server/src/fixes/noqa-comment';
import { sharedParser } from '../helpers/parser';

/** Applies the "Disable CODE for this line" edit for `line` and returns the new text (undefined: none offered). */
async function disable(text: string, line: number, code = 'SPG001'): Promise<string | undefined> {
  const document = new ParsedDocument(await sharedParser(), text);
  try {
    const edit = disableRuleEdit(document, line, code);
    return edit ? applyEdits(text, [edit]) : undefined;
  } finally {
    document.dispose();
  }
}

/** What the core reads on `line` of `text` (the proof that the comment silences the rule). */
async function silencedOn(text: string, line: number): Promise<string[] | 'all' | undefined> {
  const parser = await sharedParser();
  const tree = parser.parse(text);
  try {
    const codes = lineNoqa(tree.rootNode, text, line);
    return codes === 'all' || codes === undefined ? codes : [...codes].sort();
  } finally {
    tree.delete();
  }
}

describe('Disable SPG00x for this line', () => {
  it('appends a noqa comment after the code', async () => {
    const after = await disable('import multiprocessing as mp\npool = mp.Pool()   \nprint(1)\n', 1);
    assert.equal(after, 'import multiprocessing as mp\npool = mp.Pool()  # noqa: SPG001   \nprint(1)\n');
    assert.deepEqual(await silencedOn(after!, 1), ['SPG001']);
  });

  it('extends an existing noqa list', async () => {
    const after = await disable('p.start()  # noqa: SPG002 -- started by hand\n', 0, 'SPG001');
    assert.equal(after, 'p.start()  # noqa: SPG002, SPG001 -- started by hand\n');
    assert.deepEqual(await silencedOn(after!, 0), ['SPG001', 'SPG002']);
  });

  it("extends a list of other tools' codes, separated by spaces too", async () => {
    assert.equal(await disable('x = f()  # noqa: E501 F401\n', 0, 'SPG008'), 'x = f()  # noqa: E501 F401, SPG008\n');
  });

  it('adds after a comment that is not a noqa', async () => {
    const after = await disable('pool = Pool()  # the workers\r\nnext()\r\n', 0);
    assert.equal(after, 'pool = Pool()  # the workers  # noqa: SPG001\r\nnext()\r\n');
    assert.deepEqual(await silencedOn(after!, 0), ['SPG001']);
  });

  it('works on the first line of a statement that spans lines', async () => {
    const after = await disable('results = pool.map(\n    work,\n    range(3),\n)\n', 0, 'SPG004');
    assert.equal(after, 'results = pool.map(  # noqa: SPG004\n    work,\n    range(3),\n)\n');
    assert.deepEqual(await silencedOn(after!, 0), ['SPG004']);
  });

  it('offers nothing where a comment cannot go', async () => {
    // The line ends inside a triple-quoted string: a `#` there would be text of the string.
    assert.equal(await disable('run(Pool(), """\ndoc\n""")\n', 0), undefined);
    // A backslash continuation must end its line.
    assert.equal(await disable('pool = \\\n    Pool()\n', 0), undefined);
    // Blank line, line past the end.
    assert.equal(await disable('\n\n', 0), undefined);
    assert.equal(await disable('x = 1\n', 5), undefined);
  });

  it('offers nothing when the line already silences the rule', async () => {
    assert.equal(await disable('Pool()  # noqa: SPG001\n', 0), undefined);
    assert.equal(await disable('Pool()  # noqa\n', 0), undefined);
  });

  it('still adds the comment to half-typed code', async () => {
    const after = await disable('pool = Pool(\n', 0);
    assert.equal(after, 'pool = Pool(  # noqa: SPG001\n');
  });
});

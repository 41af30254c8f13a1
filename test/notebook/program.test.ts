import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readIpynb, replaceCellSources, NotebookFormatError } from '../../server/src/notebook/ipynb';
import { blankIpython } from '../../server/src/notebook/magics';
import { NotebookProgram } from '../../server/src/notebook/program';

describe('IPython syntax is blanked with positions kept', () => {
  const same = (source: string, code: string) => {
    const blanked = blankIpython(source).code;
    assert.equal(blanked, code);
    assert.equal(blanked.length, source.length);
  };

  it('line magics, shell lines and help become `...` or blanks', () => {
    same('%matplotlib inline\nx = 1', '...               \nx = 1');
    same('for i in range(2):\n    !echo $i\n', 'for i in range(2):\n    ...     \n');
    same('files = !ls\nt = %timeit -o f()', 'files = ...\nt = ...           ');
    same('len?\n??len\nx = 1', '    \n     \nx = 1');
  });

  it('leaves Python alone: strings, brackets, comments, modulo', () => {
    same('s = """\n%not a magic\n!nor this?\n"""', 's = """\n%not a magic\n!nor this?\n"""');
    same('y = (a\n     % b)', 'y = (a\n     % b)');
    same('# what?\nx = "a?"', '# what?\nx = "a?"');
  });

  it('blanks non-Python cell magics, keeps the body of %%time', () => {
    same('%%bash\necho hi', '      \n       ');
    same('%%time\nx = f()', '      \nx = f()');
  });

  it('reads %%writefile modules and %run scripts', () => {
    assert.deepEqual(blankIpython('%%writefile helpers.py\ndef f():\n    pass\n').writesModule, {
      name: 'helpers',
      file: 'helpers.py',
      content: 'def f():\n    pass\n',
      append: false,
    });
    assert.equal(blankIpython('%%writefile data.txt\nx').writesModule, undefined);
    assert.deepEqual(blankIpython('%run -i train.py --epochs 3').runs, ['train.py']);
  });
});

describe('NotebookProgram', () => {
  const program = new NotebookProgram([
    { index: 0, source: 'import os\n' },
    { index: 2, source: '%%writefile w.py\nA = 1\n' },
    { index: 3, source: '%%writefile -a w.py\nB = 2' },
    { index: 4, source: 'x = 1\ny = 2' },
  ]);

  it('joins code cells, each on its own lines', () => {
    assert.equal(program.text.split('\n').length, 2 + 3 + 2 + 2);
    assert.deepEqual(program.cellPosition({ line: 8, character: 4 }), { cell: 4, position: { line: 1, character: 4 } });
    assert.deepEqual(program.programPosition(4, { line: 1, character: 4 }), { line: 8, character: 4 });
    assert.deepEqual(program.cellRange({ start: { line: 7, character: 0 }, end: { line: 8, character: 5 } }), {
      cell: 4,
      range: { start: { line: 0, character: 0 }, end: { line: 1, character: 5 } },
    });
  });

  it('collects %%writefile modules, appends included', () => {
    assert.deepEqual(program.modules.get('w'), { name: 'w', cell: 3, content: 'A = 1\nB = 2' });
  });
});

describe('readIpynb', () => {
  const notebook = JSON.stringify(
    {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Title'] },
        {
          cell_type: 'code',
          execution_count: 1,
          metadata: { tags: [] },
          outputs: [{ output_type: 'stream', name: 'stdout', text: ['hi\n'] }],
          source: ['x = 1\n', 'print(x)'],
        },
        { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 'y = 2' },
        { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [] },
      ],
      metadata: { kernelspec: { language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );

  it('reads cells, their kinds and sources', () => {
    const read = readIpynb(notebook);
    assert.deepEqual(
      read.cells.map(({ index, kind, source }) => ({ index, kind, source })),
      [
        { index: 0, kind: 'markdown', source: '# Title' },
        { index: 1, kind: 'code', source: 'x = 1\nprint(x)' },
        { index: 2, kind: 'code', source: 'y = 2' },
        { index: 3, kind: 'code', source: '' },
      ],
    );
    assert.equal(read.language, 'python');
  });

  it('replaces sources and keeps every other byte', () => {
    const read = readIpynb(notebook);
    const replaced = replaceCellSources(
      read,
      new Map([
        [1, 'from m import x\nprint(x)\n'],
        [2, 'z = 3'],
        [3, 'a\nb'],
      ]),
    );
    const expected = JSON.parse(notebook);
    expected.cells[1].source = ['from m import x\n', 'print(x)\n'];
    expected.cells[2].source = 'z = 3';
    expected.cells[3].source = ['a\n', 'b'];
    assert.equal(replaced, JSON.stringify(expected, null, 1));
    assert.equal(replaceCellSources(read, new Map()), notebook);
  });

  it('rejects what is not an nbformat 4 notebook with a clear message', () => {
    const rejects = (text: string, message: RegExp) =>
      assert.throws(
        () => readIpynb(text),
        (error: Error) => error instanceof NotebookFormatError && message.test(error.message),
      );
    rejects('{"cells": [', /invalid JSON at line 1, column 12/);
    rejects('[]', /not an object/);
    rejects('{"nbformat": 3, "worksheets": []}', /nbformat 3 notebook/);
    rejects('{"nbformat": 4}', /"cells" is not a list/);
    rejects('{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}', /"source" of cell 1 is not text/);
    rejects('{"nbformat": 4, "cells": [{"cell_type": "code"}]}', /cell 1 has no "source"/);
  });
});

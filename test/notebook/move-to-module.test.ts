import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeNotebook } from '../../server/src/notebook/analyze';
import { fixNotebook, planIsSound, planMove, planParameterised, workersModuleName } from '../../server/src/notebook/fix-notebook';
import { applyCellEdits } from '../../server/src/notebook/move-to-module';
import { readIpynb } from '../../server/src/notebook/ipynb';
import { sharedParser } from '../helpers/parser';

/** A notebook in Jupyter's layout, with outputs and metadata a fix must keep. */
function notebookText(cells: string[]): string {
  return JSON.stringify(
    {
      cells: cells.map((source, index) => ({
        cell_type: 'code',
        execution_count: index + 1,
        metadata: { tags: ['keep'] },
        outputs: [{ name: 'stdout', output_type: 'stream', text: [`out ${index}\n`] }],
        source: source.split(/(?<=\n)/),
      })),
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

async function fix(cells: string[], existingModule?: string) {
  const text = notebookText(cells);
  return { text, fixed: fixNotebook(await sharedParser(), readIpynb(text), '/work/Lesson 1.ipynb', {}, () => existingModule) };
}

describe('Move to module', () => {
  it('names the module after the notebook, as an identifier', () => {
    assert.equal(workersModuleName('/a/Lesson 1.ipynb'), 'Lesson_1_workers');
    assert.equal(workersModuleName('/a/1st.ipynb'), '_1st_workers');
    assert.equal(workersModuleName('/a/nb.ipynb', 'mp_{notebook}'), 'mp_nb');
  });

  it('moves the definition with its imports and the cell definitions it uses; only the sources change', async () => {
    const { text, fixed } = await fix([
      'import math\nimport numpy as np\nfrom multiprocessing import Pool\nfrom os import path as p\n',
      'def helper(x):\n    return math.sqrt(x)\n\ndef work(x):\n    return helper(x) + np.pi\n',
      'with Pool(2) as pool:\n    print(pool.map(work, [1, 4]))\n',
    ]);
    assert.ok(fixed);
    assert.deepEqual(fixed.moved, ['helper', 'work']);
    assert.equal(
      fixed.moduleText,
      [
        '"""Functions and classes of Lesson 1.ipynb that run in child processes: a spawned child imports them from here."""',
        '',
        'import numpy as np',
        'import math',
        '',
        '',
        'def helper(x):',
        '    return math.sqrt(x)',
        '',
        '',
        'def work(x):',
        '    return helper(x) + np.pi',
        '',
      ].join('\n'),
    );
    const expected = JSON.parse(text);
    expected.cells[1].source = ['from Lesson_1_workers import helper\n', '\n', 'from Lesson_1_workers import work\n'];
    assert.equal(fixed.notebookText, JSON.stringify(expected, null, 1));
  });

  it('extends an existing module without repeating its imports', async () => {
    const { fixed } = await fix(
      [
        'import math\nfrom multiprocessing import Pool\n',
        'def work(x):\n    return math.sqrt(x)\n',
        'with Pool(2) as pool:\n    pool.map(work, [1])\n',
      ],
      'import math\n\n\ndef other():\n    pass\n',
    );
    assert.equal(fixed?.moduleText, 'import math\n\n\ndef other():\n    pass\n\n\ndef work(x):\n    return math.sqrt(x)\n');
  });

  it('does not move a definition that reads notebook globals (it needs them as parameters)', async () => {
    const { fixed } = await fix([
      'from multiprocessing import Pool\nFACTOR = 3\n',
      'def work(x):\n    return FACTOR * x\n',
      'with Pool(2) as pool:\n    pool.map(work, [1])\n',
    ]);
    assert.equal(fixed, undefined);
  });

  it('leaves out a definition whose cell helper reads globals, and still moves the others', async () => {
    const { fixed } = await fix([
      'from multiprocessing import Pool\nFACTOR = 3\n',
      'def helper(x):\n    return FACTOR * x\n\ndef work(x):\n    return helper(x)\n\ndef plain(x):\n    return x\n',
      'with Pool(2) as pool:\n    pool.map(work, [1])\n    pool.map(plain, [1])\n',
    ]);
    assert.deepEqual(fixed?.moved, ['plain']);
    assert.deepEqual(fixed?.readsGlobals, [{ name: 'helper', globals: ['FACTOR'] }]);
  });

  it('"make it a parameter": the globals become keyword-only parameters, each use passes them', async () => {
    const parser = await sharedParser();
    const cells = [
      'import functools\nfrom multiprocessing import Pool, Process\nFACTOR = 3\nOFFSET = 1\n',
      'def work(x, *args, **options):\n    return FACTOR * x + OFFSET\n',
      'print(work(2))\nwith Pool(2) as pool:\n    print(pool.map(work, [1, 2]))\nProcess(target=work, args=(1,)).start()\n',
    ].map((source, index) => ({ index, source }));
    const analysis = analyzeNotebook(parser, cells);
    try {
      const { plan, readsGlobals } = planMove(analysis, ['work'], 'nb_workers', undefined, 'nb.ipynb');
      assert.equal(plan, undefined);
      assert.deepEqual(readsGlobals, [{ name: 'work', globals: ['FACTOR', 'OFFSET'] }]);
      const parameterised = planParameterised(analysis, 'work', ['FACTOR', 'OFFSET'], 'nb_workers', undefined, 'nb.ipynb');
      assert.ok(parameterised);
      assert.ok(planIsSound(parser, analysis, parameterised));
      assert.match(parameterised.moduleText, /^def work\(x, \*args, FACTOR, OFFSET, \*\*options\):\n {4}return FACTOR \* x \+ OFFSET$/m);
      const sources = cells.map((cell) => applyCellEdits(cell.source, parameterised.cellEdits.get(cell.index) ?? []));
      assert.equal(sources[1], 'import functools\nfrom nb_workers import work\n');
      assert.equal(
        sources[2],
        'print(work(2, FACTOR=FACTOR, OFFSET=OFFSET))\nwith Pool(2) as pool:\n' +
          '    print(pool.map(functools.partial(work, FACTOR=FACTOR, OFFSET=OFFSET), [1, 2]))\n' +
          'Process(target=functools.partial(work, FACTOR=FACTOR, OFFSET=OFFSET), args=(1,)).start()\n',
      );
    } finally {
      analysis.dispose();
    }
  });

  it('"make it a parameter" adds `*,` where the function has no star, and refuses a global it assigns', async () => {
    const parser = await sharedParser();
    const plan = (body: string) => {
      const cells = ['from multiprocessing import Pool\nN = 2\n', body, 'with Pool(2) as pool:\n    pool.map(work, [1])\n'];
      const analysis = analyzeNotebook(
        parser,
        cells.map((source, index) => ({ index, source })),
      );
      try {
        return planParameterised(analysis, 'work', ['N'], 'nb_workers', undefined, 'nb.ipynb')?.moduleText;
      } finally {
        analysis.dispose();
      }
    };
    assert.match(plan('def work(x):\n    return x * N\n') ?? '', /^def work\(x, \*, N\):$/m);
    assert.match(plan('def work():\n    return N\n') ?? '', /^def work\(\*, N\):$/m);
    assert.equal(plan('def work(x):\n    global N\n    N += x\n    return N\n'), undefined);
    // Read where the module evaluates it: a default value.
    assert.equal(plan('def work(x, n=N):\n    return x * n\n'), undefined);
    // A call that already passes `N=`: a second would not compile.
    assert.equal(plan('def work(x, **options):\n    return x * N\n\n\nprint(work(1, N=5))\n'), undefined);
  });
});

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CHAIN_DEPTH, SummaryCache } from '../../server/src/project/project';
import { SpawnerTable, BUILT_IN_SPAWNERS, spawnerEntryProblem, userSpawners } from '../../server/src/project/spawners';
import { findingsIn, MemoryFiles, ROOT } from './memory-files';

const CLUSTER = [
  'from multiprocessing import Pool',
  '',
  'def square(x):',
  '    return x * x',
  '',
  'def setup_cluster():',
  '    with Pool(2) as pool:',
  '        return pool.map(square, [1, 2])',
  '',
].join('\n');

describe('project limits', () => {
  it('treats a module it cannot find as unknown: nothing reported, nothing guessed', async () => {
    const { lines } = await findingsIn({ 'main.py': 'import cluster\n\ncluster.setup_cluster()\n' }, 'main.py');
    assert.deepEqual(lines, []);
  });

  it('does not follow dynamic imports', async () => {
    const { lines, project } = await findingsIn(
      {
        'main.py': 'import importlib\n\ncluster = importlib.import_module("cluster")\ncluster.setup_cluster()\n',
        'cluster.py': CLUSTER,
      },
      'main.py',
    );
    assert.deepEqual(lines, []);
    assert.equal(project.summaryOf(`${ROOT}/main.py`)?.dynamicImports.length, 1);
  });

  it('follows names brought by a star import, and relative imports in packages', async () => {
    const { lines } = await findingsIn(
      {
        'pkg/__init__.py': 'from .api import *\n',
        'pkg/api.py': 'from .cluster import setup_cluster\n',
        'pkg/cluster.py': CLUSTER,
        'main.py': 'from pkg import *\n\nsetup_cluster()\n',
      },
      'main.py',
    );
    assert.deepEqual(lines, ['3:1 SPG002']);
  });

  it('ends on import cycles and call cycles across modules', async () => {
    const { lines } = await findingsIn(
      {
        'a.py': 'import b\n\ndef f(n):\n    return b.g(n)\n',
        'b.py': 'import a\n\ndef g(n):\n    return a.f(n - 1) if n else 0\n',
        'main.py': 'import a\n\na.f(3)\n',
      },
      'main.py',
    );
    assert.deepEqual(lines, []);
  });

  it('reports nothing through a module that does not parse, and does not throw', async () => {
    const { lines } = await findingsIn(
      { 'cluster.py': `${CLUSTER}\ndef broken(:\n`, 'main.py': 'import cluster\n\ncluster.setup_cluster()\n' },
      'main.py',
    );
    // The definition before the error still parses: tree-sitter recovers it, and so does the summary.
    assert.deepEqual(lines, ['3:1 SPG002']);
    const { lines: none } = await findingsIn(
      { 'cluster.py': 'def setup_cluster(:\n    Pool(', 'main.py': 'import cluster\ncluster.setup_cluster()\n' },
      'main.py',
    );
    assert.deepEqual(none, []);
  });

  it(`stops after ${MAX_CHAIN_DEPTH} calls and says so; shorter chains are followed to the end`, async () => {
    const chain = (length: number): Record<string, string> => {
      const files: Record<string, string> = {
        'main.py': 'import m0\n\nm0.f()\n',
        [`m${length}.py`]: CLUSTER.replace('setup_cluster', 'f'),
      };
      for (let i = 0; i < length; i++) files[`m${i}.py`] = `import m${i + 1}\n\ndef f():\n    m${i + 1}.f()\n`;
      return files;
    };
    const short = await findingsIn(chain(MAX_CHAIN_DEPTH - 2), 'main.py');
    assert.deepEqual(short.lines, ['3:1 SPG002']);
    // The message leaves out the middle of a long chain.
    assert.match(
      short.findings[0].message,
      /m0\.f\(\) -> m1\.f\(\) -> m2\.f\(\) -> … \(\d+ more\) -> m\d+\.f\(\) -> Pool\(…\)` in m\d+\.py:7/,
    );
    assert.equal(short.findings[0].related.length, MAX_CHAIN_DEPTH - 1);
    const long = await findingsIn(chain(MAX_CHAIN_DEPTH + 4), 'main.py');
    assert.deepEqual(long.lines, []);
    const notes = long.project.takeNotes();
    // The calls from `m0.f()` reach the bound; no module of the chain starts when imported, so the imports are not searched.
    assert.deepEqual(
      notes.map((note) => note.message),
      [`not followed further: the chain is longer than ${MAX_CHAIN_DEPTH} calls`],
    );
  });

  it(`stops after ${MAX_CHAIN_DEPTH} imports and says so`, async () => {
    const chain = (length: number): Record<string, string> => {
      const files: Record<string, string> = {
        'main.py': 'import m0\n',
        [`m${length}.py`]: 'from multiprocessing import Pool\n\npool = Pool(2)\n',
      };
      for (let i = 0; i < length; i++) files[`m${i}.py`] = `import m${i + 1}\n`;
      return files;
    };
    const short = await findingsIn(chain(MAX_CHAIN_DEPTH - 2), 'main.py');
    assert.deepEqual(short.lines, ['1:1 SPG001']);
    const long = await findingsIn(chain(MAX_CHAIN_DEPTH + 4), 'main.py');
    assert.deepEqual(long.lines, []);
    assert.deepEqual(
      long.project.takeNotes().map((note) => note.message),
      [`not followed further: the chain is longer than ${MAX_CHAIN_DEPTH} imports`],
    );
  });

  it('recomputes only the summary of a module whose text changed', async () => {
    const files = new MemoryFiles(ROOT, { 'cluster.py': CLUSTER, 'main.py': 'import cluster\n\ncluster.setup_cluster()\n' });
    const cache = new SummaryCache();
    const first = await findingsIn(files, 'main.py', {}, cache);
    assert.deepEqual(first.lines, ['3:1 SPG002']);
    const before = first.project.summaryOf(files.path('cluster.py'));
    files.set('main.py', 'import cluster\n\n\ncluster.setup_cluster()\n');
    const second = await findingsIn(files, 'main.py', {}, cache);
    assert.deepEqual(second.lines, ['4:1 SPG002']);
    assert.equal(second.project.summaryOf(files.path('cluster.py')), before, 'the unchanged module keeps its summary');
    files.set('cluster.py', CLUSTER.replace('with Pool(2) as pool:\n        return pool.map(square, [1, 2])', 'return [square(1)]'));
    assert.deepEqual((await findingsIn(files, 'main.py', {}, cache)).lines, []);
  });
});

describe('import-time effects of imported modules', () => {
  const script =
    'from multiprocessing import Pool\nimport banner\nimport banner.extra\n\nif __name__ == "__main__":\n    Pool(2).close()\n';

  it('reports what runs on every import, once for the imports of one package', async () => {
    const { lines } = await findingsIn({ 'main.py': script, 'banner/__init__.py': 'print("hello")\n', 'banner/extra.py': '' }, 'main.py');
    assert.deepEqual(lines, ['2:1 SPG008']);
  });

  it('leaves out effects in branches, handlers and loops (they may not run)', async () => {
    const init = 'try:\n    import fast\nexcept ImportError:\n    print("slow")\nif DEBUG:\n    print("debug")\n';
    const { lines } = await findingsIn({ 'main.py': script, 'banner/__init__.py': init, 'banner/extra.py': '' }, 'main.py');
    assert.deepEqual(lines, []);
  });
});

describe('spawner table', () => {
  it('checks pyproject entries with a reason', () => {
    assert.equal(spawnerEntryProblem('pyBKT.models.Model.fit'), undefined);
    assert.match(spawnerEntryProblem('fit')!, /names no module/);
    assert.match(spawnerEntryProblem('a..b')!, /empty part/);
    assert.match(spawnerEntryProblem('a.b c')!, /spaces/);
    assert.match(spawnerEntryProblem('a.1b')!, /not a Python identifier/);
    assert.match(spawnerEntryProblem('')!, /empty/);
  });

  it('reports calls of a user-listed spawner, directly at import time and through project functions', async () => {
    const spawners = new SpawnerTable([...BUILT_IN_SPAWNERS, ...userSpawners(['pyBKT.models.Model.fit'])]);
    const files = {
      'main.py': ['from pyBKT.models import Model', '', 'model = Model(seed=42)', 'model.fit(data_path="x.csv")', ''].join('\n'),
      'train.py': ['from pyBKT.models import Model', '', 'def train():', '    Model().fit(data_path="x.csv")', ''].join('\n'),
      'run.py': ['import train', '', 'train.train()', ''].join('\n'),
    };
    assert.deepEqual((await findingsIn(files, 'main.py', { spawners })).lines, ['4:1 SPG001']);
    const run = await findingsIn(files, 'run.py', { spawners });
    assert.deepEqual(run.lines, ['3:1 SPG002']);
    assert.match(
      run.findings[0].message,
      /train\.train\(\) -> Model\(\)\.fit\(…\)` in train\.py:4 \(listed in `\[tool\.spawn-guard\] spawners`\)/,
    );
    assert.deepEqual((await findingsIn(files, 'main.py')).lines, [], 'not a spawner without the entry');
  });

  it('knows the conditions of the built-in entries', async () => {
    const loader = (args: string) =>
      `from torch.utils.data import DataLoader\n\nloader = DataLoader(range(8), ${args})\nfor batch in loader:\n    print(batch)\n`;
    assert.deepEqual((await findingsIn({ 'main.py': loader('num_workers=2') }, 'main.py')).lines, ['4:14 SPG001']);
    assert.deepEqual((await findingsIn({ 'main.py': loader('num_workers=0') }, 'main.py')).lines, []);
    assert.deepEqual((await findingsIn({ 'main.py': loader('batch_size=2') }, 'main.py')).lines, []);
    const dask = (call: string) => `import dask\nimport dask.array as da\n\nx = da.ones(10)\n${call}\n`;
    assert.deepEqual((await findingsIn({ 'main.py': dask('x.compute(scheduler="processes")') }, 'main.py')).lines, ['5:1 SPG001']);
    assert.deepEqual((await findingsIn({ 'main.py': dask('dask.compute(x, scheduler="threads")') }, 'main.py')).lines, []);
    assert.deepEqual((await findingsIn({ 'main.py': dask('x.compute()') }, 'main.py')).lines, []);
    const guarded = `from tqdm.contrib.concurrent import process_map\n\nif __name__ == "__main__":\n    process_map(abs, [1])\n`;
    assert.deepEqual((await findingsIn({ 'main.py': guarded }, 'main.py')).lines, []);
  });
});

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingsIn } from './memory-files';

const TRAINER = [
  'from multiprocessing import Pool',
  '',
  'def square(x):',
  '    return x * x',
  '',
  'class Trainer:',
  '    def fit(self):',
  '        with Pool(2) as pool:',
  '            return pool.map(square, [1, 2])',
  '',
].join('\n');

describe('cross-file checks', () => {
  it('follows a method of a project class called at import time, through an instance or directly', async () => {
    const files = { 'pkg/__init__.py': '', 'pkg/models.py': TRAINER };
    const byName = await findingsIn(
      { ...files, 'main.py': 'from pkg.models import Trainer\n\ntrainer = Trainer()\ntrainer.fit()\n' },
      'main.py',
    );
    assert.deepEqual(byName.lines, ['4:1 SPG002']);
    assert.match(byName.findings[0].message, /`trainer\.fit\(\) -> Pool\(…\)` in pkg\/models\.py:8/);
    const direct = await findingsIn({ ...files, 'main.py': 'import pkg.models as m\n\nm.Trainer().fit()\n' }, 'main.py');
    assert.deepEqual(direct.lines, ['3:1 SPG002']);
  });

  it('reports a start method set by a module imported through another one, on the import line', async () => {
    const { lines, findings } = await findingsIn(
      {
        'setup.py': 'import multiprocessing\n\nmultiprocessing.set_start_method("spawn")\n',
        'app/__init__.py': 'from . import config\n',
        'app/config.py': 'import setup\n',
        'main.py': 'import app\n',
      },
      'main.py',
    );
    assert.deepEqual(lines, ['1:1 SPG006']);
    assert.match(findings[0].message, /sets the start method at import time \(`multiprocessing\.set_start_method\(…\)`, setup\.py:3\)/);
    assert.deepEqual(
      findings[0].related.map((related) => related.file?.split('/').slice(-2).join('/')),
      ['app/__init__.py', 'app/config.py', 'project/setup.py'],
    );
  });

  it('respects noqa on the reported line', async () => {
    const cluster = 'from multiprocessing import Pool\n\ndef fit():\n    Pool(2).close()\n';
    assert.deepEqual((await findingsIn({ 'cluster.py': cluster, 'main.py': 'import cluster\n\ncluster.fit()\n' }, 'main.py')).lines, [
      '3:1 SPG002',
    ]);
    assert.deepEqual(
      (await findingsIn({ 'cluster.py': cluster, 'main.py': 'import cluster\n\ncluster.fit()  # noqa: SPG002\n' }, 'main.py')).lines,
      [],
    );
  });

  it('does not report a guarded call, nor a function that only threads', async () => {
    const threads =
      'from concurrent.futures import ThreadPoolExecutor\n\ndef run():\n    with ThreadPoolExecutor(2) as ex:\n        return list(ex.map(abs, [1]))\n';
    assert.deepEqual((await findingsIn({ 'tools.py': threads, 'main.py': 'import tools\n\ntools.run()\n' }, 'main.py')).lines, []);
    const guarded = 'import cluster\n\nif __name__ == "__main__":\n    cluster.fit()\n';
    assert.deepEqual((await findingsIn({ 'cluster.py': TRAINER, 'main.py': guarded }, 'main.py')).lines, []);
  });
});

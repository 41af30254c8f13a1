import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SummaryCache } from '../../server/src/project/project';
import { scanImports } from '../../server/src/project/scan';
import { mayHaveImportTimeEffects, scanText } from '../../server/src/project/text-scan';
import { findingsIn, MemoryFiles, ROOT } from './memory-files';

const CLUSTER =
  'from multiprocessing import Pool\n\ndef square(x):\n    return x * x\n\ndef setup_cluster():\n    with Pool(2) as pool:\n        return pool.map(square, [1, 2])\n';

const effects = (text: string) => mayHaveImportTimeEffects(text, scanText(text));

describe('text scan of a module', () => {
  it('finds every import statement, and whether it is in a function body', () => {
    const text = [
      '"""Docs: import nothing here."""',
      'import a.b as c, d',
      'from ..x import (y,',
      '    z)',
      'from . import m',
      'x = 1; import semi',
      'if x: import inline',
      'try:',
      '    import guarded',
      'except ImportError:',
      '    pass',
      'class K:',
      '    import in_class',
      'def f():',
      '    if x:',
      '        import lazy',
      '    return 1',
      'import importlib',
    ].join('\n');
    assert.deepEqual(
      scanImports(text).map(
        (raw) =>
          `${'.'.repeat(raw.level)}${raw.module}${raw.names.length ? `:${raw.names.join(',')}` : ''}${raw.inFunction ? ' (function)' : ''}`,
      ),
      // Loose on purpose: `: import nothing` in the docstring counts too (an extra import costs a look, never a miss).
      ['nothing', 'a.b', 'd', '..x:y,z', '.:m', 'semi', 'inline', 'guarded', 'in_class', 'lazy (function)', 'importlib'],
    );
  });

  it('tells which texts may have an import-time effect: calls at module level by name, or aliases of them', () => {
    assert.equal(effects('print("hello")\n'), true);
    assert.equal(effects('x = compute(\n    print(1),\n)\n'), true);
    assert.equal(effects('def f():\n    print("hello")\n'), false);
    assert.equal(effects('if __name__ == "__main__":\n    print("hello")\n'), false);
    // A module's function counts only where the text imports that module.
    assert.equal(effects('system("ls")\n'), false);
    assert.equal(effects('import os\nos.system("ls")\n'), true);
    assert.equal(effects('say = print\nsay("hello")\n'), true);
    assert.equal(effects('from os import system as run\nrun("ls")\n'), true);
    assert.equal(effects('def f():\n    say = print\n    say("x")\n'), false);
    // The module's docstring is no code; a string later in the module counts (loose, never a miss).
    assert.equal(effects('"""Usage:\nprint(report) shows it.\n"""\nimport os\n'), false);
    assert.equal(effects('import os\n"""\nprint(report)\n"""\n'), true);
  });
});

describe('start index', () => {
  it('summarises only the modules on the way to process-starting code', async () => {
    const files: Record<string, string> = { 'cluster.py': CLUSTER, 'main.py': '' };
    const imports: string[] = [];
    for (let i = 0; i < 30; i++) {
      files[`plain${i}.py`] = `import plain${(i + 1) % 30}\n\nVALUE = ${i}\n\ndef run():\n    return sorted([VALUE, 1])\n`;
      imports.push(`import plain${i}`);
    }
    files['main.py'] = [...imports, 'import cluster', '', 'plain0.run()', 'cluster.setup_cluster()', ''].join('\n');
    const cache = new SummaryCache();
    const { lines } = await findingsIn(files, 'main.py', {}, cache);
    assert.deepEqual(lines, ['34:1 SPG002']);
    // main.py and cluster.py: none of the 30 plain modules is parsed.
    assert.equal(cache.size, 2);
  });

  it('follows calls around an import cycle whichever module it meets first', async () => {
    const { lines } = await findingsIn(
      {
        'cluster.py': CLUSTER,
        'm.py': 'import n\nimport cluster\n\ndef k():\n    cluster.setup_cluster()\n\ndef g():\n    n.h()\n',
        'n.py': 'import m\n\ndef h():\n    m.k()\n',
        'main.py': 'import n\nimport m\n\nm.g()\n',
      },
      'main.py',
    );
    assert.deepEqual(lines, ['4:1 SPG002']);
  });

  it('passes names through a package and a star import, and follows imports in function bodies', async () => {
    const through = await findingsIn(
      {
        'pkg/__init__.py': 'from . import cluster\n',
        'pkg/cluster.py': CLUSTER,
        'main.py': 'import pkg as p\n\np.cluster.setup_cluster()\n',
      },
      'main.py',
    );
    assert.deepEqual(through.lines, ['3:1 SPG002']);
    const lazy = await findingsIn(
      {
        'cluster.py': CLUSTER,
        'helpers.py': 'def start():\n    import cluster\n    return cluster.setup_cluster()\n',
        'main.py': 'import helpers\n\nhelpers.start()\n',
      },
      'main.py',
    );
    assert.deepEqual(lazy.lines, ['3:1 SPG002']);
  });

  it('finds a module that starts processes when imported under a try block', async () => {
    const { lines } = await findingsIn(
      {
        'starter.py': 'from multiprocessing import Pool\n\npool = Pool(2)\n',
        'wrapper.py': 'try:\n    import starter\nexcept ImportError:\n    starter = None\n',
        'main.py': 'import wrapper\n',
      },
      'main.py',
    );
    assert.deepEqual(lines, ['1:1 SPG001']);
  });

  it('reads each file of the project once per Project', async () => {
    const memory = new MemoryFiles(ROOT, { 'cluster.py': CLUSTER, 'main.py': 'import cluster\n\ncluster.setup_cluster()\n' });
    await findingsIn(memory, 'main.py');
    assert.ok(
      [...memory.reads.values()].every((count) => count === 1),
      JSON.stringify([...memory.reads]),
    );
  });
});

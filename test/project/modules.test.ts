import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absoluteModule, ModuleFinder, moduleNameOf, searchRoots } from '../../server/src/project/modules';
import { MemoryFiles, ROOT } from './memory-files';

describe('module resolution', () => {
  const files = new MemoryFiles(ROOT, {
    'main.py': '',
    'pkg/__init__.py': '',
    'pkg/main.py': '',
    'pkg/tool.py': 'if __name__ == "__main__":\n    pass\n',
    'pkg/sub/__init__.py': '',
    'pkg/sub/tools.py': '',
    'nspkg/mod.py': '',
    'src/lib/__init__.py': '',
    'src/lib/core.py': '',
    'scripts/run.py': '',
    'scripts/helper.py': '',
  });

  it('names a file as `python -m` would, from the folder above its top package', () => {
    assert.deepEqual(moduleNameOf(files, files.path('pkg/sub/tools.py')), { name: 'pkg.sub.tools', root: ROOT, isPackage: false });
    assert.deepEqual(moduleNameOf(files, files.path('pkg/sub/__init__.py')), { name: 'pkg.sub', root: ROOT, isPackage: true });
    assert.deepEqual(moduleNameOf(files, files.path('main.py')), { name: 'main', root: ROOT, isPackage: false });
  });

  it('searches the script folder, the top package root, the workspace folders and their src/', () => {
    assert.deepEqual(searchRoots(files, files.path('scripts/run.py'), [ROOT]), [files.path('scripts'), ROOT, files.path('src')]);
    // A package's module is run from its own folder only when it is written to be run (a main check).
    assert.deepEqual(searchRoots(files, files.path('pkg/tool.py'), [ROOT]), [files.path('pkg'), ROOT, files.path('src')]);
    assert.deepEqual(searchRoots(files, files.path('pkg/main.py'), [ROOT]), [ROOT, files.path('src')]);
  });

  it('finds modules, packages, namespace packages and src layouts; not what is not there', () => {
    const finder = new ModuleFinder(files, searchRoots(files, files.path('scripts/run.py'), [ROOT]));
    assert.equal(finder.find('helper')?.file, files.path('scripts/helper.py'));
    assert.equal(finder.find('pkg')?.file, files.path('pkg/__init__.py'));
    assert.equal(finder.find('pkg')?.isPackage, true);
    assert.equal(finder.find('pkg.sub.tools')?.file, files.path('pkg/sub/tools.py'));
    assert.equal(finder.find('nspkg.mod')?.file, files.path('nspkg/mod.py'));
    assert.equal(finder.find('lib.core')?.file, files.path('src/lib/core.py'));
    assert.equal(finder.find('numpy'), undefined);
    assert.equal(finder.find('pkg.missing'), undefined);
    assert.equal(finder.find('not a name'), undefined);
  });

  it('makes relative imports absolute, and refuses to climb above the top package', () => {
    const tools = { name: 'pkg.sub.tools', isPackage: false };
    assert.equal(absoluteModule(tools, 1, 'other'), 'pkg.sub.other');
    assert.equal(absoluteModule(tools, 2, 'cluster'), 'pkg.cluster');
    assert.equal(absoluteModule(tools, 1, ''), 'pkg.sub');
    assert.equal(absoluteModule({ name: 'pkg.sub', isPackage: true }, 1, 'tools'), 'pkg.sub.tools');
    assert.equal(absoluteModule(tools, 3, 'x'), undefined);
    assert.equal(absoluteModule({ name: 'main', isPackage: false }, 1, 'x'), undefined);
  });
});

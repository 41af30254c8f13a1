import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, parsePyproject } from '../../server/src/config/pyproject';

const FILE = path.join(path.sep, 'project', 'pyproject.toml');

function problem(text: string): string {
  try {
    parsePyproject(text, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  return assert.fail('no error');
}

describe('[tool.spawn-guard] spawners', () => {
  it('reads the list of qualified names', () => {
    const config = parsePyproject('[tool.spawn-guard]\nspawners = ["pyBKT.models.Model.fit", "mylib.run_parallel"]\n', FILE);
    assert.deepEqual(config?.spawners, ['pyBKT.models.Model.fit', 'mylib.run_parallel']);
  });

  it('says which entry is wrong and why', () => {
    assert.equal(
      problem('[tool.spawn-guard]\nspawners = ["pyBKT.models.Model.fit", "fit"]\n'),
      `${FILE}: [tool.spawn-guard] spawners: entry 2: "fit" names no module (expected module.function or module.Class.method)`,
    );
    assert.match(
      problem('[tool.spawn-guard]\nspawners = ["a.b(c)"]\n'),
      /spawners: entry 1: "a.b\(c\)": "b\(c\)" is not a Python identifier/,
    );
    assert.match(problem('[tool.spawn-guard]\nspawners = "a.b"\n'), /spawners: expected a list of strings, got the string "a.b"/);
    assert.match(problem('[tool.spawn-guard]\nspawners = [1]\n'), /spawners: expected a list of strings, found number 1/);
  });
});

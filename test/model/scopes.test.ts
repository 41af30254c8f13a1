import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { buildScopes, SCOPE_TYPES, SCOPED_TYPES } from '../../server/src/model/scopeBuilder';
import type { ScopeTree } from '../../server/src/model/scopes';
import { sharedParser } from '../helpers/parser';
import { realisticProgram } from '../helpers/realistic-python';

const TRICKY_BINDINGS = `
def bindings(pairs, items):
    a, b = pairs[0]
    (c,
     d) = pairs[1]
    [e, *f] = items
    g: int
    (h): int
    i = j = 0
    k += 1
    m <<= 2
    n >>= 1
    o = 1; p = 2; del p
    if items: import q
    with open(a) as r, open(b) as (s, t):
        pass
    with (open(a) as u,
          open(b) as v):
        pass
    try:
        pass
    except OSError as w:
        pass
    for x, (y, z) in items:
        pass
    from os import path as aa, sep
    import os.path
    def bb(cc=dd):
        ee = 1
    class ff(gg):
        hh = 2
    if (ii := len(items)) > 3:
        pass
    jj = [kk for kk in items]
    ll(mm=1)
    nn.oo = 1
    pp[0] = 1
    return aa, bb, ff, ii, jj, os, sep
`;

function scopesOf(text: string, tree: { rootNode: Parameters<typeof buildScopes>[0] }): ScopeTree {
  const nodes = tree.rootNode.descendantsOfType([...SCOPE_TYPES, ...SCOPED_TYPES]).filter((node) => node !== null);
  return buildScopes(
    tree.rootNode,
    text,
    nodes,
    nodes.map((node) => node.type),
  );
}

function stdlibFile(name: string): string | undefined {
  try {
    const stdlib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
    const file = path.join(stdlib, name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

describe('name-directed binding lookup', () => {
  const sources: Array<[string, string | undefined]> = [
    ['tricky bindings', TRICKY_BINDINGS],
    ['a realistic program', realisticProgram(120)],
    ...['argparse.py', '_pydecimal.py', 'base64.py', 'telnetlib.py', 'test/test_grammar.py'].map((name): [string, string | undefined] => [
      name,
      stdlibFile(name),
    ]),
  ];
  for (const [label, text] of sources) {
    it(`agrees with a full walk of every function in ${label}`, { skip: text === undefined ? 'not in this Python' : false }, async () => {
      const parser = await sharedParser();
      const tree = parser.parse(text!);
      try {
        // Two trees of scopes over one syntax tree: one asked name by name, one walked whole.
        const byName = scopesOf(text!, tree);
        const walked = scopesOf(text!, tree);
        let compared = 0;
        walked.scopes.forEach((scope, index) => {
          if (scope.kind !== 'function') return;
          for (const [name, bindings] of scope.allBindings()) {
            const found = byName.scopes[index].bindingsOf(name).map((binding) => binding.target.startIndex);
            assert.deepEqual(
              found,
              bindings.map((binding) => binding.target.startIndex).sort((x, y) => x - y),
              `${scope.qualifiedName}: ${name}`,
            );
            compared++;
          }
        });
        assert.ok(compared > 0);
      } finally {
        tree.delete();
      }
    });
  }

  it('finds no binding for names that are only read, called or keyword names', async () => {
    const parser = await sharedParser();
    const tree = parser.parse(TRICKY_BINDINGS);
    try {
      const scope = scopesOf(TRICKY_BINDINGS, tree).scopes[0];
      for (const name of ['pairs', 'items', 'j', 'dd', 'gg', 'kk', 'll', 'mm', 'nn', 'oo']) {
        const expected = name === 'j' ? 1 : 0;
        assert.equal(scope.bindingsOf(name).length, expected, name);
      }
      assert.deepEqual([...scope.params.keys()], ['pairs', 'items']);
    } finally {
      tree.delete();
    }
  });
});

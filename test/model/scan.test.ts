import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import type { SyntaxNode } from '../../server/src/syntax/syntaxNode';
import { callsIn, scanTree } from '../../server/src/model/scan';
import { buildScopes, SCOPE_TYPES, SCOPED_TYPES } from '../../server/src/model/scopeBuilder';
import { sharedParser } from '../helpers/parser';
import { realisticProgram } from '../helpers/realistic-python';

const GUARD_TYPES = ['if_statement', 'elif_clause', 'conditional_expression'];
const WANTED = [...SCOPE_TYPES, ...SCOPED_TYPES, ...GUARD_TYPES];

/** Definitions whose headers and bodies exercise each text test of the scan. */
const TRICKY = `
import multiprocessing as mp

@decorate(1)
def decorated(x=make()):
    return x.run()

def default_lambda(key=lambda item: item):
    return sorted([], key=key)

def annotated(x: Thing() = 1) -> int:
    return x

def walrus(items):
    if (n := len(items)) > 3:
        return n

def nested():
    def inner():
        return go()
    return inner

def imports():
    import os
    return os.getcwd()

def declares():
    global COUNT
    COUNT = start()

def plain(a, b):
    total = compute(a) + b.method(a)(b)
    value = 1 if a else fallback()
    return ",".join(str(part) for part in (total, value))

def defaulted():
    return 1

class Base(mp.Process):
    size = measure()

    def run(self):
        self.work()

    class Inner:
        def method(self):
            return call_it()

if __name__ == "__main__":
    plain(1, 2)
`;

function fixtureTexts(): string[] {
  const root = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'rules');
  const texts: string[] = [];
  for (const code of fs.readdirSync(root)) {
    for (const name of fs.readdirSync(path.join(root, code)))
      if (name.endsWith('.py')) texts.push(fs.readFileSync(path.join(root, code, name), 'utf8'));
  }
  return texts;
}

function ids(nodes: readonly SyntaxNode[]): number[] {
  return nodes.map((node) => node.id);
}

describe('scanTree', () => {
  it('finds what a whole-tree walk finds: the scanned nodes in order, and the calls of the deferred bodies', async () => {
    const parser = await sharedParser();
    const texts = [TRICKY, realisticProgram(60), ...fixtureTexts()];
    let deferred = 0;
    for (const text of texts) {
      const tree = parser.parse(text);
      try {
        if (tree.rootNode.hasError) continue;
        const whole = tree.rootNode.descendantsOfType(WANTED).filter((node): node is Node => node !== null);
        const scan = scanTree(tree.rootNode, text, WANTED);
        const bodies = [...scan.deferredBodies.values()];
        deferred += bodies.length;
        const inBody = (node: SyntaxNode) => bodies.some((body) => body.startIndex <= node.startIndex && node.endIndex <= body.endIndex);
        assert.deepEqual(ids(scan.nodes), ids(whole.filter((node) => !inBody(node))));
        // A deferred body holds nothing but calls (and guard-type nodes that cannot be guards).
        assert.deepEqual(ids(bodies.flatMap(callsIn)), ids(whole.filter((node) => inBody(node) && node.type === 'call')));
        for (const node of whole)
          if (inBody(node)) assert.ok(node.type === 'call' || GUARD_TYPES.includes(node.type), `${node.type} in a deferred body`);
        assert.deepEqual(
          scan.types,
          scan.nodes.map((node) => node.type),
        );
      } finally {
        tree.delete();
      }
    }
    assert.ok(deferred > 0, 'some bodies were deferred');
  });

  it('defers only the bodies that open no scope and bind nothing beyond assignments', async () => {
    const parser = await sharedParser();
    const tree = parser.parse(TRICKY);
    try {
      const scan = scanTree(tree.rootNode, TRICKY, WANTED);
      const scopes = buildScopes(tree.rootNode, TRICKY, scan.nodes, scan.types, scan.deferredBodies);
      const deferredNames = scopes.scopes.filter((scope) => scan.deferredBodies.has(scope.node.id)).map((scope) => scope.name);
      assert.deepEqual(deferredNames, ['decorated', 'default_lambda', 'annotated', 'plain', 'defaulted', 'run', 'method']);
      const plain = scopes.scopes.find((scope) => scope.name === 'plain')!;
      assert.equal(plain.hasUnreadCalls, true);
      assert.deepEqual(
        plain.calls.map((call) => TRICKY.slice(call.startIndex, call.endIndex).split('(')[0]),
        ['compute', 'b.method', 'b.method', 'fallback', '",".join', 'str'],
      );
      assert.equal(plain.hasUnreadCalls, false);
    } finally {
      tree.delete();
    }
  });

  it('in a tree with errors, scans the statements without errors as in an error-free tree and walks the others whole', async () => {
    const parser = await sharedParser();
    const piece = '    scaled = record.total() * SCALE  # adjust the total';
    const program = realisticProgram(200);
    const anchor = 'def transform_1(record):\n';
    assert.ok(program.includes(anchor));
    const at = program.indexOf(anchor) + anchor.length;
    const texts = [
      // A broken header before a sound function; an ERROR that may have swallowed the start of the next statement.
      'def f(:\n    return g()\n\ndef h():\n    return k()\n',
      'x = (\ndef h():\n    return k()\n\ndef j():\n    return m()\n',
      'with mp.Pool() as pool\n    pool.map(f, xs)\n\ndef h():\n    return k()\n',
      ...Array.from({ length: piece.length }, (_, k) => program.slice(0, at) + piece.slice(0, k + 1) + '\n' + program.slice(at)),
      ...Array.from(
        { length: 12 },
        (_, k) =>
          TRICKY.slice(0, Math.floor((TRICKY.length * (k + 1)) / 13)) + '(' + TRICKY.slice(Math.floor((TRICKY.length * (k + 1)) / 13)),
      ),
    ];
    let broken = 0;
    let withShortcuts = 0;
    for (const text of texts) {
      const tree = parser.parse(text);
      try {
        if (!tree.rootNode.hasError) continue;
        broken++;
        const whole = tree.rootNode.descendantsOfType(WANTED).filter((node): node is Node => node !== null);
        const scan = scanTree(tree.rootNode, text, WANTED);
        const bodies = [...scan.deferredBodies.values()];
        const inBody = (node: SyntaxNode) => bodies.some((body) => body.startIndex <= node.startIndex && node.endIndex <= body.endIndex);
        assert.deepEqual(ids(scan.nodes), ids(whole.filter((node) => !inBody(node))), text);
        assert.deepEqual(ids(bodies.flatMap(callsIn)), ids(whole.filter((node) => inBody(node) && node.type === 'call')));
        for (const body of bodies) assert.ok(!body.hasError && !body.parent!.hasError, 'a deferred body has no error');
        if (bodies.length > 0) withShortcuts++;
      } finally {
        tree.delete();
      }
    }
    assert.ok(broken > 10, `${broken} broken texts`);
    // The statements around the broken one keep their shortcuts (unless an ERROR swallowed the rest of the file).
    assert.ok(withShortcuts > (broken * 3) / 4, `${withShortcuts} of ${broken} broken texts deferred some body`);
  });

  it('scans whole when asked', async () => {
    const parser = await sharedParser();
    const text = 'def f(:\n    return g()\n\ndef h():\n    return k()\n';
    const tree = parser.parse(text);
    try {
      const scan = scanTree(tree.rootNode, text, WANTED, { whole: true });
      assert.equal(scan.deferredBodies.size, 0);
      assert.deepEqual(ids(scan.nodes), ids(tree.rootNode.descendantsOfType(WANTED).filter((node): node is Node => node !== null)));
    } finally {
      tree.delete();
    }
  });
});

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModuleFacts } from '../../server/src/model/facts';
import { nodeAt, withFacts } from '../helpers/facts';

const verdicts = (facts: ModuleFacts) => facts.guards.map((guard) => `${guard.form}:${guard.verdict}`);

describe('guard recognition', () => {
  const correct: Array<[string, string]> = [
    ['if __name__ == "__main__":\n    run()\n', 'if'],
    ["if __name__ == '__main__':\n    run()\n", 'if'],
    ['if "__main__" == __name__:\n    run()\n', 'if'],
    ['if (__name__ == "__main__"):\n    run()\n', 'if'],
    ['if __name__ == "__main__" and not DEBUG:\n    run()\n', 'if'],
    ['if DEBUG and "__main__" == __name__:\n    run()\n', 'if'],
    ['if not __name__ != "__main__":\n    run()\n', 'if'],
    ['if __name__ != "__main__":\n    pass\nelse:\n    run()\n', 'if'],
    ['try:\n    import x\nexcept ImportError:\n    pass\nelse:\n    if __name__ == "__main__":\n        run()\n', 'if'],
    ['IS_MAIN = __name__ == "__main__"\nif IS_MAIN:\n    run()\n', 'variable'],
    ['def main():\n    if __name__ != "__main__":\n        return\n    run()\nmain()\n', 'early-return'],
    ['def main():\n    if not __name__ == "__main__":\n        raise SystemExit\n    run()\n', 'early-return'],
    ['run() if __name__ == "__main__" else None\n', 'conditional-expression'],
    ['x = None if __name__ != "__main__" else run()\n', 'conditional-expression'],
  ];
  for (const [text, form] of correct) {
    it(`accepts ${JSON.stringify(text.split('\n').find((line) => line.includes('__name__')) ?? text)}`, () =>
      withFacts(text, (facts, tree) => {
        assert.deepEqual(verdicts(facts), [`${form}:correct`]);
        assert.equal(facts.isImportTime(nodeAt(tree.rootNode, text, 'run()')), false);
      }));
  }

  const broken: Array<[string, string]> = [
    ['if __name__ == "main":\n    run()\n', 'never'],
    ['if __name__ == "__main__.py":\n    run()\n', 'never'],
    ['if __name__ == "__main__" or True:\n    run()\n', 'always'],
    ['if __name__ in ("__main__", "__mp_main__"):\n    run()\n', 'also-in-children'],
    ['if __name__ != "__mp_main__":\n    run()\n', 'also-in-children'],
    ['if __name__ == "__main__" or __name__ == "__mp_main__":\n    run()\n', 'also-in-children'],
  ];
  for (const [text, verdict] of broken) {
    it(`judges ${JSON.stringify(text.split('\n')[0])} ${verdict}`, () =>
      withFacts(text, (facts) => {
        assert.deepEqual(verdicts(facts), [`if:${verdict}`]);
        assert.equal(facts.mainGuard, undefined);
      }));
  }

  it('does not take other uses of __name__ for guards', () =>
    withFacts(
      'if __name__ != "__main__":\n    print("imported")\nlog = getLogger(__name__)\nif __name__ == "mypkg.mod":\n    pass\n',
      (facts) => assert.deepEqual(verdicts(facts), []),
    ));

  it('runs code after the guard and in its else branch at import time', () => {
    const text = 'if __name__ == "__main__":\n    a()\nelse:\n    b()\nc()\n';
    return withFacts(text, (facts, tree) => {
      assert.equal(facts.isImportTime(nodeAt(tree.rootNode, text, 'a()')), false);
      assert.equal(facts.isImportTime(nodeAt(tree.rootNode, text, 'b()')), true);
      assert.equal(facts.isImportTime(nodeAt(tree.rootNode, text, 'c()')), true);
    });
  });

  it('picks the first exact module-level if guard as mainGuard', () => {
    const text =
      'def f():\n    if __name__ == "__main__":\n        pass\nif __name__ == "__main__" and X:\n    pass\nif __name__ == "__main__":\n    a()\nif __name__ == "__main__":\n    b()\n';
    return withFacts(text, (facts) => {
      assert.equal(facts.guards.length, 4);
      assert.equal(facts.mainGuard?.node.startPosition.row, 5);
    });
  });
});

describe('import-time classification', () => {
  const text = [
    'import multiprocessing as mp', // 0
    '@register(a())', // 1
    'def f(x=b()):', // 2
    '    c()', // 3
    '    return lambda y=d(): e()', // 4
    'class K:', // 5
    '    g()', // 6
    '    def m(self): h()', // 7
    'for i in range(2):', // 8
    '    with ctx() as w:', // 9
    '        k()', // 10
    'x = [l() for _ in range(3)]', // 11
    '',
  ].join('\n');
  const expected: Record<string, boolean> = {
    'a()': true,
    'b()': true,
    'c()': false,
    'd()': false,
    'e()': false,
    'g()': true,
    'h()': false,
    'k()': true,
    'l()': true,
  };
  for (const [snippet, importTime] of Object.entries(expected)) {
    it(`${snippet} ${importTime ? 'runs' : 'does not run'} at import time`, () =>
      withFacts(text, (facts, tree) => assert.equal(facts.isImportTime(nodeAt(tree.rootNode, text, snippet)), importTime)));
  }

  it('treats the body of a guard that is true in children as import time', () => {
    const body = 'if __name__ in ("__main__", "__mp_main__"):\n    run()\n';
    return withFacts(body, (facts, tree) => assert.equal(facts.isImportTime(nodeAt(tree.rootNode, body, 'run()')), true));
  });

  it('never throws on half-typed code', () =>
    withFacts('if __name__ == "__main__"\n    mp.Pool(\nclass :\n', (facts) => {
      assert.ok(Array.isArray(facts.guards));
    }));
});

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyntaxNode as Node } from '../../server/src/syntax/syntaxNode';
import { analyze } from '../../server/src/engine/analyze';
import type { ModuleFacts } from '../../server/src/model/facts';
import { nodeAt, withFacts } from '../helpers/facts';
import { sharedParser } from '../helpers/parser';

/** What an expression resolves to, in a short form: `api:Pool/spawn`, `context:fork`, `instance:Process/default`. */
function describeValue(facts: ModuleFacts, text: string, snippet: string, occurrence = 0): string {
  return describeNode(facts, nodeAt(facts.root, text, snippet, occurrence));
}

function describeNode(facts: ModuleFacts, node: Node): string {
  const value = facts.values.valueOf(node);
  if (!value) return 'unknown';
  switch (value.kind) {
    case 'api':
    case 'instance':
      return `${value.kind}:${value.api}/${value.method}`;
    case 'context':
      return `context:${value.method}`;
    case 'name':
      return `name:${value.name}`;
    case 'function':
    case 'class':
      return `${value.kind}:${value.scope.qualifiedName}`;
    case 'sequence':
      return `sequence`;
    default:
      return value.kind;
  }
}

const startSites = (facts: ModuleFacts) =>
  facts.events.startSites.map((site) => `${site.kind}@${site.call.startPosition.row}:${site.call.startPosition.column}/${site.method}`);

describe('name resolution', () => {
  it('follows import aliases of multiprocessing and concurrent.futures', () => {
    const imports = [
      'import multiprocessing as mp, concurrent.futures as cf',
      'from multiprocessing import Pool as P, Process',
      'from multiprocessing.pool import Pool as PoolClass, ThreadPool',
      'from multiprocessing.dummy import Pool as DummyPool',
      'from concurrent import futures',
      'from concurrent.futures import ThreadPoolExecutor',
    ];
    const expected: Array<[string, string]> = [
      ['mp.Pool', 'api:Pool/default'],
      ['P', 'api:Pool/default'],
      ['Process', 'api:Process/default'],
      ['PoolClass', 'api:Pool/default'],
      ['cf.ProcessPoolExecutor', 'api:ProcessPoolExecutor/default'],
      ['futures.ProcessPoolExecutor', 'api:ProcessPoolExecutor/default'],
      // Thread-based look-alikes resolve to names the model does not treat as process APIs.
      ['ThreadPool', 'name:multiprocessing.pool.ThreadPool'],
      ['DummyPool', 'name:multiprocessing.dummy.Pool'],
      ['ThreadPoolExecutor', 'name:concurrent.futures.ThreadPoolExecutor'],
      ['mp.dummy.Pool', 'name:multiprocessing.dummy.Pool'],
    ];
    const text = [...imports, ...expected.map(([expression]) => expression), ''].join('\n');
    return withFacts(text, (facts) => {
      const statements = facts.root.namedChildren.slice(imports.length);
      expected.forEach(([expression, value], index) => {
        const node = statements[index]!.namedChildren[0]!;
        assert.equal(node.text, expression);
        assert.equal(describeNode(facts, node), value, expression);
      });
    });
  });

  it('tracks contexts and their start methods', () => {
    const text = [
      'import multiprocessing as mp',
      'from multiprocessing import get_context',
      'METHOD = "forkserver"',
      'spawn = mp.get_context("spawn")',
      'fork = get_context("fork")',
      'server = mp.get_context(METHOD)',
      'spawn.Pool; fork.Process; server.Manager; mp.get_context().Process; mp.get_context(method=None).Pool',
      '',
    ].join('\n');
    return withFacts(text, (facts) => {
      assert.equal(describeValue(facts, text, 'spawn.Pool'), 'api:Pool/spawn');
      assert.equal(describeValue(facts, text, 'fork.Process'), 'api:Process/fork');
      assert.equal(describeValue(facts, text, 'server.Manager'), 'api:Manager/forkserver');
      assert.equal(describeValue(facts, text, 'mp.get_context().Process'), 'api:Process/default');
      assert.equal(describeValue(facts, text, 'mp.get_context(method=None).Pool'), 'api:Pool/default');
    });
  });

  it('respects local shadowing and class-body scoping', () => {
    const text = [
      'from multiprocessing import Pool',
      'def f(Pool):',
      '    return Pool(2)',
      'def g():',
      '    Pool = list',
      '    return Pool(2)',
      'class K:',
      '    Pool = dict',
      '    def m(self):',
      '        return Pool(2)',
      '',
    ].join('\n');
    return withFacts(text, (facts) => {
      assert.equal(describeValue(facts, text, 'Pool(2)', 0), 'unknown');
      assert.equal(describeValue(facts, text, 'Pool(2)', 1), 'unknown');
      // Methods do not see class attributes as bare names: this is the imported Pool.
      assert.equal(describeValue(facts, text, 'Pool(2)', 2), 'instance:Pool/default');
      assert.deepEqual(startSites(facts), ['pool@9:15/default']);
    });
  });

  it('knows local Process subclasses, also through local bases', () => {
    const text = [
      'import multiprocessing as mp',
      'ctx = mp.get_context("spawn")',
      'class Base(ctx.Process):',
      '    pass',
      'class Worker(Base):',
      '    def run(self):',
      '        pass',
      'w = Worker()',
      'w.start()',
      '',
    ].join('\n');
    return withFacts(text, (facts) => {
      assert.equal(describeValue(facts, text, 'Worker()'), 'instance:Process/spawn');
      assert.deepEqual(startSites(facts), ['process@8:0/spawn']);
      assert.deepEqual(
        facts.events.workerReferences.map((reference) => `${reference.role}:${reference.argument.text}`),
        ['process-class:Worker'],
      );
    });
  });
});

describe('process events', () => {
  it('finds starts through with, comprehensions, loops, appends and self attributes', () => {
    const text = [
      'from multiprocessing import Pool, Process, Manager',
      'from concurrent.futures import ProcessPoolExecutor',
      'def work(x): return x',
      'with Pool(2) as pool: pool.map(work, [1])', // 3
      'procs = [Process(target=work, args=(i,)) for i in range(2)]',
      'for p in procs: p.start()', // 5
      'more = []',
      'more.append(Process(target=work))',
      'for q in more: q.start()', // 8
      'with ProcessPoolExecutor() as ex: ex.submit(work, 1)', // 9
      'class App:',
      '    def __init__(self): self.pool = Pool()', // 11
      '    def go(self): return self.pool.imap(work, [1])',
      'Manager()', // 13
      '',
    ].join('\n');
    return withFacts(text, (facts) => {
      assert.deepEqual(startSites(facts).sort(), [
        'executor@9:34/default',
        'manager@13:0/default',
        'pool@11:36/default',
        'pool@3:5/default',
        'process@5:16/default',
        'process@8:15/default',
      ]);
      assert.deepEqual(
        facts.events.workerReferences.map(
          (reference) => `${reference.role}:${reference.argument.text}@${reference.argument.startPosition.row}`,
        ),
        ['pool-function:work@3', 'target:work@4', 'target:work@7', 'executor-function:work@9', 'pool-function:work@12'],
      );
      const executor = facts.events.startSites.find((site) => site.kind === 'executor');
      assert.equal(executor?.creation.text, 'ProcessPoolExecutor()');
    });
  });

  it('ignores thread pools and multiprocessing.dummy', () => {
    const text = [
      'from multiprocessing.dummy import Pool',
      'from multiprocessing.pool import ThreadPool',
      'from concurrent.futures import ThreadPoolExecutor',
      'Pool(2).map(abs, [1]); ThreadPool(2); ThreadPoolExecutor().submit(abs, 1)',
      '',
    ].join('\n');
    return withFacts(text, (facts) => {
      assert.deepEqual(facts.events.startSites, []);
      assert.deepEqual(facts.events.workerReferences, []);
    });
  });

  it('records set_start_method calls and fork-only code', () => {
    const text = [
      'import multiprocessing as mp',
      'from concurrent.futures import ProcessPoolExecutor',
      'mp.set_start_method("spawn", force=True)',
      'mp.get_context("fork")',
      'ProcessPoolExecutor(max_tasks_per_child=2)',
      'ProcessPoolExecutor(max_tasks_per_child=2, mp_context=mp.get_context("spawn"))',
      '',
    ].join('\n');
    return withFacts(text, (facts) => {
      assert.deepEqual(
        facts.events.startMethodCalls.map((call) => `${call.method}:${call.force}`),
        ['spawn:true'],
      );
      assert.deepEqual(
        facts.events.forkOnlyUses.map((use) => `${use.reason}@${use.call.startPosition.row}`),
        ['fork-context@3', 'max-tasks-per-child@4'],
      );
      assert.equal(describeValue(facts, text, 'ProcessPoolExecutor(max_tasks_per_child=2)'), 'instance:ProcessPoolExecutor/spawn');
    });
  });

  it('treats a file that sets the fork start method as not spawning', () =>
    withFacts('import multiprocessing as mp\nmp.set_start_method("fork")\nmp.Pool(2)\n', (facts) => {
      assert.equal(facts.defaultMethod, 'fork');
      assert.equal(facts.startsProcesses, false);
    }));
});

describe('call graph', () => {
  const text = [
    'import asyncio, threading',
    'from concurrent.futures import ProcessPoolExecutor',
    'def work(x): return x',
    'def leaf():',
    '    with ProcessPoolExecutor() as ex: return list(ex.map(work, [1]))', // 4
    'def middle(): return leaf()',
    'class Job:',
    '    def __init__(self): self.result = self._run()',
    '    def _run(self): return middle()',
    '    def __call__(self): return Job.static()',
    '    @staticmethod',
    '    def static(): return leaf()',
    'async def coro(): return middle()',
    'def guarded():',
    '    if __name__ != "__main__":',
    '        return None',
    '    return leaf()',
    'def harmless(): return work(1)',
    'def recursive(): return recursive()',
    'middle(); Job(); Job()(); asyncio.run(coro()); guarded(); harmless(); recursive()', // 19
    'threading.Thread(target=middle).start()', // 20
    '',
  ].join('\n');

  const startsFrom = (facts: ModuleFacts, snippet: string, occurrence = 0): string => {
    const call = nodeAt(facts.root, text, snippet, occurrence);
    const chains = facts.callGraph
      .callees(call, facts.values.scopeAt(call))
      .map((callee) => facts.callGraph.startChain(callee))
      .filter((chain) => chain !== undefined);
    if (chains.length === 0) return 'none';
    const chain = chains[0]!;
    return `${chain.site.call.startPosition.row}:${chain.site.call.startPosition.column} via ${chain.calls.map((c) => c.text).join(' > ') || '-'}`;
  };

  it('follows calls, methods, constructors, __call__, static methods and coroutines to the start site', () =>
    withFacts(text, (facts) => {
      assert.equal(startsFrom(facts, 'middle()', 1), '4:50 via leaf()');
      assert.equal(startsFrom(facts, 'Job()', 0), '4:50 via self._run() > middle() > leaf()');
      assert.equal(startsFrom(facts, 'Job()()'), '4:50 via Job.static() > leaf()');
      assert.equal(startsFrom(facts, 'coro()', 1), '4:50 via middle() > leaf()');
    }));

  it('follows a thread target', () =>
    withFacts(text, (facts) => assert.equal(startsFrom(facts, 'threading.Thread(target=middle).start()'), '4:50 via leaf()')));

  it('stops at guards, harmless functions and recursion', () =>
    withFacts(text, (facts) => {
      assert.equal(startsFrom(facts, 'guarded()', 1), 'none');
      assert.equal(startsFrom(facts, 'harmless()', 1), 'none');
      assert.equal(startsFrom(facts, 'recursive()', 2), 'none');
    }));
});

describe('workers', () => {
  const text = [
    'import functools, multiprocessing as mp', // 0
    'def plain(x): return x + LIMIT + helper(x)',
    'def helper(x): return x * SCALE',
    'LIMIT = 3',
    'def deco(f):',
    '    def wrapper(*a): return f(*a)',
    '    return wrapper',
    '@deco',
    'def decorated(x): return x',
    'def keeps(f):',
    '    @functools.wraps(f)',
    '    def wrapper(*a): return f(*a)',
    '    return wrapper',
    '@keeps',
    'def kept(x): return x',
    'square = lambda x: x * x',
    'def outer():',
    '    def nested(x): return x',
    '    return nested',
    'if __name__ == "__main__":',
    '    SCALE = 2',
    '    def inside(x): return x',
    '    with mp.Pool() as pool:',
    '        pool.map(plain, []); pool.map(decorated, []); pool.map(kept, []); pool.map(square, [])',
    '        pool.map(lambda x: x, []); pool.map(inside, []); pool.map(functools.partial(plain, 1), []); pool.map(abs, [])',
    '',
  ].join('\n');

  it('classifies what each worker reference refers to', () =>
    withFacts(text, (facts) => {
      const kinds = facts.events.workerReferences.map((reference) => `${reference.argument.text}:${facts.workers.target(reference).kind}`);
      assert.deepEqual(kinds, [
        'plain:module-definition',
        'decorated:unwrapped-decorated',
        'kept:module-definition',
        'square:lambda',
        'lambda x: x:lambda',
        'inside:guard-definition',
        'functools.partial(plain, 1):module-definition',
        'abs:other',
      ]);
    }));

  it('lists the given globals a worker reads, through the functions it calls, once each', () =>
    withFacts(text, (facts) => {
      const plain = facts.events.workerReferences[0];
      const target = facts.workers.target(plain);
      assert.equal(target.kind, 'module-definition');
      if (target.kind !== 'module-definition') return;
      const names = new Set(['LIMIT', 'SCALE', 'helper', 'square', 'unread']);
      const reads = facts.workers.globalReads(target.scope, names).map((read) => `${read.name}@${read.reader.name}`);
      assert.deepEqual(reads, ['LIMIT@plain', 'helper@plain', 'SCALE@helper']);
    }));
});

describe('broken code', () => {
  const fragments = [
    'import multiprocessing as mp\nif __name__ == "__main__"\n    mp.Pool(2)\n',
    'from multiprocessing import Pool\nwith Pool(2) as p:\n    p.map(',
    'def f(:\n    pass\nclass (mp.Process):\n',
    'x = mp.get_context("spawn"\nctx.Pool(',
    'if __name__ ==',
    '@\ndef',
    'lambda: (yield',
  ];
  for (const fragment of fragments) {
    it(`builds facts without throwing for ${JSON.stringify(fragment.slice(0, 40))}`, () =>
      withFacts(fragment, (facts) => {
        assert.ok(Array.isArray(facts.guards));
        for (const site of facts.events.startSites) facts.isImportTime(site.call);
        for (const reference of facts.events.workerReferences) facts.workers.target(reference);
      }));
  }

  const halfTypedGuards = ['if __name__ == "__ma', 'if __name__ == "__main__"', 'if __name__ ==', 'if __name', 'if'];
  for (const header of halfTypedGuards) {
    it(`reports nothing under a half-typed guard ${JSON.stringify(header)}`, async () => {
      const text = `from multiprocessing import Pool\ndef f(x): return x\n${header}\n    with Pool(2) as p:\n        print(p.map(f, [1]))\n`;
      const tree = (await sharedParser()).parse(text);
      try {
        assert.deepEqual(
          analyze({ text, tree }).findings.map((finding) => finding.code),
          [],
        );
      } finally {
        tree.delete();
      }
    });
  }

  it('still reports a hazard in a statement away from the syntax error', async () => {
    const text = 'from multiprocessing import Pool\ndef f(x): return x\nwith Pool(2) as p:\n    p.map(f, [1])\ndef g(:\n    pass\n';
    const tree = (await sharedParser()).parse(text);
    try {
      assert.deepEqual(
        analyze({ text, tree }).findings.map((finding) => `${finding.range.start.line}:${finding.code}`),
        ['2:SPG001'],
      );
    } finally {
      tree.delete();
    }
  });

  it('reports nothing from a statement that holds a syntax error', () =>
    withFacts('from multiprocessing import Pool\nwith Pool(2) as p:\n    p.map(f, [1]\n', (facts) => {
      for (const site of facts.events.startSites) assert.equal(facts.isReportable(site.call), false);
    }));
});

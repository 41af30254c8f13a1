import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts, WorkerReference } from '../model/facts';
import { nodeRange } from '../syntax/ranges';
import { syntaxChildren, unparenthesize } from '../syntax/queries';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, related } from './common';
import { unpicklableValue, type Unpicklable } from './unpicklable-values';

/**
 * SPG012 unpicklable-argument: a value sent to a child cannot be pickled, or cannot be loaded there:
 * generators, open files, `threading` locks and events, lambdas and nested functions (also in a
 * `functools.partial` or returned by a factory), and classes defined in a function or in the guard, their
 * instances and bound methods. Read in `Process(args=, kwargs=)`, `Pool(initargs=)`, `apply(_async)`,
 * the items of `map`-like iterables, and executor `submit`/`map`/`run_in_executor` arguments.
 *
 * Points at the argument; related = where the value is made when that is elsewhere.
 *
 * `data`: `{ kind: UnpicklableKind, originRange: Range }`.
 */
export const unpicklableArgument: Rule = {
  code: 'SPG012',
  name: 'unpicklable-argument',
  defaultSeverity: 'error',
  docs: {
    summary: 'An argument sent to a child process cannot be pickled, or cannot be loaded in a spawned child.',
    explanation: [
      'Under `spawn` (and `forkserver`) a `Process` is pickled with its `args` and `kwargs` to reach the child, and so',
      "are a Pool's `initargs`; the arguments of `apply_async`, `submit` and the items of `map` are pickled under every",
      'start method. Generators, open files and `threading` locks cannot be pickled (`TypeError: cannot pickle',
      "'generator' object\"); lambdas and nested functions, also inside `functools.partial` or returned by a factory,",
      "are found by name and cannot be (`Can't pickle local object`). Classes defined inside a function cannot be",
      'pickled, and classes defined inside the `if __name__ == "__main__":` block do not exist in the child, which',
      "re-imports the script without running that block: their instances fail there (`Can't get attribute",
      "'Point' on <module '__mp_main__'>`), and a Pool replaces its dying workers forever.",
    ].join('\n'),
    example: {
      bad: [
        'from multiprocessing import Process',
        '',
        'def total(numbers):',
        '    print(sum(numbers))',
        '',
        'if __name__ == "__main__":',
        '    p = Process(target=total, args=((n * n for n in range(4)),))',
        '    p.start()',
        '    p.join()',
      ].join('\n'),
      good: [
        'from multiprocessing import Process',
        '',
        'def total(numbers):',
        '    print(sum(numbers))',
        '',
        'if __name__ == "__main__":',
        '    p = Process(target=total, args=([n * n for n in range(4)],))',
        '    p.start()',
        '    p.join()',
      ].join('\n'),
    },
    fix: [
      'Send data the child can rebuild: a list instead of a generator (the "Replace the generator with a list" fix), a',
      'path instead of an open file, a `multiprocessing.Lock`/`Event` instead of a `threading` one (the "Use',
      '`multiprocessing.Lock()`" fix), a module-level function or class instead of a nested one or one defined under the',
      'guard.',
    ].join('\n'),
    url: DOCS_URL.picklability,
  },
  mentions: ['multiprocessing', 'concurrent'],
  check(facts: ModuleFacts): RuleFinding[] {
    const findings: RuleFinding[] = [];
    const seen = new Set<number>();
    for (const reference of facts.events.workerReferences) {
      if (!facts.usesSpawn(reference.method) || seen.has(reference.call.id)) continue;
      seen.add(reference.call.id);
      for (const argument of pickledArguments(facts, reference)) {
        const found = unpicklableValue(facts, argument, reference.scope);
        if (!found || !facts.isReportable(argument)) continue;
        findings.push(finding(argument, found));
      }
    }
    return findings;
  },
};

/** The expressions a call pickles for the child, by the role of the worker it hands over. */
function pickledArguments(facts: ModuleFacts, reference: WorkerReference): SyntaxNode[] {
  const args = facts.values.argumentsOf(reference.call);
  const at = (index: number, keyword: string): SyntaxNode | undefined =>
    args.keywords.get(keyword) ?? (args.hasStarArgs ? undefined : args.positional[index]);
  const callee = reference.call.childForFieldName('function');
  const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
  switch (reference.role) {
    case 'target':
      return [...elements(at(3, 'args')), ...dictionaryValues(at(4, 'kwargs'))];
    case 'initializer': {
      const api = callee ? facts.values.valueOf(callee, reference.scope) : undefined;
      const index = api?.kind === 'api' && api.api === 'ProcessPoolExecutor' ? 3 : 2;
      return elements(at(index, 'initargs'));
    }
    case 'pool-function':
      if (method === 'apply' || method === 'apply_async') return [...elements(at(1, 'args')), ...dictionaryValues(at(2, 'kwds'))];
      if (method === 'starmap' || method === 'starmap_async') return elements(at(1, 'iterable')).flatMap((item) => elements(item));
      return elements(at(1, 'iterable'));
    case 'executor-function':
      if (method === 'submit')
        return [...args.positional.slice(1), ...[...args.keywords].filter(([name]) => name !== 'fn').map(([, value]) => value)];
      if (method === 'map') return args.positional.slice(1).flatMap((iterable) => elements(iterable));
      if (method === 'run_in_executor') return args.positional.slice(2);
      return [];
    default:
      return [];
  }
}

/** The items of a tuple or list literal (or of a list comprehension: its element expression). */
function elements(expression: SyntaxNode | undefined): SyntaxNode[] {
  const node = expression ? unparenthesize(expression) : undefined;
  if (!node) return [];
  if (node.type === 'tuple' || node.type === 'list') return syntaxChildren(node);
  if (node.type === 'list_comprehension') {
    const body = node.childForFieldName('body');
    return body ? [body] : [];
  }
  return [];
}

/** The values of a dict literal, or the keyword values of `dict(…)`. */
function dictionaryValues(expression: SyntaxNode | undefined): SyntaxNode[] {
  const node = expression ? unparenthesize(expression) : undefined;
  if (!node) return [];
  if (node.type === 'dictionary') {
    return syntaxChildren(node).flatMap((pair) =>
      pair.type === 'pair' && pair.childForFieldName('value') ? [pair.childForFieldName('value')!] : [],
    );
  }
  if (node.type === 'call' && node.childForFieldName('function')?.text === 'dict') {
    const list = node.childForFieldName('arguments');
    return syntaxChildren(list ?? node).flatMap((argument) =>
      argument.type === 'keyword_argument' && argument.childForFieldName('value') ? [argument.childForFieldName('value')!] : [],
    );
  }
  return [];
}

const ADVICE: Record<Unpicklable['kind'], string> = {
  generator: 'Pass a list (or the values the generator reads) instead.',
  'open-file': 'Pass the path and open the file in the child.',
  'thread-lock': 'Use the `multiprocessing` equivalent (`multiprocessing.Lock()`, …), created under the guard and passed as an argument.',
  lambda: 'Use a module-level function.',
  'local-function': 'Define it at module level and pass what it uses as arguments.',
  'guard-function': 'Define it at module level, above the guard.',
  'local-class': 'Define the class at module level.',
  'guard-class': 'Define the class at module level, above the guard.',
  'local-class-instance': 'Define the class at module level.',
  'guard-class-instance': 'Define the class at module level, above the guard.',
  'bound-method': 'Define the class at module level.',
};

function finding(argument: SyntaxNode, found: Unpicklable): RuleFinding {
  const elsewhere = found.origin.startIndex < argument.startIndex || found.origin.endIndex > argument.endIndex;
  const failure =
    found.kind === 'guard-class' ||
    found.kind === 'guard-class-instance' ||
    found.kind === 'guard-function' ||
    found.kind === 'bound-method'
      ? 'a spawned child re-imports this module without running the guard, so it cannot load it'
      : 'it cannot be pickled, which a spawned child needs';
  return {
    node: argument,
    message: `\`${codeText(argument)}\` is ${found.what}: ${failure}. ${ADVICE[found.kind]}`,
    related: elsewhere ? [related(found.origin, 'the value is made here')] : [],
    data: { kind: found.kind, originRange: nodeRange(found.origin) },
  };
}

import type { ModuleFacts } from '../model/facts';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { argumentAt } from '../syntax/queries';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, GUARD_TEXT } from './common';

/**
 * Seeding calls whose behaviour spawn changes, by qualified name. Only `random`: CPython reseeds it in a
 * forked child (os.register_at_fork), so fork gives each worker its own numbers and spawn does not.
 * numpy's and torch's global generators are not reseeded after fork, so workers repeat each other under
 * fork and spawn alike (measured: test/fixtures/rules/SPG013/numpy-seed-at-import-not-reseeded.py).
 */
const SEEDS = new Set(['random.seed']);

/**
 * SPG013 seed-at-import: the global random generator is seeded at import time in a file that starts
 * processes. Every spawned child re-imports the module, seeds again, and draws the same numbers as its
 * siblings (under fork CPython reseeds `random` in each child).
 *
 * Points at the seeding call. `data`: `{ seed: string }` (the qualified name).
 */
export const seedAtImport: Rule = {
  code: 'SPG013',
  name: 'seed-at-import',
  defaultSeverity: 'warning',
  docs: {
    summary: 'The global random generator is seeded at import time in a file that starts processes.',
    explanation: [
      'A spawned (or forkserver) child re-imports the main script as `__mp_main__`, so a `random.seed(1234)`',
      'at module level runs again in every child: all workers start from the same state and draw the same',
      '"random" numbers. Under `fork` CPython reseeds the `random` module in each child, so the same script gives',
      'every worker its own numbers there, and the difference only shows on Windows, macOS or Python 3.14+ on',
      'Linux: simulations that should be independent silently repeat each other.',
      '',
      'Not reported: `random.seed()` without a value (each child seeds from the OS), and `numpy.random.seed` or',
      '`torch.manual_seed`, whose generators a forked child does not reseed either: there the workers repeat',
      'each other under every start method, which is not a difference spawn makes.',
    ].join('\n'),
    example: {
      bad: [
        'import random',
        'from multiprocessing import Pool',
        '',
        'random.seed(1234)',
        '',
        'def draw(_):',
        '    return random.random()',
        '',
        'if __name__ == "__main__":',
        '    with Pool(4) as pool:',
        '        print(pool.map(draw, range(4)))',
      ].join('\n'),
      good: [
        'import random',
        'from multiprocessing import Pool',
        '',
        'def seed_worker(base):',
        '    import os',
        '    random.seed(base + os.getpid())',
        '',
        'def draw(_):',
        '    return random.random()',
        '',
        'if __name__ == "__main__":',
        '    random.seed(1234)',
        '    with Pool(4, initializer=seed_worker, initargs=(1234,)) as pool:',
        '        print(pool.map(draw, range(4)))',
      ].join('\n'),
    },
    fix: [
      `Seed under \`${GUARD_TEXT}\` for the parent, and give each worker its own seed through the Pool`,
      '`initializer` (or pass seeds as arguments; `numpy.random.SeedSequence.spawn` makes independent ones).',
    ].join('\n'),
    url: DOCS_URL.safeMainImport,
  },
  mentions: ['seed'],
  check(facts: ModuleFacts): RuleFinding[] {
    if (!facts.startsProcesses || !facts.text.includes('seed')) return [];
    const findings: RuleFinding[] = [];
    for (const call of facts.scopes.module.calls) {
      const callee = call.childForFieldName('function');
      const seed = callee ? facts.values.qualifiedName(callee, facts.scopes.module) : undefined;
      if (!seed || !SEEDS.has(seed) || !seedsFixedValue(facts, call) || !facts.isImportTime(call) || !facts.isReportable(call)) continue;
      findings.push({
        node: call,
        message:
          `\`${codeText(call)}\` seeds the random generator at import time: every spawned child re-imports this module and seeds it again, ` +
          `so all workers draw the same numbers (under fork each child gets its own). Seed under \`${GUARD_TEXT}\` and give each worker its own seed.`,
        data: { seed },
      });
    }
    return findings;
  },
};

/** `random.seed(x)` with a value; `random.seed()` and `random.seed(None)` seed from the OS in each process. */
function seedsFixedValue(facts: ModuleFacts, call: SyntaxNode): boolean {
  const args = facts.values.argumentsOf(call);
  const value = argumentAt(args, 0, 'a');
  if (!value) return args.hasStarArgs || args.hasStarKwargs;
  return value.type !== 'none';
}

import type { ForkOnlyUse, ModuleFacts } from '../model/facts';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, python } from './common';

/**
 * SPG009 fork-only: code that forces the `fork` start method (not available on Windows), and
 * `ProcessPoolExecutor(max_tasks_per_child=...)` without `mp_context`, which makes spawn the default even
 * on Linux.
 *
 * Points at the call: `get_context("fork")`, `set_start_method("fork")`, `ProcessPoolExecutor(...)`.
 *
 * `data`: `{ reason: 'fork-context' | 'set-fork' | 'max-tasks-per-child' }`.
 */
export const forkOnly: Rule = {
  code: 'SPG009',
  name: 'fork-only',
  defaultSeverity: 'info',
  // fork does not exist on Windows, in a notebook as in a script.
  appliesTo: 'any',
  docs: {
    summary: 'Code that depends on the `fork` start method, or that switches an executor to spawn.',
    explanation: [
      '`get_context("fork")` and `set_start_method("fork")` fail on Windows, which has no fork (`ValueError: cannot',
      "find context for 'fork'`), and fork is unsafe in processes that run threads (macOS system libraries, and",
      "Python 3.12+ warns about it). Code written for fork often relies on children inheriting the parent's memory,",
      'which breaks as soon as it runs with spawn.',
      '',
      '`ProcessPoolExecutor(max_tasks_per_child=N)` without `mp_context` uses the spawn start method even on Linux',
      '(and is incompatible with a fork context): its workers re-import the main module and receive their functions',
      'pickled by name, so the spawn rules apply to that code on every platform.',
    ].join('\n'),
    example: {
      bad: python`
        import multiprocessing as mp

        def square(x):
            return x * x

        if __name__ == "__main__":
            with mp.get_context("fork").Pool(4) as pool:
                print(pool.map(square, range(10)))
      `,
      good: python`
        import multiprocessing as mp

        def square(x):
            return x * x

        if __name__ == "__main__":
            with mp.get_context("spawn").Pool(4) as pool:
                print(pool.map(square, range(10)))
      `,
    },
    fix: [
      'Prefer the platform default or `get_context("spawn")`, and write the code so it is spawn-safe; choose fork only',
      'where `"fork" in multiprocessing.get_all_start_methods()`. Give `ProcessPoolExecutor` an explicit `mp_context`',
      'when you use `max_tasks_per_child`, so the start method is a visible choice.',
    ].join('\n'),
    url: DOCS_URL.contexts,
  },
  mentions: ['fork', 'max_tasks_per_child'],
  check(facts: ModuleFacts): RuleFinding[] {
    return facts.events.forkOnlyUses
      .filter((use) => facts.isReportable(use.call))
      .map((use) => ({ node: use.call, message: message(use), data: { reason: use.reason } }));
  },
};

function message(use: ForkOnlyUse): string {
  const code = codeText(use.call);
  switch (use.reason) {
    case 'fork-context':
      return `\`${code}\` forces the fork start method, which does not exist on Windows ("ValueError: cannot find context for 'fork'") and is unsafe with threads on macOS.`;
    case 'set-fork':
      return `\`${code}\` makes fork the start method, which does not exist on Windows ("ValueError: cannot find context for 'fork'") and is unsafe with threads on macOS.`;
    case 'max-tasks-per-child':
      return `\`${code}\` sets max_tasks_per_child without mp_context, so the executor uses spawn even on Linux: its workers re-import this module and receive their functions pickled by name. Pass mp_context explicitly.`;
  }
}

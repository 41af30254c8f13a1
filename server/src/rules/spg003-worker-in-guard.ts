import type { ModuleFacts, WorkerRole } from '../model/facts';
import { nodeRange } from '../syntax/ranges';
import type { Rule, RuleFinding } from './rule';
import { DOCS_URL, GUARD_TEXT, related, python } from './common';
import { PROCESS_MODULES } from '../model/api';

/**
 * SPG003 worker-in-guard: a function or class sent to a child (Process target, Pool/executor function,
 * initializer, Process subclass) is defined inside the main guard.
 *
 * Points at the expression naming the worker; related = its definition inside the guard.
 *
 * `data`: `{ workerName: string, definitionRange: Range }` (definitionRange covers decorators too).
 */
export const workerInGuard: Rule = {
  code: 'SPG003',
  name: 'worker-in-guard',
  defaultSeverity: 'error',
  docs: {
    summary: 'A function or class used in a child process is defined inside the `if __name__ == "__main__":` block.',
    explanation: [
      'Under `spawn` (and `forkserver`) the target of a Process, the function given to a Pool or executor, an',
      'initializer, and a Process subclass are pickled by reference: by module and qualified name. The child',
      'imports the main script as `__mp_main__` without running the guarded block, so a definition that lives in',
      "that block does not exist there and unpickling fails with `AttributeError: Can't get attribute 'work' on",
      "<module '__mp_main__'>`. The child dies; a Pool keeps replacing it and hangs.",
    ].join('\n'),
    example: {
      bad: python`
        from multiprocessing import Pool

        if __name__ == "__main__":
            def square(x):
                return x * x

            with Pool(4) as pool:
                print(pool.map(square, range(10)))
      `,
      good: python`
        from multiprocessing import Pool

        def square(x):
            return x * x

        if __name__ == "__main__":
            with Pool(4) as pool:
                print(pool.map(square, range(10)))
      `,
    },
    fix: 'Define the worker at module level, outside the guard. The "Move worker to module level" fix moves the definition.',
    url: DOCS_URL.picklability,
  },
  mentions: PROCESS_MODULES,
  check(facts: ModuleFacts): RuleFinding[] {
    const findings: RuleFinding[] = [];
    const reported = new Set<number>();
    for (const reference of facts.events.workerReferences) {
      if (!facts.usesSpawn(reference.method) || reported.has(reference.argument.id)) continue;
      const target = facts.workers.target(reference);
      if (target.kind !== 'guard-definition' || !facts.isReportable(reference.argument)) continue;
      reported.add(reference.argument.id);
      findings.push({
        node: reference.argument,
        message:
          `${ROLE_TEXT[reference.role]}, \`${target.name}\`, is defined inside the \`${GUARD_TEXT}\` block: a spawned child re-imports ` +
          `this module as \`__mp_main__\` without running that block, so it cannot find it ("Can't get attribute '${target.name}' on <module '__mp_main__'>"). ` +
          `Define it at module level.`,
        related: [related(target.definition, `\`${target.name}\` is defined inside the guard`)],
        data: { workerName: target.name, definitionRange: nodeRange(target.definition) },
      });
    }
    return findings;
  },
};

export const ROLE_TEXT: Record<WorkerRole, string> = {
  target: 'The process target',
  'pool-function': 'The function run by the pool',
  'executor-function': 'The function run by the executor',
  initializer: 'The initializer',
  'process-class': 'The Process subclass',
};

import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Binding, ModuleFacts, WorkerReference } from '../model/facts';
import type { Rule, RuleFinding } from './rule';
import { DOCS_URL, GUARD_TEXT, lineOf, python, related, sentCallable } from './common';
import { PROCESS_MODULES } from '../model/api';

/**
 * SPG011 worker-redefined: the module binds a worker's name again after the point where the parent hands
 * the worker over (a second `def work` after the guard, a `work = …` after a module-level
 * `Process(target=work)`). A spawned child looks the worker up by name in the re-imported module, whose
 * import ends with the last binding: it runs that one, or pickling fails because the parent's name no
 * longer means the function it passes ("it's not the same object as __main__.work").
 *
 * Points at the later binding (the child's); related = the binding the parent passes.
 *
 * `data`: `{ workerName: string }`.
 */
export const workerRedefined: Rule = {
  code: 'SPG011',
  name: 'worker-redefined',
  defaultSeverity: 'error',
  docs: {
    summary: 'A worker’s name is bound again at module level after the parent hands the worker over.',
    explanation: [
      'Functions are pickled by reference: the parent sends the module and name, and a spawned (or forkserver) child',
      're-imports the main script as `__mp_main__` and looks the name up there. The child runs every module-level',
      'statement, including those after the `if __name__ == "__main__":` block, so the name means its *last*',
      'module-level binding. When the parent passes `work` before a later `def work` (or `work = …`) has run, the',
      'child silently runs the other function. When the parent rebinds the name before it starts the process',
      '(`Process(target=work)` at module level, then `def work` again), pickling fails: "Can\'t pickle <function',
      "work>: it's not the same object as __main__.work\". Under `fork` the child inherits the parent's object and",
      'the program works, so the difference shows only on Windows, macOS or Python 3.14+ on Linux.',
    ].join('\n'),
    example: {
      bad: python`
        from multiprocessing import Pool

        def work(x):
            return x * x

        if __name__ == "__main__":
            with Pool(2) as pool:
                print(pool.map(work, [1, 2, 3]))

        def work(x):  # the child runs this one
            return -x
      `,
      good: python`
        from multiprocessing import Pool

        def work(x):
            return x * x

        def negate(x):
            return -x

        if __name__ == "__main__":
            with Pool(2) as pool:
                print(pool.map(work, [1, 2, 3]))
      `,
    },
    fix: [
      'Give each function its own name, and keep every definition a worker needs before the',
      `\`${GUARD_TEXT}\` block (the block is best the last statement of the script).`,
    ].join('\n'),
    url: DOCS_URL.picklability,
  },
  mentions: PROCESS_MODULES,
  check(facts: ModuleFacts): RuleFinding[] {
    const findings: RuleFinding[] = [];
    const reported = new Set<number>();
    for (const reference of facts.events.workerReferences) {
      if (!facts.usesSpawn(reference.method)) continue;
      const name = workerName(facts, reference);
      const bindings = name ? facts.moduleBindings.get(name.text) : undefined;
      if (!name || !bindings || bindings.length < 2) continue;
      const point = handOverPoint(facts, reference);
      if (point === undefined) continue;
      const parents = bindings.filter((binding) => binding.statement.startIndex < point);
      const passed = parents[parents.length - 1];
      const childBindings = bindings.filter((binding) => facts.isImportTime(binding.statement));
      const childs = childBindings[childBindings.length - 1];
      // A binding under the guard is other rules' business (SPG003); the child's must come after the parent's.
      if (!passed || !childs || !facts.isImportTime(passed.statement) || childs.statement.startIndex <= passed.statement.startIndex)
        continue;
      if (reported.has(childs.target.id) || !facts.isReportable(childs.target)) continue;
      reported.add(childs.target.id);
      findings.push(findingFor(name.text, passed, childs, reference));
    }
    return findings;
  },
};

/** The worker's name in the reference: `work`, or the `work` of `functools.partial(work, …)`. */
function workerName(facts: ModuleFacts, reference: WorkerReference): SyntaxNode | undefined {
  const node = sentCallable(facts, reference);
  if (node?.type !== 'identifier') return undefined;
  // Only a name that reaches the module's binding (not a local or a parameter of the same name).
  const resolution = facts.values.resolve(node.text, reference.scope);
  return resolution?.scope === facts.scopes.module && !resolution.parameter ? node : undefined;
}

/**
 * Where in the module's run the parent reads the worker's name: the reference itself at import time or
 * under the guard; for a reference inside a function, the guard that runs the program (undefined
 * without one: when the function runs is not known).
 */
function handOverPoint(facts: ModuleFacts, reference: WorkerReference): number | undefined {
  const guard = facts.guardOf(reference.call);
  if (guard) return guard.verdict === 'correct' ? guard.node.startIndex : undefined;
  if (facts.isImportTime(reference.call)) return reference.argument.startIndex;
  return facts.mainGuard?.node.startIndex;
}

function findingFor(name: string, passed: Binding, childs: Binding, reference: WorkerReference): RuleFinding {
  return {
    node: childs.target,
    message:
      `\`${name}\` is bound again here, after the parent has handed the \`${name}\` of line ${lineOf(passed.target)} to a process (line ` +
      `${lineOf(reference.call)}): a spawned child re-imports the module to the end and looks \`${name}\` up by name, so it runs this ` +
      `binding instead (or pickling fails with "it's not the same object as __main__.${name}"). Give the functions different names.`,
    related: [related(passed.target, `the parent passes this \`${name}\``), related(reference.argument, 'handed to a process here')],
    data: { workerName: name },
  };
}

import type { SyntaxNode } from '../syntax/syntaxNode';
import { once } from '../text/once';
import type { Binding, GlobalRead, Guard, ModuleFacts, Scope, Value } from '../model/facts';
import { nodeRange } from '../syntax/ranges';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, GUARD_TEXT, related, python } from './common';
import { PROCESS_MODULES } from '../model/api';

/**
 * SPG005 guard-only-global: worker code reads a module global that the child does not get as the parent
 * has it: assigned only inside the guard, reassigned or modified there, or a module-level
 * Queue/Lock/Event/shared value (each spawned child builds its own).
 *
 * Points at the first read of the global in the worker (or in a function of this file it calls), once
 * per global per worker; related = the guarded assignment, or the module-level creation.
 *
 * A global assigned through `global` in a function that only the guard runs (`def main(): global CONFIG`)
 * counts as assigned in the guard.
 *
 * `data`: `{ workerName: string, globalName: string, reason: 'guard-only' | 'reassigned-in-guard' |
 * 'modified-in-guard' | 'module-level-sync-object', assignmentRange?: Range, setter?: string }`.
 */
export const guardOnlyGlobal: Rule = {
  code: 'SPG005',
  name: 'guard-only-global',
  defaultSeverity: 'error',
  docs: {
    summary: 'A worker reads a global that only the guarded block sets, or a module-level Queue/Lock/Event.',
    explanation: [
      "Under `spawn` (and `forkserver`) a child does not inherit the parent's memory: it imports the main script",
      'again as `__mp_main__`, without running the `if __name__ == "__main__":` block. A global assigned only in that',
      "block does not exist in the child (`NameError: name 'CONFIG' is not defined`); one reassigned or modified there",
      'has its import-time value in the child, so the worker silently computes something else than under `fork`.',
      'The same holds for a global that a function assigns through `global` when only that block runs the function',
      '(`def main(): global CONFIG; CONFIG = …`, called under the guard).',
      '',
      'Synchronisation objects created at module level (`Queue`, `Lock`, `Event`, `Value`, …) are created again by',
      'every child when it re-imports the module: the worker talks to its own private copy, and what it puts in a',
      'queue or sets on an event never reaches the parent.',
    ].join('\n'),
    example: {
      bad: python`
        from multiprocessing import Pool

        def scale(x):
            return x * FACTOR

        if __name__ == "__main__":
            FACTOR = 10
            with Pool(4) as pool:
                print(pool.map(scale, range(10)))
      `,
      good: python`
        from functools import partial
        from multiprocessing import Pool

        def scale(factor, x):
            return x * factor

        if __name__ == "__main__":
            with Pool(4) as pool:
                print(pool.map(partial(scale, 10), range(10)))
      `,
    },
    fix: [
      'Pass the value to the worker explicitly: as an argument (`args=`, `functools.partial`), or through the Pool',
      '`initializer`/`initargs`. Create queues, locks and events in the guarded block and pass them as arguments',
      '("Explicitly pass resources to child processes" in the CPython documentation).',
    ].join('\n'),
    url: DOCS_URL.passResources,
  },
  mentions: PROCESS_MODULES,
  check(facts: ModuleFacts): RuleFinding[] {
    const references = facts.events.workerReferences.filter((reference) => facts.usesSpawn(reference.method));
    if (references.length === 0) return [];
    const problems = globalProblems(facts);
    if (problems.size === 0) return [];
    const names = new Set(problems.keys());
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const reference of references) {
      const target = facts.workers.target(reference);
      if (target.kind !== 'module-definition') continue;
      for (const entry of facts.workers.entryPoints(target.scope)) {
        for (const read of facts.workers.globalReads(entry, names)) {
          const key = `${target.scope.node.id}:${read.name}`;
          const problem = problems.get(read.name);
          if (!problem || reported.has(key) || !facts.isReportable(read.node)) continue;
          reported.add(key);
          findings.push(findingFor(target.name, read, problem));
        }
      }
    }
    return findings;
  },
};

type Problem =
  /** `setter`: the function, run only by the guard, whose `global` assignment this is (else the guard's own). */
  | { reason: 'guard-only'; assignment: Binding; setter?: Scope }
  | { reason: 'reassigned-in-guard'; assignment: Binding; setter?: Scope }
  | { reason: 'modified-in-guard'; modification: SyntaxNode }
  | { reason: 'module-level-sync-object'; creation: SyntaxNode };

/** The module globals a spawned child does not get as the parent has them, with why. */
function globalProblems(facts: ModuleFacts): Map<string, Problem> {
  const problems = new Map<string, Problem>();
  const modifiedInGuard = once(() => namesModifiedInGuards(facts));
  // forEach: every module-level name at every analysis, without a [key, value] entry each.
  facts.moduleBindings.forEach((bindings, name) => {
    let setter: GuardSetter | undefined;
    if (facts.globalsAssignedInFunctions.has(name)) {
      // A function that assigns the global through `global` (an initializer, typically) may set it in the
      // child, unless only the guard runs it (`def main(): global CONFIG`).
      setter = guardSetter(facts, name);
      if (!setter) return;
    }
    const problem = problemOf(facts, name, bindings, modifiedInGuard, setter);
    if (problem) problems.set(name, problem);
  });
  facts.globalsAssignedInFunctions.forEach((name) => {
    if (facts.moduleBindings.has(name)) return;
    const setter = guardSetter(facts, name);
    if (setter) problems.set(name, { reason: 'guard-only', assignment: setter.assignment, setter: setter.scope });
  });
  return problems;
}

interface GuardSetter {
  scope: Scope;
  /** Its first assignment of the global. */
  assignment: Binding;
}

/** When every function that assigns `name` through `global` is run only by the guard: the first of them. */
function guardSetter(facts: ModuleFacts, name: string): GuardSetter | undefined {
  const setters = facts.scopes.scopes.filter((scope) => scope.globals.has(name) && scope.bindingsOf(name).length > 0);
  if (setters.length === 0 || !setters.every((scope) => facts.functionsOnlyTheGuardRuns.has(scope))) return undefined;
  return { scope: setters[0], assignment: setters[0].bindingsOf(name)[0] };
}

function problemOf(
  facts: ModuleFacts,
  name: string,
  bindings: readonly Binding[],
  modifiedInGuard: () => Map<string, SyntaxNode>,
  setter?: GuardSetter,
): Problem | undefined {
  // Run for every module-level name at every analysis: no arrays until a name can make a problem.
  let firstGuarded: Binding | undefined;
  let unguardedAssignment = false;
  for (const binding of bindings) {
    const guard: Guard | undefined = facts.guardOf(binding.statement);
    if (guard?.verdict === 'correct') firstGuarded ??= binding;
    else if (!guard && binding.kind === 'assignment') unguardedAssignment = true;
  }
  // Without a guarded binding only assignments can make a problem: the others (most names: functions,
  // classes, imports) need not be placed.
  if (!firstGuarded && !unguardedAssignment && !setter) return undefined;
  // At import time: outside functions and guards (so not among the guarded ones).
  const atImport = bindings.filter((binding) => facts.isImportTime(binding.statement));
  if (!firstGuarded && setter) {
    const { assignment, scope } = setter;
    return atImport.length === 0
      ? { reason: 'guard-only', assignment, setter: scope }
      : { reason: 'reassigned-in-guard', assignment, setter: scope };
  }
  if (firstGuarded)
    return atImport.length === 0
      ? { reason: 'guard-only', assignment: firstGuarded }
      : { reason: 'reassigned-in-guard', assignment: firstGuarded };
  // Objects of other modules (os.environ, sys.path) reach children their own way: only this module's variables count.
  const modification = atImport.some((binding) => binding.kind === 'assignment') ? modifiedInGuard().get(name) : undefined;
  if (modification) return { reason: 'modified-in-guard', modification };
  for (const binding of atImport) {
    if (binding.kind !== 'assignment' || !binding.value) continue;
    const value: Value | undefined = facts.values.valueOf(binding.value, facts.scopes.module);
    if (value?.kind === 'instance' && (value.api === 'SyncPrimitive' || value.api === 'Manager') && facts.usesSpawn(value.method)) {
      return { reason: 'module-level-sync-object', creation: value.creation };
    }
  }
  return undefined;
}

function findingFor(worker: string, read: GlobalRead, problem: Problem): RuleFinding {
  const name = read.name;
  const reader =
    read.reader.qualifiedName === worker ? `\`${worker}\`` : `\`${read.reader.qualifiedName}\` (called by the worker \`${worker}\`)`;
  const base = { node: read.node, data: { workerName: worker, globalName: name, reason: problem.reason } as Record<string, unknown> };
  switch (problem.reason) {
    case 'guard-only':
      if (problem.setter) return setterFinding(base, reader, name, problem.assignment, problem.setter, false);
      return {
        ...base,
        message:
          `${reader} reads \`${name}\`, which is assigned only inside the \`${GUARD_TEXT}\` block: a spawned child re-imports this module without ` +
          `running that block, so there it fails with "NameError: name '${name}' is not defined". Pass it as an argument (or through the Pool initializer).`,
        related: [related(problem.assignment.target, `\`${name}\` is assigned only here, inside the guard`)],
        data: { ...base.data, assignmentRange: nodeRange(problem.assignment.target) },
      };
    case 'reassigned-in-guard':
      if (problem.setter) return setterFinding(base, reader, name, problem.assignment, problem.setter, true);
      return {
        ...base,
        message:
          `${reader} reads \`${name}\`, which the \`${GUARD_TEXT}\` block reassigns: a spawned child re-imports this module without running that ` +
          `block and sees the import-time value, not the parent's. Pass it as an argument (or through the Pool initializer).`,
        related: [related(problem.assignment.target, `\`${name}\` is reassigned here, inside the guard`)],
        data: { ...base.data, assignmentRange: nodeRange(problem.assignment.target) },
      };
    case 'modified-in-guard':
      return {
        ...base,
        message:
          `${reader} reads \`${name}\`, which the \`${GUARD_TEXT}\` block modifies: a spawned child re-imports this module without running that ` +
          `block and sees the unmodified import-time value. Pass it as an argument.`,
        related: [related(problem.modification, `\`${name}\` is modified here, inside the guard`)],
        data: { ...base.data, assignmentRange: nodeRange(problem.modification) },
      };
    case 'module-level-sync-object':
      return {
        ...base,
        message:
          `${reader} uses the module-level \`${name}\` (\`${codeText(problem.creation)}\`): a spawned child re-imports this module and creates its own, ` +
          `so the worker and the parent do not share it. Create it under the guard and pass it to the worker as an argument.`,
        related: [related(problem.creation, `\`${name}\` is created here at import time, again in every child`)],
        data: { ...base.data, assignmentRange: nodeRange(problem.creation) },
      };
  }
}

/** A global assigned through `global` in a function that only the guard runs (`def main(): global CONFIG`). */
function setterFinding(
  base: { node: SyntaxNode; data: Record<string, unknown> },
  reader: string,
  name: string,
  assignment: Binding,
  setter: Scope,
  reassigned: boolean,
): RuleFinding {
  const fn = setter.qualifiedName;
  const effect = reassigned
    ? "so there it keeps the import-time value, not the parent's"
    : `so there it fails with "NameError: name '${name}' is not defined"`;
  return {
    ...base,
    message:
      `${reader} reads \`${name}\`, which \`${fn}()\` ${reassigned ? 'reassigns' : 'assigns'} through \`global\`, and only the \`${GUARD_TEXT}\` block ` +
      `runs \`${fn}\`: a spawned child re-imports this module without running that block, ${effect}. Pass it as an argument (or through the Pool initializer).`,
    related: [
      related(assignment.target, `\`${name}\` is ${reassigned ? 'reassigned' : 'assigned'} here, in \`${fn}\`, which only the guard runs`),
    ],
    data: { ...base.data, assignmentRange: nodeRange(assignment.target), setter: fn },
  };
}

const MUTATING_METHODS = new Set([
  'append',
  'extend',
  'insert',
  'update',
  'setdefault',
  'add',
  'pop',
  'popitem',
  'remove',
  'discard',
  'clear',
  'sort',
  'reverse',
]);

/** Module globals changed in place inside a correct guard (`X[k] = v`, `X.a = v`, `X += …`, `X.append(…)`), first change by name. */
function namesModifiedInGuards(facts: ModuleFacts): Map<string, SyntaxNode> {
  const result = new Map<string, SyntaxNode>();
  const note = (object: SyntaxNode | null, site: SyntaxNode) => {
    if (object?.type === 'identifier' && !result.has(object.text) && facts.values.scopeAt(site) === facts.scopes.module)
      result.set(object.text, site);
  };
  for (const guard of facts.guards) {
    if (guard.verdict !== 'correct') continue;
    for (const region of guard.guarded) {
      for (const node of region.descendantsOfType(['assignment', 'augmented_assignment', 'call'])) {
        if (!node) continue;
        if (node.type === 'call') {
          const callee = node.childForFieldName('function');
          if (callee?.type === 'attribute' && MUTATING_METHODS.has(callee.childForFieldName('attribute')?.text ?? ''))
            note(callee.childForFieldName('object'), node);
          continue;
        }
        const left = node.childForFieldName('left');
        if (!left) continue;
        if (left.type === 'subscript' || left.type === 'attribute')
          note(left.childForFieldName(left.type === 'subscript' ? 'value' : 'object'), node);
        else if (node.type === 'augmented_assignment') note(left, node);
      }
    }
  }
  return result;
}

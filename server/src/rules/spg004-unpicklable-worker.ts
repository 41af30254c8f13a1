import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts, WorkerReference, WorkerTarget } from '../model/facts';
import { nodeRange } from '../syntax/ranges';
import type { Rule, RuleFinding } from './rule';
import { DOCS_URL, related, python } from './common';
import { ROLE_TEXT } from './spg003-worker-in-guard';
import { PROCESS_MODULES } from '../model/api';
import { unpicklableValue } from './unpicklable-values';

/**
 * SPG004 unpicklable-worker: a lambda, a nested function or closure, or a function replaced by a
 * decorator's wrapper without functools.wraps, is sent to a child process.
 *
 * Points at the argument expression (the lambda, or the name).
 *
 * `data`:
 * - `{ kind: 'lambda', lambdaRange: Range, lambdaUsesLocalNames: boolean, workerName?: string }`
 *   (`workerName` when the lambda is reached through a name bound to it);
 * - `{ kind: 'local-definition', workerName: string, definitionRange: Range, enclosingFunction: string }`;
 * - `{ kind: 'unwrapped-decorated', workerName: string, definitionRange: Range, decoratorRange: Range, wrapperRange: Range }`;
 * - `{ kind: 'closure', definitionRange: Range }`: a function made by a factory of this file (`make_worker(k)`
 *   returning its nested function), reached through the call or a name bound to it.
 */
export const unpicklableWorker: Rule = {
  code: 'SPG004',
  name: 'unpicklable-worker',
  defaultSeverity: 'error',
  docs: {
    summary: 'A lambda, nested function, closure or non-`functools.wraps` decorated function is sent to a child process.',
    explanation: [
      'Under `spawn` (and `forkserver`, the Linux default from Python 3.14) the target of a Process, the function',
      'given to a Pool or executor and the initializer are pickled, and pickle stores functions by reference: module',
      'and `__qualname__`. A lambda (`<lambda>`), a function defined inside another function (`main.<locals>.work`),',
      'and a function replaced by a decorator whose wrapper does not copy the original name (no `functools.wraps`)',
      'cannot be found that way. The parent fails before the child starts:',
      "`_pickle.PicklingError: Can't pickle <function <lambda>>: attribute lookup <lambda> on __main__ failed` or",
      "`AttributeError: Can't pickle local object 'main.<locals>.work'`. Under `fork` the same code works, which is",
      'why it breaks only on Windows, macOS, or Python 3.14 on Linux.',
      '',
      '`functools.partial` of a module-level function, bound methods and static methods of module-level classes,',
      'and builtins pickle fine. joblib (loky) and pathos pickle with cloudpickle/dill and are not reported.',
    ].join('\n'),
    example: {
      bad: python`
        from multiprocessing import Pool

        if __name__ == "__main__":
            with Pool(4) as pool:
                print(pool.map(lambda x: x * x, range(10)))
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
    fix: [
      'Use a function defined at module level; pass what a closure captured as arguments (or with',
      '`functools.partial`). Decorators must wrap with `@functools.wraps(func)`. The "Replace lambda with a',
      'module-level function" fix does this for lambdas that use no local names.',
    ].join('\n'),
    url: DOCS_URL.picklability,
  },
  mentions: PROCESS_MODULES,
  check(facts: ModuleFacts): RuleFinding[] {
    const findings: RuleFinding[] = [];
    const reported = new Set<number>();
    for (const reference of facts.events.workerReferences) {
      if (!facts.usesSpawn(reference.method) || reported.has(reference.argument.id)) continue;
      const finding = findingFor(facts, reference, facts.workers.target(reference));
      if (!finding || !facts.isReportable(reference.argument)) continue;
      reported.add(reference.argument.id);
      findings.push(finding);
    }
    return findings;
  },
};

function findingFor(facts: ModuleFacts, reference: WorkerReference, target: WorkerTarget): RuleFinding | undefined {
  const role = ROLE_TEXT[reference.role];
  switch (target.kind) {
    case 'lambda':
      return {
        node: reference.argument,
        message:
          `${role} is a lambda${target.name ? ` (\`${target.name}\`)` : ''}: under spawn it is pickled to reach the child, and pickle finds functions by name, ` +
          `so it fails ("Can't pickle <function <lambda>>: attribute lookup <lambda> on __main__ failed"). Use a module-level function.`,
        related: target.name ? [related(target.lambda, `\`${target.name}\` is this lambda`)] : [],
        data: {
          kind: 'lambda',
          lambdaRange: nodeRange(target.lambda),
          lambdaUsesLocalNames: usesLocalNames(facts, target.lambda),
          ...(target.name ? { workerName: target.name } : {}),
        },
      };
    case 'local-definition': {
      const enclosing = target.scope.parent?.qualifiedName ?? '';
      const qualified = target.scope.qualifiedName;
      return {
        node: reference.argument,
        message:
          `${role}, \`${target.name}\`, is defined inside \`${enclosing}\`: under spawn it is pickled to reach the child, and pickle cannot find a local ` +
          `function by name ("Can't pickle local object '${qualified}'"). Define it at module level and pass what it uses as arguments.`,
        related: [related(target.definition, `\`${target.name}\` is defined here`)],
        data: {
          kind: 'local-definition',
          workerName: target.name,
          definitionRange: nodeRange(target.definition),
          enclosingFunction: enclosing,
        },
      };
    }
    case 'unwrapped-decorated': {
      const wrapperName = facts.scopes.byNode.get(target.wrapper.id)?.qualifiedName ?? '<lambda>';
      return {
        node: reference.argument,
        message:
          `${role}, \`${target.name}\`, is replaced by its decorator's wrapper \`${wrapperName}\`, which does not use functools.wraps: under spawn pickle ` +
          `looks the function up by that name and fails ("Can't pickle local object '${wrapperName}'"). Decorate the wrapper with \`@functools.wraps(func)\`.`,
        related: [related(target.wrapper, 'this wrapper replaces the function without functools.wraps')],
        data: {
          kind: 'unwrapped-decorated',
          workerName: target.name,
          definitionRange: nodeRange(target.definition),
          decoratorRange: nodeRange(target.decorator),
          wrapperRange: nodeRange(target.wrapper),
        },
      };
    }
    case 'other':
      return closureFinding(facts, reference, role);
    default:
      return undefined;
  }
}

/** A worker that is a closure a factory function of this file returns (`target=make_worker(3)`). */
function closureFinding(facts: ModuleFacts, reference: WorkerReference, role: string): RuleFinding | undefined {
  const value = unpicklableValue(facts, reference.argument, facts.values.scopeAt(reference.argument));
  if (value?.factory === undefined) return undefined;
  const qualified = facts.scopes.byNode.get(value.origin.id)?.qualifiedName;
  return {
    node: reference.argument,
    message:
      `${role} is ${value.what}: under spawn it is pickled to reach the child, and pickle cannot find a local function by name ` +
      `("Can't pickle local object '${qualified ?? '<locals>'}'"). Define the worker at module level and pass what the factory captured as arguments ` +
      `(or with \`functools.partial\`).`,
    related: [related(value.origin, 'the function the factory returns is defined here')],
    data: { kind: 'closure', definitionRange: nodeRange(value.origin) },
  };
}

/** True when the lambda reads a name local to an enclosing function (it could not move to module level as is). */
function usesLocalNames(facts: ModuleFacts, lambda: SyntaxNode): boolean {
  const lambdaScope = facts.scopes.byNode.get(lambda.id);
  if (!lambdaScope) return true;
  for (const identifier of lambda.descendantsOfType('identifier')) {
    if (!identifier || lambdaScope.params.has(identifier.text)) continue;
    const resolution = facts.values.resolve(identifier.text, lambdaScope);
    if (resolution && resolution.scope !== facts.scopes.module && resolution.scope !== lambdaScope) return true;
  }
  return false;
}

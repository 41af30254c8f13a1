import type { ModuleFacts, WorkerReference } from '../model/facts';
import { nodeRange } from '../syntax/ranges';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, related } from './common';

/**
 * SPG021 unpicklable-cell-worker (notebooks): a lambda or a nested function is given to a Pool or an
 * executor (it fails even under fork, since the task itself is pickled), or as a Process target or
 * initializer under spawn.
 *
 * Points at the argument. `data`: `{ kind: 'lambda' | 'local-definition', lambdaRange?, definitionRange?, name? }`.
 */
export const unpicklableCellWorker: Rule = {
  code: 'SPG021',
  name: 'unpicklable-cell-worker',
  defaultSeverity: 'error',
  appliesTo: 'notebook',
  docs: {
    summary: 'A lambda or nested function is sent to a child process from a notebook (a Pool fails even under fork).',
    explanation: [
      'pickle sends functions by name, and a lambda (`<lambda>`) or a function defined inside another function',
      '(`main.<locals>.work`) has no name a child could look up. A Pool or ProcessPoolExecutor pickles every task, so',
      "`pool.map(lambda x: x * x, data)` fails in the notebook with `PicklingError: Can't pickle <function <lambda>>`",
      'even under fork; a Process target or a Pool initializer is pickled only under spawn and forkserver.',
      "joblib's default loky backend pickles lambdas by value and is not affected.",
    ].join('\n'),
    example: {
      bad: ['from multiprocessing import Pool', '', 'with Pool(4) as pool:', '    print(pool.map(lambda x: x * x, range(10)))'].join('\n'),
      good: [
        '# square is defined in notebook_workers.py next to the notebook',
        'from multiprocessing import Pool',
        'from notebook_workers import square',
        '',
        'with Pool(4) as pool:',
        '    print(pool.map(square, range(10)))',
      ].join('\n'),
    },
    fix: 'Define the function at the top level of a module next to the notebook, import it, and pass what a closure captured as arguments (or with `functools.partial`).',
    url: DOCS_URL.picklability,
  },
  mentions: ['multiprocessing', 'concurrent'],
  check(facts: ModuleFacts): RuleFinding[] {
    const findings: RuleFinding[] = [];
    const reported = new Set<number>();
    for (const reference of facts.events.workerReferences) {
      const pickledAlways = reference.role === 'pool-function' || reference.role === 'executor-function';
      if ((!pickledAlways && !facts.usesSpawn(reference.method)) || reported.has(reference.argument.id)) continue;
      const finding = findingFor(facts, reference, pickledAlways);
      if (!finding || !facts.isReportable(reference.argument)) continue;
      reported.add(reference.argument.id);
      findings.push(finding);
    }
    return findings;
  },
};

function findingFor(facts: ModuleFacts, reference: WorkerReference, pickledAlways: boolean): RuleFinding | undefined {
  const target = facts.workers.target(reference);
  const call = codeText(reference.call);
  const when = pickledAlways
    ? `\`${call}\` pickles every task, so it fails in the cell even under fork`
    : `under spawn and forkserver \`${call}\` pickles it for the child and fails`;
  switch (target.kind) {
    case 'lambda':
      return {
        node: reference.argument,
        message: `A lambda${target.name ? ` (\`${target.name}\`)` : ''} is sent to a child process: pickle finds functions by name and a lambda has none; ${when} ("Can't pickle <function <lambda>>"). Define a function in a module next to the notebook and import it.`,
        related: target.name ? [related(target.lambda, `\`${target.name}\` is this lambda`)] : [],
        data: { kind: 'lambda', lambdaRange: nodeRange(target.lambda), ...(target.name ? { name: target.name } : {}) },
      };
    case 'local-definition':
      return {
        node: reference.argument,
        message: `\`${target.name}\` is defined inside \`${target.scope.parent?.qualifiedName ?? ''}\` and sent to a child process: pickle cannot find a nested function by name; ${when} ("Can't pickle local object '${target.scope.qualifiedName}'"). Define it at the top level of a module next to the notebook and pass what it uses as arguments.`,
        related: [related(target.definition, `\`${target.name}\` is defined here`)],
        data: { kind: 'local-definition', name: target.name, definitionRange: nodeRange(target.definition) },
      };
    default:
      return undefined;
  }
}

import type { ModuleFacts } from '../model/facts';
import type { Rule, RuleFinding } from './rule';
import { DOCS_URL } from './common';

/**
 * SPG022 guard-in-notebook (notebooks): `if __name__ == "__main__":` in a cell does nothing. Points at
 * the guard's condition. No data.
 */
export const guardInNotebook: Rule = {
  code: 'SPG022',
  name: 'guard-in-notebook',
  defaultSeverity: 'info',
  appliesTo: 'notebook',
  docs: {
    summary: '`if __name__ == "__main__":` in a notebook cell changes nothing.',
    explanation: [
      'A Jupyter kernel runs every cell in `__main__`, so `__name__ == "__main__"` is always true there, and a spawned',
      'child runs none of the notebook\'s cells: the guard neither protects anything nor is needed. Advice to "add the',
      'appropriate guards" is meant for scripts. What breaks under spawn in a notebook is a function or class defined in',
      'a cell and sent to a child (SPG020): move it into a module next to the notebook.',
    ].join('\n'),
    example: {
      bad: ['if __name__ == "__main__":', '    with Pool(4) as pool:', '        print(pool.map(square, range(10)))'].join('\n'),
      good: ['from notebook_workers import square', '', 'with Pool(4) as pool:', '    print(pool.map(square, range(10)))'].join('\n'),
    },
    fix: 'Remove the guard (keep its body), and move what the children run into a module next to the notebook.',
    url: DOCS_URL.safeMainImport,
  },
  mentions: ['__name__'],
  check(facts: ModuleFacts): RuleFinding[] {
    return facts.guards
      .filter((guard) => guard.verdict === 'correct' && guard.form === 'if' && facts.isReportable(guard.condition))
      .map((guard) => ({
        node: guard.condition,
        message:
          'This main guard does nothing in a notebook: a kernel\'s `__name__` is always "__main__", and spawned children run none of the cells. ' +
          'Under spawn what fails is a function or class defined in a cell and sent to a child: move those into a module next to the notebook.',
      }));
  },
};

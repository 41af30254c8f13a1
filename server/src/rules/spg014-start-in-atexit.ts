import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts, Scope } from '../model/facts';
import { decoratorExpression, decoratorsOf } from '../syntax/queries';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, GUARD_TEXT, lineOf, related } from './common';

/**
 * SPG014 start-in-atexit: a function registered with `atexit` starts processes. At exit CPython has
 * already removed `__main__.__file__`, so a spawned child cannot re-import the script: it does not find
 * the worker, and a Pool refills its dying workers forever.
 *
 * Points at the `atexit.register(f)` call or the `@atexit.register` decorator; related = the start.
 *
 * `data`: `{ handler: string }`.
 */
export const startInAtexit: Rule = {
  code: 'SPG014',
  name: 'start-in-atexit',
  defaultSeverity: 'error',
  docs: {
    summary: 'A function registered with `atexit` starts processes.',
    explanation: [
      'When the interpreter runs its `atexit` handlers, the main module is being torn down: CPython has removed',
      '`__main__.__file__`. A process started with spawn (or forkserver) then has no script to re-import, so the child',
      "cannot find the worker (`AttributeError: Can't get attribute 'square' on <module '__main__' (built-in)>`); a",
      'Pool replaces each dying worker and the program never ends. Under `fork` the child inherits the functions and',
      'the same handler works, so this shows up only on Windows, macOS or Python 3.14+ on Linux.',
    ].join('\n'),
    example: {
      bad: [
        'import atexit',
        'from multiprocessing import Pool',
        '',
        'def square(x):',
        '    return x * x',
        '',
        'def report():',
        '    with Pool(2) as pool:',
        '        print(pool.map(square, range(4)))',
        '',
        'if __name__ == "__main__":',
        '    atexit.register(report)',
      ].join('\n'),
      good: [
        'from multiprocessing import Pool',
        '',
        'def square(x):',
        '    return x * x',
        '',
        'def report():',
        '    with Pool(2) as pool:',
        '        print(pool.map(square, range(4)))',
        '',
        'if __name__ == "__main__":',
        '    try:',
        '        pass  # the program',
        '    finally:',
        '        report()',
      ].join('\n'),
    },
    fix: `Run the work at the end of the \`${GUARD_TEXT}\` block (in a \`finally:\` if it must run after errors too), not from an \`atexit\` handler.`,
    url: DOCS_URL.safeMainImport,
  },
  mentions: ['atexit'],
  check(facts: ModuleFacts): RuleFinding[] {
    if (!facts.startsProcesses || !facts.text.includes('atexit')) return [];
    const findings: RuleFinding[] = [];
    const report = (node: SyntaxNode, handler: Scope | undefined) => {
      const chain = handler ? facts.callGraph.startChain(handler) : undefined;
      if (!handler || !chain || !facts.isReportable(node)) return;
      findings.push({
        node,
        message:
          `\`${handler.qualifiedName}\` runs at exit and starts processes (\`${codeText(chain.site.call)}\`, line ${lineOf(chain.site.call)}): by then CPython has ` +
          `removed \`__main__.__file__\`, so a spawned child cannot re-import the script or find its worker, and a Pool waits forever. ` +
          `Run it at the end of the \`${GUARD_TEXT}\` block instead.`,
        related: [related(chain.site.call, 'processes start here')],
        data: { handler: handler.qualifiedName },
      });
    };
    for (const scope of [facts.scopes.module, ...facts.scopes.scopes]) {
      for (const call of scope.calls) {
        const callee = call.childForFieldName('function');
        if (!callee || facts.values.qualifiedName(callee, scope) !== 'atexit.register') continue;
        const args = facts.values.argumentsOf(call);
        const handler = args.positional[0] ? facts.values.valueOf(args.positional[0], scope) : undefined;
        report(call, handler?.kind === 'function' ? handler.scope : undefined);
      }
      for (const decorator of decoratorsOf(scope.decorated)) {
        const expression = decoratorExpression(decorator);
        if (expression && facts.values.qualifiedName(expression, scope.parent ?? facts.scopes.module) === 'atexit.register') {
          report(decorator, scope.kind === 'function' ? scope : undefined);
        }
      }
    }
    return findings;
  },
};

import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts, Scope, StartChain } from '../model/facts';
import { decoratorExpression, decoratorsOf, syntaxChildren } from '../syntax/queries';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, GUARD_TEXT, lineOf, related } from './common';

/**
 * SPG010 decorator-starts-processes: a decorator applied at import time starts processes, itself
 * (`@run_in_background` starting a Process) or by calling the function it decorates when that function
 * starts processes (a task registry that runs each task as it is registered).
 *
 * Points at the decorator; related = where the processes start. `data`: `{ decorator: string, via:
 * 'decorator' | 'decorated-function' }`.
 */
export const decoratorStartsProcesses: Rule = {
  code: 'SPG010',
  name: 'decorator-starts-processes',
  defaultSeverity: 'error',
  docs: {
    summary: 'A decorator applied at import time starts processes (itself, or by calling the decorated function).',
    explanation: [
      'Decorators run when the module is imported, so a spawned (or forkserver) child, which re-imports the main',
      'script as `__mp_main__`, applies them again. A decorator that starts a process there (`@run_in_background`), or',
      'that calls the function it decorates when that function starts processes (a task registry that runs each task',
      'as it registers it), starts processes while the child is still importing: "An attempt has been made to start a',
      'new process before the current process has finished its bootstrapping phase", and a Pool never ends. In the',
      'parent it fails too: the decorated name is not bound yet when the decorator hands the function to a Process,',
      'so pickling it fails ("Can\'t pickle <function work>: attribute lookup work on __main__ failed"). Moving only',
      'the call that uses the function into the guard is not enough: the decorator itself must not run at import.',
    ].join('\n'),
    example: {
      bad: [
        'import multiprocessing as mp',
        '',
        'def run_in_background(fn):',
        '    mp.Process(target=fn).start()',
        '    return fn',
        '',
        '@run_in_background',
        'def work():',
        '    print("working")',
      ].join('\n'),
      good: [
        'import multiprocessing as mp',
        '',
        'def run_in_background(fn):',
        '    mp.Process(target=fn).start()',
        '    return fn',
        '',
        'def work():',
        '    print("working")',
        '',
        'if __name__ == "__main__":',
        '    run_in_background(work)',
      ].join('\n'),
    },
    fix: [
      `Apply the decorator under \`${GUARD_TEXT}\` (\`run_in_background(work)\` there, with \`work\` left undecorated at`,
      'module level), or make the decorator only register the function and run the registered functions from the guard.',
    ].join('\n'),
    url: DOCS_URL.safeMainImport,
  },
  mentions: ['multiprocessing', 'concurrent', 'joblib'],
  check(facts: ModuleFacts): RuleFinding[] {
    if (!facts.startsProcesses || !facts.text.includes('@')) return [];
    const findings: RuleFinding[] = [];
    for (const scope of facts.scopes.scopes) {
      const decorated = scope.decorated;
      if (!decorated || !facts.isImportTime(decorated)) continue;
      for (const decorator of decoratorsOf(decorated)) {
        const expression = decoratorExpression(decorator);
        if (!expression || !facts.isReportable(decorator)) continue;
        const applied = appliedFunction(facts, expression, scope.parent ?? facts.scopes.module);
        if (!applied || facts.values.qualifiedName(expression) === 'atexit.register') continue;
        const own = facts.callGraph.startChain(applied);
        const viaFunction =
          !own && scope.kind === 'function' && callsFirstParameter(applied) ? facts.callGraph.startChain(scope) : undefined;
        const chain = own ?? viaFunction;
        if (!chain) continue;
        findings.push(finding(decorator, expression, scope, chain, own ? 'decorator' : 'decorated-function'));
        break;
      }
    }
    return findings;
  },
};

/** The function that applying the decorator calls with the definition: the decorator, or what a factory call returns. */
function appliedFunction(facts: ModuleFacts, expression: SyntaxNode, scope: Scope): Scope | undefined {
  if (expression.type !== 'call') {
    const value = facts.values.valueOf(expression, scope);
    return value?.kind === 'function' ? value.scope : undefined;
  }
  const callee = expression.childForFieldName('function');
  const factory = callee ? facts.values.valueOf(callee, scope) : undefined;
  if (factory?.kind !== 'function') return undefined;
  const returned: Scope[] = [];
  for (const statement of factory.scope.body?.descendantsOfType('return_statement') ?? []) {
    if (!statement || facts.values.scopeAt(statement) !== factory.scope) continue;
    const value = syntaxChildren(statement)[0];
    const found = value ? facts.values.valueOf(value, factory.scope) : undefined;
    if (found?.kind === 'function') returned.push(found.scope);
  }
  return returned.length === 1 ? returned[0] : undefined;
}

/** The decorator calls its first parameter (the function it decorates) in its own body. */
function callsFirstParameter(decorator: Scope): boolean {
  const [first] = decorator.params.keys();
  if (!first) return false;
  return decorator.calls.some((call) => {
    const callee = call.childForFieldName('function');
    return callee?.type === 'identifier' && callee.text === first;
  });
}

function finding(
  decorator: SyntaxNode,
  expression: SyntaxNode,
  decorated: Scope,
  chain: StartChain,
  via: 'decorator' | 'decorated-function',
): RuleFinding {
  const name = codeText(expression);
  const how =
    via === 'decorator'
      ? `starts processes when it is applied (\`${codeText(chain.site.call)}\`, line ${lineOf(chain.site.call)})`
      : `calls \`${decorated.name}\` when it is applied, which starts processes (\`${codeText(chain.site.call)}\`, line ${lineOf(chain.site.call)})`;
  return {
    node: decorator,
    message:
      `\`@${name}\` ${how}: decorators run at import time, so a spawned child re-imports this module and does it again while it is still starting ` +
      `("current process has finished its bootstrapping phase"), and in the parent \`${decorated.name}\` is not bound yet when it is pickled. ` +
      `Apply the decorator under \`${GUARD_TEXT}\`, or make it only register the function.`,
    related: [related(chain.site.call, 'processes start here')],
    data: { decorator: name, via },
  };
}

import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts } from '../model/facts';
import { syntaxChildren } from '../syntax/queries';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, GUARD_TEXT, python } from './common';

/**
 * SPG006 start-method-at-import: `set_start_method(...)` runs at import time, so again in every spawned
 * child, where the start method is already set.
 *
 * Points at the `set_start_method(...)` call. Not reported with `force=True`, for "fork" (fork children do
 * not re-import the module; SPG009 covers fork), for a method the model cannot read, or when the call is
 * wrapped in `try/except RuntimeError` (or `contextlib.suppress(RuntimeError)`).
 *
 * `data`: `{ method: string }`.
 */
export const startMethodAtImport: Rule = {
  code: 'SPG006',
  name: 'start-method-at-import',
  defaultSeverity: 'error',
  docs: {
    summary: '`set_start_method()` is called by code that runs at import time.',
    explanation: [
      '`multiprocessing.set_start_method()` may be called only once per process. A spawned (or forkserver) child sets',
      'its start method from the parent before it re-imports the main script as `__mp_main__`; a `set_start_method()`',
      'that runs at import time then runs a second time in the child and fails with `RuntimeError: context has',
      'already been set`, so the child dies before it runs its target.',
    ].join('\n'),
    example: {
      bad: python`
        import multiprocessing as mp

        mp.set_start_method("spawn")

        def work():
            print("working")

        if __name__ == "__main__":
            p = mp.Process(target=work)
            p.start()
            p.join()
      `,
      good: python`
        import multiprocessing as mp

        def work():
            print("working")

        if __name__ == "__main__":
            mp.set_start_method("spawn")
            p = mp.Process(target=work)
            p.start()
            p.join()
      `,
    },
    fix: [
      `Call it once, as the first thing under \`${GUARD_TEXT}\` (the "Move set_start_method into the guard" fix),`,
      'or use a context object instead of the global setting: `ctx = multiprocessing.get_context("spawn")` and',
      '`ctx.Process(...)`, `ctx.Pool(...)`, which is also what libraries should do.',
    ].join('\n'),
    url: DOCS_URL.contexts,
  },
  mentions: ['set_start_method'],
  check(facts: ModuleFacts): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const call of facts.events.startMethodCalls) {
      if (call.force || (call.method !== 'spawn' && call.method !== 'forkserver')) continue;
      if (!facts.isImportTime(call.call) || !facts.isReportable(call.call) || runtimeErrorIsCaught(facts, call.call)) continue;
      findings.push({
        node: call.call,
        message:
          `\`${codeText(call.call)}\` runs at import time: a spawned child sets its start method before it re-imports this module, so this call runs a second ` +
          `time there and fails with "RuntimeError: context has already been set". Call it once under \`${GUARD_TEXT}\`, or use \`multiprocessing.get_context("${call.method}")\`.`,
        data: { method: call.method },
      });
    }
    return findings;
  },
};

const CATCHES_RUNTIME_ERROR = new Set(['RuntimeError', 'Exception', 'BaseException']);

/** True when a try/except or `with suppress(...)` around the call swallows RuntimeError. */
function runtimeErrorIsCaught(facts: ModuleFacts, call: SyntaxNode): boolean {
  for (let child: SyntaxNode = call, current = call.parent; current; child = current, current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'lambda') return false;
    if (current.type === 'try_statement' && current.childForFieldName('body')?.id === child.id) {
      if (syntaxChildren(current).some((clause) => clause.type === 'except_clause' && exceptCatches(facts, clause))) return true;
    }
    if (current.type === 'with_statement' && current.childForFieldName('body')?.id === child.id && withSuppresses(facts, current))
      return true;
  }
  return false;
}

function exceptCatches(facts: ModuleFacts, clause: SyntaxNode): boolean {
  const value = clause.childForFieldName('value');
  if (!value) return syntaxChildren(clause).every((child) => child.type === 'block');
  const caught = value.type === 'as_pattern' ? syntaxChildren(value)[0] : value;
  return caught !== undefined && namesCaughtException(facts, caught);
}

function namesCaughtException(facts: ModuleFacts, expression: SyntaxNode): boolean {
  if (expression.type === 'tuple' || expression.type === 'parenthesized_expression') {
    return syntaxChildren(expression).some((element) => namesCaughtException(facts, element));
  }
  const name = facts.values.qualifiedName(expression);
  return name !== undefined && name.startsWith('builtins.') && CATCHES_RUNTIME_ERROR.has(name.slice('builtins.'.length));
}

function withSuppresses(facts: ModuleFacts, statement: SyntaxNode): boolean {
  for (const clause of syntaxChildren(statement)) {
    if (clause.type !== 'with_clause') continue;
    for (const item of syntaxChildren(clause)) {
      const value = item.childForFieldName('value');
      const call = value?.type === 'as_pattern' ? syntaxChildren(value)[0] : value;
      if (call?.type !== 'call') continue;
      const callee = call.childForFieldName('function');
      if (!callee || facts.values.qualifiedName(callee) !== 'contextlib.suppress') continue;
      const args = call.childForFieldName('arguments');
      if (args && syntaxChildren(args).some((argument) => namesCaughtException(facts, argument))) return true;
    }
  }
  return false;
}

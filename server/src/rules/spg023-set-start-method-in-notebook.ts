import type { ModuleFacts } from '../model/facts';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL } from './common';

/**
 * SPG023 set-start-method-in-notebook (notebooks): `set_start_method(...)` without `force=True` fails when
 * its cell runs again. Points at the call. `data`: `{ method?: string }`.
 */
export const setStartMethodInNotebook: Rule = {
  code: 'SPG023',
  name: 'set-start-method-in-notebook',
  defaultSeverity: 'warning',
  appliesTo: 'notebook',
  docs: {
    summary: '`set_start_method(...)` without `force=True` in a notebook fails when the cell runs again.',
    explanation: [
      'The start method of the default context can be set once per process. A kernel keeps its process while cells',
      'are run again, so the second run of the cell fails with `RuntimeError: context has already been set`.',
      'A context object (`ctx = multiprocessing.get_context("spawn")`, then `ctx.Pool(...)`, `ctx.Process(...)`)',
      'selects the method for the objects made from it, and can be created any number of times.',
    ].join('\n'),
    example: {
      bad: ['import multiprocessing as mp', '', 'mp.set_start_method("spawn")', 'with mp.Pool(2) as pool:', '    ...'].join('\n'),
      good: ['import multiprocessing as mp', '', 'ctx = mp.get_context("spawn")', 'with ctx.Pool(2) as pool:', '    ...'].join('\n'),
    },
    fix: 'Use `ctx = multiprocessing.get_context("<method>")` and create pools and processes from `ctx`; or pass `force=True`.',
    url: DOCS_URL.contexts,
  },
  mentions: ['set_start_method'],
  check(facts: ModuleFacts): RuleFinding[] {
    return facts.events.startMethodCalls
      .filter((call) => !call.force && facts.isReportable(call.call))
      .map((call) => ({
        node: call.call,
        message:
          `\`${codeText(call.call)}\` without force=True fails when this cell runs again ("RuntimeError: context has already been set"): ` +
          `use \`ctx = multiprocessing.get_context(${call.method ? JSON.stringify(call.method) : '…'})\` and create pools and processes from \`ctx\`.`,
        data: call.method ? { method: call.method } : {},
      }));
  },
};

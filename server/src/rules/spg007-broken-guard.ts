import type { Guard, GuardVerdict, ModuleFacts } from '../model/facts';
import type { Severity } from './types';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, GUARD_TEXT, python } from './common';
import { PROCESS_MODULES } from '../model/api';

/**
 * SPG007 broken-guard: a main guard that is never true, always true, or also true in spawned children
 * (or whenever the module is imported under another name).
 *
 * Only in files that start processes: elsewhere a broken guard behaves the same under every start method,
 * which is another linter's business, and the CLI's prefilter can then skip the many files that merely
 * mention `__name__`.
 *
 * Points at the guard condition. Severity: `error` when the guarded code also runs in children (always,
 * also-in-children): that re-runs it in every child; `warning` when it is never true: the script's main
 * code silently never runs, whatever the start method, which is a bug but not a spawn failure.
 *
 * `data`: `{ verdict: 'never' | 'always' | 'also-in-children', form: Guard['form'] }`.
 */
export const brokenGuard: Rule = {
  code: 'SPG007',
  name: 'broken-guard',
  defaultSeverity: 'error',
  docs: {
    summary: 'A `__name__` guard that is never true, always true, or also true in spawned children.',
    explanation: [
      'A script run directly has `__name__ == "__main__"`. A spawned (or forkserver) child imports the same file as',
      '`__mp_main__`, and any other importer sees its module name. Only `__name__ == "__main__"` separates the parent',
      'from its children:',
      '',
      '- `__name__ in ("__main__", "__mp_main__")`, `__name__ != "__mp_main__"`, `"main" in __name__` are also true in',
      '  children (or on a plain import): the guarded code runs again in every child, and a process it starts there',
      '  fails with `RuntimeError: An attempt has been made to start a new process before the current process has',
      '  finished its bootstrapping phase`.',
      '- `... or True` is always true: the block is not guarded at all.',
      '- `__name__ == "main"`, `__name__ == "__main__.py"` are never true: the guarded code never runs (reported as a',
      '  warning).',
      '',
      'Every correct form is accepted: reversed operands, either quote style, parentheses, `and` with other',
      'conditions, `if __name__ != "__main__": … else:`, a guard stored in a variable, an early `return` in `main()`,',
      'and `main() if __name__ == "__main__" else None`.',
    ].join('\n'),
    example: {
      bad: python`
        from multiprocessing import Pool

        def square(x):
            return x * x

        if __name__ in ("__main__", "__mp_main__"):
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
    fix: `Test exactly \`${GUARD_TEXT}\` (other conditions may be added with \`and\`).`,
    url: DOCS_URL.safeMainImport,
  },
  mentions: PROCESS_MODULES,
  check(facts: ModuleFacts): RuleFinding[] {
    if (!facts.startsProcesses) return [];
    const findings: RuleFinding[] = [];
    for (const guard of facts.guards) {
      if (guard.verdict === 'correct' || !facts.isReportable(guard.condition)) continue;
      findings.push({
        node: guard.condition,
        message: message(guard, codeText(guard.condition, 60)),
        severity: SEVERITY[guard.verdict],
        data: { verdict: guard.verdict, form: guard.form },
      });
    }
    return findings;
  },
};

const SEVERITY: Record<Exclude<GuardVerdict, 'correct'>, Severity> = {
  never: 'warning',
  always: 'error',
  'also-in-children': 'error',
};

function message(guard: Guard, condition: string): string {
  if (guard.form === 'early-return') {
    switch (guard.verdict) {
      case 'never':
        return `\`${condition}\` is true even when the script runs as \`__main__\`, so the code after this early return never runs. Return only when \`__name__ != "__main__"\`.`;
      case 'always':
        return `\`${condition}\` never makes this function return early, so the rest of it also runs when a spawned child re-imports this module as \`__mp_main__\`. Return when \`__name__ != "__main__"\`.`;
      default:
        return `\`${condition}\` lets the rest of this function run in a spawned child too (it imports the script as \`__mp_main__\`), where starting processes fails ("current process has finished its bootstrapping phase"). Return when \`__name__ != "__main__"\`.`;
    }
  }
  switch (guard.verdict) {
    case 'never':
      return `\`${condition}\` is never true: a script runs as \`__main__\` (and a spawned child imports it as \`__mp_main__\`), so this block never runs. Use \`${GUARD_TEXT}\`.`;
    case 'always':
      return `\`${condition}\` is always true, so it guards nothing: the block also runs when a spawned child re-imports this module as \`__mp_main__\`. Use \`${GUARD_TEXT}\`.`;
    default:
      return `\`${condition}\` is also true when a spawned child re-imports this module as \`__mp_main__\` (or when the module is imported), so the block runs again in every child, where starting processes fails ("current process has finished its bootstrapping phase"). Use \`${GUARD_TEXT}\`.`;
  }
}

import type { ModuleFacts, StartSite } from '../model/facts';
import type { Rule, RuleFinding } from './rule';
import { BOOTSTRAP_ERROR, codeText, DOCS_URL, GUARD_TEXT, python } from './common';
import { PROCESS_MODULES } from '../model/api';

/**
 * SPG001 unguarded-start: processes started by code that runs at import time.
 *
 * Points at the call that creates or starts them: `Pool(...)`, `Manager()`, `p.start()`, and for an
 * executor the `ProcessPoolExecutor(...)` call (when it too runs at import time; its processes start at
 * the first `submit`/`map`).
 *
 * `data`: `{ kind: 'pool' | 'process' | 'manager' | 'executor' | 'joblib' }`.
 */
export const unguardedStart: Rule = {
  code: 'SPG001',
  name: 'unguarded-start',
  defaultSeverity: 'error',
  docs: {
    summary: 'A process, Pool, Manager or ProcessPoolExecutor is started by code that runs at import time.',
    explanation: [
      'Under the `spawn` start method (the default on Windows and macOS, and `forkserver`, the default on Linux from',
      'Python 3.14, behaves the same way) every child process starts a fresh interpreter and imports the main script',
      'again, as the module `__mp_main__`. Everything that runs at import time runs again in every child: module-level',
      'statements, the bodies of module-level `if`/`for`/`while`/`try`/`with` blocks, class bodies, default argument',
      'values and decorators.',
      '',
      'When that code starts a process, the child tries to start one of its own before it has finished starting and',
      `CPython stops it with \`${BOOTSTRAP_ERROR}\`. A \`Pool\` replaces the workers that die this way, so the parent`,
      'often hangs forever instead of failing; a `ProcessPoolExecutor` fails with `BrokenProcessPool`.',
      '',
      'Thread pools (`multiprocessing.dummy`, `ThreadPoolExecutor`, `threading`) and an explicit',
      '`get_context("fork")` start no new interpreter and are not reported.',
    ].join('\n'),
    example: {
      bad: python`
        from multiprocessing import Pool

        def square(x):
            return x * x

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
    fix: [
      `Move the code that starts processes (and the script code around it) under \`${GUARD_TEXT}\`, and keep only`,
      'imports, definitions and the constants the workers need at module level. The "Add main guard" fix does this,',
      'merging into an existing guard when there is one.',
    ].join('\n'),
    url: DOCS_URL.safeMainImport,
  },
  mentions: PROCESS_MODULES,
  check(facts: ModuleFacts): RuleFinding[] {
    const findings: RuleFinding[] = [];
    const reported = new Set<number>();
    for (const site of facts.events.startSites) {
      if (!facts.usesSpawn(site.method) || !facts.isImportTime(site.call)) continue;
      const node = site.kind === 'executor' && facts.isImportTime(site.creation) ? site.creation : site.call;
      if (reported.has(node.id) || !facts.isReportable(node)) continue;
      reported.add(node.id);
      findings.push({ node, message: message(site, codeText(node)), data: { kind: site.kind } });
    }
    return findings;
  },
};

function message(site: StartSite, code: string): string {
  const rerun = `under spawn every child re-imports this module, runs \`${code}\` again before it has finished starting`;
  switch (site.kind) {
    case 'pool':
      return `\`${code}\` starts worker processes at import time: ${rerun} and fails ("current process has finished its bootstrapping phase"); the Pool keeps replacing the dead workers and the program hangs. Move it under \`${GUARD_TEXT}\`.`;
    case 'executor':
      return `\`${code}\` starts worker processes at import time: ${rerun} and fails, and the executor raises BrokenProcessPool. Move it under \`${GUARD_TEXT}\`.`;
    case 'manager':
      return `\`${code}\` starts the manager's server process at import time: ${rerun} and fails ("current process has finished its bootstrapping phase"). Move it under \`${GUARD_TEXT}\`.`;
    case 'joblib':
      return `\`${code}\` runs jobs in multiprocessing workers at import time: under spawn every worker re-imports this module and runs the whole computation again. Move it under \`${GUARD_TEXT}\`.`;
    case 'process':
      return `\`${code}\` starts a process at import time: ${rerun} and fails ("current process has finished its bootstrapping phase"). Move it under \`${GUARD_TEXT}\`.`;
  }
}

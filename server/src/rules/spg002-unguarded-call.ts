import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts, Scope, StartChain } from '../model/facts';
import type { RelatedLocation } from './types';
import { nodeRange } from '../syntax/ranges';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, GUARD_TEXT, lineOf, related, python } from './common';
import { PROCESS_MODULES } from '../model/api';

/**
 * SPG002 unguarded-call: import-time code calls a function of this file that (transitively) starts
 * processes: `main()`, a method, a constructor, `asyncio.run(coro())`, a thread whose target does.
 *
 * Points at the call made at import time (for a coroutine, the call that runs it, e.g. `asyncio.run(...)`);
 * relatedInformation holds the real start site and the calls leading to it.
 *
 * `data`: `{ callee: string, startRange: Range }` (callee = qualified name of the function called).
 */
export const unguardedCall: Rule = {
  code: 'SPG002',
  name: 'unguarded-call',
  defaultSeverity: 'error',
  docs: {
    summary: 'Code that runs at import time calls a function that starts processes.',
    explanation: [
      'Under `spawn` (and `forkserver`) each child process imports the main script again as `__mp_main__`, so every',
      'call made at import time is made again in every child. When the function called starts processes, directly or',
      'through other functions and methods of the file, a coroutine run by `asyncio.run`, or a thread, the child tries',
      'to start processes while it is still starting itself and CPython stops it with `RuntimeError: An attempt has',
      'been made to start a new process before the current process has finished its bootstrapping phase`. Pools then',
      'hang, executors fail with `BrokenProcessPool`.',
    ].join('\n'),
    example: {
      bad: python`
        from multiprocessing import Pool

        def square(x):
            return x * x

        def main():
            with Pool(4) as pool:
                print(pool.map(square, range(10)))

        main()
      `,
      good: python`
        from multiprocessing import Pool

        def square(x):
            return x * x

        def main():
            with Pool(4) as pool:
                print(pool.map(square, range(10)))

        if __name__ == "__main__":
            main()
      `,
    },
    fix: `Call it under \`${GUARD_TEXT}\`. The "Add main guard" fix moves the script code there.`,
    url: DOCS_URL.safeMainImport,
  },
  mentions: PROCESS_MODULES,
  check(facts: ModuleFacts): RuleFinding[] {
    // Without a start site in the file, no function of it can start processes.
    if (!facts.startsProcesses) return [];
    const findings: RuleFinding[] = [];
    const reported = new Set<number>();
    const startCalls = new Set(facts.events.startSites.map((site) => site.call.id));
    const importTimeScopes = [facts.scopes.module, ...facts.scopes.scopes.filter((scope) => scope.kind === 'class')];
    for (const scope of importTimeScopes) {
      for (const call of scope.calls) {
        if (startCalls.has(call.id) || !facts.isImportTime(call)) continue;
        for (const callee of facts.callGraph.callees(call, scope)) {
          const chain = facts.callGraph.startChain(callee);
          if (!chain) continue;
          const node = callee.isAsync ? runnerOf(call) : call;
          if (reported.has(node.id) || !facts.isReportable(node)) break;
          reported.add(node.id);
          findings.push(finding(node, callee, chain));
          break;
        }
      }
    }
    return findings;
  },
};

/** A coroutine runs when something runs it: `asyncio.run(main())` reports `asyncio.run(...)`. */
function runnerOf(call: SyntaxNode): SyntaxNode {
  const list = call.parent;
  const outer = list?.type === 'argument_list' ? list.parent : null;
  return outer?.type === 'call' ? outer : call;
}

function finding(node: SyntaxNode, callee: Scope, chain: StartChain): RuleFinding {
  // An executor's processes start at its first submit/map, but the executor is what readers look for.
  const site = chain.site.kind === 'executor' ? { ...chain.site, call: chain.site.creation } : chain.site;
  const name = callee.qualifiedName;
  const relatedInformation: RelatedLocation[] = [
    related(site.call, `processes start here (\`${codeText(site.call)}\`)`),
    ...chain.calls.map((call) => related(call, `\`${name}\` reaches the start through \`${codeText(call)}\``)),
  ];
  return {
    node,
    message:
      `\`${codeText(node)}\` runs \`${name}\` at import time, which starts processes (\`${codeText(site.call)}\`, line ${lineOf(site.call)}): ` +
      `under spawn every child re-imports this module, makes this call again and fails ("current process has finished its bootstrapping phase"). ` +
      `Call it under \`${GUARD_TEXT}\`.`,
    related: relatedInformation,
    data: { callee: name, startRange: nodeRange(site.call) },
  };
}

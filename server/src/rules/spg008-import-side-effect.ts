import type { SyntaxNode } from '../syntax/syntaxNode';
import { importSideEffect as sideEffectOfCall } from '../model/side-effects';
import { collectScopeBindings } from '../model/bindings';
import type { ModuleFacts, Scope } from '../model/facts';
import type { Rule, RuleFinding } from './rule';
import { codeText, DOCS_URL, GUARD_TEXT, python } from './common';
import { PROCESS_MODULES } from '../model/api';

/**
 * SPG008 import-side-effect: in a file that starts processes, import-time code with effects outside the
 * program (printing, file and network I/O, running programs, sleeping) that every spawned child repeats.
 *
 * Points at the outermost such call of a statement. Statements that define what the workers read (e.g.
 * `WORDS = open(path).read().split()` read by a worker) are not reported: the children need them. Nor is
 * a file opened for reading (the child reads the same data), nor the block of a guard that is also true
 * in children: SPG007 reports that guard.
 *
 * `data`: `{ effect: string }` (what the call does, e.g. "prints").
 */
export const importSideEffect: Rule = {
  code: 'SPG008',
  name: 'import-side-effect',
  defaultSeverity: 'warning',
  docs: {
    summary: 'In a file that starts processes, import-time code prints, does I/O or sleeps, again in every child.',
    explanation: [
      'Under `spawn` (and `forkserver`) every child process imports the main script again as `__mp_main__`. Whatever',
      'runs at import time runs once more per child: a banner is printed again by each worker, a log file gets one',
      'more line per worker, a download or a `time.sleep()` is repeated before the worker can take work. Under `fork`',
      'none of this happens, so the program behaves differently on Windows and macOS.',
      '',
      'Module-level code that the workers need (data they read, configuration) is not reported: it must run in the',
      'children too. Nor is a file opened only for reading: each child reads the same data again; `open()` with a',
      'mode that writes, appends or creates (`"w"`, `"a"`, `"x"`, `"+"`) is reported, unless the file is `os.devnull`.',
    ].join('\n'),
    example: {
      bad: python`
        from multiprocessing import Pool

        print("loading")

        def square(x):
            return x * x

        if __name__ == "__main__":
            with Pool(4) as pool:
                print(pool.map(square, range(10)))
      `,
      good: python`
        from multiprocessing import Pool

        def square(x):
            return x * x

        if __name__ == "__main__":
            print("loading")
            with Pool(4) as pool:
                print(pool.map(square, range(10)))
      `,
    },
    fix: `Move the script code under \`${GUARD_TEXT}\` (the "Add main guard" fix), or into a function called from there.`,
    url: DOCS_URL.safeMainImport,
  },
  mentions: PROCESS_MODULES,
  check(facts: ModuleFacts): RuleFinding[] {
    if (!facts.startsProcesses) return [];
    const effects = new Map<number, string>();
    const importTimeScopes = [facts.scopes.module, ...facts.scopes.scopes.filter((scope) => scope.kind === 'class')];
    for (const scope of importTimeScopes) {
      for (const call of scope.calls) {
        const effect = sideEffectOf(facts, call, scope);
        if (effect && facts.isImportTime(call)) effects.set(call.id, effect);
      }
    }
    if (effects.size === 0) return [];
    const candidates: Array<{ call: SyntaxNode; effect: string; binds: Set<string> }> = [];
    for (const scope of importTimeScopes) {
      for (const call of scope.calls) {
        const effect = effects.get(call.id);
        if (!effect || insideReportedCall(call, effects) || insideBrokenGuard(facts, call)) continue;
        candidates.push({ call, effect, binds: namesBound(statementOf(call)) });
      }
    }
    const neededByWorkers = workerGlobals(facts, new Set(candidates.flatMap((candidate) => [...candidate.binds])));
    const findings: RuleFinding[] = [];
    for (const { call, effect, binds } of candidates) {
      if ([...binds].some((name) => neededByWorkers.has(name)) || !facts.isReportable(call)) continue;
      findings.push({
        node: call,
        message:
          `\`${codeText(call)}\` ${effect} at import time, and this file starts processes: under spawn every child re-imports the module and ` +
          `does it again. Move it under \`${GUARD_TEXT}\`.`,
        data: { effect },
      });
    }
    return findings;
  },
};

/** The block of a guard that is also true in children re-runs as a whole: SPG007 reports that guard. */
function insideBrokenGuard(facts: ModuleFacts, node: SyntaxNode): boolean {
  return facts.guards.some(
    (guard) =>
      (guard.verdict === 'always' || guard.verdict === 'also-in-children') &&
      guard.guarded.some((region) => region.startIndex <= node.startIndex && node.endIndex <= region.endIndex),
  );
}

function sideEffectOf(facts: ModuleFacts, call: SyntaxNode, scope: Scope): string | undefined {
  const callee = call.childForFieldName('function');
  const name = callee ? facts.values.qualifiedName(callee, scope) : undefined;
  return sideEffectOfCall(name, call);
}

/** `print(open(p).read())`: report the print, not the open inside it. */
function insideReportedCall(call: SyntaxNode, effects: ReadonlyMap<number, string>): boolean {
  for (let current = call.parent; current && current.type !== 'block' && current.type !== 'module'; current = current.parent) {
    if (current.type === 'call' && effects.has(current.id)) return true;
  }
  return false;
}

function statementOf(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent && current.parent.type !== 'block' && current.parent.type !== 'module') current = current.parent;
  return current;
}

function namesBound(statement: SyntaxNode): Set<string> {
  const names = new Set<string>();
  collectScopeBindings([statement], (binding) => names.add(binding.name));
  return names;
}

/** Which of `names` (module globals) the code that runs in children reads: workers and the functions they call. */
function workerGlobals(facts: ModuleFacts, names: ReadonlySet<string>): Set<string> {
  const read = new Set<string>();
  if (names.size === 0) return read;
  for (const reference of facts.events.workerReferences) {
    const target = facts.workers.target(reference);
    if (target.kind !== 'module-definition') continue;
    for (const entry of facts.workers.entryPoints(target.scope)) {
      for (const global of facts.workers.globalReads(entry, names)) read.add(global.name);
    }
  }
  return read;
}

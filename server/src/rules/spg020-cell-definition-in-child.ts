import type { ModuleFacts, WorkerReference } from '../model/facts';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { nodeRange } from '../syntax/ranges';
import { callArguments, unparenthesize } from '../syntax/queries';
import type { Rule, RuleContext, RuleFinding } from './rule';
import { codeText, DOCS_URL, related } from './common';
import { cellDefinitionOfScope, cellDefinitionsIn, symptomOf, type CellDefinition, type Described } from './notebook-common';

/** Keyword arguments that stay in the parent (or are plain settings): nothing in them reaches a child. */
const PARENT_SIDE_KEYWORDS = new Set([
  'callback',
  'error_callback',
  'processes',
  'chunksize',
  'max_workers',
  'mp_context',
  'timeout',
  'name',
  'daemon',
]);

/**
 * SPG020 cell-definition-in-child (notebooks): a function or class defined in a cell, or something that
 * holds one (an instance, a bound method, a `functools.partial`), is sent to a child process.
 *
 * Points at the expression sent. `data`: `{ kind: 'cell-definition', name, definitionRange, cell }`
 * (`definitionRange` in program positions, `cell` the 1-based cell number of the definition).
 */
export const cellDefinitionInChild: Rule = {
  code: 'SPG020',
  name: 'cell-definition-in-child',
  defaultSeverity: 'error',
  appliesTo: 'notebook',
  docs: {
    summary: 'A function or class defined in a notebook cell is sent to a child process (works only with fork).',
    explanation: [
      "A notebook's code runs in the kernel's `__main__`, which has no file. Under spawn (the default on Windows and",
      'macOS) and forkserver (the Linux default from Python 3.14) a child starts a fresh interpreter that runs none of',
      'the cells, and pickle sends functions and classes by reference to `__main__`: the child fails with',
      "`AttributeError: Can't get attribute 'square' on <module '__main__' (built-in)>`. The same holds for instances",
      'of cell classes, their bound methods and `functools.partial` of a cell function. What the notebook shows depends',
      'on the API: `Process` exits with code 1 without an error in the cell, `Pool.map` hangs forever, a Pool',
      '`initializer` respawns workers endlessly, `ProcessPoolExecutor` raises `BrokenProcessPool`; on Windows the',
      "notebook shows no child's traceback at all. A main guard changes nothing: a kernel's `__name__` is always",
      '`"__main__"`. joblib\'s default loky backend is not affected (it pickles cell functions by value).',
    ].join('\n'),
    example: {
      bad: [
        '# cell 1',
        'from multiprocessing import Pool',
        '',
        'def square(x):',
        '    return x * x',
        '',
        '# cell 2',
        'with Pool(4) as pool:',
        '    print(pool.map(square, range(10)))',
      ].join('\n'),
      good: [
        '# cell 1 (square is in notebook_workers.py next to the notebook)',
        'from multiprocessing import Pool',
        'from notebook_workers import square',
        '',
        '# cell 2',
        'with Pool(4) as pool:',
        '    print(pool.map(square, range(10)))',
      ].join('\n'),
    },
    fix: [
      'Move the function (or class) into a module next to the notebook and import it: the children import that module',
      'and find it. The "Move to module" fix writes `<notebook>_workers.py` with the definition, the imports it needs',
      'and the other cell definitions it uses, and replaces the definition in its cell by an import. A definition that reads',
      'variables of the notebook would not find them in the module: "Make it a parameter" moves it with them as keyword-only',
      'parameters, which every use passes (`functools.partial(f, N=N)` where it is sent to a child).',
    ].join('\n'),
    url: DOCS_URL.picklability,
  },
  mentions: ['multiprocessing', 'concurrent', 'joblib'],
  check(facts: ModuleFacts, context: RuleContext): RuleFinding[] {
    const findings: RuleFinding[] = [];
    const reported = new Set<number>();
    const report = (node: SyntaxNode, what: Described, definition: CellDefinition, symptom: string) => {
      if (reported.has(node.id) || !facts.isReportable(node)) return;
      reported.add(node.id);
      const cell = context.notebook?.cellNumberOf(definition.definition.startPosition.row) ?? 1;
      findings.push({
        node,
        message:
          `${what(cell)} and sent to a child process: a spawned child runs none of the notebook's cells, so it cannot load it ` +
          `("Can't get attribute '${definition.name}' on <module '__main__'>") and ${symptom}. This works only with the fork start method; ` +
          `under spawn (Windows, macOS) and forkserver (Linux from Python 3.14) move \`${definition.name}\` into a module next to the notebook and import it.`,
        related: [related(definition.definition, `\`${definition.name}\` is defined here, in cell ${cell}`)],
        data: { kind: 'cell-definition', name: definition.name, definitionRange: nodeRange(definition.definition), cell },
      });
    };
    const byCall = new Map<number, WorkerReference[]>();
    for (const reference of facts.events.workerReferences) {
      if (!facts.usesSpawn(reference.method)) continue;
      const list = byCall.get(reference.call.id);
      if (list) list.push(reference);
      else byCall.set(reference.call.id, [reference]);
    }
    for (const references of byCall.values()) {
      const workerArguments = new Set(references.map((reference) => reference.argument.id));
      for (const reference of references) {
        const symptom = symptomOf(facts, reference);
        if (reference.role === 'process-class') {
          const value = facts.values.valueOf(reference.argument, reference.scope);
          const definition = value?.kind === 'class' ? cellDefinitionOfScope(value.scope) : undefined;
          if (definition)
            report(
              reference.argument,
              (cell) => `The Process subclass \`${definition.name}\` is defined in cell ${cell}`,
              definition,
              symptom,
            );
          continue;
        }
        for (const found of cellDefinitionsIn(facts, reference.argument, reference.scope))
          report(found.node, found.what, found.definition, symptom);
      }
      // What the call sends with the worker: its arguments, iterables, initargs.
      const first = references[0];
      const args = first.call.childForFieldName('arguments');
      for (const argument of args?.namedChildren ?? []) {
        if (!argument || workerArguments.has(argument.id)) continue;
        let value = argument;
        if (argument.type === 'keyword_argument') {
          const name = argument.childForFieldName('name')?.text ?? '';
          const inner = argument.childForFieldName('value');
          if (PARENT_SIDE_KEYWORDS.has(name) || !inner || workerArguments.has(inner.id)) continue;
          value = inner;
        }
        for (const found of cellDefinitionsIn(facts, value, first.scope)) {
          report(found.node, found.what, found.definition, `${symptomOf(facts, first)}`);
        }
      }
    }
    for (const site of facts.events.startSites) {
      if (site.kind !== 'joblib') continue;
      for (const delayed of delayedFunctions(site.call)) {
        for (const found of cellDefinitionsIn(facts, delayed, site.scope)) {
          report(found.node, found.what, found.definition, `\`${codeText(site.call)}\` with backend="multiprocessing" hangs`);
        }
      }
    }
    return findings;
  },
};

/** The functions in `delayed(f)(…)` calls among a joblib call's arguments. */
function delayedFunctions(call: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (const inner of call.childForFieldName('arguments')?.descendantsOfType('call') ?? []) {
    const callee = inner?.childForFieldName('function');
    if (!inner || !callee || !/(^|\.)delayed$/.test(callee.text)) continue;
    const wrapped = callArguments(inner).positional[0];
    if (wrapped) found.push(unparenthesize(wrapped));
  }
  return found;
}

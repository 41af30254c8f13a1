import type { ModuleFacts, WorkerReference } from '../model/facts';
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Rule, RuleContext, RuleFinding } from './rule';
import { DOCS_URL, related, sentCallable } from './common';

/**
 * SPG024 module-state-from-cell (notebooks): a cell sets a module's attribute (`workers.SCALE = 10`) and a
 * worker from that module, sent to a child, reads it: a spawned child imports the module afresh and sees
 * the module's own value. Points at the assignment's target. `data`: `{ module, attribute, worker }`.
 */
export const moduleStateFromCell: Rule = {
  code: 'SPG024',
  name: 'module-state-from-cell',
  defaultSeverity: 'warning',
  appliesTo: 'notebook',
  docs: {
    summary: "A cell sets a module's attribute that a worker of that module reads in a child process.",
    explanation: [
      'A spawned child imports the module from its file; what a cell assigned to the module in the kernel',
      '(`workers.SCALE = 10`) is not part of that file, so the worker reads the default value in the child, and',
      'the result differs from the one under fork without any error.',
    ].join('\n'),
    example: {
      bad: [
        '# cell 1',
        '%%writefile workers.py',
        'SCALE = 1',
        '',
        'def scale(x):',
        '    return x * SCALE',
        '',
        '# cell 2',
        'from multiprocessing import Pool',
        'import workers',
        '',
        'workers.SCALE = 10',
        'with Pool(2) as pool:',
        '    print(pool.map(workers.scale, range(3)))',
      ].join('\n'),
      good: [
        '# cell 1',
        '%%writefile workers.py',
        'def scale(x, factor=1):',
        '    return x * factor',
        '',
        '# cell 2',
        'from functools import partial',
        'from multiprocessing import Pool',
        'import workers',
        '',
        'with Pool(2) as pool:',
        '    print(pool.map(partial(workers.scale, factor=10), range(3)))',
      ].join('\n'),
    },
    fix: 'Pass the value as an argument (or with `functools.partial`), or set it in each child with `initializer`/`initargs`.',
    url: DOCS_URL.passResources,
  },
  mentions: ['multiprocessing', 'concurrent'],
  check(facts: ModuleFacts, context: RuleContext): RuleFinding[] {
    const notebook = context.notebook;
    if (!notebook) return [];
    const assignments = moduleAttributeAssignments(facts);
    if (assignments.length === 0) return [];
    const findings: RuleFinding[] = [];
    for (const reference of facts.events.workerReferences) {
      if (!facts.usesSpawn(reference.method)) continue;
      const worker = workerFunction(facts, reference);
      if (!worker) continue;
      const moduleFacts = notebook.moduleFacts(worker.module);
      if (!moduleFacts) continue;
      const definition = moduleFacts.moduleBindings.get(worker.name)?.find((binding) => binding.kind === 'def');
      const scope = definition ? moduleFacts.scopes.scopeOf(definition.statement) : undefined;
      if (!scope) continue;
      for (const assignment of assignments) {
        if (assignment.module !== worker.module || !facts.isReportable(assignment.target)) continue;
        if (moduleFacts.workers.globalReads(scope, new Set([assignment.attribute])).length === 0) continue;
        findings.push({
          node: assignment.target,
          message:
            `\`${assignment.target.text}\` is set in the notebook, but \`${worker.module}.${worker.name}\` runs in a child process that imports \`${worker.module}\` ` +
            `from its file: under spawn it reads the module's own value of \`${assignment.attribute}\`, not this one, and the results differ from those under fork. ` +
            'Pass the value as an argument (or with functools.partial), or set it in each child with initializer/initargs.',
          related: [related(reference.argument, `\`${worker.name}\` is sent to a child here`)],
          data: { module: worker.module, attribute: assignment.attribute, worker: worker.name },
        });
      }
    }
    return findings;
  },
};

interface ModuleAttributeAssignment {
  target: SyntaxNode;
  module: string;
  attribute: string;
}

/** Top-level `module.NAME = …` statements where `module` is an imported module. */
function moduleAttributeAssignments(facts: ModuleFacts): ModuleAttributeAssignment[] {
  const found: ModuleAttributeAssignment[] = [];
  for (const statement of facts.root.namedChildren) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment' && assignment?.type !== 'augmented_assignment') continue;
    const target = assignment.childForFieldName('left');
    const object = target?.type === 'attribute' ? target.childForFieldName('object') : undefined;
    const attribute = target?.childForFieldName('attribute')?.text;
    if (!target || !object || object.type !== 'identifier' || !attribute) continue;
    const binding = facts.moduleBindings.get(object.text)?.find((candidate) => candidate.kind === 'import');
    if (binding) found.push({ target, module: facts.values.qualifiedName(object) ?? object.text, attribute });
  }
  return found;
}

/** The module and name of an imported function a reference sends (`workers.scale`, `scale` imported from it, a partial of either). */
function workerFunction(facts: ModuleFacts, reference: WorkerReference): { module: string; name: string } | undefined {
  const node = sentCallable(facts, reference);
  if (!node) return undefined;
  const qualified = facts.values.qualifiedName(node, reference.scope);
  const dot = qualified?.lastIndexOf('.') ?? -1;
  if (!qualified || dot <= 0) return undefined;
  return { module: qualified.slice(0, dot), name: qualified.slice(dot + 1) };
}

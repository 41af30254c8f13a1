import type { ModuleFacts, Scope, WorkerReference } from '../model/facts';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { unparenthesize } from '../syntax/queries';
import { codeText } from './common';

/** Where the notebook facts are explained (NOTEBOOK-FACTS in the rule docs). */
export const NOTEBOOK_DOCS_URL = 'https://docs.python.org/3/library/multiprocessing.html#using-a-pool-of-workers';

/** A function or class defined at the top level of a cell (in `__main__`, which a spawned child does not have). */
export interface CellDefinition {
  name: string;
  kind: 'function' | 'class';
  /** The definition statement (with its decorators). */
  definition: SyntaxNode;
  scope: Scope;
}

/** The cell-level function or class a scope belongs to: itself, or the class of a method. */
export function cellDefinitionOfScope(scope: Scope): CellDefinition | undefined {
  let top = scope;
  while (top.parent && top.parent.kind !== 'module') top = top.parent;
  if (top.parent?.kind !== 'module' || (top.kind !== 'function' && top.kind !== 'class')) return undefined;
  if (top !== scope && top.kind !== 'class') return undefined;
  const definition = top.decorated ?? top.node;
  return { name: top.name, kind: top.kind, definition, scope: top };
}

/** How a finding names what is sent: a sentence's start, given the cell number of the definition. */
export type Described = (cell: number) => string;

/** What a spawned child's failure looks like for this way of sending work (NOTEBOOK-FACTS.md). */
export function symptomOf(facts: ModuleFacts, reference: Pick<WorkerReference, 'role' | 'call'>): string {
  const call = codeText(reference.call);
  switch (reference.role) {
    case 'target':
    case 'process-class':
      return `the child exits with code 1 and the cell shows no error (the traceback is only in the child's stderr; on Windows nothing at all), so \`${call}\` silently does nothing`;
    case 'pool-function':
      return `\`${call}\` hangs forever (each worker dies unpickling the task, and the task is lost)`;
    case 'executor-function':
      return `\`${call}\` fails with BrokenProcessPool (and futures that are never read lose their tasks without any error in the cell)`;
    case 'initializer':
      return isExecutorCall(facts, reference.call)
        ? `\`${call}\` fails with BrokenProcessPool at the first task`
        : `\`${call}\` respawns workers endlessly (each new worker dies in its initializer) and the cell hangs`;
  }
}

function isExecutorCall(facts: ModuleFacts, call: SyntaxNode): boolean {
  const callee = call.childForFieldName('function');
  const value = callee ? facts.values.valueOf(callee) : undefined;
  return value?.kind === 'api' && value.api === 'ProcessPoolExecutor';
}

/**
 * The cell definitions an argument expression sends to a child with it: a cell function or class named
 * in it, an instance of a cell class (made there or named), a bound method of one. Lambdas and nested
 * functions are SPG021's; what is not judged (parameters, imports, calls of unknown functions) is left out.
 */
export function cellDefinitionsIn(
  facts: ModuleFacts,
  expression: SyntaxNode,
  scope: Scope,
): Array<{ node: SyntaxNode; what: Described; definition: CellDefinition }> {
  const found: Array<{ node: SyntaxNode; what: Described; definition: CellDefinition }> = [];
  const visit = (node: SyntaxNode, depth: number) => {
    if (depth > 6) return;
    const bare = unparenthesize(node);
    const judged = judge(facts, bare, scope);
    if (judged) {
      found.push({ node: bare, ...judged });
      return;
    }
    if (bare.type === 'lambda' || bare.type === 'generator_expression' || bare.type.endsWith('comprehension')) return;
    if (bare.type === 'call') {
      const args = bare.childForFieldName('arguments');
      if (args)
        for (const child of args.namedChildren)
          if (child) visit(child.type === 'keyword_argument' ? (child.childForFieldName('value') ?? child) : child, depth + 1);
      return;
    }
    if (['tuple', 'list', 'set', 'dictionary', 'pair', 'expression_list'].includes(bare.type)) {
      for (const child of bare.namedChildren) if (child) visit(child, depth + 1);
    }
  };
  visit(expression, 0);
  return found;
}

function judge(facts: ModuleFacts, node: SyntaxNode, scope: Scope): { what: Described; definition: CellDefinition } | undefined {
  if (node.type !== 'identifier' && node.type !== 'attribute' && node.type !== 'call') return undefined;
  const value = facts.values.valueOf(node, scope);
  if (!value) return undefined;
  const text = codeText(node);
  switch (value.kind) {
    case 'function': {
      const definition = cellDefinitionOfScope(value.scope);
      if (!definition) return undefined;
      const what: Described =
        value.scope === definition.scope
          ? (cell) => `\`${text}\` is defined in cell ${cell}`
          : (cell) => `\`${text}\` is a method of \`${definition.name}\`, a class defined in cell ${cell},`;
      return { what, definition };
    }
    case 'class': {
      if (value.base) return undefined;
      const definition = cellDefinitionOfScope(value.scope);
      return definition ? { what: (cell) => `\`${text}\` is a class defined in cell ${cell}`, definition } : undefined;
    }
    case 'object': {
      const definition = cellDefinitionOfScope(value.localClass);
      return definition
        ? { what: (cell) => `\`${text}\` is an instance of \`${definition.name}\`, a class defined in cell ${cell},`, definition }
        : undefined;
    }
    default:
      return undefined;
  }
}

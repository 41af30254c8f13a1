/**
 * "Replace lambda with a module-level function" (SPG004): a lambda sent to a child cannot be pickled
 * by reference. When the lambda uses only its parameters, module globals and builtins, it becomes
 * `def _<context>_worker(<params>): return <body>` above the module-level statement that holds it, and
 * the lambda is replaced by that name. A lambda that reads local names of an enclosing function is
 * not offered the fix (those values would have to become arguments).
 *
 * `safe` unless the function reads a global that the main guard assigns (a child, which skips the
 * guard, would find it unbound or with its import-time value) or its parameter defaults read names
 * (a lambda evaluates them where it stands, a module-level def at import).
 */
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts } from '../model/facts';
import { syntaxChildren } from '../syntax/queries';
import type { Range } from '../text/types';
import type { FixProvider } from './fix';
import { SourceLayout } from './layout';
import { freeNames } from './names';
import { insertAbove, moduleStatementOf, moduleUnits, nodeAtRange, unitOf } from './placement';

interface LambdaFindingData {
  kind?: string;
  lambdaRange?: Range;
  lambdaUsesLocalNames?: boolean;
  workerName?: string;
}

export const replaceLambdaWithFunctionFix: FixProvider = {
  id: 'replace-lambda-with-function',
  codes: ['SPG004'],
  provide({ analysis }, finding) {
    const data = finding.data as LambdaFindingData | undefined;
    if (data?.kind !== 'lambda' || !data.lambdaRange || data.lambdaUsesLocalNames !== false) return null;
    const root = analysis.tree.rootNode;
    const lambda = nodeAtRange(root, data.lambdaRange, ['lambda']);
    const body = lambda?.childForFieldName('body');
    if (!lambda || !body) return null;
    const layout = new SourceLayout(analysis.text, root);
    const units = moduleUnits(layout, root);
    const holder = unitOf(units, moduleStatementOf(lambda));
    if (!holder) return null;

    const name = uniqueName(root, `_${contextName(lambda, data.workerName)}_worker`);
    const parameters = lambda.childForFieldName('parameters')?.text ?? '';
    const definition = `def ${name}(${parameters}):${layout.eol}${layout.indentUnit}return ${returnedExpression(layout, lambda, body)}${layout.eol}`;
    const safe = !readsGuardAssignedGlobals(analysis.facts, lambda) && !defaultsReadNames(lambda);
    return {
      title: `Replace the lambda with the module-level function \`${name}\``,
      applicability: safe ? 'safe' : 'unsafe',
      edits: [insertAbove(layout, units, holder, definition), { range: data.lambdaRange, newText: name }],
    };
  },
};

/** Node types whose brackets let an expression continue on the next line. */
const BRACKETED = new Set([
  'argument_list',
  'list',
  'dictionary',
  'set',
  'tuple',
  'parenthesized_expression',
  'subscript',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
  'string',
]);

/**
 * The lambda's body as the function's return value. A body spread over several lines is re-indented
 * under the `return` (lines inside multi-line strings untouched) and parenthesised when one of its line
 * breaks is not already inside brackets of its own.
 */
function returnedExpression(layout: SourceLayout, lambda: SyntaxNode, body: SyntaxNode): string {
  const [first, ...rest] = body.text.split(/\r\n|\r|\n/);
  if (rest.length === 0) return first;
  const breaks = body.text.match(/\r\n|\r|\n/g)!;
  const strip = layout.indentation(lambda.startPosition.row).length;
  let text = first;
  rest.forEach((line, index) => {
    const row = body.startPosition.row + index + 1;
    const leading = /^[ \t\f]*/.exec(line)![0].length;
    text += breaks[index] + (layout.isInsideString(row) ? line : layout.indentUnit + line.slice(Math.min(strip, leading)));
  });
  return lineBreaksEnclosed(layout, body) ? text : `(${text})`;
}

function lineBreaksEnclosed(layout: SourceLayout, body: SyntaxNode): boolean {
  for (let row = body.startPosition.row + 1; row <= body.endPosition.row; row++) {
    const offset = layout.lines[row].start;
    let enclosed = false;
    for (
      let node: SyntaxNode | null = body.descendantForIndex(offset);
      node && !enclosed;
      node = node.id === body.id ? null : node.parent
    ) {
      enclosed = BRACKETED.has(node.type) && node.startIndex < offset && offset < node.endIndex;
    }
    if (!enclosed) return false;
  }
  return true;
}

/**
 * What the function is named after: the function the lambda is written in, else the argument it is
 * passed as (`initializer`, `target`) or the method it is passed to (`map`, `submit`), else the name it
 * is bound to.
 */
function contextName(lambda: SyntaxNode, boundName: string | undefined): string {
  for (let current = lambda.parent; current; current = current.parent) {
    if (current.type === 'function_definition') {
      const name = current.childForFieldName('name')?.text;
      if (name) return identifierPart(name);
    }
  }
  let argument: SyntaxNode = lambda;
  while (argument.parent?.type === 'parenthesized_expression') argument = argument.parent;
  const parent = argument.parent;
  if (parent?.type === 'keyword_argument') return identifierPart(parent.childForFieldName('name')?.text ?? 'lambda');
  if (parent?.type === 'argument_list') {
    const callee = parent.parent?.childForFieldName('function');
    const last = callee?.type === 'attribute' ? callee.childForFieldName('attribute') : callee;
    if (last?.type === 'identifier') return identifierPart(last.text);
  }
  return identifierPart(boundName ?? 'lambda');
}

function identifierPart(name: string): string {
  return name.replace(/^_+/, '').replace(/\W/g, '_') || 'lambda';
}

/** `base`, or `base_2`, `base_3`… : the first name no identifier in the module uses. */
function uniqueName(root: SyntaxNode, base: string): string {
  const taken = new Set(root.descendantsOfType('identifier').map((identifier) => identifier?.text));
  if (!taken.has(base)) return base;
  for (let index = 2; ; index++) if (!taken.has(`${base}_${index}`)) return `${base}_${index}`;
}

function readsGuardAssignedGlobals(facts: ModuleFacts, lambda: SyntaxNode): boolean {
  for (const name of freeNames(lambda, facts.scopes)) {
    if ((facts.moduleBindings.get(name) ?? []).some((binding) => facts.guardOf(binding.statement) !== undefined)) return true;
  }
  return false;
}

function defaultsReadNames(lambda: SyntaxNode): boolean {
  const parameters = lambda.childForFieldName('parameters');
  if (!parameters) return false;
  return syntaxChildren(parameters).some((parameter) => {
    const value = parameter.childForFieldName('value');
    return value !== null && (value.type === 'identifier' || value.descendantsOfType('identifier').length > 0);
  });
}

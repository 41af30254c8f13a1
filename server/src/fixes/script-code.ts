import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts } from '../model/facts';
import { syntaxChildren, unparenthesize } from '../syntax/queries';

/**
 * What is script code at module level and what is not. Definitions, constants and guards stay where
 * they are when fixes move script code into the main guard, and running them earlier or later than
 * script code changes nothing.
 */

/** Correct and never-true guards, by node id: their code does not run on import. */
export function inertGuardIds(facts: ModuleFacts): Set<number> {
  return new Set(facts.guards.filter((guard) => guard.verdict === 'correct' || guard.verdict === 'never').map((guard) => guard.node.id));
}

const DEFINITIONS = new Set([
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'function_definition',
  'class_definition',
  'decorated_definition',
]);

export function isDefinition(statement: SyntaxNode): boolean {
  return DEFINITIONS.has(statement.type);
}

/**
 * Statements that are not script code: definitions, `pass`, docstrings and other bare literals,
 * dunder metadata, other guards, and `if`/`try` statements made only of these and of literal
 * assignments (where a `raise` may also appear: `except ImportError: raise SystemExit(…)` belongs to an
 * import).
 */
export function isInert(statement: SyntaxNode, inertGuards: ReadonlySet<number>, nested = false): boolean {
  if (isDefinition(statement) || inertGuards.has(statement.id)) return true;
  switch (statement.type) {
    case 'pass_statement':
    case 'global_statement':
    case 'nonlocal_statement':
    case 'type_alias_statement':
      return true;
    case 'raise_statement':
      return nested;
    case 'expression_statement':
      return syntaxChildren(statement).every((expression) => isConstant(expression) || isInertAssignment(expression, nested));
    case 'if_statement':
    case 'try_statement':
      return blocksOf(statement).every((block) => syntaxChildren(block).every((inner) => isInert(inner, inertGuards, true)));
    default:
      return false;
  }
}

/** The blocks of a compound statement and of its clauses. */
function blocksOf(statement: SyntaxNode): SyntaxNode[] {
  const blocks: SyntaxNode[] = [];
  for (const child of syntaxChildren(statement)) {
    if (child.type === 'block') blocks.push(child);
    else if (child.type.endsWith('_clause')) blocks.push(...blocksOf(child));
  }
  return blocks;
}

/**
 * An assignment to dunder names only (`__all__ = …`, `__version__ = …`: module metadata), `x: int`,
 * and, inside an `if`/`try` of definitions, a literal (`except ImportError: numpy = None`). A top-level
 * `NAME = <literal>` is script code like any other assignment: it stays only if something that stays
 * reads it.
 */
function isInertAssignment(expression: SyntaxNode, nested: boolean): boolean {
  if (expression.type !== 'assignment') return false;
  const names: string[] = [];
  let value: SyntaxNode | null = expression;
  while (value?.type === 'assignment') {
    const left = value.childForFieldName('left');
    if (!left || !collectPlainNames(left, names)) return false;
    value = value.childForFieldName('right');
  }
  if (names.every((name) => /^__\w+__$/.test(name))) return true;
  return value === null || (nested && isConstant(value));
}

/** Adds the names a target binds; false when it also assigns into something (`a.x`, `a[i]`). */
function collectPlainNames(target: SyntaxNode, names: string[]): boolean {
  if (target.type === 'identifier') {
    names.push(target.text);
    return true;
  }
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern'].includes(target.type)) {
    return syntaxChildren(target).every((inner) => collectPlainNames(inner, names));
  }
  return false;
}

const LITERALS = new Set(['integer', 'float', 'true', 'false', 'none', 'ellipsis']);
const CONTAINERS = new Set(['tuple', 'list', 'set', 'dictionary', 'pair', 'expression_list', 'concatenated_string']);

/** A literal, or a tuple/list/set/dict built only of literals: evaluating it has no effect. */
function isConstant(node: SyntaxNode): boolean {
  const expression = unparenthesize(node);
  if (LITERALS.has(expression.type)) return true;
  if (expression.type === 'string') return !syntaxChildren(expression).some((part) => part.type === 'interpolation');
  if (expression.type === 'unary_operator') {
    const operand = expression.childForFieldName('argument');
    return operand !== null && isConstant(operand);
  }
  if (CONTAINERS.has(expression.type)) return syntaxChildren(expression).every(isConstant);
  return false;
}

import type { SyntaxNode } from '../syntax/syntaxNode';
import { statementsOf, syntaxChildren } from '../syntax/queries';

/** How a name gets its value. */
export type BindingKind = 'assignment' | 'augmented' | 'import' | 'def' | 'class' | 'for' | 'with' | 'except' | 'delete' | 'other';

/** One place where a name in some scope is bound. */
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The node that names the target (identifier), used for locations. */
  target: SyntaxNode;
  /** The statement (or clause) that binds it. */
  statement: SyntaxNode;
  /** The value assigned, when the binding is a plain `name = value` (or `name: T = value`). */
  value: SyntaxNode | null;
  /** For imports: the fully qualified name bound (`import multiprocessing as mp` gives `multiprocessing`). */
  qualified?: string;
  /** For `with X as name` (a plain name target): the context manager expression X. */
  entered?: SyntaxNode;
  /** For a decorated `def`/`class`: the decorated_definition holding the decorators. */
  decorated?: SyntaxNode;
}

/**
 * Collects the bindings made by the statements of one scope (module, class or function body),
 * descending into compound statements but not into nested function or class bodies. `enter` is told
 * about each nested function and class definition.
 */
export function collectScopeBindings(
  statements: readonly SyntaxNode[],
  record: (binding: Binding) => void,
  enter?: (definition: SyntaxNode) => void,
  hooks?: ScopeHooks,
): void {
  for (const statement of statements) visitStatement(statement, record, enter, hooks);
}

/** Further things a scope's statements can tell, and how far to read them. */
export interface ScopeHooks {
  /** `from module import *` (binds names the model cannot list). */
  wildcard?: (module: string, statement: SyntaxNode) => void;
  /** Read only the statements given (and the headers of compound ones), not the blocks nested in them. */
  shallow?: boolean;
}

function visitStatement(
  statement: SyntaxNode,
  record: (binding: Binding) => void,
  enter?: (definition: SyntaxNode) => void,
  hooks?: ScopeHooks,
): void {
  // Each `.type` is a call into the wasm module: read it once.
  const type = statement.type;
  switch (type) {
    case 'expression_statement':
      for (const expression of syntaxChildren(statement)) visitExpressionStatement(expression, statement, record);
      return;
    case 'import_statement':
    case 'import_from_statement':
    case 'future_import_statement':
      for (const { local, qualified } of importedNames(statement))
        record({ name: local.text, kind: 'import', target: local, statement, value: null, qualified });
      if (type === 'import_from_statement' && hooks?.wildcard) {
        const module = statement.childForFieldName('module_name');
        const wildcard = syntaxChildren(statement).find((child) => child.type === 'wildcard_import');
        if (module && wildcard && module.type !== 'relative_import') hooks.wildcard(module.text, statement);
      }
      return;
    case 'decorated_definition':
    case 'function_definition':
    case 'class_definition': {
      const definition = type === 'decorated_definition' ? (statement.childForFieldName('definition') ?? statement) : statement;
      const definitionType = definition === statement ? type : definition.type;
      const kind = definitionType === 'function_definition' ? 'def' : definitionType === 'class_definition' ? 'class' : undefined;
      const name = kind ? definition.childForFieldName('name') : null;
      if (kind && name) {
        record({
          name: name.text,
          kind,
          target: name,
          statement: definition,
          value: null,
          ...(definition !== statement ? { decorated: statement } : {}),
        });
      }
      if (kind) enter?.(definition);
      return;
    }
    case 'for_statement': {
      const left = statement.childForFieldName('left');
      if (left) for (const target of targetNames(left)) record({ name: target.text, kind: 'for', target, statement, value: null });
      if (!hooks?.shallow) visitBlock(statement.childForFieldName('body'), record, enter, hooks);
      visitClauses(statement, record, enter, hooks);
      return;
    }
    case 'with_statement':
      visitWithTargets(statement, record);
      if (!hooks?.shallow) visitBlock(statement.childForFieldName('body'), record, enter, hooks);
      return;
    case 'if_statement':
    case 'while_statement':
    case 'try_statement':
      visitBlock(statement.childForFieldName('consequence') ?? statement.childForFieldName('body'), record, enter, hooks);
      visitClauses(statement, record, enter, hooks);
      return;
    case 'match_statement':
      for (const clause of statementsOf(statement.childForFieldName('body'))) {
        if (clause.type === 'case_clause') visitBlock(clause.childForFieldName('consequence'), record, enter, hooks);
      }
      return;
    case 'delete_statement':
      for (const target of syntaxChildren(statement).flatMap(targetNames))
        record({ name: target.text, kind: 'delete', target, statement, value: null });
      return;
    default:
      return;
  }
}

/** The `as` targets of a with statement. */
function visitWithTargets(statement: SyntaxNode, record: (binding: Binding) => void): void {
  // The with_clause comes first (`async` and `with` are unnamed); anything else (an ERROR) is read child by child.
  const first = statement.namedChild(0);
  for (const clause of first?.type === 'with_clause' ? [first] : syntaxChildren(statement)) {
    if (clause.type !== 'with_clause') continue;
    for (const item of syntaxChildren(clause)) {
      const value = item.childForFieldName('value');
      if (value?.type !== 'as_pattern') continue;
      const alias = value.childForFieldName('alias');
      if (!alias) continue;
      // `__enter__` gives its value to a plain name only (`as (a, b)` unpacks it).
      const plain = syntaxChildren(alias);
      const entered = plain.length === 1 && plain[0].type === 'identifier' ? firstSyntaxChild(value) : undefined;
      // targetNames of an as_pattern_target reads its children: they are read already.
      const targets = alias.type === 'as_pattern_target' ? plain.flatMap(targetNames) : targetNames(alias);
      for (const target of targets)
        record({ name: target.text, kind: 'with', target, statement, value: null, ...(entered ? { entered } : {}) });
    }
  }
}

/** elif/else/except/finally/case clauses and the match block. */
function visitClauses(
  statement: SyntaxNode,
  record: (binding: Binding) => void,
  enter?: (definition: SyntaxNode) => void,
  hooks?: ScopeHooks,
): void {
  for (const clause of syntaxChildren(statement)) {
    switch (clause.type) {
      case 'elif_clause':
        visitBlock(clause.childForFieldName('consequence'), record, enter, hooks);
        break;
      case 'else_clause':
      case 'finally_clause':
        visitBlock(clause.childForFieldName('body') ?? blockChild(clause), record, enter, hooks);
        break;
      case 'except_clause':
      case 'except_group_clause': {
        const value = clause.childForFieldName('value');
        if (value?.type === 'as_pattern') {
          const alias = value.childForFieldName('alias');
          if (alias)
            for (const target of targetNames(alias)) record({ name: target.text, kind: 'except', target, statement: clause, value: null });
        }
        visitBlock(blockChild(clause), record, enter, hooks);
        break;
      }
    }
  }
}

/** The first named child that is not a comment (what `syntaxChildren(node)[0]` is, reading one child when it is no comment). */
function firstSyntaxChild(node: SyntaxNode): SyntaxNode | undefined {
  const first = node.namedChild(0);
  if (!first) return undefined;
  return first.type === 'comment' ? syntaxChildren(node)[0] : first;
}

function blockChild(node: SyntaxNode): SyntaxNode | null {
  return syntaxChildren(node).find((child) => child.type === 'block') ?? null;
}

function visitBlock(
  block: SyntaxNode | null,
  record: (binding: Binding) => void,
  enter?: (definition: SyntaxNode) => void,
  hooks?: ScopeHooks,
): void {
  if (!block || hooks?.shallow) return;
  for (const statement of syntaxChildren(block)) visitStatement(statement, record, enter, hooks);
}

function visitExpressionStatement(expression: SyntaxNode, statement: SyntaxNode, record: (binding: Binding) => void): void {
  if (expression.type === 'assignment') {
    // `a = b = value`: the right side of the outer assignment is the inner assignment.
    let current: SyntaxNode | null = expression;
    const targets: SyntaxNode[] = [];
    while (current?.type === 'assignment') {
      const left = current.childForFieldName('left');
      if (left) targets.push(left);
      const right: SyntaxNode | null = current.childForFieldName('right');
      if (right?.type !== 'assignment') {
        for (const left of targets) {
          const simple = left.type === 'identifier';
          for (const target of targetNames(left))
            record({ name: target.text, kind: 'assignment', target, statement, value: simple ? right : null });
        }
        return;
      }
      current = right;
    }
  } else if (expression.type === 'augmented_assignment') {
    const left = expression.childForFieldName('left');
    if (left?.type === 'identifier') record({ name: left.text, kind: 'augmented', target: left, statement, value: null });
  }
}

/** The identifiers bound by an assignment target (`a`, `a, b`, `[a, *b]`, `(a, b)`); not `a.x` or `a[i]`. */
export function targetNames(target: SyntaxNode): SyntaxNode[] {
  switch (target.type) {
    case 'identifier':
      return [target];
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list':
    case 'parenthesized_expression':
    case 'as_pattern_target':
      return syntaxChildren(target).flatMap(targetNames);
    case 'list_splat_pattern':
    case 'list_splat':
      return syntaxChildren(target).flatMap(targetNames);
    default:
      return [];
  }
}

/** The names an import statement binds, with what each refers to (`import a.b` binds `a` to module `a`). */
export interface ImportedName {
  local: SyntaxNode;
  /** Fully qualified name the local refers to: `multiprocessing`, `multiprocessing.Pool`, … */
  qualified: string;
}

export function importedNames(statement: SyntaxNode): ImportedName[] {
  const result: ImportedName[] = [];
  if (statement.type === 'import_statement') {
    for (const item of statement.childrenForFieldName('name')) {
      if (!item) continue;
      if (item.type === 'aliased_import') {
        const module = item.childForFieldName('name');
        const alias = item.childForFieldName('alias');
        if (module && alias) result.push({ local: alias, qualified: module.text });
      } else if (item.type === 'dotted_name') {
        const first = item.namedChildren[0];
        if (first) result.push({ local: first, qualified: first.text });
      }
    }
  } else if (statement.type === 'import_from_statement') {
    const moduleNode = statement.childForFieldName('module_name');
    if (!moduleNode || moduleNode.type === 'relative_import') {
      // Relative imports refer to the file's own package: never multiprocessing.
      for (const item of statement.childrenForFieldName('name')) {
        const local = item?.type === 'aliased_import' ? item.childForFieldName('alias') : item?.namedChildren[0];
        if (local) result.push({ local, qualified: `.${local.text}` });
      }
      return result;
    }
    const module = moduleNode.text;
    for (const item of statement.childrenForFieldName('name')) {
      if (!item) continue;
      if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name');
        const alias = item.childForFieldName('alias');
        if (name && alias) result.push({ local: alias, qualified: `${module}.${name.text}` });
      } else if (item.type === 'dotted_name') {
        const first = item.namedChildren[0];
        if (first) result.push({ local: first, qualified: `${module}.${item.text}` });
      }
    }
  }
  return result;
}

import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Binding } from './bindings';
import { statementsOf, stringLiteralValue, syntaxChildren, unparenthesize } from '../syntax/queries';

/**
 * Main-module guards. A guard is judged by evaluating its condition for the three values `__name__` can
 * have: `"__main__"` in the parent (the script run directly), `"__mp_main__"` in a spawned child
 * re-importing the script, and any other module name when the file is imported (also by a child that
 * imports it as a module). Conditions that do not depend on `__name__` are not guards.
 */
export interface Guard {
  /** The if_statement (or elif_clause), or the expression_statement holding the conditional. */
  node: SyntaxNode;
  /** The expression judged. */
  condition: SyntaxNode;
  form: 'if' | 'conditional-expression' | 'early-return' | 'variable' | 'match';
  verdict: GuardVerdict;
  /** The guarded block (if consequence, or the else block of `if __name__ != "__main__": … else:`); null for expression forms. */
  body: SyntaxNode | null;
  /**
   * Nodes whose whole subtree runs only when the guard holds: the body block, the consequence of a
   * conditional expression, or the statements after an early return.
   */
  guarded: SyntaxNode[];
  /** The condition is exactly "this is the main module" (no other operand can make it true or false). */
  exact: boolean;
}

export type GuardVerdict = 'correct' | 'never' | 'always' | 'also-in-children';

/** Three-valued truth: `undefined` when the value depends on something other than `__name__`. */
type Truth = boolean | undefined;

/** What an expression evaluates to, as far as the guard judge can tell. */
type Value =
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'strings'; values: string[] }
  /** `__name__` when the module is imported under a name we do not know (not `__main__` nor `__mp_main__`). */
  | { kind: 'other-module-name' }
  | undefined;

/** A `__name__` world; `undefined` name stands for "some importing module's name". */
interface World {
  name: string | undefined;
}

const PARENT: World = { name: '__main__' };
const CHILD: World = { name: '__mp_main__' };
const IMPORTED: World = { name: undefined };

/** Per-world values of a module-level variable that holds a guard condition (`IS_MAIN = __name__ == …`). */
export interface GuardVariable {
  name: string;
  assignment: SyntaxNode;
  value: SyntaxNode;
  truth: [Truth, Truth, Truth];
}

/** Truth of a region's run condition in the parent, the spawned child, and an importing module. */
type Runs = [Truth, Truth, Truth];

export class GuardJudge {
  constructor(private readonly variables: ReadonlyMap<string, GuardVariable>) {}

  /** True when the expression's value depends on `__name__` (directly or through a guard variable). */
  mentionsName(expression: SyntaxNode): boolean {
    const text = expression.text;
    if (!text.includes('__name__') && ![...this.variables.keys()].some((name) => text.includes(name))) return false;
    return this.referencesName(expression);
  }

  /** Looks only through the logical skeleton a guard is made of (comparisons, and/or/not, parentheses). */
  private referencesName(expression: SyntaxNode): boolean {
    switch (expression.type) {
      case 'identifier':
        return expression.text === '__name__' || this.variables.has(expression.text);
      case 'comparison_operator':
      case 'boolean_operator':
      case 'not_operator':
      case 'parenthesized_expression':
        for (const child of expression.namedChildren) if (child && this.referencesName(child)) return true;
        return false;
      case 'named_expression': {
        const value = expression.childForFieldName('value');
        return value !== null && this.referencesName(value);
      }
      case 'call': {
        // `__name__.endswith("main__")`: a string method called on the name.
        const callee = expression.childForFieldName('function');
        const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
        return object !== null && object !== undefined && this.referencesName(object);
      }
      default:
        return false;
    }
  }

  /** Whether `condition` holds in the parent, a spawned child, and a plain import. */
  runs(condition: SyntaxNode): Runs {
    return [
      truthOf(this.evaluate(condition, PARENT)),
      truthOf(this.evaluate(condition, CHILD)),
      truthOf(this.evaluate(condition, IMPORTED)),
    ];
  }

  private evaluate(node: SyntaxNode, world: World): Value {
    const expression = unparenthesize(node);
    switch (expression.type) {
      case 'identifier': {
        if (expression.text === '__name__')
          return world.name === undefined ? { kind: 'other-module-name' } : { kind: 'str', value: world.name };
        const variable = this.variables.get(expression.text);
        if (!variable) return undefined;
        const truth = variable.truth[world === PARENT ? 0 : world === CHILD ? 1 : 2];
        return truth === undefined ? undefined : { kind: 'bool', value: truth };
      }
      case 'true':
        return { kind: 'bool', value: true };
      case 'false':
        return { kind: 'bool', value: false };
      case 'none':
        return { kind: 'none' };
      case 'string':
      case 'concatenated_string': {
        const value = stringLiteralValue(expression);
        return value === undefined ? undefined : { kind: 'str', value };
      }
      case 'tuple':
      case 'list':
      case 'set': {
        const values: string[] = [];
        for (const element of syntaxChildren(expression)) {
          const value = stringLiteralValue(element);
          if (value === undefined) return undefined;
          values.push(value);
        }
        return { kind: 'strings', values };
      }
      case 'not_operator': {
        const argument = expression.childForFieldName('argument');
        const truth = argument ? truthOf(this.evaluate(argument, world)) : undefined;
        return truth === undefined ? undefined : { kind: 'bool', value: !truth };
      }
      case 'named_expression': {
        const value = expression.childForFieldName('value');
        return value ? this.evaluate(value, world) : undefined;
      }
      case 'call':
        return this.evaluateStringMethod(expression, world);
      case 'boolean_operator':
        return this.evaluateBoolean(expression, world);
      case 'comparison_operator':
        return this.evaluateComparison(expression, world);
      default:
        return undefined;
    }
  }

  /** `startswith`/`endswith` with one string (or a tuple of strings) on a value that is a string. */
  private evaluateStringMethod(call: SyntaxNode, world: World): Value {
    const callee = call.childForFieldName('function');
    const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
    const object = callee?.childForFieldName('object');
    const args = call.childForFieldName('arguments');
    if (!object || !args || (method !== 'startswith' && method !== 'endswith')) return undefined;
    const parts = syntaxChildren(args);
    if (parts.length !== 1) return undefined;
    const receiver = this.evaluate(object, world);
    const argument = this.evaluate(parts[0], world);
    if (receiver?.kind !== 'str' || !argument) return undefined;
    const affixes = argument.kind === 'str' ? [argument.value] : argument.kind === 'strings' ? argument.values : undefined;
    if (!affixes) return undefined;
    const value = receiver.value;
    return { kind: 'bool', value: affixes.some((affix) => (method === 'startswith' ? value.startsWith(affix) : value.endsWith(affix))) };
  }

  /** Python's `and`/`or` return an operand; only truth matters for a guard, so truth is returned. */
  private evaluateBoolean(expression: SyntaxNode, world: World): Value {
    const left = expression.childForFieldName('left');
    const right = expression.childForFieldName('right');
    const operator = expression.childForFieldName('operator')?.type;
    if (!left || !right) return undefined;
    const a = truthOf(this.evaluate(left, world));
    const b = truthOf(this.evaluate(right, world));
    let result: Truth;
    if (operator === 'and') result = a === false || b === false ? false : a === true && b === true ? true : undefined;
    else if (operator === 'or') result = a === true || b === true ? true : a === false && b === false ? false : undefined;
    return result === undefined ? undefined : { kind: 'bool', value: result };
  }

  /** `a == b`, `a != b`, `a in (…)`, `a not in (…)`, chained comparisons. */
  private evaluateComparison(expression: SyntaxNode, world: World): Value {
    const operands: SyntaxNode[] = [];
    const operators: string[] = [];
    for (const child of expression.children) {
      if (!child || child.type === 'comment') continue;
      if (child.isNamed) operands.push(child);
      else operators.push(child.type);
    }
    // `not in` and `is not` arrive as two tokens.
    const joined: string[] = [];
    for (let i = 0; i < operators.length; i++) {
      if ((operators[i] === 'not' && operators[i + 1] === 'in') || (operators[i] === 'is' && operators[i + 1] === 'not')) {
        joined.push(`${operators[i]} ${operators[i + 1]}`);
        i++;
      } else {
        joined.push(operators[i]);
      }
    }
    if (operands.length !== joined.length + 1) return undefined;
    let result: Truth = true;
    for (let i = 0; i < joined.length; i++) {
      const step = compare(this.evaluate(operands[i], world), joined[i], this.evaluate(operands[i + 1], world));
      if (step === false) return { kind: 'bool', value: false };
      if (step === undefined) result = undefined;
    }
    return result === undefined ? undefined : { kind: 'bool', value: result };
  }
}

function truthOf(value: Value): Truth {
  if (!value) return undefined;
  switch (value.kind) {
    case 'bool':
      return value.value;
    case 'str':
      return value.value.length > 0;
    case 'none':
      return false;
    case 'strings':
      return value.values.length > 0;
    case 'other-module-name':
      return true;
  }
}

function compare(left: Value, operator: string, right: Value): Truth {
  switch (operator) {
    case '==':
      return equal(left, right);
    case '!=':
      return negate(equal(left, right));
    case 'in':
      return member(left, right);
    case 'not in':
      return negate(member(left, right));
    default:
      // `is` on strings depends on interning; ordering comparisons are not guard idioms.
      return undefined;
  }
}

function negate(truth: Truth): Truth {
  return truth === undefined ? undefined : !truth;
}

function equal(left: Value, right: Value): Truth {
  if (!left || !right) return undefined;
  if (left.kind === 'other-module-name' || right.kind === 'other-module-name') {
    const other = left.kind === 'other-module-name' ? right : left;
    if (other.kind === 'other-module-name') return true;
    if (other.kind !== 'str') return false;
    // An imported module's name is never one of the two main-module names; any other name may match.
    return other.value === '__main__' || other.value === '__mp_main__' ? false : undefined;
  }
  if (left.kind !== right.kind) return false;
  if (left.kind === 'str' && right.kind === 'str') return left.value === right.value;
  if (left.kind === 'bool' && right.kind === 'bool') return left.value === right.value;
  if (left.kind === 'none') return true;
  return undefined;
}

function member(element: Value, collection: Value): Truth {
  if (!element || !collection) return undefined;
  if (collection.kind === 'str' && element.kind === 'str') return collection.value.includes(element.value);
  if (collection.kind !== 'strings') return undefined;
  let result: Truth = false;
  for (const value of collection.values) {
    const same = equal(element, { kind: 'str', value });
    if (same === true) return true;
    if (same === undefined) result = undefined;
  }
  return result;
}

/**
 * The verdict for a region that runs when `runs` holds, or undefined when the region is not a main
 * guard at all (e.g. `if __name__ != "__main__":`, the branch for imports, or a condition that depends
 * on other things in a child).
 */
export function verdictOf([parent, child, imported]: Runs, looksLikeMainCheck: boolean): GuardVerdict | undefined {
  if (parent === false) return child === false && looksLikeMainCheck ? 'never' : undefined;
  if (child === false && imported !== true) return 'correct';
  // `if __name__ != "mypkg.mod": raise ImportError` is not an attempt at a main guard.
  if (!looksLikeMainCheck) return undefined;
  if (child === true || imported === true) {
    return parent === true && child === true && imported === true ? 'always' : 'also-in-children';
  }
  return undefined;
}

/** True when the condition compares `__name__` with a string that mentions "main" (a guard attempt). */
export function comparesNameWithMain(condition: SyntaxNode): boolean {
  let found = false;
  const visit = (node: SyntaxNode): void => {
    if (found) return;
    const value = node.type === 'string' || node.type === 'concatenated_string' ? stringLiteralValue(node) : undefined;
    if (value !== undefined && /main/i.test(value)) found = true;
    else for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(condition);
  return found;
}

/** The condition compares `__name__` with a "main" string, itself or through the guard variables it reads. */
function looksLikeMainCheck(condition: SyntaxNode, variables: ReadonlyMap<string, GuardVariable>): boolean {
  if (comparesNameWithMain(condition)) return true;
  for (const variable of variables.values()) {
    if (mentionsVariable(condition, new Map([[variable.name, variable]])) && comparesNameWithMain(variable.value)) return true;
  }
  return false;
}

/** Statements that leave the function: the consequence of an early-return guard ends with one. */
function endsFunction(block: SyntaxNode | null): boolean {
  const statements = statementsOf(block);
  const last = statements[statements.length - 1];
  if (!last) return false;
  if (last.type === 'return_statement' || last.type === 'raise_statement') return true;
  if (last.type !== 'expression_statement') return false;
  const call = unparenthesize(last.namedChildren[0] ?? last);
  if (call.type !== 'call') return false;
  const callee = call.childForFieldName('function')?.text;
  return callee === 'sys.exit' || callee === 'exit' || callee === 'quit' || callee === 'os._exit';
}

/**
 * The module-level variables that hold a guard condition (`IS_MAIN = __name__ == "__main__"`), bound
 * exactly once in the module.
 */
export function findGuardVariables(moduleBindings: ReadonlyMap<string, readonly Binding[]>): Map<string, GuardVariable> {
  const result = new Map<string, GuardVariable>();
  const judge = new GuardJudge(new Map());
  // Every module-level name at every analysis: forEach, which makes no [key, value] entry per name.
  moduleBindings.forEach((bindings, name) => {
    if (bindings.length !== 1) return;
    const binding = bindings[0];
    if (binding.kind !== 'assignment' || !binding.value || !judge.mentionsName(binding.value)) return;
    result.set(name, { name, assignment: binding.statement, value: binding.value, truth: judge.runs(binding.value) });
  });
  return result;
}

/** Judges the candidate nodes (if statements, elif clauses, conditional expressions, in document order): the guards among them. */
export function findGuards(candidates: readonly SyntaxNode[], judge: GuardJudge, variables: ReadonlyMap<string, GuardVariable>): Guard[] {
  const guards: Guard[] = [];
  const formFor = (condition: SyntaxNode, plain: Guard['form']): Guard['form'] =>
    mentionsVariable(condition, variables) ? 'variable' : plain;

  for (const node of candidates) {
    if (node.type === 'conditional_expression') {
      const guard = conditionalGuard(node, judge, variables, formFor);
      if (guard) guards.push(guard);
      continue;
    }
    const condition = node.childForFieldName('condition');
    if (!condition || condition.hasError || !judge.mentionsName(condition)) continue;
    const runs = judge.runs(condition);
    const looksLikeMain = looksLikeMainCheck(condition, variables);
    const consequence = node.childForFieldName('consequence');
    const exact = runs[0] === true && runs[1] === false && runs[2] === false;

    const inverse: Runs = [negate(runs[0]), negate(runs[1]), negate(runs[2])];
    if (node.type === 'if_statement' && !hasAlternative(node) && endsFunction(consequence) && insideFunctionBody(node)) {
      // `if __name__ != "__main__": return` guards the rest of the function: judge that rest. Returning
      // exactly in a spawned child (`if __name__ == "__mp_main__": return`) keeps children out too: whoever
      // imports the module under another name decides whether to call the function.
      const keepsChildrenOut = inverse[0] === true && inverse[1] === false;
      const earlyVerdict = keepsChildrenOut ? 'correct' : verdictOf(inverse, looksLikeMain);
      if (earlyVerdict) {
        guards.push({
          node,
          condition,
          form: mentionsVariable(condition, variables) ? 'variable' : 'early-return',
          verdict: earlyVerdict,
          body: null,
          guarded: followingSiblings(node),
          exact: false,
        });
        continue;
      }
    }
    const verdict = verdictOf(runs, looksLikeMain);
    if (verdict) {
      guards.push({
        node,
        condition,
        form: formFor(condition, 'if'),
        verdict,
        body: consequence,
        guarded: consequence ? [consequence] : [],
        exact,
      });
      continue;
    }
    // `if __name__ != "__main__": … else: <guarded>`.
    const elseBlock = node.type === 'if_statement' ? elseBlockOf(node) : null;
    if (elseBlock && verdictOf(inverse, looksLikeMain) === 'correct') {
      guards.push({
        node,
        condition,
        form: formFor(condition, 'if'),
        verdict: 'correct',
        body: elseBlock,
        guarded: [elseBlock],
        exact: inverse[0] === true && inverse[1] === false && inverse[2] === false,
      });
    }
  }
  return guards;
}

function conditionalGuard(
  node: SyntaxNode,
  judge: GuardJudge,
  variables: ReadonlyMap<string, GuardVariable>,
  formFor: (condition: SyntaxNode, plain: Guard['form']) => Guard['form'],
): Guard | undefined {
  // conditional_expression has no field names: consequence, `if`, condition, `else`, alternative.
  const parts = syntaxChildren(node);
  if (parts.length !== 3) return undefined;
  const [consequence, condition, alternative] = parts;
  if (condition.hasError || !judge.mentionsName(condition)) return undefined;
  const runs = judge.runs(condition);
  const looksLikeMain = looksLikeMainCheck(condition, variables);
  const statement = enclosingStatement(node);
  let verdict = verdictOf(runs, looksLikeMain);
  let guarded = consequence;
  let exact = runs[0] === true && runs[1] === false && runs[2] === false;
  if (!verdict) {
    const inverse: Runs = [negate(runs[0]), negate(runs[1]), negate(runs[2])];
    if (verdictOf(inverse, looksLikeMain) !== 'correct') return undefined;
    verdict = 'correct';
    guarded = alternative;
    exact = inverse[0] === true && inverse[1] === false && inverse[2] === false;
  }
  return {
    node: statement,
    condition,
    form: formFor(condition, 'conditional-expression'),
    verdict,
    body: null,
    guarded: [guarded],
    exact,
  };
}

function mentionsVariable(condition: SyntaxNode, variables: ReadonlyMap<string, GuardVariable>): boolean {
  if (variables.size === 0) return false;
  if (condition.type === 'identifier') return variables.has(condition.text);
  for (const child of condition.namedChildren) if (child && mentionsVariable(child, variables)) return true;
  return false;
}

function hasAlternative(ifStatement: SyntaxNode): boolean {
  return ifStatement.childrenForFieldName('alternative').some((alternative) => alternative !== null);
}

function elseBlockOf(ifStatement: SyntaxNode): SyntaxNode | null {
  for (const alternative of ifStatement.childrenForFieldName('alternative')) {
    if (alternative?.type === 'else_clause') return alternative.childForFieldName('body');
  }
  return null;
}

function insideFunctionBody(statement: SyntaxNode): boolean {
  const block = statement.parent;
  return block?.type === 'block' && block.parent?.type === 'function_definition';
}

function followingSiblings(statement: SyntaxNode): SyntaxNode[] {
  const result: SyntaxNode[] = [];
  for (let sibling = statement.nextNamedSibling; sibling; sibling = sibling.nextNamedSibling) {
    if (sibling.type !== 'comment') result.push(sibling);
  }
  return result;
}

function enclosingStatement(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent && !isStatementContainer(current.parent)) current = current.parent;
  return current;
}

function isStatementContainer(node: SyntaxNode): boolean {
  return node.type === 'module' || node.type === 'block';
}

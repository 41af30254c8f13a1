import type { SyntaxNode } from '../syntax/syntaxNode';
import { syntaxChildren } from '../syntax/queries';
import { isBlank, isDigit, isIdentifierStart } from '../text/lexical';
import { importedNames } from './bindings';
import { callsIn } from './scan';
import { Scope, ScopeTree } from './scopes';

export const SCOPE_TYPES = ['decorated_definition', 'function_definition', 'class_definition', 'lambda'];
/** Node types the scope builder also files under their scope when the scan includes them. */
export const SCOPED_TYPES = [
  'call',
  'global_statement',
  'nonlocal_statement',
  'named_expression',
  'import_statement',
  'import_from_statement',
];

/**
 * Builds the scope tree from the scan's nodes (document order): scopes for definitions and lambdas, and
 * calls, global/nonlocal declarations and walrus targets filed under the scope they run in.
 */
export function buildScopes(
  root: SyntaxNode,
  text: string,
  scanned: readonly SyntaxNode[],
  types: readonly string[],
  deferredBodies: ReadonlyMap<number, SyntaxNode> = new Map(),
  wantsCalls = true,
  classBodies: ReadonlyMap<number, SyntaxNode> = new Map(),
): ScopeTree {
  const tree = new ScopeTree(new Scope('module', root, root, undefined, '<module>', text));
  const stack: Scope[] = [tree.module];
  const innermost = (offset: number): Scope => {
    while (stack.length > 1 && stack[stack.length - 1].end <= offset) stack.pop();
    for (let i = stack.length - 1; i > 0; i--) if (stack[i].holds(offset)) return stack[i];
    return tree.module;
  };
  // A decorated_definition comes just before its definition in the scan (its decorators' calls between).
  let decorated: SyntaxNode | undefined;
  for (let i = 0; i < scanned.length; i++) {
    const node = scanned[i];
    const type = types[i];
    switch (type) {
      case 'decorated_definition':
        decorated = node;
        break;
      case 'call':
        innermost(node.startIndex).addCall(node);
        break;
      case 'global_statement':
      case 'nonlocal_statement': {
        const scope = innermost(node.startIndex);
        for (const name of syntaxChildren(node)) if (name.type === 'identifier') scope.declare(type, name.text);
        break;
      }
      case 'named_expression': {
        // A walrus binds in the enclosing function even inside a comprehension.
        const name = node.childForFieldName('name');
        if (name)
          innermost(node.startIndex).addBinding({
            name: name.text,
            kind: 'assignment',
            target: name,
            statement: node,
            value: node.childForFieldName('value'),
          });
        break;
      }
      case 'import_statement':
      case 'import_from_statement':
        for (const { local, qualified } of importedNames(node)) {
          tree.importedNames.set(local.text, qualified);
        }
        break;
      case 'function_definition':
      case 'class_definition':
      case 'lambda': {
        const parent = innermost(node.startIndex);
        const decoratedBy =
          decorated && type !== 'lambda' && decorated.startIndex < node.startIndex && node.startIndex < decorated.endIndex
            ? decorated
            : undefined;
        if (type !== 'lambda') decorated = undefined;
        const kind = type === 'lambda' ? 'lambda' : type === 'class_definition' ? 'class' : 'function';
        const deferred = deferredBodies.get(node.id);
        // A body the scan read belongs to a definition without errors: its name can be read from the text.
        const knownBody = deferred ?? classBodies.get(node.id);
        const name =
          kind === 'lambda'
            ? '<lambda>'
            : ((knownBody && definitionName(text, node.startIndex)) ?? node.childForFieldName('name')?.text ?? '');
        const scope = new Scope(kind, node, knownBody ?? node.childForFieldName('body'), parent, name, text, knownBody?.endIndex);
        if (deferred && wantsCalls) scope.deferCalls(() => callsIn(deferred));
        if (decoratedBy) scope.decorated = decoratedBy;
        tree.add(scope);
        stack.push(scope);
        break;
      }
      default:
        break;
    }
  }
  return tree;
}

/** `def name(`, `async def name(`, `class name:` / `(` / `[` at `start`: the name; undefined when the text is anything else. */
/**
 * As /(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*[(:[]/y, read by hand: it runs for
 * every definition at every keystroke, and a match array each time is garbage to collect.
 */
function definitionName(text: string, start: number): string | undefined {
  let index = start;
  if (text.startsWith('async', index) && isBlank(text.charCodeAt(index + 5))) {
    index += 5;
    while (isBlank(text.charCodeAt(index))) index++;
  }
  if (text.startsWith('def', index)) index += 3;
  else if (text.startsWith('class', index)) index += 5;
  else return undefined;
  if (!isBlank(text.charCodeAt(index))) return undefined;
  while (isBlank(text.charCodeAt(index))) index++;
  const nameStart = index;
  if (!isIdentifierStart(text.charCodeAt(index))) return undefined;
  while (isIdentifierStart(text.charCodeAt(index)) || isDigit(text.charCodeAt(index))) index++;
  const nameEnd = index;
  while (isBlank(text.charCodeAt(index))) index++;
  const next = text.charCodeAt(index);
  return next === 40 /* ( */ || next === 58 /* : */ || next === 91 /* [ */ ? text.slice(nameStart, nameEnd) : undefined;
}

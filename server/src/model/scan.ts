import type { SyntaxNode } from '../syntax/syntaxNode';

/** The nodes of the model's node types in document order, and the function bodies whose calls are read later. */
export interface TreeScan {
  nodes: SyntaxNode[];
  types: string[];
  /**
   * Function bodies left out of the scan, by the function_definition's id: their text shows they hold
   * no node of the wanted types other than calls (no definition, lambda, import, global/nonlocal, walrus
   * or `__name__`), so they open no scope and all their calls belong to the function.
   */
  deferredBodies: Map<number, SyntaxNode>;
  /** Bodies of class definitions the scan read (in statements without errors), by the class_definition's id. */
  classBodies: Map<number, SyntaxNode>;
}

/**
 * Words whose absence from a function body proves it holds no scope, import, global/nonlocal
 * declaration, walrus or `__name__` test. A keyword token is never glued to a letter or `_` (that would
 * make one identifier); a digit before it is taken as a possible boundary, so the test stays conservative.
 */
const STRUCTURE = /(?<![A-Za-z_])(?:def|class|lambda|global|nonlocal|import)(?![A-Za-z0-9_])|:=|__name__/;
/** Text without which a statement holds none of the wanted nodes: every call has a `(` token, the other types a keyword or `@`/`:=`. */
const ANY_WANTED = /[(@]|:=|(?<![A-Za-z_])(?:def|class|lambda|global|nonlocal|import)(?![A-Za-z0-9_])/;

/**
 * Scans the tree for `wanted` node types like `root.descendantsOfType(wanted)`, but reads the bodies of
 * functions that the text shows to hold nothing but calls (and guard-type nodes that cannot mention
 * `__name__`) only when their calls are asked for, and skips statements whose text holds none of the
 * types. The text tests are sound for a subtree without errors: there every call has its `(` token and
 * every other wanted node its keyword, and each test reads only the text of the node it judges. So in a
 * tree with errors each top-level statement without errors is scanned as in an error-free tree, and only
 * the statements that hold an error (ERROR nodes, MISSING tokens) are walked whole. An ERROR sibling that
 * swallowed part of a statement's real code changes nothing: the scan reads the tree as it is, and for
 * an error-free statement that is what a whole walk would read too.
 */
export function scanTree(root: SyntaxNode, text: string, wanted: readonly string[], options: { whole?: boolean } = {}): TreeScan {
  if (options.whole) return { ...fullScan(root, wanted), deferredBodies: new Map(), classBodies: new Map() };
  const wantsGuardTypes = wanted.includes('if_statement');
  const nodes: SyntaxNode[] = [];
  const deferredBodies = new Map<number, SyntaxNode>();
  const classBodies = new Map<number, SyntaxNode>();
  const types: string[] = [];
  const add = (found: ReadonlyArray<SyntaxNode | null>) => {
    for (const node of found) {
      if (!node) continue;
      nodes.push(node);
      types.push(node.type);
    }
  };
  const mayHold = (node: SyntaxNode): boolean => {
    const slice = text.slice(node.startIndex, node.endIndex);
    return ANY_WANTED.test(slice) || (wantsGuardTypes && slice.includes('if'));
  };
  // Only the module's statements can hold errors here: the bodies visited below belong to statements without any.
  const visitStatements = (statements: ReadonlyArray<SyntaxNode | null>, mayHoldErrors: boolean): void => {
    for (const statement of statements) if (statement) visitStatement(statement, mayHoldErrors);
  };
  const visitStatement = (statement: SyntaxNode, mayHoldErrors: boolean): void => {
    if (mayHoldErrors && statement.hasError) {
      add(statement.descendantsOfType(wanted as string[]));
      return;
    }
    const type = statementKind(text, statement.startIndex);
    if (type === 'comment') return;
    if (type === undefined) {
      if (mayHold(statement)) add(statement.descendantsOfType(wanted as string[]));
      return;
    }
    const definition = type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    const definitionType = definition === statement ? type : definition?.type;
    const body =
      definition && (definitionType === 'function_definition' || definitionType === 'class_definition')
        ? definition.childForFieldName('body')
        : null;
    if (!definition || !body) {
      add(statement.descendantsOfType(wanted as string[]));
      return;
    }
    if (definitionType === 'function_definition' && STRUCTURE.test(text.slice(body.startIndex, body.endIndex))) {
      add(statement.descendantsOfType(wanted as string[]));
      return;
    }
    // The header (decorators, name, parameters, bases) in full; then the body, deferred or statement by statement.
    const header = text.slice(statement.startIndex, body.startIndex);
    if (statement === definition && holdsOnlyItsDefinition(header, wantsGuardTypes)) {
      nodes.push(definition);
      types.push(type);
    } else {
      add(statement.descendantsOfType(wanted as string[], statement.startPosition, body.startPosition));
    }
    if (definitionType === 'function_definition') {
      deferredBodies.set(definition.id, body);
    } else {
      classBodies.set(definition.id, body);
      visitStatements(body.namedChildren, false);
    }
  };
  // Error recovery may leave tokens directly under the module (a stray keyword matches a wanted type by name, as in a whole walk).
  const broken = root.hasError;
  visitStatements(broken ? root.children : root.namedChildren, broken);
  return { nodes, types, deferredBodies, classBodies };
}

const DEFINITION_START = /(?:(?:async[ \t]+)?(def)|(class))(?![A-Za-z0-9_\u0080-\uffff])/y;

/**
 * The kind of a statement without errors, told by its first token (each `.type` is a call into the wasm
 * module): `#` starts a comment, `@` a decorated definition, the keywords `def` and `class` (which no
 * other statement starts with) a definition. Undefined for any other statement, and for a definition
 * the text does not show plainly (`async \` + newline), which is then walked whole: still correct.
 */
function statementKind(
  text: string,
  start: number,
): 'comment' | 'decorated_definition' | 'function_definition' | 'class_definition' | undefined {
  const first = text.charCodeAt(start);
  if (first === 35 /* # */) return 'comment';
  if (first === 64 /* @ */) return 'decorated_definition';
  if (first !== 97 /* a */ && first !== 99 /* c */ && first !== 100 /* d */) return undefined;
  DEFINITION_START.lastIndex = start;
  const match = DEFINITION_START.exec(text);
  return match ? (match[1] ? 'function_definition' : 'class_definition') : undefined;
}

/**
 * True when a definition's header (up to its body) holds no wanted node but the definition: no
 * decorator, lambda, walrus or conditional, and no `(` but the one of the parameters or bases (a call
 * in a default, an annotation or a base would add a second).
 */
function holdsOnlyItsDefinition(header: string, wantsGuardTypes: boolean): boolean {
  if (HEADER_EXTRAS.test(header) || (wantsGuardTypes && header.includes('if'))) return false;
  const open = header.indexOf('(');
  return open < 0 || header.indexOf('(', open + 1) < 0;
}

const HEADER_EXTRAS = /[@]|:=|(?<![A-Za-z_])lambda(?![A-Za-z0-9_])/;

function fullScan(root: SyntaxNode, wanted: readonly string[]): { nodes: SyntaxNode[]; types: string[] } {
  const nodes = root.descendantsOfType(wanted as string[]).filter((node): node is SyntaxNode => node !== null);
  return { nodes, types: nodes.map((node) => node.type) };
}

/** The calls of a deferred function body, in document order. */
export function callsIn(body: SyntaxNode): SyntaxNode[] {
  return body.descendantsOfType('call').filter((node): node is SyntaxNode => node !== null);
}

import type { ModuleFacts } from '../model/facts';
import type { Binding } from '../model/bindings';
import { resolveName } from '../model/scopes';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { computeLineStarts, offsetAt } from '../text/lineIndex';
import type { TextEdit } from '../text/types';
import { nodeRange } from '../syntax/ranges';
import type { NotebookProgram } from './program';

/**
 * "Move to module": the cell definitions a child process needs go into a module next to the notebook,
 * with the imports they use and the other cell definitions they call; each definition in its cell is
 * replaced by an import of it, so the cells' call sites stay as they are. Pure: text in, text out.
 */
export type MovePlan =
  | {
      kind: 'move';
      /** The definitions moved, in program order. */
      names: string[];
      /** The module's whole new text (the existing module, if any, extended). */
      moduleText: string;
      /** Edits of the cells' sources (cell-relative positions), by cell index. */
      cellEdits: Map<number, TextEdit[]>;
    }
  | {
      kind: 'reads-globals';
      /** The definition that reads them, and the notebook globals (assigned in cells) it reads. */
      name: string;
      globals: string[];
    };

export interface MoveRequest {
  program: NotebookProgram;
  facts: ModuleFacts;
  /** Names of cell definitions to move (their dependencies come along). */
  names: readonly string[];
  /** The module's name (`lesson_workers`) and its current text when the file exists. */
  moduleName: string;
  existingModule: string | undefined;
  /** The notebook's file name, for the new module's docstring. */
  notebookName: string;
  /**
   * "Make it a parameter": this definition reads these notebook globals; they become keyword-only
   * parameters of it in the module, and every use of it in the cells passes them (`f(x, N=N)`,
   * `functools.partial(f, N=N)` where it is passed as a value).
   */
  parameters?: { name: string; globals: readonly string[] };
}

interface Moved {
  name: string;
  statement: SyntaxNode;
}

export function planMoveToModule(request: MoveRequest): MovePlan | undefined {
  const { facts } = request;
  const moved = new Map<number, Moved>();
  const imports: string[] = [];
  const pending = [...request.names];
  while (pending.length > 0) {
    const name = pending.shift()!;
    const definition = cellDefinition(facts, name);
    if (!definition) return undefined;
    const statement = definition;
    if (moved.has(statement.id)) continue;
    moved.set(statement.id, { name, statement });
    const globals: string[] = [];
    for (const dependency of dependenciesOf(facts, statement, name)) {
      const binding = dependency.bindings[dependency.bindings.length - 1];
      if (dependency.bindings.every((candidate) => candidate.kind === 'import')) {
        const line = importLine(binding);
        if (line && !imports.includes(line)) imports.push(line);
      } else if (dependency.bindings.every((candidate) => candidate.kind === 'def' || candidate.kind === 'class')) {
        pending.push(dependency.name);
      } else {
        globals.push(dependency.name);
      }
    }
    const allowed = request.parameters?.name === name ? request.parameters.globals : [];
    if (globals.some((global) => !allowed.includes(global))) return { kind: 'reads-globals', name, globals };
  }
  const statements = [...moved.values()].sort((a, b) => a.statement.startIndex - b.statement.startIndex);
  for (const { statement } of statements) if (!request.program.cellRange(nodeRange(statement))) return undefined;
  const parameterised = request.parameters && parameterisedUses(request, request.parameters, statements);
  if (parameterised === null) return undefined;
  const definitions = statements.map(({ name, statement }) =>
    name === request.parameters?.name
      ? withKeywordParameters(request.program.text, statement, request.parameters.globals)
      : request.program.text.slice(statement.startIndex, statement.endIndex).trimEnd(),
  );
  if (definitions.some((definition) => definition === undefined)) return undefined;
  const cellEdits = new Map<number, TextEdit[]>();
  const addEdit = (cell: number, edit: TextEdit) => cellEdits.set(cell, [...(cellEdits.get(cell) ?? []), edit]);
  for (const { name, statement } of statements) {
    const placed = request.program.cellRange(nodeRange(statement))!;
    const partial = name === request.parameters?.name && parameterised?.needsFunctools ? 'import functools\n' : '';
    addEdit(placed.cell, { range: placed.range, newText: `${partial}from ${request.moduleName} import ${name}` });
  }
  for (const { cell, edit } of parameterised?.edits ?? []) addEdit(cell, edit);
  return {
    kind: 'move',
    names: statements.map(({ name }) => name),
    moduleText: moduleText(request, imports, definitions as string[]),
    cellEdits,
  };
}

/** The module's new text: a new module, or the existing one with the imports and definitions appended. */
function moduleText(request: MoveRequest, imports: string[], definitions: string[]): string {
  const existing = request.existingModule;
  if (existing === undefined) {
    const docstring = `"""Functions and classes of ${request.notebookName} that run in child processes: a spawned child imports them from here."""`;
    return [docstring, ...(imports.length > 0 ? ['', imports.join('\n')] : []), '', '', definitions.join('\n\n\n'), ''].join('\n');
  }
  const presentLines = new Set(existing.split(/\r?\n/).map((line) => line.trim()));
  const newImports = imports.filter((line) => !presentLines.has(line));
  const body = existing.replace(/\s*$/, '');
  const block = [...(newImports.length > 0 ? [newImports.join('\n')] : []), definitions.join('\n\n\n')].join('\n\n\n');
  return `${body}${body === '' ? '' : '\n\n\n'}${block}\n`;
}

/** The top-level def/class statement of a cell that binds `name` (the last one: what the kernel has after running every cell). */
function cellDefinition(facts: ModuleFacts, name: string): SyntaxNode | undefined {
  const bindings = facts.moduleBindings.get(name) ?? [];
  const last = bindings[bindings.length - 1];
  if (!last || (last.kind !== 'def' && last.kind !== 'class')) return undefined;
  const statement = last.decorated ?? last.statement;
  // A definition inside an `if`, `with` or `try` of a cell is not offered: it would have to move with its block.
  return statement.parent?.type === 'module' ? statement : undefined;
}

/** The module-level names (other than itself) a definition reads, each with its module bindings. */
function dependenciesOf(facts: ModuleFacts, statement: SyntaxNode, self: string): Array<{ name: string; bindings: readonly Binding[] }> {
  const found = new Map<string, readonly Binding[]>();
  for (const identifier of statement.descendantsOfType('identifier')) {
    if (!identifier || found.has(identifier.text) || identifier.text === self || !isRead(identifier)) continue;
    const resolution = resolveName(identifier.text, facts.scopes.scopeAt(identifier.startIndex), facts.scopes.module);
    if (resolution && resolution.scope === facts.scopes.module && resolution.bindings.length > 0)
      found.set(identifier.text, resolution.bindings);
  }
  return [...found].map(([name, bindings]) => ({ name, bindings }));
}

function isRead(identifier: SyntaxNode): boolean {
  const parent = identifier.parent;
  if (!parent) return false;
  const is = (field: string) => parent.childForFieldName(field)?.id === identifier.id;
  if (parent.type === 'attribute') return !is('attribute');
  if (parent.type === 'keyword_argument') return !is('name');
  if (parent.type === 'function_definition' || parent.type === 'class_definition') return !is('name');
  return true;
}

/** An import statement that binds just this name, as the notebook imported it. */
function importLine(binding: Binding): string | undefined {
  const qualified = binding.qualified;
  if (!qualified) return undefined;
  if (binding.statement.type === 'import_from_statement') {
    const dot = qualified.lastIndexOf('.');
    const module = binding.statement.childForFieldName('module_name')?.text ?? qualified.slice(0, dot);
    const imported = qualified.slice(dot + 1);
    return `from ${module} import ${imported}${imported === binding.name ? '' : ` as ${binding.name}`}`;
  }
  if (qualified === binding.name || qualified.startsWith(`${binding.name}.`)) return `import ${qualified}`;
  return `import ${qualified} as ${binding.name}`;
}

/** Applies cell-relative edits to a cell's source. */
export function applyCellEdits(source: string, edits: readonly TextEdit[]): string {
  const lineStarts = computeLineStarts(source);
  const sorted = [...edits]
    .map((edit) => ({
      start: offsetAt(source, lineStarts, edit.range.start),
      end: offsetAt(source, lineStarts, edit.range.end),
      text: edit.newText,
    }))
    .sort((a, b) => b.start - a.start);
  let result = source;
  for (const edit of sorted) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/**
 * The edits that pass `globals` wherever the notebook uses the parameterised definition: a call gets
 * `G=G` keyword arguments, any other use becomes `functools.partial(f, G=G)`. Null when a use cannot
 * take them (inside a moved definition, a global shadowed there, a call with a generator argument).
 */
function parameterisedUses(
  request: MoveRequest,
  parameters: { name: string; globals: readonly string[] },
  statements: readonly Moved[],
): { edits: Array<{ cell: number; edit: TextEdit }>; needsFunctools: boolean } | null {
  const { facts, program } = request;
  const target = cellDefinition(facts, parameters.name);
  const definition = target?.type === 'decorated_definition' ? target.childForFieldName('definition') : target;
  if (!target || definition?.type !== 'function_definition') return null;
  // A global the function assigns (`global N`) is state, not a value to pass.
  for (const declaration of definition.descendantsOfType(['global_statement', 'nonlocal_statement']))
    if (declaration?.namedChildren.some((child) => child && parameters.globals.includes(child.text))) return null;
  // One read where the module evaluates it (a default value, a decorator, an annotation) cannot become a parameter.
  const body = definition.childForFieldName('body');
  for (const identifier of target.descendantsOfType('identifier'))
    if (identifier && parameters.globals.includes(identifier.text) && isRead(identifier) && !within(identifier, body)) return null;
  const keywords = parameters.globals.map((global) => `${global}=${global}`).join(', ');
  const edits: Array<{ cell: number; edit: TextEdit }> = [];
  let needsFunctools = false;
  const root = target.parent!;
  for (const identifier of root.descendantsOfType('identifier')) {
    if (!identifier || identifier.text !== parameters.name || !isRead(identifier)) continue;
    const inside = statements.some(({ statement }) => within(identifier, statement));
    if (within(identifier, target)) continue;
    const scope = facts.scopes.scopeAt(identifier.startIndex);
    const resolved = resolveName(parameters.name, scope, facts.scopes.module);
    if (resolved?.scope !== facts.scopes.module) continue;
    if (inside) return null;
    for (const global of parameters.globals)
      if (resolveName(global, scope, facts.scopes.module)?.scope !== facts.scopes.module) return null;
    const parent = identifier.parent!;
    let edit: TextEdit;
    if (parent.type === 'call' && parent.childForFieldName('function')?.id === identifier.id) {
      const args = parent.childForFieldName('arguments');
      if (args?.type !== 'argument_list') return null;
      // `f(x, N=1)` already passes one: a second `N=` would not compile.
      const passed = args.namedChildren.map(
        (argument) => argument?.type === 'keyword_argument' && argument.childForFieldName('name')?.text,
      );
      if (passed.some((name) => name && parameters.globals.includes(name))) return null;
      const last = args.namedChildren[args.namedChildren.length - 1];
      // After the last argument, or just inside `(`.
      const start = last ? nodeRange(last).end : { ...nodeRange(args).start, character: nodeRange(args).start.character + 1 };
      edit = { range: { start, end: start }, newText: last ? `, ${keywords}` : keywords };
    } else {
      needsFunctools = true;
      edit = { range: nodeRange(identifier), newText: `functools.partial(${parameters.name}, ${keywords})` };
    }
    const placed = program.cellRange(edit.range);
    if (!placed) return null;
    edits.push({ cell: placed.cell, edit: { range: placed.range, newText: edit.newText } });
  }
  return { edits, needsFunctools };
}

/** The definition's text with `globals` added as keyword-only parameters (`def f(x, *, N)`); undefined when it cannot take them. */
function withKeywordParameters(text: string, statement: SyntaxNode, globals: readonly string[]): string | undefined {
  const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
  const parameters = definition?.childForFieldName('parameters');
  if (!parameters) return undefined;
  const children = parameters.namedChildren.filter((child): child is SyntaxNode => child !== null);
  const names = globals.join(', ');
  const hasStar = children.some((child) => child.type === 'list_splat_pattern' || child.type === 'keyword_separator');
  const doubleStar = children.find((child) => child.type === 'dictionary_splat_pattern');
  let at: number;
  let insert: string;
  if (doubleStar) {
    at = doubleStar.startIndex;
    insert = `${hasStar ? '' : '*, '}${names}, `;
  } else if (children.length > 0) {
    at = children[children.length - 1].endIndex;
    insert = `${hasStar ? '' : ', *'}, ${names}`;
  } else {
    at = parameters.startIndex + 1;
    insert = `*, ${names}`;
  }
  return (text.slice(statement.startIndex, at) + insert + text.slice(at, statement.endIndex)).trimEnd();
}

function within(node: SyntaxNode, outer: SyntaxNode | null): boolean {
  return outer !== null && outer.startIndex <= node.startIndex && node.endIndex <= outer.endIndex;
}

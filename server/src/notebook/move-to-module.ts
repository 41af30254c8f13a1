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
    if (globals.length > 0) return { kind: 'reads-globals', name, globals };
  }
  const statements = [...moved.values()].sort((a, b) => a.statement.startIndex - b.statement.startIndex);
  for (const { statement } of statements) if (!request.program.cellRange(nodeRange(statement))) return undefined;
  const definitions = statements.map(({ statement }) => request.program.text.slice(statement.startIndex, statement.endIndex).trimEnd());
  const cellEdits = new Map<number, TextEdit[]>();
  for (const { name, statement } of statements) {
    const placed = request.program.cellRange(nodeRange(statement))!;
    const edits = cellEdits.get(placed.cell) ?? [];
    edits.push({ range: placed.range, newText: `from ${request.moduleName} import ${name}` });
    cellEdits.set(placed.cell, edits);
  }
  return {
    kind: 'move',
    names: statements.map(({ name }) => name),
    moduleText: moduleText(request, imports, definitions),
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

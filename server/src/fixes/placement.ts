import type { SyntaxNode } from '../syntax/syntaxNode';
import { syntaxChildren } from '../syntax/queries';
import type { Range, TextEdit } from '../text/types';
import type { SourceLayout } from './layout';
import { statementUnits, type StatementUnit } from './units';

/** The node of one of `types` that spans exactly `range` (a range a rule put in a finding's data). */
export function nodeAtRange(root: SyntaxNode, range: Range, types: readonly string[]): SyntaxNode | undefined {
  const start = { row: range.start.line, column: range.start.character };
  const end = { row: range.end.line, column: range.end.character };
  for (let node: SyntaxNode | null = root.descendantForPosition(start, end); node; node = node.parent) {
    const exact =
      node.startPosition.row === start.row &&
      node.startPosition.column === start.column &&
      node.endPosition.row === end.row &&
      node.endPosition.column === end.column;
    if (exact && types.includes(node.type)) return node;
    if (node.startPosition.row < start.row || (node.startPosition.row === start.row && node.startPosition.column < start.column)) break;
  }
  return undefined;
}

/** The module-level statement that holds `node`. */
export function moduleStatementOf(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent && current.parent.type !== 'module') current = current.parent;
  return current;
}

/** Statement units of a module (its heading comments stay at the top of the file). */
export function moduleUnits(layout: SourceLayout, root: SyntaxNode): StatementUnit[] {
  return statementUnits(layout, syntaxChildren(root), Infinity);
}

/** Statement units of a block, whose first statement may take the comments between the header and it. */
export function blockUnits(layout: SourceLayout, block: SyntaxNode): StatementUnit[] {
  const owner = block.parent;
  const colon = owner?.children.filter((child) => child?.type === ':' && child.endIndex <= block.startIndex).pop();
  return statementUnits(layout, syntaxChildren(block), colon ? colon.endPosition.row + 1 : block.startPosition.row);
}

/** The unit of `units` that holds `statement`. */
export function unitOf(units: readonly StatementUnit[], statement: SyntaxNode): StatementUnit | undefined {
  return units.find((unit) => unit.statements.some((candidate) => candidate.id === statement.id));
}

/** Blank lines between top-level statements: two if the file uses two anywhere (PEP 8 around defs), else one. */
export function topLevelGap(layout: SourceLayout, units: readonly StatementUnit[]): number {
  for (let index = 1; index < units.length; index++) {
    let run = 0;
    for (let line = units[index - 1].lastLine + 1; line < units[index].firstLine; line++) {
      run = layout.isBlank(line) ? run + 1 : 0;
      if (run >= 2) return 2;
    }
  }
  return 1;
}

/**
 * Inserts a module-level definition (complete lines, each with its line break) above `before`, a
 * module-level unit, with the file's top-level spacing on both sides.
 */
export function insertAbove(
  layout: SourceLayout,
  moduleUnitList: readonly StatementUnit[],
  before: StatementUnit,
  definition: string,
): TextEdit {
  const gap = layout.eol.repeat(topLevelGap(layout, moduleUnitList));
  const index = moduleUnitList.indexOf(before);
  const previous = index > 0 ? moduleUnitList[index - 1] : undefined;
  const spaceAbove = previous !== undefined && !layout.isBlank(before.firstLine - 1) ? gap : '';
  const at = { line: before.firstLine, character: 0 };
  return { range: { start: at, end: at }, newText: spaceAbove + definition + gap };
}

/**
 * Removes a unit from its block with the blank lines after it (or, for the block's last unit, those
 * before it), so the code around closes up; a unit alone in its block leaves `pass` behind.
 */
export function removeFromBlock(layout: SourceLayout, units: readonly StatementUnit[], unit: StatementUnit): TextEdit {
  const index = units.indexOf(unit);
  const next = units[index + 1];
  const previous = units[index - 1];
  let first = unit.firstLine;
  let last = unit.lastLine;
  if (next) while (last + 1 < next.firstLine && layout.isBlank(last + 1)) last++;
  else if (previous) while (first - 1 > previous.lastLine && layout.isBlank(first - 1)) first--;
  const range = { start: { line: first, character: 0 }, end: endOfLine(layout, last) };
  const newText = next || previous ? '' : `${layout.indentation(unit.codeLine)}pass${layout.eol}`;
  return { range, newText };
}

/** The position after `line`'s line break (the start of the next line), or the end of the text. */
function endOfLine(layout: SourceLayout, line: number): { line: number; character: number } {
  if (line + 1 < layout.lineCount) return { line: line + 1, character: 0 };
  const last = layout.lines[line];
  return { line, character: last.end - last.start };
}

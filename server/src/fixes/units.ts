import type { SyntaxNode } from '../syntax/syntaxNode';
import type { SourceLayout } from './layout';

/**
 * A statement with the lines that travel with it when a fix moves it: the comments directly above it
 * (no blank line between), and, for a compound statement, comments after its body that are indented
 * deeper than it. Statements that share a line (`a = 1; b = 2`) form one unit.
 */
export interface StatementUnit {
  statements: SyntaxNode[];
  /** First line, its leading comments included. */
  firstLine: number;
  /** First line of the statement itself. */
  codeLine: number;
  /** Last line, trailing comments of its body included. */
  lastLine: number;
}

const COMPOUND = new Set([
  'if_statement',
  'for_statement',
  'while_statement',
  'try_statement',
  'with_statement',
  'match_statement',
  'function_definition',
  'class_definition',
  'decorated_definition',
]);

/**
 * Groups the statements of one block (or the module) into units. Comments above the first statement
 * are taken only from `firstCommentLine` on: pass the line after a block's header, or `Infinity` for a
 * module, whose leading comments (shebang, coding cookie, licence) stay at the top of the file.
 */
export function statementUnits(layout: SourceLayout, statements: readonly SyntaxNode[], firstCommentLine: number): StatementUnit[] {
  const units: StatementUnit[] = [];
  for (const statement of statements) {
    const previous = units[units.length - 1];
    if (previous && statement.startPosition.row <= lastRow(previous.statements[previous.statements.length - 1])) {
      previous.statements.push(statement);
      previous.lastLine = Math.max(previous.lastLine, trailingCommentsEnd(layout, statement));
      continue;
    }
    const codeLine = statement.startPosition.row;
    const floor = previous ? previous.lastLine + 1 : firstCommentLine;
    let firstLine = codeLine;
    while (firstLine - 1 >= floor && layout.isCommentOnly(firstLine - 1) && !layout.isCellMarker(firstLine - 1)) firstLine--;
    units.push({ statements: [statement], firstLine, codeLine, lastLine: trailingCommentsEnd(layout, statement) });
  }
  return units;
}

/** The unit whose statements contain `line`, if any (`units` in line order, as statementUnits() makes them). */
export function unitAtLine(units: readonly StatementUnit[], line: number): StatementUnit | undefined {
  // Binary search: a fix asks once per finding, and a long script can have a finding on every line.
  let low = 0;
  let high = units.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const unit = units[middle];
    if (line < unit.codeLine) high = middle - 1;
    else if (line > unit.lastLine) low = middle + 1;
    else return unit;
  }
  return undefined;
}

/** The last row holding the statement's own text. */
export function lastRow(statement: SyntaxNode): number {
  const end = statement.endPosition;
  return end.column === 0 && end.row > statement.startPosition.row ? end.row - 1 : end.row;
}

/**
 * The statement's last line, extended over the comments that close it: for a compound statement,
 * comments after its body indented deeper than it (blank lines between allowed); for any statement,
 * comments directly below it that close its block or the file (a dedent or the end of the file comes
 * next; a comment followed by a blank line may as well head what follows, so it stays put).
 */
function trailingCommentsEnd(layout: SourceLayout, statement: SyntaxNode): number {
  let last = lastRow(statement);
  const column = layout.indentation(statement.startPosition.row).length;
  if (COMPOUND.has(statement.type)) {
    for (let line = last + 1; line < layout.lineCount; line++) {
      if (layout.isBlank(line)) continue;
      if (!layout.isCommentOnly(line) || layout.indentation(line).length <= column) break;
      last = line;
    }
  }
  let line = last + 1;
  while (line < layout.lineCount && layout.isCommentOnly(line)) line++;
  if (line === last + 1) return last;
  const dedent = line < layout.lineCount && !layout.isBlank(line) && layout.indentation(line).length < column;
  return dedent || onlyBlankFrom(layout, line) ? line - 1 : last;
}

function onlyBlankFrom(layout: SourceLayout, line: number): boolean {
  for (; line < layout.lineCount; line++) if (!layout.isBlank(line)) return false;
  return true;
}

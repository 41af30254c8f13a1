import type { SyntaxNode } from '../syntax/syntaxNode';
import { dottedName, syntaxChildren, unparenthesize } from '../syntax/queries';
import type { SourceLayout } from './layout';
import { topLevelGap } from './placement';
import { lastRow, type StatementUnit } from './units';

/**
 * Where moved statements go in the guard's body:
 * - `in-order`: those that stood before the guard open its body, those after it close it, so they run
 *   in the order they did; the guard moves below the last statement that stays, if one follows it.
 * - `first`: all of them open the body (after `freeze_support()`), and the guard stays where it is.
 */
export type Placement = 'in-order' | 'first';

export interface GuardRewrite {
  layout: SourceLayout;
  root: SyntaxNode;
  /** The module's statement units, in order. */
  units: readonly StatementUnit[];
  /** Units that move into the guard. */
  moved: ReadonlySet<StatementUnit>;
  /** The existing module-level `if <main guard>:` to merge into; a new guard is added when absent. */
  guard?: { unit: StatementUnit; statement: SyntaxNode; body: SyntaxNode };
  placement: Placement;
}

/** A run of lines that travels as one piece: a statement unit, or comments standing on their own. */
interface Item {
  first: number;
  last: number;
  unit?: StatementUnit;
}

/**
 * Writes the module with the `moved` units inside the main guard: kept code stays where it was,
 * blank-line runs around removed code collapse into one, moved code is re-indented the way the file
 * indents (multi-line strings untouched) and keeps its comments and its line breaks.
 */
export function writeModuleWithGuard(rewrite: GuardRewrite): string {
  const { layout, units, moved, guard } = rewrite;
  const items = moduleItems(layout, units);
  const gapBefore = (index: number): number => items[index].first - (index > 0 ? items[index - 1].last + 1 : 0);
  const relocate = rewrite.placement === 'in-order' && guard !== undefined && guardMustMove(units, moved, guard.unit);

  const chunks: string[] = [];
  let lastEmitted: Item | undefined;
  let dropped = false;
  let pendingGap = 0;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const isGuard = guard !== undefined && item.unit === guard.unit;
    if ((item.unit && moved.has(item.unit)) || (isGuard && relocate)) {
      pendingGap = Math.max(pendingGap, gapBefore(index));
      dropped = true;
      continue;
    }
    // Where code was removed, the blank lines on its two sides become one run, the longer of them.
    const gap = !dropped ? gapBefore(index) : lastEmitted ? Math.max(pendingGap, gapBefore(index)) : 0;
    chunks.push(layout.eol.repeat(gap), isGuard ? guardText(rewrite) : layout.verbatim(item.first, item.last));
    lastEmitted = item;
    dropped = false;
    pendingGap = 0;
  }
  if (!guard || relocate) {
    // Below code, the file's spacing between top-level statements; below a comment standing on its
    // own (`# --- script ---`), the spacing it had from the code it announced.
    const gap = !lastEmitted ? 0 : lastEmitted.unit ? topLevelGap(layout, units) : Math.max(1, pendingGap);
    chunks.push(layout.eol.repeat(gap), guardText(rewrite));
  }

  const lastItem = items[items.length - 1];
  const trailingBlankLines = lastItem ? realLineCount(layout) - 1 - lastItem.last : 0;
  const text = chunks.join('') + layout.eol.repeat(Math.max(0, trailingBlankLines));
  return layout.endsWithLineBreak ? text : text.replace(/(?:\r\n|\r|\n)$/, '');
}

/**
 * With in-order placement, the guard moves below the last statement that stays at module level when
 * one follows it: code moved into it may use what that statement defines.
 */
export function guardMustMove(units: readonly StatementUnit[], moved: ReadonlySet<StatementUnit>, guardUnit: StatementUnit): boolean {
  return units.some((unit) => unit.codeLine > guardUnit.lastLine && !moved.has(unit));
}

/** `freeze_support()` / `multiprocessing.freeze_support()` as a statement: it must open the guard's body. */
export function isFreezeSupportCall(statement: SyntaxNode): boolean {
  if (statement.type !== 'expression_statement') return false;
  const [expression] = syntaxChildren(statement);
  if (!expression || expression.type !== 'call') return false;
  const callee = expression.childForFieldName('function');
  const name = callee ? dottedName(unparenthesize(callee)) : undefined;
  return name === 'freeze_support' || (name?.endsWith('.freeze_support') ?? false);
}

function realLineCount(layout: SourceLayout): number {
  return layout.endsWithLineBreak ? layout.lineCount - 1 : layout.lineCount;
}

/** Units and free-standing comment blocks, in line order; blank lines are what lies between them. */
function moduleItems(layout: SourceLayout, units: readonly StatementUnit[]): Item[] {
  const items: Item[] = [];
  let unitIndex = 0;
  let line = 0;
  const total = realLineCount(layout);
  while (line < total) {
    const unit = units[unitIndex];
    if (unit && line === unit.firstLine) {
      items.push({ first: unit.firstLine, last: unit.lastLine, unit });
      line = unit.lastLine + 1;
      unitIndex++;
      continue;
    }
    if (layout.isBlank(line)) {
      line++;
      continue;
    }
    const first = line;
    while (line + 1 < total && !layout.isBlank(line + 1) && line + 1 !== unit?.firstLine) line++;
    items.push({ first, last: line });
    line++;
  }
  return items;
}

function hasBlankLineBetween(layout: SourceLayout, afterLine: number, beforeLine: number): boolean {
  for (let line = afterLine + 1; line < beforeLine; line++) if (layout.isBlank(line)) return true;
  return false;
}

/** Moved units, indented as the guard body, separated by one blank line where they had any. */
function movedText(layout: SourceLayout, units: readonly StatementUnit[], indent: string): string {
  let text = '';
  units.forEach((unit, index) => {
    if (index > 0 && hasBlankLineBetween(layout, units[index - 1].lastLine, unit.firstLine)) text += layout.eol;
    text += layout.reindent(unit.firstLine, unit.lastLine, 0, indent);
  });
  return text;
}

function guardText(rewrite: GuardRewrite): string {
  const { layout, units, moved, guard, placement } = rewrite;
  const movedUnits = units.filter((unit) => moved.has(unit));
  if (!guard) return guardHeader(rewrite.root, layout.eol) + movedText(layout, movedUnits, layout.indentUnit);
  const before = placement === 'first' ? movedUnits : movedUnits.filter((unit) => unit.lastLine < guard.unit.firstLine);
  const after = placement === 'first' ? [] : movedUnits.filter((unit) => unit.firstLine > guard.unit.lastLine);
  const parts = guardParts(layout, guard);
  let text = parts.header + parts.freezeSupport;
  if (before.length > 0) {
    text += movedText(layout, before, parts.indent);
    const separate = placement === 'in-order' && hasBlankLineBetween(layout, before[before.length - 1].lastLine, guard.unit.firstLine);
    if (separate) text += layout.eol;
  }
  text += parts.body;
  if (after.length > 0) {
    if (hasBlankLineBetween(layout, guard.unit.lastLine, after[0].firstLine)) text += layout.eol;
    text += movedText(layout, after, parts.indent);
  }
  return text + parts.trailingBlankLines + parts.alternative;
}

interface GuardParts {
  /** Leading comments and the `if …:` line(s). */
  header: string;
  /** A `freeze_support()` call that opens the body: it must stay first. */
  freezeSupport: string;
  /** The rest of the body. */
  body: string;
  /** Blank lines between the body and an `else:`/`elif`. */
  trailingBlankLines: string;
  /** `elif …:` / `else:` clauses, verbatim. */
  alternative: string;
  /** Indentation of the body's statements. */
  indent: string;
}

/** Splits an existing guard into the pieces moved code is inserted between. */
function guardParts(layout: SourceLayout, guard: NonNullable<GuardRewrite['guard']>): GuardParts {
  const { unit, statement, body } = guard;
  const colon = statement.children.find((child) => child?.type === ':')!;
  const headerEnd = colon.endPosition.row;
  const alternative = statement.childrenForFieldName('alternative').find((clause) => clause !== null) ?? null;
  const bodyEnd = alternative ? alternative.startPosition.row - 1 : unit.lastLine;
  const alternativeText = alternative ? layout.verbatim(alternative.startPosition.row, unit.lastLine) : '';

  if (body.startPosition.row === headerEnd) {
    // `if __name__ == "__main__": main()`: the body becomes an indented block of its own.
    const headerLine = layout.content(headerEnd);
    const header = layout.verbatim(unit.firstLine, headerEnd - 1) + headerLine.slice(0, colon.endPosition.column) + layout.eol;
    const bodyLine = layout.indentUnit + headerLine.slice(body.startPosition.column).trimStart() + layout.terminator(headerEnd);
    return {
      header,
      freezeSupport: '',
      body: bodyLine + layout.verbatim(headerEnd + 1, bodyEnd),
      trailingBlankLines: '',
      alternative: alternativeText,
      indent: layout.indentUnit,
    };
  }

  let lastBodyLine = bodyEnd;
  while (lastBodyLine > headerEnd && layout.isBlank(lastBodyLine)) lastBodyLine--;
  const [first] = syntaxChildren(body);
  const freezeEnd = first && isFreezeSupportCall(first) ? lastRow(first) : headerEnd;
  return {
    header: layout.verbatim(unit.firstLine, headerEnd),
    freezeSupport: layout.verbatim(headerEnd + 1, freezeEnd),
    body: layout.verbatim(freezeEnd + 1, lastBodyLine),
    trailingBlankLines: layout.eol.repeat(bodyEnd - lastBodyLine),
    alternative: alternativeText,
    indent: layout.indentation(body.startPosition.row),
  };
}

/** `if __name__ == "__main__":` and a line break, quoted the way the file quotes most of its strings. */
export function guardHeader(root: SyntaxNode, eol: string): string {
  const quote = preferredQuote(root);
  return `if __name__ == ${quote}__main__${quote}:${eol}`;
}

/** `'` when the file writes most of its strings with single quotes, else `"`. */
export function preferredQuote(root: SyntaxNode): string {
  let single = 0;
  let double = 0;
  for (const start of root.descendantsOfType('string_start')) {
    const quote = start?.text.replace(/^[a-zA-Z]*/, '')[0];
    if (quote === "'") single++;
    else if (quote === '"') double++;
  }
  return single > double ? "'" : '"';
}

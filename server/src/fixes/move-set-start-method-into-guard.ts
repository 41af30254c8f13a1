/**
 * "Move set_start_method into the guard" (SPG006): the call runs at import time, so again in every
 * spawned child, where the start method is already set. The module-level statement that makes the call
 * (the call itself, or an `if` around it) becomes the first statement of the main guard, after
 * `freeze_support()` if that opens it. Without a guard, the statement is wrapped in a new guard where
 * it stands, so it still runs before the code that follows it.
 *
 * `safe` when nothing that runs between the call's old and new places is script code (which could
 * start processes or read the start method); `unsafe` otherwise.
 */
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Analysis } from '../engine/analyze';
import type { TextEdit } from '../text/types';
import { editsBetween } from './edits';
import type { FixProvider } from './fix';
import { guardHeader, writeModuleWithGuard } from './guard-writer';
import { SourceLayout } from './layout';
import { moduleStatementOf, moduleUnits, nodeAtRange, unitOf } from './placement';
import { inertGuardIds, isInert } from './script-code';
import type { StatementUnit } from './units';

export const moveSetStartMethodIntoGuardFix: FixProvider = {
  id: 'move-set-start-method-into-guard',
  codes: ['SPG006'],
  provide({ analysis }, finding) {
    const root = analysis.tree.rootNode;
    const call = nodeAtRange(root, finding.range, ['call']);
    if (!call) return null;
    const statement = moduleStatementOf(call);
    if (!makesOnlyThisCall(statement, call)) return null;
    const layout = new SourceLayout(analysis.text, root);
    const units = moduleUnits(layout, root);
    const unit = unitOf(units, statement);
    if (!unit || unit.statements.length !== 1) return null;

    const { mainGuard } = analysis.facts;
    const guardUnit = mainGuard ? unitOf(units, mainGuard.node) : undefined;
    const title = `Move \`${callText(call)}\` into the \`__main__\` guard`;
    if (!mainGuard?.body || !guardUnit) {
      return { title, applicability: 'safe', edits: [wrapInPlace(layout, root, unit)] };
    }
    const text = writeModuleWithGuard({
      layout,
      root,
      units,
      moved: new Set([unit]),
      guard: { unit: guardUnit, statement: mainGuard.node, body: mainGuard.body },
      placement: 'first',
    });
    return {
      title,
      applicability: scriptCodeBetween(analysis, units, unit, guardUnit) ? 'unsafe' : 'safe',
      edits: editsBetween(analysis.text, text),
    };
  },
};

/**
 * The statement makes this call and nothing else: it is the call's expression statement, or an
 * `if`/`try`/`with` whose only expression statement is the call's (so moving it moves nothing more).
 */
function makesOnlyThisCall(statement: SyntaxNode, call: SyntaxNode): boolean {
  if (['function_definition', 'class_definition', 'decorated_definition'].includes(statement.type)) return false;
  const expressionStatements =
    statement.type === 'expression_statement' ? [statement] : statement.descendantsOfType('expression_statement');
  return expressionStatements.length === 1 && expressionStatements[0]!.id === call.parent?.id;
}

/** `if __name__ == "__main__":` above the statement, which is indented under it. */
function wrapInPlace(layout: SourceLayout, root: SyntaxNode, unit: StatementUnit): TextEdit {
  const atEnd = unit.lastLine + 1 >= layout.lineCount;
  let newText = guardHeader(root, layout.eol) + layout.reindent(unit.codeLine, unit.lastLine, 0, layout.indentUnit);
  if (atEnd) newText = newText.slice(0, newText.length - layout.eol.length);
  const start = { line: unit.codeLine, character: 0 };
  const end = atEnd ? { line: unit.lastLine, character: layout.content(unit.lastLine).length } : { line: unit.lastLine + 1, character: 0 };
  return { range: { start, end }, newText };
}

/** Script code runs between the call's place and the guard's body (before it, or the body itself if the call came after the guard). */
function scriptCodeBetween(analysis: Analysis, units: readonly StatementUnit[], unit: StatementUnit, guardUnit: StatementUnit): boolean {
  if (unit.codeLine > guardUnit.lastLine) return true;
  const inertGuards = inertGuardIds(analysis.facts);
  return units.some(
    (other) =>
      other.codeLine > unit.lastLine &&
      other.lastLine < guardUnit.codeLine &&
      !other.statements.every((statement) => isInert(statement, inertGuards)),
  );
}

function callText(call: SyntaxNode): string {
  const callee = call.childForFieldName('function');
  return `${callee?.text ?? 'set_start_method'}(…)`;
}

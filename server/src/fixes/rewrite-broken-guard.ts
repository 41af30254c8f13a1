/**
 * "Rewrite the guard" (SPG007): the broken part of the condition becomes `__name__ == "__main__"` (in an
 * early return `__name__ != "__main__"`, in a `match __name__:` the case pattern `"__main__"`). Other
 * conditions joined with `and` stay. A guard read through a variable, or whose condition binds a name
 * with `:=`, is not offered the fix.
 *
 * `safe` when the guarded code ran in the parent before (always, or also in children): under fork the
 * parent is the only process that ran it, so the output stays the same. `unsafe` for a never-true guard:
 * its code starts running.
 */
import type { SyntaxNode } from '../syntax/syntaxNode';

import { nodeRange, sameRange } from '../syntax/ranges';
import type { FixProvider } from './fix';
import { preferredQuote } from './guard-writer';

export const rewriteBrokenGuardFix: FixProvider = {
  id: 'rewrite-broken-guard',
  codes: ['SPG007'],
  provide({ analysis }, finding) {
    const guard = analysis.facts.guards.find((candidate) => sameRange(nodeRange(candidate.condition), finding.range));
    if (!guard || guard.verdict === 'correct' || guard.form === 'variable') return null;
    if (guard.condition.descendantsOfType('named_expression').length > 0) return null;
    const quote = preferredQuote(analysis.tree.rootNode);
    const main = `${quote}__main__${quote}`;
    const target = guard.form === 'match' ? guard.condition : brokenPart(guard.condition);
    const newText = guard.form === 'match' ? main : guard.form === 'early-return' ? `__name__ != ${main}` : `__name__ == ${main}`;
    return {
      title: `Rewrite the guard as \`${guard.form === 'match' ? `case ${newText}` : newText}\``,
      applicability: guard.verdict === 'never' ? 'unsafe' : 'safe',
      edits: [{ range: nodeRange(target), newText }],
    };
  },
};

/** The operand of an `and` chain that tests `__name__`, when only one does (`__name__ in (…) and args.run`). */
function brokenPart(condition: SyntaxNode): SyntaxNode {
  let node = condition;
  for (;;) {
    const inner = node.type === 'parenthesized_expression' ? node.namedChildren[0] : node;
    if (!inner || inner.type !== 'boolean_operator' || inner.childForFieldName('operator')?.type !== 'and') return node;
    const operands = [inner.childForFieldName('left'), inner.childForFieldName('right')].filter(
      (operand): operand is SyntaxNode => operand !== null && operand.text.includes('__name__'),
    );
    if (operands.length !== 1) return node;
    node = operands[0];
  }
}

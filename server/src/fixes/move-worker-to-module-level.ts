/**
 * "Move worker to module level" (SPG003): a function or class sent to a child is defined inside the
 * main guard, where a spawned child (which skips the guard) cannot find it. The definition moves, with
 * its decorators and comments, above the module-level statement that holds the guard, dedented.
 *
 * `safe` when the definition then means what it meant: it reads no name the guard assigns (a child
 * would find such a name unbound, or with its import-time value), it was not defined conditionally
 * inside the guard, and no other module-level binding has its name. Otherwise `unsafe`.
 */
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts } from '../model/facts';
import { contains } from '../syntax/queries';
import type { Range } from '../text/types';
import type { FixProvider } from './fix';
import { SourceLayout } from './layout';
import { freeNames } from './names';
import { blockUnits, insertAbove, moduleStatementOf, moduleUnits, nodeAtRange, removeFromBlock, unitOf } from './placement';

const DEFINITIONS = ['decorated_definition', 'function_definition', 'class_definition'];

export const moveWorkerToModuleLevelFix: FixProvider = {
  id: 'move-worker-to-module-level',
  codes: ['SPG003'],
  provide({ analysis }, finding) {
    const data = finding.data as { workerName?: string; definitionRange?: Range } | undefined;
    if (!data?.workerName || !data.definitionRange) return null;
    const { facts, tree } = analysis;
    const root = tree.rootNode;
    const found = nodeAtRange(root, data.definitionRange, DEFINITIONS);
    if (!found) return null;
    const definition = found.parent?.type === 'decorated_definition' ? found.parent : found;
    const guard = facts.guardOf(definition);
    const block = definition.parent;
    if (!guard || guard.verdict !== 'correct' || block?.type !== 'block' || insideFunction(definition)) return null;

    const layout = new SourceLayout(analysis.text, root);
    const units = blockUnits(layout, block);
    const unit = unitOf(units, definition);
    const topUnits = moduleUnits(layout, root);
    const holder = unitOf(topUnits, moduleStatementOf(definition));
    if (!unit || !holder || unit.statements.length !== 1) return null;

    const indent = layout.indentation(unit.codeLine).length;
    const moved = layout.reindent(unit.firstLine, unit.lastLine, indent, '');
    const conditional = guard.body === null || block.id !== guard.body.id;
    const safe =
      !conditional && !readsGuardAssignments(facts, definition, guard.guarded) && !nameTakenElsewhere(facts, data.workerName, definition);
    return {
      title: `Move \`${data.workerName}\` to module level`,
      applicability: safe ? 'safe' : 'unsafe',
      edits: [insertAbove(layout, topUnits, holder, moved), removeFromBlock(layout, units, unit)],
    };
  },
};

function insideFunction(node: SyntaxNode): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'lambda' || current.type === 'class_definition') return true;
  }
  return false;
}

/** The definition reads a module name that some statement under the guard assigns. */
function readsGuardAssignments(facts: ModuleFacts, definition: SyntaxNode, guarded: readonly SyntaxNode[]): boolean {
  const inGuard = (node: SyntaxNode) => guarded.some((region) => contains(region, node));
  for (const name of freeNames(definition, facts.scopes)) {
    const bindings = facts.moduleBindings.get(name) ?? [];
    if (bindings.some((binding) => inGuard(binding.statement) && !contains(definition, binding.statement))) return true;
  }
  return false;
}

/** Another module-level binding of the same name: moving the definition would change which one wins. */
function nameTakenElsewhere(facts: ModuleFacts, name: string, definition: SyntaxNode): boolean {
  const own = definition.type === 'decorated_definition' ? definition.childForFieldName('definition') : definition;
  return (facts.moduleBindings.get(name) ?? []).some(
    (binding) => binding.statement.id !== own?.id && binding.statement.id !== definition.id,
  );
}

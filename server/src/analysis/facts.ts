import type { Node } from 'web-tree-sitter';
import { collectScopeBindings, type Binding } from './bindings';
import { findGuards, findGuardVariables, GuardJudge, type Guard } from './guards';
import { syntaxChildren } from './syntax';

export type { Guard, GuardVerdict } from './guards';

/**
 * What the rules need to know about one module: which names are multiprocessing objects, which
 * statements run at import time, where the guard is, which functions start processes, which callables
 * are sent to children. Built once per analysis from the tree.
 */
export interface ModuleFacts {
  text: string;
  root: Node;
  /** Every main-module guard in the file, correct or broken, in document order. */
  guards: Guard[];
  /** The module-level `if <correct guard>:` statement fixes merge into (first one), if any. */
  mainGuard: Guard | undefined;
  /** Module-level bindings by name, in document order (import time, guarded, or through `global`). */
  moduleBindings: ReadonlyMap<string, readonly Binding[]>;
  /**
   * True when `node` runs while the module is imported, hence again in every spawned child: module level,
   * module-level compound statements, class bodies, default values and decorators, and the else branch
   * of a guard; not inside functions or lambdas, and not under a correct (or never-true) guard.
   */
  isImportTime(node: Node): boolean;
  /** The correct or never-true guard whose region holds `node`, if any. */
  guardOf(node: Node): Guard | undefined;
}

export function buildModuleFacts(root: Node, text: string): ModuleFacts {
  const moduleBindings = collectModuleBindings(root);
  const variables = findGuardVariables(moduleBindings);
  const guards = findGuards(root, new GuardJudge(variables), variables);
  const regions = guardRegions(guards);

  const guardOf = (node: Node): Guard | undefined => {
    for (let current: Node | null = node; current; current = current.parent) {
      const guard = regions.get(current.id);
      if (guard) return guard;
    }
    return undefined;
  };

  const isImportTime = (node: Node): boolean => {
    let child: Node | null = null;
    for (let current: Node | null = node; current; child = current, current = current.parent) {
      if (regions.has(current.id)) return false;
      if (child && (current.type === 'function_definition' || current.type === 'lambda')) {
        const body = current.childForFieldName('body');
        if (body && body.id === child.id) return false;
      }
    }
    return true;
  };

  return {
    text,
    root,
    guards,
    mainGuard: guards.find((guard) => guard.form !== 'early-return' && guard.form !== 'conditional-expression' && guard.verdict === 'correct' && guard.exact && guard.node.type === 'if_statement' && guard.node.parent?.type === 'module' && guard.body?.id === guard.node.childForFieldName('consequence')?.id),
    moduleBindings,
    isImportTime,
    guardOf,
  };
}

/** Regions (by node id) whose code does not run on import: correct guards, and never-true ones. */
function guardRegions(guards: readonly Guard[]): Map<number, Guard> {
  const regions = new Map<number, Guard>();
  for (const guard of guards) {
    if (guard.verdict !== 'correct' && guard.verdict !== 'never') continue;
    for (const node of guard.guarded) regions.set(node.id, guard);
  }
  return regions;
}

function collectModuleBindings(root: Node): Map<string, Binding[]> {
  const bindings = new Map<string, Binding[]>();
  collectScopeBindings(syntaxChildren(root), (binding) => {
    const list = bindings.get(binding.name);
    if (list) list.push(binding);
    else bindings.set(binding.name, [binding]);
  });
  return bindings;
}

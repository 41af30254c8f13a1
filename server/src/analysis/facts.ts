import type { Node } from 'web-tree-sitter';

/**
 * What the rules need to know about one module: which names are multiprocessing objects, which
 * statements run at import time, where the guard is, which functions start processes, which callables
 * are sent to children. Built once per analysis from the tree.
 */
export interface ModuleFacts {
  text: string;
  root: Node;
}

export function buildModuleFacts(root: Node, text: string): ModuleFacts {
  return { text, root };
}

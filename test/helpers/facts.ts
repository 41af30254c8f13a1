import * as assert from 'node:assert/strict';
import type { Tree } from 'web-tree-sitter';
import type { SyntaxNode as Node } from '../../server/src/syntax/syntaxNode';
import { buildModuleFacts, type ModuleFacts } from '../../server/src/model/facts';
import { sharedParser } from './parser';

/** Parses `text` with the real grammar, builds its facts, runs `body`, and frees the tree. */
export async function withFacts<T>(text: string, body: (facts: ModuleFacts, tree: Tree) => T): Promise<T> {
  const tree = (await sharedParser()).parse(text);
  try {
    return body(buildModuleFacts(tree.rootNode, text), tree);
  } finally {
    tree.delete();
  }
}

/** The innermost node whose text is exactly `snippet`, at its `occurrence`-th place in `text` (0-based). */
export function nodeAt(root: Node, text: string, snippet: string, occurrence = 0): Node {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(snippet, index + 1);
    assert.ok(index >= 0, `snippet not found: ${snippet} (#${occurrence})`);
  }
  let node = root.descendantForIndex(index, index + snippet.length);
  assert.ok(node, `no node for ${snippet}`);
  while (node.text !== snippet && node.parent) node = node.parent;
  assert.equal(node.text, snippet, `no node spans exactly ${snippet}`);
  return node;
}

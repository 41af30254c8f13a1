import type { SyntaxNode } from '../syntax/syntaxNode';

/** `if TYPE_CHECKING:` or `if <module>.TYPE_CHECKING:` at the start of a line. */
const TYPE_CHECKING_IF = /^[ \t]*if[ \t]+(?:[A-Za-z_][A-Za-z0-9_]*[ \t]*\.[ \t]*)?TYPE_CHECKING[ \t]*:/gm;

/** An offset range of the source. */
export interface OffsetRange {
  start: number;
  end: number;
}

/**
 * The blocks under `if TYPE_CHECKING:` (`typing.TYPE_CHECKING` is False at run time: only type checkers
 * read them), so code there never runs, in the parent or in a child. Their `else` branches do run.
 */
export function typeCheckingBlocks(root: SyntaxNode, text: string): OffsetRange[] {
  if (!text.includes('TYPE_CHECKING')) return [];
  const blocks: OffsetRange[] = [];
  for (const match of text.matchAll(TYPE_CHECKING_IF)) {
    const offset = (match.index ?? 0) + match[0].indexOf('if');
    const statement = root.descendantForIndex(offset, offset + 2)?.parent;
    if (statement?.type !== 'if_statement' || statement.startIndex !== offset) continue;
    const condition = statement.childForFieldName('condition');
    const text = condition?.text.replace(/\s+/g, '');
    if (!text || !/^(?:[A-Za-z_]\w*\.)?TYPE_CHECKING$/.test(text)) continue;
    const block = statement.childForFieldName('consequence');
    if (block) blocks.push({ start: block.startIndex, end: block.endIndex });
  }
  return blocks;
}

/** Whether a node lies in code that never runs (under `if TYPE_CHECKING:`). */
export function codeThatNeverRuns(root: SyntaxNode, text: string): (node: SyntaxNode) => boolean {
  const blocks = typeCheckingBlocks(root, text);
  return (node) => blocks.length > 0 && blocks.some((block) => block.start <= node.startIndex && node.startIndex < block.end);
}

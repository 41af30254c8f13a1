import { PythonParser } from '../../server/src/syntax/parser';

/**
 * A real parser that counts the trees it made that are not yet deleted, independently of the code under
 * test's own bookkeeping: the wasm heap grows with the most trees alive at once, and never shrinks.
 */
export interface CountingParser {
  parser: PythonParser;
  /** Trees made and not yet deleted. */
  live(): number;
  /** The most trees alive at once so far. */
  peak(): number;
  /** Trees made so far (every parse, fresh or incremental). */
  parses(): number;
}

export async function countingParser(): Promise<CountingParser> {
  const parser = await PythonParser.create();
  let live = 0;
  let peak = 0;
  let parses = 0;
  const parse = parser.parse.bind(parser);
  parser.parse = (text, oldTree) => {
    const tree = parse(text, oldTree);
    parses++;
    peak = Math.max(peak, ++live);
    const deleteTree = tree.delete.bind(tree);
    let deleted = false;
    tree.delete = () => {
      // A second delete would free wasm memory that may belong to another tree by now.
      if (deleted) throw new Error('tree deleted twice');
      deleted = true;
      live--;
      deleteTree();
    };
    return tree;
  };
  return { parser, live: () => live, peak: () => peak, parses: () => parses };
}

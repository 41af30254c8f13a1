/**
 * "Replace the generator with a list" (SPG012): a generator cannot be pickled for a child. A generator
 * expression sent as an argument becomes the list comprehension with the same clauses; a call of a
 * generator function sent as an argument becomes `list(<call>)`. A generator made elsewhere (through a
 * name) is not offered the fix: it may be used again after the call.
 *
 * `safe`: the generator never reached the child before (under spawn the start failed), and the child
 * now gets the same items it would have read.
 */
import type { FixProvider } from './fix';
import { nodeAtRange } from './placement';
import { sameRange } from '../syntax/ranges';
import type { Range } from '../text/types';

interface UnpicklableData {
  kind?: string;
  originRange?: Range;
}

export const replaceGeneratorWithListFix: FixProvider = {
  id: 'replace-generator-with-list',
  codes: ['SPG012'],
  provide({ analysis }, finding) {
    const data = finding.data as UnpicklableData | undefined;
    if (data?.kind !== 'generator' || !data.originRange || !sameRange(data.originRange, finding.range)) return null;
    const root = analysis.tree.rootNode;
    const expression = nodeAtRange(root, finding.range, ['generator_expression']);
    if (expression) {
      // `f(x for x in y)`: the call's own parentheses; not an argument of a pickling call.
      if (expression.parent?.type === 'call' || !expression.text.startsWith('(') || !expression.text.endsWith(')')) return null;
      return {
        title: 'Replace the generator with a list',
        applicability: 'safe',
        edits: [{ range: finding.range, newText: `[${expression.text.slice(1, -1)}]` }],
      };
    }
    const call = nodeAtRange(root, finding.range, ['call']);
    if (!call) return null;
    return {
      title: 'Replace the generator with a list',
      applicability: 'safe',
      edits: [{ range: finding.range, newText: `list(${call.text})` }],
    };
  },
};

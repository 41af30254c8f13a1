import { analyze, type Analysis } from '../../server/src/engine/analyze';
import type { PythonParser } from '../../server/src/syntax/parser';
import type { Fix } from '../../server/src/fixes/types';
import { fixesFor } from '../../server/src/fixes/registry';

/** Parses and analyses `text`, hands the analysis to `use`, and frees the tree afterwards. */
export function withAnalysis<T>(parser: PythonParser, text: string, use: (analysis: Analysis) => T): T {
  const tree = parser.parse(text);
  try {
    return use(analyze({ text, tree }));
  } finally {
    tree.delete();
  }
}

/** Every fix with `fixId` offered for any finding of `text`, in finding order. */
export function offeredFixes(parser: PythonParser, text: string, fixId: string): Fix[] {
  return withAnalysis(parser, text, (analysis) =>
    analysis.findings.flatMap((finding) => fixesFor(analysis, finding, parser).filter((fix) => fix.id === fixId)),
  );
}

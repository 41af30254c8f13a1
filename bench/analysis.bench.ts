import { performance } from 'node:perf_hooks';
import { analyze } from '../server/src/analysis/analyze';
import { PythonParser } from '../server/src/analysis/parser';
import { realisticProgram } from '../test/helpers/realistic-python';
import { loadNote, median, milliseconds, percentile, table, verdict, type BenchContext, type Section } from './editor-measure';

/**
 * The analysis core on large files: `analyze()` of an already parsed realistic program, warm, against
 * a full parse of the same text measured in the same run (the ratio is what compares across machines).
 * The target is the issue's: analysis of the 5,000-section file within 10 ms.
 */

const SIZES = [1000, 5000];
const WARM_UP = 10;
const RUNS = 40;
const PARSES = 10;
const TARGET_MS = 10;

/** Typed into the middle of a function body character by character: most prefixes leave the file broken. */
const HALF_TYPED = '    scaled = record.total() * SCALE  # adjust the total';

/** The 5,000-section program with the first k characters of HALF_TYPED on a new line atop a transform body in the middle, for every k. */
function halfTypedPrograms(): string[] {
  const text = realisticProgram(5000);
  const middle = Math.floor(text.split('def transform_').length / 2);
  const anchor = `def transform_${middle}(record):\n`;
  const at = text.indexOf(anchor) + anchor.length;
  return Array.from({ length: HALF_TYPED.length }, (_, k) => text.slice(0, at) + HALF_TYPED.slice(0, k + 1) + '\n' + text.slice(at));
}

export async function run(_context: BenchContext): Promise<Section[]> {
  const parser = await PythonParser.create();
  const rows: string[][] = [];
  const cases: { texts: string[]; label: string; target: boolean; brokenOnly?: boolean }[] = [
    ...SIZES.map((size) => ({ texts: [realisticProgram(size)], label: '', target: size === 5000 })),
    { texts: halfTypedPrograms(), label: ', half-typed statement (every prefix)', target: true },
    { texts: halfTypedPrograms(), label: ', half-typed statement (the prefixes that leave a syntax error)', target: true, brokenOnly: true },
  ];
  for (const { texts: all, label, target, brokenOnly } of cases) {
    const parsed = all.map((text) => ({ text, tree: parser.parse(text) }));
    const kept = brokenOnly ? parsed.filter(({ tree }) => tree.rootNode.hasError) : parsed;
    for (const { tree } of parsed) if (!kept.some((entry) => entry.tree === tree)) tree.delete();
    const texts = kept.map(({ text }) => text);
    const trees = kept.map(({ tree }) => tree);
    try {
      for (let i = 0; i < Math.max(WARM_UP, texts.length); i++) analyze({ text: texts[i % texts.length], tree: trees[i % texts.length] });
      // Interleaved so that a change of machine load hits both series alike.
      const analyses: number[] = [];
      const parses: number[] = [];
      const runs = Math.max(RUNS, texts.length);
      for (let i = 0; i < runs; i++) {
        const text = texts[i % texts.length];
        let start = performance.now();
        analyze({ text, tree: trees[i % texts.length] });
        analyses.push(performance.now() - start);
        if (i % Math.floor(runs / PARSES) === 0) {
          start = performance.now();
          parser.parse(text).delete();
          parses.push(performance.now() - start);
        }
      }
      const analysis = median(analyses);
      const parse = median(parses);
      const lines = texts[0].split('\n').length;
      const broken = trees.filter((tree) => tree.rootNode.hasError).length;
      console.log(`${lines} lines${label}: analysis median ${milliseconds(analysis)}, full parse median ${milliseconds(parse)}`);
      rows.push([
        `${lines.toLocaleString('en-US')} lines (${trees[0].rootNode.descendantCount.toLocaleString('en-US')} nodes)${label}${texts.length > 1 ? `: ${texts.length} files, ${broken} with errors` : ''}`,
        milliseconds(analysis),
        milliseconds(percentile(analyses, 95)),
        milliseconds(parse),
        (analysis / parse).toFixed(2),
        target ? verdict(analysis, TARGET_MS) : '',
      ]);
    } finally {
      for (const tree of trees) tree.delete();
    }
  }
  return [
    {
      title: 'Analysis core: analyze() of a parsed realistic program, warm, against a full parse',
      markdown: [
        table(['File', 'Analysis median', 'Analysis p95', 'Full parse median', 'Analysis / parse', `Target ${TARGET_MS} ms`], rows),
        '',
        `${RUNS} analyses of one tree after ${WARM_UP} warm-up runs (half-typed: one analysis of each file in turn, at least ${RUNS}), ${PARSES} full parses interleaved. ${loadNote()}`,
      ].join('\n'),
    },
  ];
}

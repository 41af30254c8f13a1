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

export async function run(_context: BenchContext): Promise<Section[]> {
  const parser = await PythonParser.create();
  const rows: string[][] = [];
  for (const size of SIZES) {
    const text = realisticProgram(size);
    const tree = parser.parse(text);
    try {
      for (let i = 0; i < WARM_UP; i++) analyze({ text, tree });
      // Interleaved so that a change of machine load hits both series alike.
      const analyses: number[] = [];
      const parses: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let start = performance.now();
        analyze({ text, tree });
        analyses.push(performance.now() - start);
        if (i % Math.floor(RUNS / PARSES) === 0) {
          start = performance.now();
          parser.parse(text).delete();
          parses.push(performance.now() - start);
        }
      }
      const analysis = median(analyses);
      const parse = median(parses);
      const lines = text.split('\n').length;
      console.log(`${lines} lines: analysis median ${milliseconds(analysis)}, full parse median ${milliseconds(parse)}`);
      rows.push([
        `${lines.toLocaleString('en-US')} lines (${tree.rootNode.descendantCount.toLocaleString('en-US')} nodes)`,
        milliseconds(analysis),
        milliseconds(percentile(analyses, 95)),
        milliseconds(parse),
        (analysis / parse).toFixed(2),
        size === 5000 ? verdict(analysis, TARGET_MS) : '',
      ]);
    } finally {
      tree.delete();
    }
  }
  return [
    {
      title: 'Analysis core: analyze() of a parsed realistic program, warm, against a full parse',
      markdown: [
        table(['File', 'Analysis median', 'Analysis p95', 'Full parse median', 'Analysis / parse', `Target ${TARGET_MS} ms`], rows),
        '',
        `${RUNS} analyses of one tree after ${WARM_UP} warm-up runs, ${PARSES} full parses interleaved. ${loadNote()}`,
      ].join('\n'),
    },
  ];
}

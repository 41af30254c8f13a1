import { performance } from 'node:perf_hooks';
import { analyze } from '../server/src/engine/analyze';
import { ParsedDocument } from '../server/src/syntax/document';
import { PythonParser } from '../server/src/syntax/parser';
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
    {
      texts: halfTypedPrograms(),
      label: ', half-typed statement (the prefixes that leave a syntax error)',
      target: true,
      brokenOnly: true,
    },
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
    editedDocument(parser),
  ];
}

const KEYSTROKES = 530;
const KEYSTROKE_WARM_UP = 30;

/**
 * The language server's path for a keystroke, in process: the edit and incremental parse, the sync of
 * the SyntaxMirror, and the analysis of the mirror with the memo of earlier analyses, while a statement
 * is typed character by character atop a function body in the middle of the 5,000-section program
 * (most prefixes leave the file broken). Baseline in the same run: a full parse and analysis of every
 * tenth text. Every 25th analysis is checked against the analysis of the tree.
 */
function editedDocument(parser: PythonParser): Section {
  const text = realisticProgram(5000);
  const document = new ParsedDocument(parser, text, true);
  const typed = `${HALF_TYPED}\n`;
  const middle = Math.floor(text.split('def transform_').length / 2);
  let cursor = text.indexOf(`def transform_${middle}(record):\n`) + `def transform_${middle}(record):\n`.length;
  const edits: number[] = [];
  const syncs: number[] = [];
  const analyses: number[] = [];
  const totals: number[] = [];
  const baseline: number[] = [];
  try {
    for (let index = 0; index < KEYSTROKES; index++) {
      const at = document.positionAt(cursor);
      const started = performance.now();
      document.applyEdit({ start: at, end: at }, typed[index % typed.length]);
      const editedAt = performance.now();
      const syntax = document.readSyntax();
      const syncedAt = performance.now();
      const findings = analyze({ text: document.text, tree: syntax }).findings;
      const analysedAt = performance.now();
      cursor++;
      if (index < KEYSTROKE_WARM_UP) continue;
      edits.push(editedAt - started);
      syncs.push(syncedAt - editedAt);
      analyses.push(analysedAt - syncedAt);
      totals.push(analysedAt - started);
      if (index % 10 === 0) {
        const fullStart = performance.now();
        const tree = parser.parse(document.text);
        const fresh = analyze({ text: document.text, tree }).findings;
        baseline.push(performance.now() - fullStart);
        tree.delete();
        // A statement half typed is provisional (parsed alone, see ParsedDocument): compared once settled.
        if (index % 25 === 0 && document.settled && JSON.stringify(fresh) !== JSON.stringify(findings))
          throw new Error(`keystroke ${index}: the mirror's findings differ from the tree's`);
      }
    }
  } finally {
    document.dispose();
  }
  const row = (name: string, values: number[]) => [
    name,
    String(values.length),
    milliseconds(median(values)),
    milliseconds(percentile(values, 95)),
  ];
  console.log(
    `edited document: keystroke total median ${milliseconds(median(totals))}, full parse + analysis median ${milliseconds(median(baseline))}`,
  );
  return {
    title: 'Analysis core: a document being edited (the server path, in process)',
    markdown: [
      `${KEYSTROKES - KEYSTROKE_WARM_UP} one-character edits (after ${KEYSTROKE_WARM_UP} unmeasured) typing a statement atop a function body in the middle of the 5,011-line program.`,
      '',
      table(
        ['measure', 'samples', 'p50', 'p95'],
        [
          row('edit + parse (the statements it touched, into the mirror; else the tree, incrementally)', edits),
          row('SyntaxMirror sync (after a parse of the tree)', syncs),
          row('analysis of the mirror (with the memo)', analyses),
          row('keystroke total', totals),
          row('baseline: full parse + analysis of the tree', baseline),
        ],
      ),
      '',
      `- Ratio baseline / keystroke total: p50 ${(median(baseline) / median(totals)).toFixed(1)}x, p95 ${(percentile(baseline, 95) / percentile(totals, 95)).toFixed(1)}x.`,
      `- Keystroke total p95 <= ${TARGET_MS} ms: ${verdict(percentile(totals, 95), TARGET_MS)}.`,
      loadNote(),
    ].join('\n'),
  };
}

import { performance } from 'node:perf_hooks';
import { analyze } from '../server/src/engine/analyze';
import { ParsedDocument } from '../server/src/syntax/document';
import { PythonParser } from '../server/src/syntax/parser';
import type { Range } from '../server/src/text/types';
import { documentUri, LspTestClient } from '../test/helpers/lsp';
import { realisticProgram } from '../test/helpers/realistic-python';
import { loadNote, median, milliseconds, percentile, table, verdict, type Section } from './editor-measure';

/**
 * Keystroke latency: the time from sending a one-character didChange to receiving the
 * publishDiagnostics for that version, on a realistic 5,000-line multiprocessing file, over 500
 * edits typed one after another (each waits for its diagnostics, as a person sees them). Baseline, in
 * the same run: a full parse + analysis of the same texts, and the keystroke's parse alone, in process.
 */

const LINES = 5_000;
const EDITS = 500;
const WARM_UP_EDITS = 30;
/** Full reparse + analysis of every n-th text: a full run costs far more than a keystroke, and 50 samples give stable percentiles. */
const BASELINE_EVERY = 10;
const TARGET_P95_MS = 10;
/** What is typed, in the middle of the file: a statement at the top of a function body, over and over. */
const TYPED = '    scaled = record.total() * SCALE  # adjust the total\n';

interface Keystroke {
  range: Range;
  text: string;
}

/**
 * One-character insertions typing TYPED at `line`, as many as `count`, and the texts the baseline
 * measures (every BASELINE_EVERY-th after the warm-up: holding all 530 texts of 156 KiB would make this
 * process's own garbage collection part of the latencies it measures).
 */
function keystrokes(document: ParsedDocument, line: number, count: number): { keys: Keystroke[]; texts: string[] } {
  const keys: Keystroke[] = [];
  const texts: string[] = [];
  let cursor = document.offsetAt({ line, character: 0 });
  for (let index = 0; keys.length < count; index++) {
    const character = TYPED[index % TYPED.length];
    const at = document.positionAt(cursor);
    const key = { range: { start: at, end: at }, text: character };
    document.applyEdit(key.range, key.text);
    keys.push(key);
    if (keys.length > WARM_UP_EDITS && (keys.length - 1 - WARM_UP_EDITS) % BASELINE_EVERY === 0) texts.push(document.text);
    cursor++;
  }
  return { keys, texts };
}

/** A fast typist's pause between keystrokes (about 25 characters a second). */
const TYPING_PAUSE_MS = 40;

/** Opens `text` in a new server and types `keys`, each after its diagnostics and `pauseMs`; latencies after the warm-up. */
async function typeInServer(text: string, keys: readonly Keystroke[], pauseMs: number): Promise<{ latencies: number[]; findings: number }> {
  const client = await LspTestClient.start({ timeoutMs: 120_000 });
  const uri = documentUri('keystroke-bench.py');
  client.open(uri, text, 0);
  await client.diagnosticsFor(uri, 0);
  const latencies: number[] = [];
  for (let index = 0; index < keys.length; index++) {
    const version = index + 1;
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const sentAt = performance.now();
    client.change(uri, version, [{ range: keys[index].range, text: keys[index].text }]);
    const published = await client.diagnosticsFor(uri, version);
    if (index >= WARM_UP_EDITS) latencies.push(published.receivedAt - sentAt);
    if (version % 100 === 0)
      console.log(`server (pause ${pauseMs} ms): ${version} keystrokes, last ${milliseconds(published.receivedAt - sentAt)}`);
  }
  const findings = client.latestDiagnostics(uri)?.diagnostics.length ?? 0;
  await client.stop();
  return { latencies, findings };
}

export async function run(): Promise<Section[]> {
  const text = realisticProgram(LINES);
  const parser = await PythonParser.create();
  const planner = new ParsedDocument(parser, text);
  // The first line of `transform_<n>`'s body for the section in the middle of the file.
  const middle = Math.floor(text.split('\n').length / 2);
  const lines = text.split('\n');
  let line = middle;
  while (!lines[line].startsWith('def transform_')) line++;
  const { keys, texts } = keystrokes(planner, line + 1, WARM_UP_EDITS + EDITS);
  planner.dispose();
  console.log(`file: ${text.split('\n').length} lines, ${text.length} characters; typing at line ${line + 2}`);

  // Server: each keystroke waits for its diagnostics before the next one is sent, at once (the
  // hardest case: no pause for the server's idle work), then again after a pause like a fast typist's.
  const { latencies, findings } = await typeInServer(text, keys, 0);
  const { latencies: pausedLatencies } = await typeInServer(text, keys, TYPING_PAUSE_MS);

  // In process: the parse of each keystroke alone, as the server's document does it (the statements
  // the keystroke touched parsed alone into the mirror, or the whole tree incrementally).
  const incremental: number[] = [];
  const document = new ParsedDocument(parser, text, true);
  keys.forEach((key, index) => {
    const started = performance.now();
    document.applyEdit(key.range, key.text);
    void document.syntax;
    if (index >= WARM_UP_EDITS) incremental.push(performance.now() - started);
  });
  // Baseline on every BASELINE_EVERY-th text: a fresh parse, then the analysis of that tree.
  const fullParse: number[] = [];
  const analysisOnly: number[] = [];
  const fullParseAndAnalysis: number[] = [];
  for (const sample of texts) {
    const started = performance.now();
    const tree = parser.parse(sample);
    const parsedAt = performance.now();
    analyze({ text: sample, tree });
    const analysedAt = performance.now();
    tree.delete();
    fullParse.push(parsedAt - started);
    analysisOnly.push(analysedAt - parsedAt);
    fullParseAndAnalysis.push(analysedAt - started);
  }
  document.dispose();

  const row = (name: string, values: number[]) => [
    name,
    String(values.length),
    milliseconds(median(values)),
    milliseconds(percentile(values, 95)),
  ];
  const serverP50 = median(latencies);
  const serverP95 = percentile(latencies, 95);
  const baselineP50 = median(fullParseAndAnalysis);
  const markdown = [
    `Realistic multiprocessing file of ${text.split('\n').length} lines (${(text.length / 1024).toFixed(0)} KiB), ` +
      `${EDITS} one-character edits typed in the middle (after ${WARM_UP_EDITS} unmeasured), each waiting for its diagnostics ` +
      `(${findings} at the end).`,
    '',
    table(
      ['measure', 'samples', 'p50', 'p95'],
      [
        row('server: didChange -> publishDiagnostics, keystrokes back to back', latencies),
        row(`server: didChange -> publishDiagnostics, ${TYPING_PAUSE_MS} ms between keystrokes`, pausedLatencies),
        row('in process: parse of the keystroke (the statements it touched, into the mirror)', incremental),
        row('baseline: analysis alone', analysisOnly),
        row('baseline: full parse', fullParse),
        row('baseline: full parse + analysis', fullParseAndAnalysis),
      ],
    ),
    '',
    `- Ratio baseline (full parse + analysis) / server latency: p50 ${(baselineP50 / serverP50).toFixed(2)}x, ` +
      `p95 ${(percentile(fullParseAndAnalysis, 95) / serverP95).toFixed(2)}x.`,
    `- Ratio full parse / keystroke parse: p50 ${(median(fullParse) / median(incremental)).toFixed(1)}x.`,
    `- Target server p95 <= ${TARGET_P95_MS} ms: ${verdict(serverP95, TARGET_P95_MS)} back to back (${milliseconds(serverP95)}), ` +
      `${verdict(percentile(pausedLatencies, 95), TARGET_P95_MS)} with ${TYPING_PAUSE_MS} ms pauses (${milliseconds(percentile(pausedLatencies, 95))}).`,
    loadNote(),
  ].join('\n');
  return [{ title: 'Editor: keystroke latency', markdown }];
}

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
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
 * publishDiagnostics for that version, over 500 edits typed one after another (each waits for its
 * diagnostics, as a person sees them), in three scenarios: a statement typed into a function body of a
 * realistic 5,000-line multiprocessing file (it passes through unclosed brackets), a function typed at
 * module level there (half-typed `def`s), and a statement typed into CPython's own
 * test/_test_multiprocessing.py (6,187 lines) when the python3 on PATH has it. Baseline, in the same
 * run: a full parse + analysis of the same texts, and the keystroke's parse alone, in process.
 */

const LINES = 5_000;
const EDITS = 500;
const WARM_UP_EDITS = 30;
/** Full reparse + analysis of every n-th text: a full run costs far more than a keystroke, and 50 samples give stable percentiles. */
const BASELINE_EVERY = 10;
const TARGET_P95_MS = 30;
/** Typed at the top of a function body, over and over. */
const STATEMENT = '    scaled = record.total() * SCALE  # adjust the total\n';
/** Typed at module level between two definitions, over and over. */
const DEFINITION = 'def helper(values, scale=2):\n    return [value * scale for value in values]\n\n';

interface Keystroke {
  range: Range;
  text: string;
}

/**
 * One-character insertions typing `typed` at `line`, as many as `count`, and the texts the baseline
 * measures (every BASELINE_EVERY-th after the warm-up: holding all 530 texts of 156 KiB would make this
 * process's own garbage collection part of the latencies it measures).
 */
function keystrokes(document: ParsedDocument, line: number, count: number, typed: string): { keys: Keystroke[]; texts: string[] } {
  const keys: Keystroke[] = [];
  const texts: string[] = [];
  let cursor = document.offsetAt({ line, character: 0 });
  for (let index = 0; keys.length < count; index++) {
    const character = typed[index % typed.length];
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

interface Scenario {
  label: string;
  text: string;
  /** The 0-based line typing starts at. */
  line: number;
  typed: string;
  /** Also measured with pauses between keystrokes (costs another server run). */
  paused: boolean;
}

/** CPython's test/_test_multiprocessing.py from the python3 on PATH, if it ships the test package. */
function cpythonTestFile(): string | undefined {
  try {
    const file = execFileSync(
      'python3',
      ['-c', 'import os, test; print(os.path.join(os.path.dirname(test.__file__), "_test_multiprocessing.py"))'],
      {
        encoding: 'utf8',
      },
    ).trim();
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function scenarios(): Scenario[] {
  const text = realisticProgram(LINES);
  const lines = text.split('\n');
  const middle = Math.floor(lines.length / 2);
  let body = middle;
  while (!lines[body].startsWith('def transform_')) body++;
  let between = middle;
  while (!lines[between].startsWith('def load_batch_')) between++;
  const found: Scenario[] = [
    {
      label: `${lines.length}-line realistic file, statement typed in a function body`,
      text,
      line: body + 1,
      typed: STATEMENT,
      paused: true,
    },
    { label: `${lines.length}-line realistic file, function typed at module level`, text, line: between, typed: DEFINITION, paused: false },
  ];
  const cpython = cpythonTestFile();
  if (cpython) {
    const cpythonLines = cpython.split('\n');
    let at = Math.floor(cpythonLines.length / 2);
    while (!/^ {4}def test_\w+\(self\):$/.test(cpythonLines[at])) at++;
    found.push({
      label: `CPython's _test_multiprocessing.py (${cpythonLines.length} lines), statement typed in a test method`,
      text: cpython,
      line: at + 1,
      typed: '    ' + STATEMENT,
      paused: false,
    });
  }
  return found;
}

async function measure(
  parser: PythonParser,
  scenario: Scenario,
): Promise<{ rows: string[][]; serverP95: number; pausedP95?: number; notes: string[] }> {
  const { text } = scenario;
  const planner = new ParsedDocument(parser, text);
  const { keys, texts } = keystrokes(planner, scenario.line, WARM_UP_EDITS + EDITS, scenario.typed);
  planner.dispose();
  console.log(`${scenario.label}: typing at line ${scenario.line + 1}`);

  // Server: each keystroke waits for its diagnostics before the next one is sent, at once (the
  // hardest case: no pause for the server's idle work), then again after a pause like a fast typist's.
  const { latencies, findings } = await typeInServer(text, keys, 0);
  const paused = scenario.paused ? (await typeInServer(text, keys, TYPING_PAUSE_MS)).latencies : undefined;

  // In process: the parse of each keystroke alone, as the server's document does it.
  const incremental: number[] = [];
  const document = new ParsedDocument(parser, text, true);
  keys.forEach((key, index) => {
    const started = performance.now();
    document.applyEdit(key.range, key.text);
    void document.readSyntax();
    if (index >= WARM_UP_EDITS) incremental.push(performance.now() - started);
  });
  document.dispose();
  // Baseline on every BASELINE_EVERY-th text: a fresh parse, then the analysis of that tree.
  const fullParse: number[] = [];
  const fullParseAndAnalysis: number[] = [];
  for (const sample of texts) {
    const started = performance.now();
    const tree = parser.parse(sample);
    const parsedAt = performance.now();
    analyze({ text: sample, tree });
    const analysedAt = performance.now();
    tree.delete();
    fullParse.push(parsedAt - started);
    fullParseAndAnalysis.push(analysedAt - started);
  }
  const row = (name: string, values: number[]) => [
    `${scenario.label}: ${name}`,
    String(values.length),
    milliseconds(median(values)),
    milliseconds(percentile(values, 95)),
  ];
  const rows = [
    row('server, keystrokes back to back', latencies),
    ...(paused ? [row(`server, ${TYPING_PAUSE_MS} ms between keystrokes`, paused)] : []),
    row("in process: the keystroke's parse", incremental),
    row('baseline: full parse + analysis', fullParseAndAnalysis),
  ];
  const notes = [
    `- ${scenario.label} (${findings} findings at the end): baseline / server ${(median(fullParseAndAnalysis) / median(latencies)).toFixed(2)}x at p50, ` +
      `${(percentile(fullParseAndAnalysis, 95) / percentile(latencies, 95)).toFixed(2)}x at p95; full parse / keystroke parse ${(median(fullParse) / median(incremental)).toFixed(1)}x at p50. ` +
      `Target server p95 <= ${TARGET_P95_MS} ms: ${verdict(percentile(latencies, 95), TARGET_P95_MS)} (${milliseconds(percentile(latencies, 95))})` +
      (paused ? `, ${verdict(percentile(paused, 95), TARGET_P95_MS)} with pauses (${milliseconds(percentile(paused, 95))}).` : '.'),
  ];
  return { rows, serverP95: percentile(latencies, 95), pausedP95: paused ? percentile(paused, 95) : undefined, notes };
}

export async function run(): Promise<Section[]> {
  const parser = await PythonParser.create();
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const scenario of scenarios()) {
    const measured = await measure(parser, scenario);
    rows.push(...measured.rows);
    notes.push(...measured.notes);
  }
  const markdown = [
    `${EDITS} one-character edits per scenario (after ${WARM_UP_EDITS} unmeasured), each waiting for its diagnostics.`,
    '',
    table(['measure', 'samples', 'p50', 'p95'], rows),
    '',
    ...notes,
    loadNote(),
  ].join('\n');
  return [{ title: 'Editor: keystroke latency', markdown }];
}

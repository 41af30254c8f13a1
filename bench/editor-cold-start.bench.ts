import { performance } from 'node:perf_hooks';
import { documentUri, LspTestClient } from '../test/helpers/lsp';
import { realisticProgram } from '../test/helpers/realistic-python';
import { loadNote, median, milliseconds, percentile, table, verdict, type Section } from './editor-measure';

/**
 * Cold start: from spawning `node dist/server.js --stdio` to the first publishDiagnostics for one open
 * file (initialize, initialized, didOpen sent as soon as the handshake allows), over several starts.
 */

const STARTS = 10;
const LINES = 300;
const TARGET_MS = 300;

export async function run(): Promise<Section[]> {
  const text = realisticProgram(LINES);
  const total: number[] = [];
  const handshake: number[] = [];
  for (let start = 0; start < STARTS; start++) {
    const spawnedAt = performance.now();
    const client = await LspTestClient.start();
    const initializedAt = performance.now();
    const uri = documentUri('cold-start.py');
    client.open(uri, text, 1);
    const published = await client.diagnosticsFor(uri, 1);
    total.push(published.receivedAt - spawnedAt);
    handshake.push(initializedAt - spawnedAt);
    await client.stop();
    console.log(`start ${start + 1}: ${milliseconds(published.receivedAt - spawnedAt)}`);
  }
  const row = (name: string, values: number[]) => [name, milliseconds(Math.min(...values)), milliseconds(median(values)), milliseconds(percentile(values, 95))];
  const markdown = [
    `${STARTS} starts of the bundled server, each opening one ${text.split('\n').length}-line file.`,
    '',
    table(['measure', 'min', 'median', 'p95'], [
      row('spawn -> initialize answered', handshake),
      row('spawn -> first publishDiagnostics', total),
    ]),
    '',
    `- Target median <= ${TARGET_MS} ms: ${verdict(median(total), TARGET_MS)} (${milliseconds(median(total))}).`,
    loadNote(),
  ].join('\n');
  return [{ title: 'Editor: cold start', markdown }];
}

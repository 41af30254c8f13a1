import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CODE_CACHE_DIR_ARGUMENT } from '../server/src/shared/nodeFlags';
import { documentUri, LspTestClient } from '../test/helpers/lsp';
import { realisticProgram } from '../test/helpers/realistic-python';
import { loadNote, median, milliseconds, percentile, table, verdict, type Section } from './editor-measure';

/**
 * Cold start: from spawning `node dist/server.js --stdio` to the first publishDiagnostics for one open
 * file (initialize, initialized, didOpen sent as soon as the handshake allows), over several starts.
 *
 * The servers keep their code cache in a new folder, as VS Code's client passes its global storage: the
 * first start runs without a cache (as after an install or an update) and writes it when it exits; the
 * others start with it, as every start of an installed server but its first does. Node's own start (an empty script) is measured for reference:
 * no server starts faster than that on the same machine.
 */

const STARTS = 10;
const LINES = 300;
const TARGET_MS = 300;
const EMPTY_NODE_STARTS = 5;

export async function run(): Promise<Section[]> {
  const text = realisticProgram(LINES);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-cold-start-'));
  const total: number[] = [];
  const handshake: number[] = [];
  for (let start = 0; start < STARTS; start++) {
    const spawnedAt = performance.now();
    const client = await LspTestClient.start({ serverArgs: [`${CODE_CACHE_DIR_ARGUMENT}${cacheDir}`] });
    const initializedAt = performance.now();
    const uri = documentUri('cold-start.py');
    client.open(uri, text, 1);
    const published = await client.diagnosticsFor(uri, 1);
    total.push(published.receivedAt - spawnedAt);
    handshake.push(initializedAt - spawnedAt);
    await client.stop();
    console.log(`start ${start + 1}: ${milliseconds(published.receivedAt - spawnedAt)}`);
  }
  fs.rmSync(cacheDir, { recursive: true, force: true });
  const emptyNode = Array.from({ length: EMPTY_NODE_STARTS }, emptyNodeStart);
  const row = (name: string, values: number[]) => [
    name,
    milliseconds(Math.min(...values)),
    milliseconds(median(values)),
    milliseconds(percentile(values, 95)),
  ];
  const markdown = [
    `${STARTS} starts of the bundled server, each opening one ${text.split('\n').length}-line file; the first without a code cache.`,
    '',
    table(
      ['measure', 'min', 'median', 'p95'],
      [
        row('spawn -> initialize answered', handshake),
        row('spawn -> first publishDiagnostics', total),
        row('node alone: spawn -> exit of an empty script', emptyNode),
      ],
    ),
    '',
    `- Target median <= ${TARGET_MS} ms: ${verdict(median(total), TARGET_MS)} (${milliseconds(median(total))}).`,
    `- First start, without a code cache (after a build or an update): ${milliseconds(total[0])}.`,
    loadNote(),
  ].join('\n');
  return [{ title: 'Editor: cold start', markdown }];
}

function emptyNodeStart(): number {
  const spawnedAt = performance.now();
  const result = spawnSync(process.execPath, ['-e', '']);
  if (result.status !== 0) throw new Error(`node -e '' failed: ${result.stderr}`);
  return performance.now() - spawnedAt;
}

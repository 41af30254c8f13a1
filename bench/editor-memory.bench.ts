import { documentUri, LspTestClient } from '../test/helpers/lsp';
import { realisticProgram } from '../test/helpers/realistic-python';
import { loadNote, megabytes, table, verdict, type Section } from './editor-measure';

/**
 * Memory: the server's resident set size with 100 open 1,000-line documents (each analysed, each a
 * different text), against the idle server right after initialize.
 */

const DOCUMENTS = 100;
const LINES = 1_000;
const TARGET_BYTES = 150 * 2 ** 20;

export async function run(): Promise<Section[]> {
  const base = realisticProgram(LINES);
  const client = await LspTestClient.start({ timeoutMs: 300_000 });
  const idle = client.residentBytes();
  const uris: string[] = [];
  for (let index = 0; index < DOCUMENTS; index++) {
    const uri = documentUri(`memory-${index}.py`);
    uris.push(uri);
    client.open(uri, `# document ${index}\n${base}`, 1);
  }
  for (const uri of uris) await client.diagnosticsFor(uri, 1);
  const open = client.residentBytes();
  console.log(`idle ${megabytes(idle)}, with ${DOCUMENTS} documents ${megabytes(open)}`);
  for (const uri of uris) client.close(uri);
  await client.waitForDiagnostics(
    uris[uris.length - 1],
    (published) => published.diagnostics.length === 0 && published.version === undefined,
  );
  const closed = client.residentBytes();
  await client.stop();

  const markdown = [
    `${DOCUMENTS} open documents of ${base.split('\n').length} lines each (${((base.length * DOCUMENTS) / 2 ** 20).toFixed(1)} MB of text), all analysed.`,
    '',
    table(
      ['state', 'server RSS'],
      [
        ['idle after initialize', megabytes(idle)],
        [`${DOCUMENTS} documents open and analysed`, megabytes(open)],
        ['all closed again', megabytes(closed)],
      ],
    ),
    '',
    `- Target <= ${megabytes(TARGET_BYTES)} with ${DOCUMENTS} documents open: ${verdict(open, TARGET_BYTES)} (${megabytes(open)}).`,
    loadNote(),
  ].join('\n');
  return [{ title: 'Editor: memory with open documents', markdown }];
}

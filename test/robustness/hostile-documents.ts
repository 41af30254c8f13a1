import * as fs from 'node:fs';
import { realisticProgram } from '../helpers/realistic-python';

/**
 * Documents no linter should choke on. `bytes` is the file on disk (for the CLI); `text` is what an
 * editor holds and sends to the server (bytes decoded leniently, or a string no file can hold).
 */
export interface HostileDocument {
  name: string;
  bytes: Buffer;
  text: string;
  /** How long the server may take to publish diagnostics for it (ms). */
  boundMs: number;
  /** True when the whole document is one ERROR node: rules must report nothing from inside it. */
  allBroken?: boolean;
}

const lenient = new TextDecoder('utf-8');
const DEFAULT_BOUND_MS = 10_000;

function fromText(name: string, text: string, extra: Partial<HostileDocument> = {}): HostileDocument {
  return { name, text, bytes: Buffer.from(text, 'utf8'), boundMs: DEFAULT_BOUND_MS, ...extra };
}

function fromBytes(name: string, bytes: Buffer, extra: Partial<HostileDocument> = {}): HostileDocument {
  return { name, bytes, text: lenient.decode(bytes), boundMs: DEFAULT_BOUND_MS, ...extra };
}

const POOL_SCRIPT = 'import multiprocessing\n\ndef work(x):\n    return x\n\nmultiprocessing.Pool(2).map(work, [1])\n';

function nestedBlocks(depth: number): string {
  let text = 'from multiprocessing import Pool\n';
  for (let level = 0; level < depth; level++) text += `${' '.repeat(level)}if x${level}:\n`;
  return `${text}${' '.repeat(depth)}Pool(2)\n`;
}

/** The hostile documents, built once per test process (the 5 MB one is shared by every front end). */
export function hostileDocuments(): HostileDocument[] {
  const fiveMegabytes = realisticProgram(160_000);
  return [
    fromText('empty', ''),
    fromBytes('only a byte order mark', Buffer.from([0xef, 0xbb, 0xbf])),
    fromText('NUL bytes', `import multiprocessing\0\nx = 1\0\0\0\nmultiprocessing.Pool(2)\n\0`),
    fromBytes(
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from('import multiprocessing\nx = "'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x82, 0xf0, 0x28, 0x8c, 0xbc]),
        Buffer.from('"\nmultiprocessing.Pool(2)\n'),
      ]),
    ),
    fromText(
      'lone UTF-16 surrogates',
      'x = "\uD800"\n\uDC00import multiprocessing\ny = "\uDBFF\uDBFF"\nmultiprocessing.Pool(2)  # \uDFFF\n\uD83D',
    ),
    fromText('a 5 MB file', fiveMegabytes, { boundMs: 60_000 }),
    fromText('2,000-deep nested brackets', `from multiprocessing import Pool\nx = ${'([{'.repeat(667)}Pool(2)${'}])'.repeat(667)}\n`),
    fromText('2,000 unclosed brackets', `from multiprocessing import Pool\nx = ${'('.repeat(2000)}Pool(2)\n`),
    fromText('2,000-deep nested blocks', nestedBlocks(2000), { boundMs: 30_000 }),
    fromText(
      '100,000-character lines',
      `import multiprocessing\nx = "${'a'.repeat(100_000)}"\nf(${'a, '.repeat(33_334)})\n# ${'#'.repeat(100_000)}\nmultiprocessing.Pool(2)\n`,
    ),
    fromText(
      'mixed tabs and spaces',
      'import multiprocessing as mp\ndef work(x):\n\treturn x\n        \t# comment\nif __name__ == "__main__":\n  \twith mp.Pool(2) as pool:\n\t    pool.map(work, [1])\nmp.Pool(2)\n',
    ),
    fromText('CRLF line endings', realisticProgram(300).replace(/\n/g, '\r\n') + POOL_SCRIPT.replace(/\n/g, '\r\n')),
    fromText('CR-only line endings', realisticProgram(300).replace(/\n/g, '\r') + POOL_SCRIPT.replace(/\n/g, '\r')),
    fromText('mixed line endings', 'import multiprocessing\r\ndef work(x):\r    return x\n\r\nmultiprocessing.Pool(2).map(work, [1])\r'),
    fromText('one huge ERROR node', `print(\n${'Pool(2).map(work, [1, 2])\nProcess(target=work).start()\n'.repeat(4000)}`, {
      allBroken: true,
      boundMs: 30_000,
    }),
    fromBytes('a binary file named .py', fs.readFileSync(process.execPath).subarray(0, 256 * 1024), { boundMs: 30_000 }),
  ];
}

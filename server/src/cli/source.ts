import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';

/** A Python file as read from disk: its text, and what is needed to write it back faithfully. */
export interface SourceFile {
  path: string;
  /** The decoded text, without the byte order mark. */
  text: string;
  bom: boolean;
  /** The encoding it was read with (PEP 263), for writing it back; `utf-8` unless declared. */
  encoding: string;
  /** Read from stdin: never written back (--fix prints the fixed text instead). */
  stdin?: boolean;
  /** Size and modification time when read: a write-back refuses a file that changed since. */
  size: number;
  mtimeMs: number;
}

/** A file that cannot be checked or written; the message says why, for the user. */
export class SourceError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

const UTF8_BOM = '\uFEFF';
// PEP 263: the encoding declaration in the first two lines.
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/**
 * Reads a Python source file as Python does: UTF-8, or the encoding its PEP 263 declaration names, a UTF-8
 * BOM dropped (and kept for the write-back). Throws SourceError for a missing, unreadable or binary file,
 * a text not valid in its encoding, or an encoding spawn-guard cannot read.
 */
export function readSource(file: string): SourceFile {
  let bytes: Buffer;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    if (stat.isDirectory()) throw new SourceError(file, 'is a directory');
    bytes = fs.readFileSync(file);
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(file, describeIoError(error));
  }
  return { ...decodeSource(file, bytes), size: stat.size, mtimeMs: stat.mtimeMs };
}

/** The text of Python source bytes (from a file or stdin); see readSource. */
export function decodeSource(file: string, bytes: Buffer): { path: string; text: string; bom: boolean; encoding: string } {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new SourceError(file, 'is UTF-16 encoded, which Python does not read as source');
  }
  if (bytes.includes(0)) throw new SourceError(file, 'is a binary file (it contains NUL bytes), not Python source');
  const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
  const declared = declaredEncoding(bytes);
  const encoding = declared ? pythonEncoding(file, declared) : 'utf-8';
  if (bom && encoding !== 'utf-8') throw new SourceError(file, `has a UTF-8 BOM but declares the encoding ${declared} (Python refuses it)`);
  const body = bom ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = decodeWith(encoding, body);
  } catch {
    throw new SourceError(file, `is not valid ${encoding} (line ${firstInvalidLine(body, encoding)})${declared ? ' as it declares' : ''}`);
  }
  return { path: file, text, bom, encoding };
}

/** The encoding named by a PEP 263 declaration on line 1, or on line 2 below a comment or blank line 1. */
function declaredEncoding(bytes: Buffer): string | undefined {
  const [first, second] = bytes
    .subarray(0, 1024)
    .toString('latin1')
    .replace(/^\xEF\xBB\xBF/, '')
    .split(/\r\n|\r|\n/, 2);
  const onFirst = CODING_COOKIE.exec(first ?? '')?.[1];
  if (onFirst) return onFirst;
  return /^[ \t\f]*(#.*)?$/.test(first ?? '') ? CODING_COOKIE.exec(second ?? '')?.[1] : undefined;
}

/**
 * Python's codec name for a declared encoding, as spawn-guard reads it: `utf-8`, `latin-1` (Node reads
 * it natively), `ascii`, or a WHATWG encoding that is the same codec. Others are a clear error: WHATWG
 * reads `iso-8859-1` and `ascii` as windows-1252, which would silently give other characters.
 */
function pythonEncoding(file: string, declared: string): string {
  const name = declared.toLowerCase().replace(/_/g, '-');
  if (/^(utf-?8)(-sig)?$/.test(name) || /^utf-8-/.test(name)) return 'utf-8';
  if (/^(latin-?1|iso-?8859-1|iso8859-1|8859|cp819|l1)$/.test(name)) return 'latin-1';
  if (/^(us-)?ascii$|^646$/.test(name)) return 'ascii';
  const label = name.replace(/^iso(\d)/, 'iso-$1').replace(/^cp125(\d)$/, 'windows-125$1');
  if (!WINDOWS_ALIASED.has(label)) {
    try {
      new TextDecoder(label);
      return label;
    } catch {
      // Not an encoding Node reads.
    }
  }
  throw new SourceError(file, `declares the encoding ${declared}, which spawn-guard cannot read (save it as UTF-8)`);
}

/** ISO names the WHATWG Encoding Standard maps to a windows code page (other characters in 0x80-0x9F). */
const WINDOWS_ALIASED = new Set(['iso-8859-9', 'iso-8859-11', 'tis-620']);

function decodeWith(encoding: string, bytes: Buffer): string {
  if (encoding === 'latin-1') return bytes.toString('latin1');
  if (encoding === 'ascii' && bytes.some((byte) => byte > 0x7f)) throw new Error('not ASCII');
  return new TextDecoder(encoding === 'ascii' ? 'utf-8' : encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
}

/**
 * `text` in the file's encoding. Throws SourceError when a character has no byte in it, or the encoding
 * is one Node cannot write (multi-byte ones other than UTF-8).
 */
export function encodeSource(source: Pick<SourceFile, 'path' | 'encoding' | 'bom'>, text: string): Buffer {
  if (source.encoding === 'utf-8') return Buffer.from((source.bom ? UTF8_BOM : '') + text, 'utf8');
  const table = singleByteTable(source.encoding);
  if (!table) throw new SourceError(source.path, `is ${source.encoding}-encoded; spawn-guard can only fix UTF-8 and single-byte encodings`);
  const bytes = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const byte = table.get(text[i]);
    if (byte === undefined)
      throw new SourceError(source.path, `the fix adds ${JSON.stringify(text[i])}, which ${source.encoding} cannot hold`);
    bytes[i] = byte;
  }
  return bytes;
}

/** Character -> byte for latin-1, ascii and the WHATWG single-byte encodings; undefined for multi-byte ones. */
function singleByteTable(encoding: string): Map<string, number> | undefined {
  const canonical = encoding === 'latin-1' || encoding === 'ascii' ? encoding : new TextDecoder(encoding).encoding;
  if (!/^(latin-1|ascii|ibm866|iso-8859-\d+|koi8-[ru]|macintosh|windows-\d+|x-mac-cyrillic)$/.test(canonical)) return undefined;
  const table = new Map<string, number>();
  for (let byte = 0; byte < 256; byte++) {
    try {
      const char = decodeWith(encoding, Buffer.from([byte]));
      if (!table.has(char)) table.set(char, byte);
    } catch {
      // A byte the code page leaves undefined.
    }
  }
  return table;
}

/**
 * Replaces the file's content with `text` (BOM kept as it was), atomically: the new content goes to a
 * temporary file in the same directory, which is then renamed over the original, so a crash or a full
 * disk never leaves a half-written file. A file with hard links, or owned by another user, is written in
 * place instead, so the links and the owner stay. Refuses a read-only file, and one that changed since it
 * was read. A symbolic link is followed: its target is rewritten, the link stays.
 */
export function writeSource(source: SourceFile, text: string): void {
  let target: string;
  let temporary: string | undefined;
  try {
    target = fs.realpathSync(source.path);
    const current = fs.statSync(target);
    if (current.size !== source.size || current.mtimeMs !== source.mtimeMs) {
      throw new SourceError(source.path, 'changed on disk while it was being checked; not written');
    }
    // Root may write anything: the mode bits say whether the user meant the file to change.
    if ((current.mode & 0o222) === 0) throw new SourceError(source.path, 'is read-only; not fixed (make it writable to fix it)');
    const content = encodeSource(source, text);
    const ownedByUs = typeof process.getuid !== 'function' || current.uid === process.getuid();
    if (current.nlink > 1 || !ownedByUs) {
      // A new file renamed over the old one would split the hard link or take the file from its owner.
      writeInPlace(target, content);
      return;
    }
    temporary = path.join(path.dirname(target), `.${path.basename(target)}.spawn-guard-${process.pid}-${threadId}.tmp`);
    const descriptor = fs.openSync(temporary, 'wx', current.mode & 0o7777);
    try {
      fs.writeFileSync(descriptor, content);
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    fs.renameSync(temporary, target);
    temporary = undefined;
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(source.path, `cannot be written: ${describeIoError(error)}`);
  } finally {
    if (temporary !== undefined) fs.rmSync(temporary, { force: true });
  }
}

function writeInPlace(file: string, content: Buffer): void {
  const descriptor = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(descriptor, 0);
    fs.writeFileSync(descriptor, content);
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
}

/** A user-facing reason for a file-system error (`No such file or directory`, not `ENOENT: ...`). */
export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'Permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    default:
      return (error as Error).message ?? String(error);
  }
}

/** The 1-based line of the first byte sequence not valid in `encoding`. */
function firstInvalidLine(bytes: Buffer, encoding: string): number {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decodeWith(encoding, bytes.subarray(lineStart, i));
      } catch {
        return line;
      }
      line++;
      lineStart = i + 1;
    }
  }
  return line;
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

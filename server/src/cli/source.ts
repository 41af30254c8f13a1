import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';

/** A Python file as read from disk: its text, and what is needed to write it back faithfully. */
export interface SourceFile {
  path: string;
  /** The decoded text, without the byte order mark. */
  text: string;
  bom: boolean;
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
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// PEP 263: the encoding declaration in the first two lines.
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** Reads a Python source file as UTF-8. Throws SourceError for a missing, unreadable, binary or non-UTF-8 file. */
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
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new SourceError(file, 'is UTF-16 encoded; spawn-guard reads Python source as UTF-8');
  }
  if (bytes.includes(0)) throw new SourceError(file, 'is a binary file (it contains NUL bytes), not Python source');
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new SourceError(file, nonUtf8Message(bytes));
  }
  const bom = text.startsWith(UTF8_BOM);
  return { path: file, text: bom ? text.slice(1) : text, bom, size: stat.size, mtimeMs: stat.mtimeMs };
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
    const content = (source.bom ? UTF8_BOM : '') + text;
    const ownedByUs = typeof process.getuid !== 'function' || current.uid === process.getuid();
    if (current.nlink > 1 || !ownedByUs) {
      // A new file renamed over the old one would split the hard link or take the file from its owner.
      writeInPlace(target, content);
      return;
    }
    temporary = path.join(path.dirname(target), `.${path.basename(target)}.spawn-guard-${process.pid}-${threadId}.tmp`);
    const descriptor = fs.openSync(temporary, 'wx', current.mode & 0o7777);
    try {
      fs.writeFileSync(descriptor, content, 'utf8');
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

function writeInPlace(file: string, content: string): void {
  const descriptor = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(descriptor, 0);
    fs.writeFileSync(descriptor, content, 'utf8');
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

function nonUtf8Message(bytes: Buffer): string {
  const head = bytes
    .subarray(0, 1024)
    .toString('latin1')
    .split(/\r\n|\r|\n/, 2);
  const declared = head.map((line) => CODING_COOKIE.exec(line)?.[1]).find((name) => name !== undefined);
  const where = firstInvalidUtf8Line(bytes);
  const declaration = declared && !/^utf-?8/i.test(declared) ? ` (it declares the encoding ${declared})` : '';
  return `is not valid UTF-8 (line ${where})${declaration}; spawn-guard reads Python source as UTF-8`;
}

/** The 1-based line of the first byte sequence that is not UTF-8. */
function firstInvalidUtf8Line(bytes: Buffer): number {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        strictUtf8.decode(bytes.subarray(lineStart, i));
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

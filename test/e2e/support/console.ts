import type { WriteStream } from 'node:fs';
import { format } from 'node:util';
import type { ConsoleMessage } from 'playwright-core';

/**
 * Writes a page's console to a log file, one message a line, in order. The extension host's console
 * (mocha's reporter, the extension's own output) arrives here as printf-style calls ("%d passing"), and
 * the workbench styles its lines with %c: both are formatted as Node's console would print them.
 */
export class ConsoleRecorder {
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly log: WriteStream) {}

  record(message: ConsoleMessage): void {
    this.pending = this.pending.then(async () => this.write(await formatMessage(message)));
  }

  write(line: string): void {
    this.log.write(`${line}\n`);
  }

  /** Resolves once every message recorded so far is written; call it before the page closes. */
  flushed(): Promise<void> {
    return this.pending;
  }
}

async function formatMessage(message: ConsoleMessage): Promise<string> {
  try {
    const args = await Promise.all(message.args().map((arg) => arg.jsonValue() as Promise<unknown>));
    return formatArgs(args);
  } catch {
    return message.text(); // the page navigated or closed meanwhile
  }
}

function formatArgs(args: unknown[]): string {
  const [head, ...rest] = args;
  if (typeof head !== 'string') return format(...args);
  const styles = head.match(/%c/g)?.length ?? 0;
  if (styles === 0 || /%[sdifjoO]/.test(head)) return format(...args);
  // A styled prefix ("%c INFO", "color: #33f") before the logged call's own arguments.
  return `${head.replace(/%c/g, '').trim()} ${format(...rest.slice(styles))}`;
}

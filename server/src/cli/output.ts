import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes to a stream with back-pressure: a run over thousands of files must not buffer its whole output
 * in memory when stdout is a slow pipe. Callers write freely and await ready() between files.
 */
export class StreamWriter {
  private pending: Promise<unknown> | undefined;

  constructor(private readonly stream: Writable) {}

  write(text: string | Uint8Array): void {
    if (text.length === 0) return;
    if (!this.stream.write(text) && !this.pending) this.pending = once(this.stream, 'drain').finally(() => (this.pending = undefined));
  }

  line(text = ''): void {
    this.write(`${text}\n`);
  }

  async ready(): Promise<void> {
    await this.pending;
  }

  /** Resolves when everything written has been handed to the operating system. */
  async flush(): Promise<void> {
    await this.ready();
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
  }
}

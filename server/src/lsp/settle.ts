/**
 * When typing pauses, documents whose tree came from an incremental parse of broken code are parsed
 * afresh (see ParsedDocument.settle): the keystroke path stays incremental, and the diagnostics left on
 * screen are those of a fresh parse. A change restarts the document's wait; closing cancels it.
 */
export class SettleTimers {
  /** How long a document must stay unchanged before it is settled: a pause in typing, not a keystroke gap. */
  static readonly DEFAULT_DELAY_MS = 300;

  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly settle: (uri: string) => void,
    private readonly delayMs = SettleTimers.DEFAULT_DELAY_MS,
  ) {}

  /** (Re)starts the wait for `uri`. */
  schedule(uri: string): void {
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      this.settle(uri);
    }, this.delayMs);
    // A pending settle must not keep the process alive after the connection ends.
    timer.unref();
    this.timers.set(uri, timer);
  }

  cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

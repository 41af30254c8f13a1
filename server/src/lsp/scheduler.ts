/**
 * Coalesces diagnostics work. A burst of didChange notifications (typing, a paste, an undo of many edits)
 * schedules one run per document, taken once the burst already received has been applied. vscode-jsonrpc
 * handles one queued message per setImmediate turn, so the run waits for a turn in which nothing new was
 * scheduled: until then, messages of the burst are still being handled.
 * A document is never analysed twice at once; a request that arrives while it runs queues one more run.
 */
export class DiagnosticsScheduler {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  private queued = false;
  /** Something was scheduled since the last setImmediate turn of flush(). */
  private scheduledSinceTurn = false;

  constructor(
    private readonly run: (uri: string) => Promise<void>,
    private readonly onError: (uri: string, error: unknown) => void,
  ) {}

  schedule(uri: string): void {
    this.pending.add(uri);
    this.scheduledSinceTurn = true;
    if (this.queued) return;
    this.queued = true;
    setImmediate(() => this.flush());
  }

  /** Drops work not yet started for `uri` (the document was closed). */
  cancel(uri: string): void {
    this.pending.delete(uri);
    this.rerun.delete(uri);
  }

  private flush(): void {
    if (this.scheduledSinceTurn) {
      this.scheduledSinceTurn = false;
      setImmediate(() => this.flush());
      return;
    }
    this.queued = false;
    const uris = [...this.pending];
    this.pending.clear();
    for (const uri of uris) void this.start(uri);
  }

  private async start(uri: string): Promise<void> {
    if (this.running.has(uri)) {
      this.rerun.add(uri);
      return;
    }
    this.running.add(uri);
    try {
      await this.run(uri);
    } catch (error) {
      this.onError(uri, error);
    } finally {
      this.running.delete(uri);
      if (this.rerun.delete(uri)) this.schedule(uri);
    }
  }
}

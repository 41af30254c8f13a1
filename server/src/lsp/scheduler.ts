/**
 * Coalesces diagnostics work. A burst of didChange notifications (typing, a paste, a multi-cursor edit,
 * an undo of many steps) ends in one analysis per document, without timers.
 *
 * vscode-jsonrpc handles one received message per setImmediate turn. The scheduler waits in turns of its
 * own: a turn in which another change was scheduled means messages are still being handled, so it waits
 * one turn more; the first quiet turn runs the analysis. A client that never stops sending still gets
 * diagnostics every MAX_WAIT_TURNS messages.
 *
 * A document is never analysed twice at once; a change that arrives while it runs queues one more run.
 */
export class DiagnosticsScheduler {
  static readonly MAX_WAIT_TURNS = 500;

  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  private queued = false;
  /** Something was scheduled since the last turn of waitForQuiet() (the first turn counts the change that queued it). */
  private scheduledSinceTurn = false;

  constructor(
    private readonly run: (uri: string) => Promise<void>,
    private readonly onError: (uri: string, error: unknown) => void,
  ) {}

  /** Work is queued or running. */
  get busy(): boolean {
    return this.queued || this.pending.size > 0 || this.running.size > 0;
  }

  schedule(uri: string): void {
    this.pending.add(uri);
    this.scheduledSinceTurn = true;
    if (this.queued) return;
    this.queued = true;
    this.waitForQuiet(0);
  }

  /** Drops work not yet started for `uri` (the document was closed). */
  cancel(uri: string): void {
    this.pending.delete(uri);
    this.rerun.delete(uri);
  }

  private waitForQuiet(turns: number): void {
    setImmediate(() => {
      if (this.scheduledSinceTurn && turns < DiagnosticsScheduler.MAX_WAIT_TURNS) {
        this.scheduledSinceTurn = false;
        this.waitForQuiet(turns + 1);
        return;
      }
      this.scheduledSinceTurn = false;
      this.queued = false;
      const uris = [...this.pending];
      this.pending.clear();
      for (const uri of uris) void this.start(uri);
    });
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

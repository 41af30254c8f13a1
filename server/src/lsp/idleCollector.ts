import * as v8 from 'node:v8';
import * as vm from 'node:vm';

type GarbageCollect = (options?: { type?: 'minor' | 'major' }) => void;

/**
 * Collects the young generation while the server waits for the next keystroke. Each keystroke's
 * analysis allocates about half a megabyte that is garbage by the next one; left to itself, V8 collects
 * it in the middle of some later keystroke's analysis (with the server's 2 MB young generation, see
 * nodeFlags.ts, every second to fourth keystroke, for about 1.5 ms), and those keystrokes are the slow
 * tail of the latency. A collection in the pause after diagnostics
 * are published costs one or two milliseconds that nobody waits for, and the next analysis starts with
 * an empty young generation. It waits IDLE_MS first: a keystroke that follows at once (a paste, key
 * repeat) is served before it. Where the engine offers no such collection, nothing happens.
 */
export class IdleCollector {
  static readonly IDLE_MS = 8;
  private readonly collect: GarbageCollect | undefined = exposedCollector();
  private timer: NodeJS.Timeout | undefined;

  /** Collects after IDLE_MS without a new `schedule`, unless `busy()` says work is queued by then. */
  schedule(busy: () => boolean): void {
    if (!this.collect) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (busy()) return;
      try {
        this.collect?.({ type: 'minor' });
      } catch {
        // An engine without minor collections on request: keep V8's own schedule.
      }
    }, IdleCollector.IDLE_MS);
    // A pending collection never keeps the process alive.
    this.timer.unref();
  }
}

/** `gc`, as --expose-gc gives it; the flag can be set at run time, and a new context then has the function. */
function exposedCollector(): GarbageCollect | undefined {
  const existing = (globalThis as { gc?: GarbageCollect }).gc;
  if (existing) return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const collect = vm.runInNewContext('gc') as unknown;
    return typeof collect === 'function' ? (collect as GarbageCollect) : undefined;
  } catch {
    return undefined;
  }
}

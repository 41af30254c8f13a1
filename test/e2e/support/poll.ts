import { setTimeout as delay } from 'node:timers/promises';

export interface PollOptions {
  timeoutMs: number;
  /** Pause between two checks. */
  intervalMs?: number;
  /** Completes "timed out after N ms waiting for …" in the error. */
  what?: string;
}

/**
 * Checks `condition` until it returns a value other than false/undefined/null and returns that value.
 * For state that has no event to await (a process group ending, a port answering, diagnostics settling).
 * An exception from `condition` ends the wait at once.
 */
export async function pollUntil<T>(
  condition: () => T | false | undefined | null | Promise<T | false | undefined | null>,
  { timeoutMs, intervalMs = 50, what = 'a condition' }: PollOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== false && value !== undefined && value !== null) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}

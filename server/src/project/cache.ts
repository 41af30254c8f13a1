import type { ModuleSummary } from './summary';

/**
 * Summaries memoised by (file, text, spawner table): a module's summary is a function of its text, so
 * a changed text recomputes only that module's. One entry per file: the newest text wins.
 */
export class SummaryCache {
  private readonly entries = new Map<string, { text: string; key: string; summary: ModuleSummary }>();

  get(file: string, text: string, key: string): ModuleSummary | undefined {
    const entry = this.entries.get(file);
    return entry && entry.text === text && entry.key === key ? entry.summary : undefined;
  }

  set(file: string, text: string, key: string, summary: ModuleSummary): void {
    this.entries.set(file, { text, key, summary });
  }

  delete(file: string): void {
    this.entries.delete(file);
  }

  get size(): number {
    return this.entries.size;
  }
}

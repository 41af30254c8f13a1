import * as os from 'node:os';

/** Small measuring helpers shared by the editor benchmarks (bench/editor-*.bench.ts). */

/** A section of bench/RESULTS.md, as bench/run.mjs expects from a benchmark module. */
export interface Section {
  title: string;
  markdown: string;
}

export interface BenchContext {
  root: string;
  machine: string;
}

/** The `p`-th percentile (0–100) of `values`, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const milliseconds = (value: number): string => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

export const megabytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** The 1-minute load average, for the record: figures taken on a busy machine are not comparable. */
export function loadNote(): string {
  const [oneMinute] = os.loadavg();
  return `Load average when measured: ${oneMinute.toFixed(1)} on ${os.availableParallelism()} cores.`;
}

/** `met` or `missed` against a target, for the results table. */
export function verdict(value: number, target: number): string {
  return value <= target ? 'met' : 'missed';
}

/** A markdown table from a header row and body rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

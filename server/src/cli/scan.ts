import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PythonParser } from '../syntax/parser';
import { checkFile, type ScanSettings } from './check-file';
import type { FileReport } from './report';

/** One file to check, with the index of its profile in ScanSettings.profiles. */
export interface ScanTask {
  path: string;
  profile: number;
}

/** Main thread -> worker: check these files; `first` is the index of the first one in the run. */
export interface ScanRequest {
  first: number;
  tasks: ScanTask[];
}

/** Worker -> main thread: the reports for a request, or why the worker cannot go on. */
export type ScanResponse = { kind: 'reports'; first: number; reports: FileReport[] } | { kind: 'failed'; message: string };

/** Below this many files per thread, starting a worker (and its parser) costs more than it saves. */
const MIN_FILES_PER_THREAD = 200;
/** Requests in flight per worker: one being worked on, one queued so it never waits for the main thread. */
const REQUESTS_PER_WORKER = 2;
const MAX_BATCH = 32;
/**
 * How far ahead of the next report to print the workers may run. Reports are printed in file order, so
 * finished reports wait for a slow earlier file; the window bounds that wait (and the memory it takes).
 */
const REORDER_WINDOW = 2048;

/** The number of worker threads for `fileCount` files: none for small runs, at most one per core. */
export function defaultThreadCount(fileCount: number): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.min(cores, Math.floor(fileCount / MIN_FILES_PER_THREAD));
}

/**
 * Checks `tasks` and yields their reports in task order, as soon as each is ready: with `threads` worker
 * threads (each with its own parser), or on this thread when `threads` is below 2.
 */
export function scanFiles(tasks: readonly ScanTask[], settings: ScanSettings, threads: number): AsyncGenerator<FileReport> {
  return threads >= 2 && tasks.length >= 2 ? scanInWorkers(tasks, settings, Math.min(threads, tasks.length)) : scanHere(tasks, settings);
}

async function* scanHere(tasks: readonly ScanTask[], settings: ScanSettings): AsyncGenerator<FileReport> {
  if (tasks.length === 0) return;
  const parser = await PythonParser.create();
  for (const task of tasks) yield checkFile(parser, task.path, settings.profiles[task.profile], settings);
}

async function* scanInWorkers(tasks: readonly ScanTask[], settings: ScanSettings, threads: number): AsyncGenerator<FileReport> {
  const ready = new Map<number, FileReport>();
  let nextToSend = 0;
  let nextToYield = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const pool = Array.from({ length: threads }, () => {
    const worker = new Worker(workerScript(), { workerData: settings });
    const slot = { worker, inFlight: 0 };
    worker.on('message', (response: ScanResponse) => {
      if (response.kind === 'failed') {
        failure ??= new Error(`a scan worker failed: ${response.message}`);
      } else {
        response.reports.forEach((report, i) => ready.set(response.first + i, report));
        slot.inFlight--;
      }
      notify();
    });
    worker.on('error', (error) => {
      failure ??= error;
      notify();
    });
    worker.on('exit', (code) => {
      if (code !== 0) failure ??= new Error(`a scan worker exited with code ${code}`);
      notify();
    });
    return slot;
  });

  const dispatch = () => {
    for (const slot of pool) {
      while (slot.inFlight < REQUESTS_PER_WORKER && nextToSend < tasks.length && nextToSend < nextToYield + REORDER_WINDOW) {
        // Smaller batches towards the end so the threads finish together.
        const remaining = tasks.length - nextToSend;
        const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(remaining / (threads * 4)), nextToYield + REORDER_WINDOW - nextToSend));
        const request: ScanRequest = { first: nextToSend, tasks: tasks.slice(nextToSend, nextToSend + size) };
        slot.worker.postMessage(request);
        slot.inFlight++;
        nextToSend += size;
      }
    }
  };

  try {
    dispatch();
    while (nextToYield < tasks.length) {
      if (failure) throw failure;
      const report = ready.get(nextToYield);
      if (!report) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      ready.delete(nextToYield);
      nextToYield++;
      dispatch();
      yield report;
    }
  } finally {
    await Promise.all(pool.map((slot) => slot.worker.terminate()));
  }
}

/** The worker entry: beside the bundle when built (dist/cli-worker.js), else the compiled worker.js. */
function workerScript(): string {
  const bundled = path.join(__dirname, 'cli-worker.js');
  return fs.existsSync(bundled) ? bundled : path.join(__dirname, 'worker.js');
}

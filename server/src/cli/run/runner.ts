import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { RunProcesses } from './process-table';

/** What `spawn-guard run` makes the default start method (`fork` only for --compare's reference run). */
export type StartMethod = 'spawn' | 'forkserver' | 'fork';

export interface ScriptRunOptions {
  python: string;
  /** The interpreter's arguments: the script (or `-c …`) and its arguments. */
  args: readonly string[];
  startMethod: StartMethod;
  cwd: string;
  /** The environment the script starts from (PYTHONPATH is extended, not replaced). */
  env: NodeJS.ProcessEnv;
  /** The folder holding spawn-guard's sitecustomize.py. */
  siteFolder: string;
  timeoutMs: number;
  /** More living processes than this at once stops the run: a respawn storm. */
  maxProcesses: number;
  /** Children that died (in the bootstrapping phase, or Pool workers) before the run is stopped as respawning. */
  maxBootstrapDeaths: number;
  /** Inherit this process's stdin; otherwise the script reads end-of-file at once. */
  stdin: boolean;
  /** Bytes of each stream kept (the head: where the first traceback is); the rest is counted. */
  captureBytes: number;
  /** Called with each chunk as it arrives (e.g. to show the output live). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Aborting stops the run at once (e.g. the user cancelled it). */
  signal?: AbortSignal;
  /** How often the process table is read. */
  pollMs?: number;
}

/** Why the watchdog stopped a run before the script ended by itself. */
export type Stop =
  | { reason: 'timeout'; seconds: number }
  | { reason: 'processes'; count: number; limit: number }
  | { reason: 'respawning'; deaths: number }
  | { reason: 'cancelled' };

export interface CapturedOutput {
  /** The first `captureBytes`, decoded. */
  text: string;
  /** Every byte written, including those not kept. */
  bytes: number;
  truncated: boolean;
}

export interface ScriptRun {
  startMethod: StartMethod;
  /** Also the process group's id. */
  pid: number;
  /** `NAME=value` in the environment of every process of the run. */
  marker: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  stopped: Stop | undefined;
  /** The most processes of the run seen alive at once (the script included). */
  peakProcesses: number;
  /** Children whose stderr says they died in the bootstrapping phase (counted over the whole stream). */
  bootstrapDeaths: number;
  /** Processes still running when the script itself ended, killed then. */
  leftBehind: number;
  durationMs: number;
}

/** The error message of a child that started a process while importing the main module. */
export const BOOTSTRAP_ERROR = 'An attempt has been made to start a new process before the';

export const RUN_MARKER_NAME = 'SPAWN_GUARD_RUN';

class Capture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= this.limit) return;
    const part = chunk.subarray(0, this.limit - this.kept);
    this.chunks.push(part);
    this.kept += part.length;
  }

  result(): CapturedOutput {
    return { text: Buffer.concat(this.chunks).toString('utf8'), bytes: this.total, truncated: this.total > this.kept };
  }
}

/** Counts occurrences of a phrase in a stream whose chunks may split it. */
class PhraseCounter {
  count = 0;
  private tail = '';

  constructor(private readonly phrase: string) {}

  add(chunk: Buffer): void {
    const text = this.tail + chunk.toString('latin1');
    let index = text.indexOf(this.phrase);
    while (index >= 0) {
      this.count++;
      index = text.indexOf(this.phrase, index + this.phrase.length);
    }
    this.tail = text.slice(-(this.phrase.length - 1));
  }
}

/** The script's environment: spawn-guard's sitecustomize first on PYTHONPATH, the start method, a run marker. */
export function scriptEnvironment(
  options: Pick<ScriptRunOptions, 'env' | 'siteFolder' | 'startMethod'>,
  marker: string,
): NodeJS.ProcessEnv {
  const existing = options.env.PYTHONPATH;
  return {
    ...options.env,
    PYTHONPATH: existing ? `${options.siteFolder}${path.delimiter}${existing}` : options.siteFolder,
    SPAWN_GUARD_START_METHOD: options.startMethod,
    [RUN_MARKER_NAME]: marker,
    // Parent and children share the pipes: unbuffered output keeps their lines whole and in order, and a
    // fork child cannot print a copy of its parent's pending buffer (which a terminal would not show).
    // A caller's own setting is passed on as given (Python reads an empty value or 0 as buffered): the
    // notebook runner turns it off, as a kernel's captured output wants whole writes.
    PYTHONUNBUFFERED: options.env.PYTHONUNBUFFERED ?? '1',
  };
}

/**
 * Runs a Python script with `startMethod` as the default start method, in its own process group, under a
 * watchdog: a time-out, a bound on living processes, and a bound on children dying in the bootstrapping
 * phase (a Pool that refills itself forever). Whatever the outcome, every process of the run is killed
 * before this resolves; it rejects only when the interpreter cannot be started.
 */
export function runScript(options: ScriptRunOptions): Promise<ScriptRun> {
  const started = Date.now();
  const markerValue = randomUUID();
  const child = startScript(options, markerValue);
  return new Promise((resolve, reject) => {
    const stdout = new Capture(options.captureBytes);
    const stderr = new Capture(options.captureBytes);
    const deaths = new ChildDeaths();
    let stopped: Stop | undefined;
    let peak = 0;
    let leftBehind = 0;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let processes: RunProcesses | undefined;
    let finishing = false;
    const closing = trackClose(child);

    const stop = (why: Stop): void => {
      if (stopped || exit) return;
      stopped = why;
      processes?.killAll();
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdout.add(chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.add(chunk);
      options.onStderr?.(chunk);
      const total = deaths.add(chunk);
      if (total > options.maxBootstrapDeaths) stop({ reason: 'respawning', deaths: total });
    });

    const timer = setTimeout(() => stop({ reason: 'timeout', seconds: options.timeoutMs / 1000 }), options.timeoutMs);
    const poll = setInterval(() => {
      if (!processes || stopped || exit) return;
      const count = processes.living().length;
      peak = Math.max(peak, count);
      if (count > options.maxProcesses) stop({ reason: 'processes', count, limit: options.maxProcesses });
    }, options.pollMs ?? 50);
    const onAbort = (): void => stop({ reason: 'cancelled' });
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) onAbort();

    const cleanUp = (): void => (clearTimeout(timer), clearInterval(poll), options.signal?.removeEventListener('abort', onAbort));

    child.on('spawn', () => {
      processes = RunProcesses.forRoot(child.pid!, `${RUN_MARKER_NAME}=${markerValue}`);
      peak = 1;
      if (stopped) processes.killAll();
    });
    child.on('error', (error) => {
      cleanUp();
      reject(new Error(`cannot run ${options.python}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      void finish();
    });

    // The script has ended: kill what it left behind, wait until every process of the run is gone, then
    // drain the pipes (a process that escaped both the group and the marker may hold them: cut them).
    const finish = async (): Promise<void> => {
      if (finishing) return;
      finishing = true;
      clearTimeout(timer);
      clearInterval(poll);
      if (processes) leftBehind = await killLeftovers(processes, stopped !== undefined);
      await closing.drain();
      cleanUp();
      resolve({
        startMethod: options.startMethod,
        pid: child.pid!,
        marker: `${RUN_MARKER_NAME}=${markerValue}`,
        exitCode: exit!.code,
        signal: exit!.signal,
        stdout: stdout.result(),
        stderr: stderr.result(),
        stopped,
        peakProcesses: peak,
        bootstrapDeaths: deaths.bootstrap.count,
        leftBehind,
        durationMs: Date.now() - started,
      });
    };
  });
}

function startScript(options: ScriptRunOptions, markerValue: string): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(options.python, [...options.args], {
    cwd: options.cwd,
    env: scriptEnvironment(options, markerValue),
    detached: true, // setsid: its own process group, so the whole tree can be killed at once
    stdio: [options.stdin ? 'inherit' : 'ignore', 'pipe', 'pipe'],
  }) as ChildProcessByStdio<null, Readable, Readable>;
}

/** Children that died: in the bootstrapping phase, or Pool workers ("Process SpawnPoolWorker-3:" heads their traceback). */
class ChildDeaths {
  readonly bootstrap = new PhraseCounter(BOOTSTRAP_ERROR);
  private readonly poolWorkers = new PhraseCounter('PoolWorker-');

  /** Counts the deaths `chunk` of stderr shows; returns the total so far. */
  add(chunk: Buffer): number {
    this.bootstrap.add(chunk);
    this.poolWorkers.add(chunk);
    return this.bootstrap.count + this.poolWorkers.count;
  }
}

/**
 * Kills what the script left running, waits until every process of the run is gone, and returns how
 * many were left behind (none counted when the watchdog already stopped the run).
 */
async function killLeftovers(processes: RunProcesses, stopped: boolean): Promise<number> {
  // multiprocessing's helpers (the resource tracker, a forkserver) end a moment after the script:
  // give them that moment before counting what was left behind.
  const grace = Date.now() + 300;
  while (!stopped && processes.living().length > 0 && Date.now() < grace) await delay(10);
  const leftBehind = stopped ? 0 : processes.living().length;
  const deadline = Date.now() + 5_000;
  while (processes.living().length > 0 && Date.now() < deadline) {
    processes.killAll();
    await delay(10);
  }
  return leftBehind;
}

/**
 * The child's 'close' (its pipes drained). drain() waits for it; a process that escaped both the group
 * and the marker may hold the pipes open: they are cut after a second.
 */
function trackClose(child: ChildProcessByStdio<null, Readable, Readable>): { drain(): Promise<void> } {
  let closed = false;
  const whenClosed = new Promise<void>((resolve) =>
    child.on('close', () => {
      closed = true;
      resolve();
    }),
  );
  return {
    async drain() {
      if (closed) return;
      const cut = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 1_000);
      const gaveUp = setTimeout(() => closed || child.emit('close', child.exitCode, child.signalCode), 1_500);
      await whenClosed;
      clearTimeout(cut);
      clearTimeout(gaveUp);
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

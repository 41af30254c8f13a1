import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

export type StartMethod = 'spawn' | 'fork';

export interface RunPythonOptions {
  /** Made the default start method of the script and of every child it starts. */
  startMethod: StartMethod;
  /** After this, the script's whole process group is killed and `timedOut` is set. */
  timeoutMs: number;
  /** Working directory; by default a fresh temporary one, removed afterwards. */
  cwd?: string;
  /** The interpreter (default `python3` on PATH) and the arguments after the script. */
  python?: string;
  args?: readonly string[];
  /** Added to the clean environment. */
  env?: Readonly<Record<string, string>>;
}

export interface PythonRun {
  /** Also the id of the script's process group. */
  pid: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export const PYTHON = 'python3';

/** Holds the sitecustomize.py that makes SPAWN_GUARD_START_METHOD the default start method. */
const PYTHON_PATH = path.join(REPO_ROOT, 'test', 'runtime', 'python-path');

/** A respawning pool prints a traceback per dead worker; keep the head, which holds the first one. */
const MAX_CAPTURED_BYTES = 256 * 1024;

function pythonEnv(startMethod: StartMethod): NodeJS.ProcessEnv {
  // A clean environment: nothing from the developer's shell (PYTHONSTARTUP, PYTHONWARNINGS, a venv)
  // may change what the script prints.
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    LANG: 'C.UTF-8',
    PYTHONPATH: PYTHON_PATH,
    SPAWN_GUARD_START_METHOD: startMethod,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONHASHSEED: '0',
    PYTHONNOUSERSITE: '1',
    PYTHONIOENCODING: 'utf-8',
    // Parent and children share the pipes: unbuffered output keeps their lines whole and in order,
    // and a fork child cannot flush a copy of its parent's pending buffer.
    PYTHONUNBUFFERED: '1',
  };
}

class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  add(chunk: Buffer): void {
    if (this.size >= MAX_CAPTURED_BYTES) return;
    const kept = chunk.subarray(0, MAX_CAPTURED_BYTES - this.size);
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** SIGKILL to every process in the group; an empty group (ESRCH) is the normal case after a clean exit. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Runs a Python script with `startMethod` as the default multiprocessing start method. The script runs
 * in its own process group, which is killed on time-out (an unguarded Pool under spawn refills itself
 * forever) and again when the script exits (children it left behind).
 */
export async function runPython(file: string, options: RunPythonOptions): Promise<PythonRun> {
  const cwd = options.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-run-'));
  try {
    return await runInGroup(path.resolve(file), options, cwd);
  } finally {
    if (options.cwd === undefined) fs.rmSync(cwd, { recursive: true, force: true });
  }
}

function runInGroup(file: string, options: RunPythonOptions, cwd: string): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.python ?? PYTHON, [file, ...(options.args ?? [])], {
      cwd,
      env: { ...pythonEnv(options.startMethod), ...options.env },
      detached: true, // own process group (setsid), so the whole tree can be killed at once
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = new CappedOutput();
    const stderr = new CappedOutput();
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));

    let timedOut = false;
    let exited = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
      // The group was killed when the script exited: what still holds the pipes left the group (setsid).
      if (exited) {
        child.stdout.destroy();
        child.stderr.destroy();
      }
    }, options.timeoutMs);

    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${options.python ?? PYTHON} ${file}: ${error.message}`));
    });
    child.on('exit', () => {
      exited = true;
      // Stray children keep the pipes open and 'close' from firing. Once they are gone, 'close' also
      // means that every process of the group has ended.
      if (child.pid !== undefined) killGroup(child.pid);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid!, exitCode, signal, stdout: stdout.text(), stderr: stderr.text(), timedOut });
    });
  });
}

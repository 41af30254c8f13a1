import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runScript, type ScriptRun } from '../../server/src/cli/run/runner';
import { siteFolder } from '../../server/src/cli/run/site-folder';

/**
 * Runs Python scripts for the tests with the product's runner (`spawn-guard run`'s: its sitecustomize,
 * process group and watchdog), so that what the tests trust is what users run.
 */

export type StartMethod = 'spawn' | 'fork';

export interface RunPythonOptions {
  /** Made the default start method of the script and of every child it starts. */
  startMethod: StartMethod;
  /** After this, every process of the run is killed and `timedOut` is set. */
  timeoutMs: number;
  /** Working directory; by default a fresh temporary one, removed afterwards. */
  cwd?: string;
  /** The interpreter's arguments instead of the file (`-m pkg.main`); the file is then only named in errors. */
  args?: string[];
  /** Folders put on PYTHONPATH after the one holding the runner's sitecustomize.py. */
  pythonPath?: string[];
  /** Another interpreter than `python3` (the system's /usr/bin/python3 sees Debian's python3-* packages). */
  interpreter?: string;
  /** Added to the clean environment (an empty PYTHONUNBUFFERED turns the runner's unbuffered output off). */
  env?: Readonly<Record<string, string>>;
}

export interface PythonRun {
  /** Also the id of the script's process group. */
  pid: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The watchdog stopped it: the time-out, or a Pool refilling itself forever, or a respawn storm. */
  timedOut: boolean;
  /** The runner's full account. */
  run: ScriptRun;
}

export const PYTHON = 'python3';

/** A respawning pool prints a traceback per dead worker; keep the head, which holds the first one. */
const MAX_CAPTURED_BYTES = 256 * 1024;

/**
 * A clean environment: nothing from the developer's shell (PYTHONSTARTUP, PYTHONWARNINGS, a venv) may
 * change what the script prints. The runner adds PYTHONPATH, the start method and PYTHONUNBUFFERED.
 */
export function testPythonEnv(home: string, pythonPath: readonly string[] = []): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    ...(pythonPath.length > 0 ? { PYTHONPATH: pythonPath.join(path.delimiter) } : {}),
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONHASHSEED: '0',
    PYTHONNOUSERSITE: '1',
    PYTHONIOENCODING: 'utf-8',
  };
}

/** Runs a Python script with `startMethod` as the default multiprocessing start method. */
export async function runPython(file: string, options: RunPythonOptions): Promise<PythonRun> {
  const cwd = options.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-run-'));
  try {
    const run = await runScript({
      python: options.interpreter ?? PYTHON,
      args: options.args ?? [path.resolve(file)],
      startMethod: options.startMethod,
      cwd,
      env: { ...testPythonEnv(os.tmpdir(), options.pythonPath), ...options.env },
      siteFolder: siteFolder(),
      timeoutMs: options.timeoutMs,
      maxProcesses: 64,
      maxBootstrapDeaths: 12,
      stdin: false,
      captureBytes: MAX_CAPTURED_BYTES,
    });
    return {
      pid: run.pid,
      exitCode: run.exitCode,
      signal: run.signal,
      stdout: run.stdout.text,
      stderr: run.stderr.text,
      timedOut: run.stopped !== undefined,
      run,
    };
  } finally {
    if (options.cwd === undefined) fs.rmSync(cwd, { recursive: true, force: true });
  }
}

import { describeVerdict } from './describe';
import type { RunMethod } from './options';
import { relatedFindings, type StaticFinding } from './related-findings';
import { runScript, type ScriptRun, type StartMethod } from './runner';
import { isNotebook } from './notebook';
import { notebookRunner, siteFolder } from './site-folder';
import { staticFindings } from './static-findings';
import { judge, type Verdict } from './verdict';

/** What to run and how: `spawn-guard run`'s options, resolved. */
export interface Reproduction {
  /** Absolute path of the script. */
  script: string;
  scriptArgs: readonly string[];
  /** The interpreter's path. */
  python: string;
  method: RunMethod;
  compare: boolean;
  timeoutSeconds: number;
  maxProcesses: number;
  stdin: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Stops the run (every process of it killed); the verdict is then `cancelled`. */
  signal?: AbortSignal;
  /** Told what runs, and handed the spawn run's output as it comes (up to CAPTURE_BYTES a stream). */
  progress?: Progress;
}

export interface Progress {
  note(text: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface RunReport {
  script: string;
  python: string;
  method: StartMethod;
  verdict: Verdict;
  /** The verdict in a sentence. */
  summary: string;
  /** The static findings that explain the verdict. */
  findings: StaticFinding[];
  /** The spawn (or forkserver) run, then with --compare the fork run. */
  runs: ScriptRun[];
}

/** Bytes of each stream kept for the verdict and the report, and shown live. */
export const CAPTURE_BYTES = 1024 * 1024;
/** Children dying in the bootstrapping phase before a run counts as a Pool respawning them forever. */
const MAX_BOOTSTRAP_DEATHS = 12;

/** Runs the script under spawn (and fork with `compare`) and judges what happened. */
export async function reproduce(request: Reproduction): Promise<RunReport> {
  const { script, progress } = request;
  const base = {
    python: request.python,
    args: isNotebook(script) ? [notebookRunner(), script] : [script, ...request.scriptArgs],
    cwd: request.cwd,
    env: compareEnvironment(request.env, request.compare),
    siteFolder: siteFolder(),
    timeoutMs: request.timeoutSeconds * 1000,
    maxProcesses: request.maxProcesses,
    maxBootstrapDeaths: MAX_BOOTSTRAP_DEATHS,
    captureBytes: CAPTURE_BYTES,
    signal: request.signal,
  };
  progress?.note(`running ${script} under ${request.method} with ${request.python}`);
  const shown = { stdout: 0, stderr: 0 };
  const show = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    if (!progress || shown[stream] >= CAPTURE_BYTES) return;
    const part = chunk.subarray(0, CAPTURE_BYTES - shown[stream]);
    shown[stream] += part.length;
    progress[stream](part.toString('utf8'));
    if (shown[stream] >= CAPTURE_BYTES) progress.note(`${stream} shown up to ${CAPTURE_BYTES / 1024 / 1024} MiB; the rest is counted`);
  };
  const spawned = await runScript({
    ...base,
    startMethod: request.method,
    stdin: request.stdin,
    onStdout: show('stdout'),
    onStderr: show('stderr'),
  });
  const runs = [spawned];
  if (request.compare && spawned.stopped?.reason !== 'cancelled') {
    progress?.note(`running ${script} under fork to compare`);
    runs.push(await runScript({ ...base, startMethod: 'fork', stdin: false }));
  }
  const verdict = judge(spawned, runs[1], script);
  const findings = relatedFindings(verdict, await staticFindings(script));
  return {
    script,
    python: request.python,
    method: request.method,
    verdict,
    summary: describeVerdict(verdict, request.method),
    findings,
    runs,
  };
}

/**
 * Both runs of --compare get the same hash seed, so that the order of a set of strings is the same in
 * both (and in spawned children); an existing PYTHONHASHSEED is kept.
 */
function compareEnvironment(env: NodeJS.ProcessEnv, compare: boolean): NodeJS.ProcessEnv {
  return compare && env.PYTHONHASHSEED === undefined ? { ...env, PYTHONHASHSEED: '0' } : env;
}

import { createTwoFilesPatch } from 'diff';
import { findFailure, sameFailure, type Failure } from './failures';
import type { ScriptRun, Stop } from './runner';

/** What `spawn-guard run` concludes; the kinds are the runtime fixture headers' words. */
export type Verdict =
  /** --compare: the same exit status and output under fork. */
  | { kind: 'same'; sortedLines: boolean; bothStopped: boolean }
  /** Without --compare: the script ended with status 0 and no hazard in its output. */
  | { kind: 'clean' }
  | { kind: 'fails'; failure: Failure; line: number | undefined }
  /** The watchdog stopped it; `cause` is what its output shows (e.g. children dying in the bootstrapping phase). */
  | { kind: 'hangs'; stop: Stop; cause: Failure | undefined; line: number | undefined; forkEnded: boolean | undefined }
  /** The user stopped it (Ctrl-C, or Cancel in the editor). */
  | { kind: 'cancelled' }
  | { kind: 'differs'; exitCodes: { spawn: ExitStatus; fork: ExitStatus } | undefined; diff: string; sortedLines: boolean };

export type ExitStatus = number | string | null;

/** Lines of the output diff shown; the rest is counted. */
const DIFF_LINES = 20;

export function judge(spawned: ScriptRun, forked: ScriptRun | undefined, script: string): Verdict {
  if (spawned.stopped?.reason === 'cancelled' || forked?.stopped?.reason === 'cancelled') return { kind: 'cancelled' };
  const found = findFailure(spawned.stderr.text, spawned.exitCode, script, spawned.bootstrapDeaths);
  if (spawned.stopped && !(forked?.stopped?.reason === 'timeout' && spawned.stopped.reason === 'timeout')) {
    return {
      kind: 'hangs',
      stop: spawned.stopped,
      cause: found?.failure,
      line: found?.line,
      forkEnded: forked ? !forked.stopped : undefined,
    };
  }
  const forkFailure = forked ? findFailure(forked.stderr.text, forked.exitCode, script, forked.bootstrapDeaths) : undefined;
  if (found && !(forkFailure && sameFailure(found.failure, forkFailure.failure))) {
    // A generic error is a spawn failure only when fork ran without it (or there is no fork run to ask).
    return { kind: 'fails', failure: found.failure, line: found.line };
  }
  if (!forked) return found ? { kind: 'fails', failure: found.failure, line: found.line } : { kind: 'clean' };

  const spawnExit = exitStatus(spawned);
  const forkExit = exitStatus(forked);
  const exactOutput = spawned.stdout.text === forked.stdout.text;
  const sortedOutput = exactOutput || sortedLines(spawned.stdout.text) === sortedLines(forked.stdout.text);
  const bothStopped = spawned.stopped !== undefined && forked.stopped !== undefined;
  if (spawnExit === forkExit && sortedOutput) return { kind: 'same', sortedLines: !exactOutput, bothStopped };
  return {
    kind: 'differs',
    exitCodes: spawnExit === forkExit ? undefined : { spawn: spawnExit, fork: forkExit },
    diff: sortedOutput ? '' : outputDiff(forked.stdout.text, spawned.stdout.text),
    sortedLines: false,
  };
}

function exitStatus(run: ScriptRun): ExitStatus {
  return run.exitCode ?? run.signal;
}

function sortedLines(text: string): string {
  return text.split('\n').sort().join('\n');
}

/** A unified diff of stdout, fork's as the reference, cut to DIFF_LINES lines. */
export function outputDiff(forkOutput: string, spawnOutput: string): string {
  const patch = createTwoFilesPatch('stdout under fork', 'stdout under spawn', forkOutput, spawnOutput, '', '', { context: 2 });
  // Without the ==== line, and the headers' empty time stamps.
  const hunk = patch
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => (line.startsWith('--- ') || line.startsWith('+++ ') ? line.trimEnd() : line));
  if (hunk.length <= DIFF_LINES) return hunk.join('\n');
  return [...hunk.slice(0, DIFF_LINES), `… ${hunk.length - DIFF_LINES} more lines`].join('\n');
}

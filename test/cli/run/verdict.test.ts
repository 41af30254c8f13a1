/** The verdict from two runs' captured output (no Python here: the runs are written out). */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findFailure } from '../../../server/src/cli/run/failures';
import type { ScriptRun } from '../../../server/src/cli/run/runner';
import { judge } from '../../../server/src/cli/run/verdict';

const SCRIPT = '/home/me/job.py';

function scriptRun(
  startMethod: ScriptRun['startMethod'],
  stdout: string,
  stderr = '',
  exitCode: number | null = 0,
  stopped?: ScriptRun['stopped'],
): ScriptRun {
  const output = (text: string) => ({ text, bytes: Buffer.byteLength(text), truncated: false });
  return {
    startMethod,
    pid: 1,
    marker: 'SPAWN_GUARD_RUN=x',
    exitCode,
    signal: null,
    stdout: output(stdout),
    stderr: output(stderr),
    stopped,
    peakProcesses: 3,
    bootstrapDeaths: 0,
    leftBehind: 0,
    durationMs: 100,
  };
}

const traceback = (frames: [string, number][], error: string) =>
  [
    'Traceback (most recent call last):',
    ...frames.map(([file, line]) => `  File "${file}", line ${line}, in <module>\n    code()`),
    error,
    '',
  ].join('\n');

describe('findFailure', () => {
  it('reads the missing name of "Can\'t get attribute", though a BrokenProcessPool follows it', () => {
    const stderr =
      traceback(
        [['/usr/lib/python3.11/multiprocessing/spawn.py', 1]],
        "AttributeError: Can't get attribute 'square' on <module '__mp_main__' from '/home/me/job.py'>",
      ) + traceback([[SCRIPT, 12]], 'concurrent.futures.process.BrokenProcessPool: A process in the process pool was terminated abruptly');
    assert.deepEqual(findFailure(stderr, 1, SCRIPT)?.failure, { kind: 'missing-attribute', name: 'square', module: '__mp_main__' });
  });

  it('points at the last frame of the script in the traceback', () => {
    const stderr = traceback(
      [
        ['<frozen runpy>', 88],
        [SCRIPT, 5],
        ['/usr/lib/python3.11/multiprocessing/context.py', 247],
      ],
      'RuntimeError: context has already been set',
    );
    assert.deepEqual(findFailure(stderr, 0, SCRIPT), { failure: { kind: 'context-already-set' }, line: 5 });
  });

  it("counts a NameError only when it came from a child (the script's own is not a spawn hazard)", () => {
    const own = traceback([[SCRIPT, 3]], "NameError: name 'x' is not defined");
    assert.deepEqual(findFailure(own, 1, SCRIPT)?.failure, { kind: 'error', message: "NameError: name 'x' is not defined" });
    const remote = `multiprocessing.pool.RemoteTraceback:\n"""\n${traceback([[SCRIPT, 7]], "NameError: name 'FACTOR' is not defined")}"""`;
    assert.deepEqual(findFailure(remote, 1, SCRIPT), { failure: { kind: 'name-error', name: 'FACTOR' }, line: 7 });
  });

  it('reads pickling errors of lambdas and local objects', () => {
    for (const error of [
      "_pickle.PicklingError: Can't pickle <function <lambda> at 0x7f>: attribute lookup <lambda> on __main__ failed",
      "AttributeError: Can't pickle local object 'main.<locals>.work'",
    ]) {
      assert.deepEqual(findFailure(traceback([[SCRIPT, 9]], error), 0, SCRIPT)?.failure, { kind: 'pickling', message: error });
    }
  });

  it('finds nothing in a clean run', () => assert.equal(findFailure('', 0, SCRIPT), undefined));
});

describe('judge', () => {
  it('compares sorted lines when only the order differs, and says so', () => {
    const verdict = judge(scriptRun('spawn', 'b\na\n'), scriptRun('fork', 'a\nb\n'), SCRIPT);
    assert.deepEqual(verdict, { kind: 'same', sortedLines: true, bothStopped: false });
  });

  it('shows a short diff of the output when it differs', () => {
    const verdict = judge(scriptRun('spawn', 'loaded\nloaded\n[1]\n'), scriptRun('fork', 'loaded\n[1]\n'), SCRIPT);
    assert.equal(verdict.kind, 'differs');
    assert.ok(verdict.kind === 'differs' && verdict.diff.includes('+loaded'), JSON.stringify(verdict));
  });

  it('does not blame spawn for a failure fork shows too', () => {
    const error = traceback([[SCRIPT, 2]], 'ValueError: bad input');
    assert.deepEqual(judge(scriptRun('spawn', '', error, 1), scriptRun('fork', '', error, 1), SCRIPT), {
      kind: 'same',
      sortedLines: false,
      bothStopped: false,
    });
  });

  it('calls a run the watchdog stopped a hang, with the cause its output shows', () => {
    const stderr = traceback(
      [[SCRIPT, 4]],
      'RuntimeError: \n        An attempt has been made to start a new process before the\n        current process has finished its bootstrapping phase.',
    );
    const verdict = judge(scriptRun('spawn', '', stderr, null, { reason: 'timeout', seconds: 5 }), scriptRun('fork', 'ok\n'), SCRIPT);
    assert.deepEqual(verdict, {
      kind: 'hangs',
      stop: { reason: 'timeout', seconds: 5 },
      cause: { kind: 'bootstrapping', deaths: 1 },
      line: 4,
      forkEnded: true,
    });
  });

  it('is `cancelled` when the user stopped it', () => {
    assert.deepEqual(judge(scriptRun('spawn', '', '', null, { reason: 'cancelled' }), undefined, SCRIPT), { kind: 'cancelled' });
  });
});

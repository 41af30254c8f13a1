/** The verdict from two runs' captured output (no Python here: the runs are written out). */
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeVerdict } from '../../../server/src/cli/run/describe';
import { findFailure } from '../../../server/src/cli/run/failures';
import type { ScriptRun } from '../../../server/src/cli/run/runner';
import { judge, type Verdict } from '../../../server/src/cli/run/verdict';

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

describe('describeVerdict: the sentence a person reads', () => {
  const cases: [Verdict, string][] = [
    [{ kind: 'same', sortedLines: false, bothStopped: false }, 'same behaviour under spawn as under fork (exit status and output)'],
    [
      { kind: 'same', sortedLines: true, bothStopped: false },
      'same behaviour under spawn as under fork (exit status and output), compared as sorted lines: the order in which its processes print is not deterministic',
    ],
    [
      { kind: 'same', sortedLines: false, bothStopped: true },
      'same behaviour under spawn as under fork (exit status and output); both runs were stopped at the time-out',
    ],
    [{ kind: 'clean' }, 'ran clean under spawn (exit status 0, no spawn failure in its output); --compare also runs it under fork'],
    [
      { kind: 'fails', failure: { kind: 'bootstrapping', deaths: 2 }, line: 9 },
      'fails under spawn: 2 child processes died with RuntimeError "…bootstrapping phase": code at module level started processes again when each child imported the script',
    ],
    [
      { kind: 'fails', failure: { kind: 'missing-attribute', name: 'work', module: '__mp_main__' }, line: undefined },
      `fails under spawn: a child could not find "work" ("Can't get attribute 'work' on <module '__mp_main__'>"): it is defined where the child, importing the script, does not define it (under the main guard)`,
    ],
    [
      { kind: 'fails', failure: { kind: 'missing-attribute', name: 'work', module: '__main__' }, line: undefined },
      `fails under spawn: a child could not find "work" ("Can't get attribute 'work' on <module '__main__'>"): it is defined in a notebook or an interactive session, which a spawned child cannot import: define it in a module and import it`,
    ],
    [
      { kind: 'fails', failure: { kind: 'pickling', message: "AttributeError: Can't pickle local object 'main.<locals>.f'" }, line: 3 },
      "fails under spawn: a worker or its arguments could not be pickled to send to the child (AttributeError: Can't pickle local object 'main.<locals>.f')",
    ],
    [
      { kind: 'fails', failure: { kind: 'context-already-set' }, line: 2 },
      'fails under spawn: set_start_method() ran again in a child importing the script: RuntimeError "context has already been set"',
    ],
    [
      { kind: 'fails', failure: { kind: 'name-error', name: 'CONFIG' }, line: 5 },
      'fails under spawn: a child has no global "CONFIG" (NameError): it is assigned only where children do not run (under the main guard)',
    ],
    [
      {
        kind: 'hangs',
        stop: { reason: 'respawning', deaths: 13 },
        cause: { kind: 'bootstrapping', deaths: 13 },
        line: 11,
        forkEnded: true,
      },
      'hangs under spawn: 13 children died and were replaced (a Pool refilling itself never ends): stopped; they died in the bootstrapping phase: code at module level starts processes again in every child that imports the script; under fork it ended by itself',
    ],
    [
      { kind: 'hangs', stop: { reason: 'processes', count: 70, limit: 64 }, cause: undefined, line: undefined, forkEnded: undefined },
      'hangs under spawn: 70 processes alive at once (limit 64): a respawn storm, stopped',
    ],
    [
      { kind: 'hangs', stop: { reason: 'timeout', seconds: 30 }, cause: undefined, line: undefined, forkEnded: true },
      'hangs under spawn: still running after 30 s: stopped; under fork it ended by itself',
    ],
    [
      { kind: 'differs', exitCodes: { spawn: 1, fork: 0 }, diff: '-a\n+b', sortedLines: false },
      'differs under spawn: exit status 1 under spawn, 0 under fork; its output differs',
    ],
    [{ kind: 'cancelled' }, 'stopped on request; every process of the run was killed'],
  ];
  for (const [verdict, sentence] of cases) {
    it(`${verdict.kind}: ${sentence.length > 80 ? `${sentence.slice(0, 80)}…` : sentence}`, () =>
      assert.equal(describeVerdict(verdict, 'spawn'), sentence));
  }

  it('names the method it ran under', () => {
    assert.match(describeVerdict({ kind: 'clean' }, 'forkserver'), /^ran clean under forkserver /);
  });
});

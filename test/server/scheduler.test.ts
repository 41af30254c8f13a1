import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticsScheduler } from '../../server/src/lsp/scheduler';

/** A promise with its resolve function exposed. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Lets `count` setImmediate turns pass (the scheduler waits for one in which nothing new was scheduled). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('DiagnosticsScheduler', () => {
  it('runs once for a burst of changes to one document', async () => {
    const runs: string[] = [];
    const ran = deferred();
    const scheduler = new DiagnosticsScheduler(
      async (uri) => {
        runs.push(uri);
        ran.resolve();
      },
      (_, error) => assert.fail(String(error)),
    );
    for (let i = 0; i < 100; i++) scheduler.schedule('file:///a.py');
    assert.deepEqual(runs, [], 'nothing runs while the burst is being delivered');
    await ran.promise;
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(runs, ['file:///a.py']);
  });

  it('runs once for a burst delivered one message per turn, as vscode-jsonrpc delivers it', async () => {
    const runs: number[] = [];
    let delivered = 0;
    const scheduler = new DiagnosticsScheduler(
      async () => {
        runs.push(delivered);
      },
      (_, error) => assert.fail(String(error)),
    );
    for (; delivered < 100; delivered++) {
      scheduler.schedule('file:///a.py');
      await turns(1);
    }
    await turns(2);
    assert.deepEqual(runs, [100], 'one run, after the last change of the burst');
  });

  it('still runs now and then for a client that never pauses', async () => {
    const runsAt: number[] = [];
    let delivered = 0;
    const scheduler = new DiagnosticsScheduler(
      async () => {
        runsAt.push(delivered);
      },
      (_, error) => assert.fail(String(error)),
    );
    const burst = 3 * DiagnosticsScheduler.MAX_WAIT_TURNS;
    for (; delivered < burst; delivered++) {
      scheduler.schedule('file:///a.py');
      await turns(1);
    }
    await turns(2);
    assert.ok(runsAt.length >= 3 && runsAt.length <= 4, `runs at ${runsAt.join(', ')}`);
    assert.equal(runsAt.at(-1), burst);
  });

  it('never runs one document twice at once, and runs again after a change that came meanwhile', async () => {
    const started: number[] = [];
    const gates = [deferred(), deferred()];
    const finished = deferred();
    let active = 0;
    const scheduler = new DiagnosticsScheduler(
      async () => {
        assert.equal(active, 0, 'overlapping runs');
        active++;
        const index = started.length;
        started.push(index);
        await gates[index].promise;
        active--;
        if (index === 1) finished.resolve();
      },
      (_, error) => assert.fail(String(error)),
    );
    scheduler.schedule('file:///a.py');
    await turns(2);
    assert.deepEqual(started, [0]);
    scheduler.schedule('file:///a.py');
    scheduler.schedule('file:///a.py');
    await turns(2);
    assert.deepEqual(started, [0], 'waits for the running one');
    gates[0].resolve();
    gates[1].resolve();
    await finished.promise;
    assert.deepEqual(started, [0, 1], 'one more run for the changes that came meanwhile');
  });

  it('drops pending work for a closed document and reports errors without stopping', async () => {
    const runs: string[] = [];
    const errors: string[] = [];
    const done = deferred();
    const scheduler = new DiagnosticsScheduler(
      async (uri) => {
        runs.push(uri);
        if (uri.endsWith('bad.py')) throw new Error('boom');
        done.resolve();
      },
      (uri, error) => errors.push(`${uri}: ${(error as Error).message}`),
    );
    scheduler.schedule('file:///closed.py');
    scheduler.cancel('file:///closed.py');
    scheduler.schedule('file:///bad.py');
    scheduler.schedule('file:///good.py');
    await done.promise;
    assert.deepEqual(runs, ['file:///bad.py', 'file:///good.py']);
    assert.deepEqual(errors, ['file:///bad.py: boom']);
  });
});

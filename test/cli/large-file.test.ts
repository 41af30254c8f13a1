import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTree, removeTree, runCli } from '../helpers/cli';

/**
 * Regression: "Add main guard" was quadratic in top-level statements (20k statements took 134 s) and a
 * plain check computed it. The bound is generous on purpose: it only catches quadratic behaviour, never
 * a slow machine (the figures are in bench/RESULTS.md).
 */
const STATEMENTS = 20_000;
const BOUND_MS = 60_000;

function longScript(): string {
  const lines = ['import multiprocessing as mp', '', '', 'def work(x):', '    return x * 2', '', ''];
  for (let i = 0; i < STATEMENTS; i++) lines.push(`v${i} = ${i}`);
  lines.push('pool = mp.Pool(2)', 'print(pool.map(work, [v0, v1]))');
  return `${lines.join('\n')}\n`;
}

describe('a script with 20,000 top-level statements', () => {
  let cwd: string;
  before(() => (cwd = createTree({ 'long.py': longScript() })));
  after(() => removeTree(cwd));

  for (const args of [['check'], ['check', '--diff'], ['check', '--output-format', 'json']]) {
    it(`${args.join(' ')} finishes in linear time`, async () => {
      const started = Date.now();
      const run = await runCli([...args, 'long.py'], { cwd });
      const elapsed = Date.now() - started;
      assert.equal(run.status, 1, run.stderr);
      assert.ok(elapsed < BOUND_MS, `${args.join(' ')} took ${elapsed} ms`);
      if (args.includes('--diff')) assert.match(run.stdout, /^\+if __name__ == "__main__":$/m);
    });
  }
});

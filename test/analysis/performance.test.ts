import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis/analyze';
import { sharedParser } from '../helpers/parser';
import { realisticProgram } from '../helpers/realistic-python';

/** Median CPU time of `runs` calls (CPU time, not wall time: other processes on the machine do not count). */
function medianCpuMs(runs: number, body: () => void): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = process.cpuUsage();
    body();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/**
 * The server analyses on every keystroke: the analysis must cost about what a fresh parse does (measured: 1-2 times), and
 * grow linearly with the file. A regression to per-call tree scans or quadratic resolution shows up as
 * a multiple of the parse time.
 */
describe('analysis cost', () => {
  for (const units of [200, 1_000]) {
    it(`stays within a few fresh parses on a ${units}-unit program dense with multiprocessing`, async () => {
      const parser = await sharedParser();
      const text = realisticProgram(units);
      const tree = parser.parse(text);
      try {
        for (let warm = 0; warm < 3; warm++) analyze({ text, tree });
        const parse = medianCpuMs(7, () => parser.parse(text).delete());
        const analysis = medianCpuMs(7, () => analyze({ text, tree }));
        assert.ok(analysis < 4 * parse, `analysis ${analysis.toFixed(1)} ms vs parse ${parse.toFixed(1)} ms for ${text.split('\n').length} lines`);
      } finally {
        tree.delete();
      }
    });
  }
});

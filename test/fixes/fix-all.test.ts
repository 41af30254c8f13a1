import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixAll } from '../../server/src/fixes/fix-all';
import { withAnalysis } from '../helpers/fixes';
import { sharedParser } from '../helpers/parser';

const lines = (...text: string[]) => text.join('\n') + '\n';

const SEVERAL_HAZARDS = lines(
  'import multiprocessing as mp',
  '',
  'mp.set_start_method("spawn")',
  '',
  'if __name__ == "__main__":',
  '    factor = 3',
  '',
  '    def scale(x):',
  '        return x * factor',
  '',
  '    def shift(x):',
  '        return x + 1',
  '',
  '    with mp.Pool(2, initializer=lambda: None) as pool:',
  '        print(pool.map(scale, [1, 2]), pool.map(shift, [1]))',
);

describe('fixAll', () => {
  it('applies every fix, one per round, and a second run finds nothing left', async () => {
    const parser = await sharedParser();
    const result = fixAll(parser, SEVERAL_HAZARDS);
    assert.deepEqual(
      result.applied.map((fix) => `${fix.code} ${fix.id} ${fix.applicability}`),
      [
        'SPG006 move-set-start-method-into-guard safe',
        'SPG004 replace-lambda-with-function safe',
        'SPG003 move-worker-to-module-level unsafe',
        'SPG003 move-worker-to-module-level safe',
      ],
    );
    assert.equal(
      result.text,
      lines(
        'import multiprocessing as mp',
        '',
        'def _initializer_worker():',
        '    return None',
        '',
        'def scale(x):',
        '    return x * factor',
        '',
        'def shift(x):',
        '    return x + 1',
        '',
        'if __name__ == "__main__":',
        '    mp.set_start_method("spawn")',
        '    factor = 3',
        '',
        '    with mp.Pool(2, initializer=_initializer_worker) as pool:',
        '        print(pool.map(scale, [1, 2]), pool.map(shift, [1]))',
      ),
    );
    // What is left is the hazard the unsafe fix made visible: `scale` reads a global only the guard assigns.
    assert.deepEqual(
      withAnalysis(parser, result.text, (analysis) => analysis.findings.map((finding) => finding.code)),
      ['SPG005'],
    );
    assert.deepEqual(fixAll(parser, result.text), { text: result.text, applied: [] });
  });

  it('with safeOnly, leaves the unsafe fixes out', async () => {
    const parser = await sharedParser();
    const result = fixAll(parser, SEVERAL_HAZARDS, { safeOnly: true });
    assert.ok(result.applied.every((fix) => fix.applicability === 'safe'));
    assert.match(result.text, /^ {4}def scale\(x\):$/m);
    assert.doesNotMatch(result.text, /^ {4}def shift/m);
    assert.deepEqual(fixAll(parser, result.text, { safeOnly: true }).applied, []);
  });

  it('respects select and ignore', async () => {
    const parser = await sharedParser();
    const result = fixAll(parser, SEVERAL_HAZARDS, { select: ['SPG004'] });
    assert.deepEqual(
      result.applied.map((fix) => fix.code),
      ['SPG004'],
    );
    assert.deepEqual(fixAll(parser, SEVERAL_HAZARDS, { ignore: ['SPG'] }), { text: SEVERAL_HAZARDS, applied: [] });
  });
});

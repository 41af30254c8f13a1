import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { sharedParser } from '../helpers/parser';

const UNGUARDED = 'import multiprocessing as mp\n\n\ndef work(x):\n    return x\n\n\npool = mp.Pool(2)';

async function codesFor(text: string): Promise<string[]> {
  const tree = (await sharedParser()).parse(text);
  try {
    return analyze({ text, tree }).findings.map((finding) => finding.code);
  } finally {
    tree.delete();
  }
}

describe('noqa comments', () => {
  it('reports the unsuppressed hazard', async () => assert.deepEqual(await codesFor(`${UNGUARDED}\n`), ['SPG001']));

  for (const comment of ['# noqa', '# noqa: SPG001', '#noqa:SPG001', '# noqa: E501, SPG001', '# NOQA: spg001 E501', '# noqa:']) {
    it(`\`${comment}\` on the line silences it`, async () => assert.deepEqual(await codesFor(`${UNGUARDED}  ${comment}\n`), []));
  }

  for (const comment of ['# noqa: E501', '# noqa: SPG002', '# noqa: F401, SPG004']) {
    it(`\`${comment}\` names other codes and silences nothing here`, async () =>
      assert.deepEqual(await codesFor(`${UNGUARDED}  ${comment}\n`), ['SPG001']));
  }

  it('ignores `# noqa` inside a string', async () => assert.deepEqual(await codesFor(`${UNGUARDED}; note = "# noqa"\n`), ['SPG001']));

  it('`# spawn-guard: noqa` near the top silences the file, a code list only those codes', async () => {
    assert.deepEqual(await codesFor(`# spawn-guard: noqa\n${UNGUARDED}\n`), []);
    assert.deepEqual(await codesFor(`# spawn-guard: noqa: SPG001\n${UNGUARDED}\n`), []);
    assert.deepEqual(await codesFor(`# spawn-guard: noqa: SPG008\n${UNGUARDED}\n`), ['SPG001']);
  });
});

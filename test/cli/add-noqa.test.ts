import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTree, removeTree, runCli } from '../helpers/cli';
import { GUARDED_POOL, UNGUARDED_POOL } from '../helpers/cli-scripts';
import { FIXTURES } from '../helpers/paths';

const NOTEBOOK = fs.readFileSync(path.join(FIXTURES, 'notebooks', 'SPG020', 'pool-map.ipynb'), 'utf8');

/** A Pool started on a line that already silences another tool's code, and one inside a multi-line call. */
const WITH_EXISTING_NOQA = `import multiprocessing


def square(n):
    return n * n


pool = multiprocessing.Pool(2)  # noqa: E501
print(pool.map(square,
               range(3)))
`;

describe('spawn-guard check --add-noqa', () => {
  let cwd: string;
  before(() => {
    cwd = createTree({ 'a.py': UNGUARDED_POOL, 'b.py': WITH_EXISTING_NOQA, 'ok.py': GUARDED_POOL });
  });
  after(() => removeTree(cwd));

  it('adds a noqa comment to each line with findings, keeping the codes already there; then the check passes', async () => {
    const okBefore = fs.readFileSync(path.join(cwd, 'ok.py'), 'utf8');
    const run = await runCli(['check', '--add-noqa'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^Added 4 noqa comments\.$/m);
    const a = fs.readFileSync(path.join(cwd, 'a.py'), 'utf8');
    assert.match(a, /^pool = multiprocessing\.Pool\(2\) {2}# noqa: SPG001$/m);
    assert.match(a, /^print\(pool\.map\(square, range\(3\)\)\) {2}# noqa: SPG008$/m);
    const b = fs.readFileSync(path.join(cwd, 'b.py'), 'utf8');
    assert.match(b, /^pool = multiprocessing\.Pool\(2\) {2}# noqa: E501, SPG001$/m);
    assert.match(b, /^print\(pool\.map\(square, {2}# noqa: SPG008$/m);
    assert.equal(fs.readFileSync(path.join(cwd, 'ok.py'), 'utf8'), okBefore);

    const after = await runCli(['check'], { cwd });
    assert.equal(after.status, 0, after.stdout);
    const again = await runCli(['check', '--add-noqa'], { cwd });
    assert.match(again.stderr, /^Added 0 noqa comments\.$/m);
  });

  it('leaves a notebook as it is, and says so', async () => {
    const tree = createTree({ 'lesson.ipynb': NOTEBOOK });
    try {
      const run = await runCli(['check', '--add-noqa'], { cwd: tree });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /^warning: lesson\.ipynb: no noqa comments added: --add-noqa does not edit notebooks$/m);
      assert.equal(fs.readFileSync(path.join(tree, 'lesson.ipynb'), 'utf8'), NOTEBOOK);
    } finally {
      removeTree(tree);
    }
  });

  it('cannot be combined with --fix, --diff or stdin', async () => {
    for (const args of [
      ['--add-noqa', '--fix'],
      ['--add-noqa', '--diff'],
      ['--add-noqa', '-'],
    ]) {
      const run = await runCli(['check', ...args], { cwd, input: '' });
      assert.equal(run.status, 2, args.join(' '));
    }
  });
});

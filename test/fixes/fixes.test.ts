import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ADD_MAIN_GUARD_ID, addMainGuard, FILE_NOQA_MOVED, NOTHING_TO_WRAP, SYNTAX_ERRORS } from '../../server/src/fixes/add-main-guard';
import { applyEdits } from '../../server/src/fixes/edits';
import { fixAll } from '../../server/src/fixes/fix-all';
import { FIX_PROVIDERS, fixesFor } from '../../server/src/fixes/registry';
import { offeredFixes, withAnalysis } from '../helpers/fixes';
import { sharedParser } from '../helpers/parser';
import { FIXTURES } from '../helpers/paths';
import { pythonCompileErrors } from '../helpers/py-compile';

/**
 * Fix fixtures: test/fixtures/fixes/<fix-id>/<case>.before.py and <case>.after.py. The fix with that id
 * is taken from the findings of `before` and its real edits are applied, again on the result while the
 * fix is still offered (a case may hold several hazards of its kind); the result must equal `after` byte
 * for byte. Every fix applied must be `safe`: test/runtime runs each `after` under spawn and expects the
 * output `before` had under fork, which is what safe means. Unsafe verdicts are tested in the fix's own
 * test file.
 */
const FIX_FIXTURES = path.join(FIXTURES, 'fixes');
/** More rounds than any fixture has hazards: reaching it means the fix keeps offering itself. */
const MAX_ROUNDS = 10;

interface FixtureCase {
  fixId: string;
  name: string;
  before: string;
  after: string;
}

function fixtureCases(): FixtureCase[] {
  const cases: FixtureCase[] = [];
  for (const fixId of fs.readdirSync(FIX_FIXTURES).sort()) {
    const dir = path.join(FIX_FIXTURES, fixId);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith('.before.py')) continue;
      const name = file.slice(0, -'.before.py'.length);
      const read = (suffix: string) => fs.readFileSync(path.join(dir, name + suffix), 'utf8');
      cases.push({ fixId, name, before: read('.before.py'), after: read('.after.py') });
    }
  }
  return cases;
}

describe('fix fixtures', () => {
  const cases = fixtureCases();

  it('has fixtures for every fix provider', () => {
    for (const provider of FIX_PROVIDERS) {
      assert.ok(
        cases.some((c) => c.fixId === provider.id),
        `no fixtures under test/fixtures/fixes/${provider.id}`,
      );
    }
    for (const c of cases)
      assert.ok(
        FIX_PROVIDERS.some((provider) => provider.id === c.fixId),
        `unknown fix id ${c.fixId}`,
      );
  });

  for (const c of cases) {
    it(`${c.fixId}: ${c.name}`, async () => {
      const parser = await sharedParser();
      let text = c.before;
      let rounds = 0;
      for (let fix = offeredFixes(parser, text, c.fixId)[0]; fix; fix = offeredFixes(parser, text, c.fixId)[0]) {
        assert.ok(++rounds <= MAX_ROUNDS, `${c.fixId} is still offered after ${MAX_ROUNDS} rounds:\n${text}`);
        assert.equal(fix.applicability, 'safe', `${fix.title} on ${c.name} (round ${rounds})`);
        const fixed = applyEdits(text, fix.edits);
        assert.notEqual(fixed, text, `${fix.title} changes nothing`);
        text = fixed;
      }
      assert.ok(rounds > 0, `no ${c.fixId} fix is offered for ${c.name}.before.py`);
      assert.equal(text, c.after);
      if (c.fixId === ADD_MAIN_GUARD_ID) {
        assert.deepEqual(
          withAnalysis(parser, c.after, (analysis) => addMainGuard(analysis, parser)),
          { error: NOTHING_TO_WRAP },
        );
      }
    });
  }

  it('every after file compiles with python3', () => {
    const errors = pythonCompileErrors(cases.map((c) => c.after));
    cases.forEach((c, index) => assert.equal(errors[index], null, `${c.fixId}/${c.name}.after.py`));
  });

  it('the addMainGuard command gives the same edits as the fix offered for a finding', async () => {
    const parser = await sharedParser();
    for (const c of cases.filter((c) => c.fixId === ADD_MAIN_GUARD_ID)) {
      const command = withAnalysis(parser, c.before, (analysis) => addMainGuard(analysis, parser));
      assert.ok('fix' in command, `addMainGuard on ${c.name}: ${'error' in command ? command.error : ''}`);
      assert.equal(applyEdits(c.before, command.fix.edits), c.after, c.name);
    }
  });
});

describe('files that get no fix', () => {
  const HALF_TYPED = [
    'import multiprocessing as mp',
    '',
    'def work(x):',
    '    return x +',
    '',
    'with mp.Pool(2) as pool:',
    '    print(pool.map(work, [1, 2]))',
    '',
  ].join('\n');

  it('a half-typed file: no fix for any finding, the command says why, fix-all leaves it alone', async () => {
    const parser = await sharedParser();
    withAnalysis(parser, HALF_TYPED, (analysis) => {
      assert.equal(analysis.tree.rootNode.hasError, true);
      for (const finding of analysis.findings) assert.deepEqual(fixesFor(analysis, finding, parser), []);
      assert.deepEqual(addMainGuard(analysis, parser), { error: SYNTAX_ERRORS });
    });
    assert.deepEqual(fixAll(parser, HALF_TYPED), { text: HALF_TYPED, applied: [] });
  });

  it('a script whose code is all guarded: nothing to wrap', async () => {
    const parser = await sharedParser();
    const text = [
      '"""Doc."""',
      'import multiprocessing as mp',
      '',
      'LIMIT = 3',
      '',
      'def work(x):',
      '    return x * LIMIT',
      '',
      'if __name__ == "__main__":',
      '    with mp.Pool(2) as pool:',
      '        print(pool.map(work, range(LIMIT)))',
      '',
    ].join('\n');
    withAnalysis(parser, text, (analysis) => assert.deepEqual(addMainGuard(analysis, parser), { error: NOTHING_TO_WRAP }));
  });

  it("a guard that would carry the file's `# spawn-guard: noqa` below the first lines: the command says why and changes nothing", async () => {
    // Found by robustness/fixes.test.ts (seed 71): the guard moved below the code it took in, with the
    // comment in its body, which then no longer silenced the file; a second "Add main guard" then wrapped more.
    const parser = await sharedParser();
    const text = [
      'if __name__ == "__main__":',
      '    # spawn-guard: noqa',
      '    print("loading")',
      'with Pool(2) as pool:',
      '    print(pool.map(work, DATA))',
      'class Worker(mp.Process):',
      '    def run(self):',
      '        print("working")',
      'if __name__ == "__main__" or True:',
      '',
      '    pass',
      'else:',
      '    import multiprocessing as mp',
      '    pool = mp.Pool(2)',
    ].join('\n');
    withAnalysis(parser, text, (analysis) => assert.deepEqual(addMainGuard(analysis, parser), { error: FILE_NOQA_MOVED }));
  });

  it('the lambda fix rewrites the line of its own finding when the file has the same line twice', async () => {
    // Found by robustness/fixes.test.ts (seed 71), whose line diff then showed the other, identical line removed.
    const parser = await sharedParser();
    const text = [
      'from multiprocessing import Pool, Process, Queue',
      'if __name__ == "__main__":',
      '    print("loading")',
      'else:',
      '    Pool(2, initializer=lambda: None)',
      '    Pool(2, initializer=lambda: None)',
      '',
    ].join('\n');
    withAnalysis(parser, text, (analysis) => {
      const lambdas = analysis.findings.filter((finding) => finding.code === 'SPG004');
      assert.deepEqual(
        lambdas.map((finding) => finding.range.start.line),
        [4, 5],
      );
      for (const finding of lambdas) {
        const [fix] = fixesFor(analysis, finding, parser);
        assert.equal(fix?.id, 'replace-lambda-with-function');
        // The new function takes four lines below the import: the Pool lines are then 8 and 9.
        const lines = applyEdits(text, fix.edits).split('\n');
        const own = finding.range.start.line + 4;
        assert.equal(lines[own], '    Pool(2, initializer=_initializer_worker)');
        assert.equal(lines[own === 8 ? 9 : 8], '    Pool(2, initializer=lambda: None)');
      }
    });
  });

  it('an empty file and a file of definitions only: nothing to wrap', async () => {
    const parser = await sharedParser();
    for (const text of ['', '\n', '# only a comment\n', 'import os\n\n\ndef f():\n    return os.sep\n\n\nclass C:\n    x = 1\n']) {
      withAnalysis(parser, text, (analysis) =>
        assert.deepEqual(addMainGuard(analysis, parser), { error: NOTHING_TO_WRAP }, JSON.stringify(text)),
      );
    }
  });
});

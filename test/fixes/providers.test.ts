import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Applicability } from '../../server/src/fixes/types';
import { addMainGuard } from '../../server/src/fixes/add-main-guard';
import { applyEdits } from '../../server/src/fixes/edits';
import { fixesFor } from '../../server/src/fixes/registry';
import { offeredFixes, withAnalysis } from '../helpers/fixes';
import { sharedParser } from '../helpers/parser';

const lines = (...text: string[]) => text.join('\n') + '\n';

/** The result of the addMainGuard command on `text`, or its error. */
async function wrapped(text: string): Promise<{ text: string; applicability: Applicability } | { error: string }> {
  const parser = await sharedParser();
  const result = withAnalysis(parser, text, (analysis) => addMainGuard(analysis, parser));
  return 'error' in result ? result : { text: applyEdits(text, result.fix.edits), applicability: result.fix.applicability };
}

/** The first fix with `fixId` offered for `text`, applied; undefined when none is offered. */
async function fixedBy(fixId: string, text: string): Promise<{ text: string; applicability: Applicability } | undefined> {
  const [fix] = offeredFixes(await sharedParser(), text, fixId);
  return fix && { text: applyEdits(text, fix.edits), applicability: fix.applicability };
}

describe('add-main-guard', () => {
  it('keeps what definitions read, transitively, and what changes it in place', async () => {
    const result = await wrapped(
      lines(
        'import argparse',
        'import multiprocessing as mp',
        'parser = argparse.ArgumentParser()',
        'parser.add_argument("--n", type=int, default=2)',
        'args = parser.parse_args([])',
        'base = args.n * 10',
        'def work(x):',
        '    return x + base',
        'with mp.Pool(2) as pool:',
        '    print(pool.map(work, [1]))',
      ),
    );
    assert.deepEqual(result, {
      applicability: 'safe',
      text: lines(
        'import argparse',
        'import multiprocessing as mp',
        'parser = argparse.ArgumentParser()',
        'parser.add_argument("--n", type=int, default=2)',
        'args = parser.parse_args([])',
        'base = args.n * 10',
        'def work(x):',
        '    return x + base',
        '',
        'if __name__ == "__main__":',
        '    with mp.Pool(2) as pool:',
        '        print(pool.map(work, [1]))',
      ),
    });
  });

  it('keeps imports behind try/except, __all__ names and guard variables at module level, not constants only the script reads', async () => {
    const result = await wrapped(
      lines(
        'try:',
        '    import numpy',
        'except ImportError:',
        '    numpy = None',
        '__all__ = ["results"]',
        'LIMIT = (1, -2)',
        'IS_MAIN = __name__ == "__main__"',
        'results = [1]',
        'print(LIMIT)',
        'if IS_MAIN:',
        '    print(results)',
      ),
    );
    assert.ok('text' in result);
    assert.equal(result.applicability, 'safe');
    assert.equal(
      result.text,
      lines(
        'try:',
        '    import numpy',
        'except ImportError:',
        '    numpy = None',
        '__all__ = ["results"]',
        'IS_MAIN = __name__ == "__main__"',
        'results = [1]',
        'if IS_MAIN:',
        '    LIMIT = (1, -2)',
        '    print(LIMIT)',
        '    print(results)',
      ),
    );
  });

  it('is unsafe when code that starts processes binds a name a definition reads', async () => {
    const result = await wrapped(
      lines('import multiprocessing as mp', 'pool = mp.Pool(2)', 'def work(x):', '    return pool', 'print(pool.map(abs, [1]))'),
    );
    assert.ok('text' in result);
    assert.equal(result.applicability, 'unsafe');
  });

  it('is unsafe when a statement that stays would now run before moved code that reads what it rebinds', async () => {
    const result = await wrapped(
      lines(
        'import multiprocessing as mp',
        'LIMIT = 2',
        'print(LIMIT)',
        'LIMIT = 3',
        'def work(x):',
        '    return x * LIMIT',
        'mp.Pool(2).map(work, [1])',
      ),
    );
    assert.ok('text' in result);
    assert.equal(result.applicability, 'unsafe');
  });

  it('writes the guard with the quotes the file uses, and keeps a missing final line break missing', async () => {
    const result = await wrapped("import multiprocessing as mp\r\nname = 'x'\r\nmp.Process(target=print, args=(name,)).start()");
    assert.deepEqual(result, {
      applicability: 'safe',
      text: "import multiprocessing as mp\r\n\r\nif __name__ == '__main__':\r\n    name = 'x'\r\n    mp.Process(target=print, args=(name,)).start()",
    });
  });

  it('leaves expression guards, class bodies and decorators alone', async () => {
    assert.deepEqual(await wrapped(lines('def main():', '    pass', 'main() if __name__ == "__main__" else None')), {
      error: 'nothing to wrap: no import-time script code',
    });
    const parser = await sharedParser();
    const classBody = lines('import multiprocessing as mp', 'class Jobs:', '    pool = mp.Pool(2)');
    withAnalysis(parser, classBody, (analysis) => {
      const finding = analysis.findings.find((f) => f.code === 'SPG001');
      assert.ok(finding, 'SPG001 in a class body');
      assert.deepEqual(fixesFor(analysis, finding, parser), []);
    });
  });
});

describe('move-worker-to-module-level', () => {
  const guarded = (...body: string[]) =>
    lines('import multiprocessing as mp', '', 'if __name__ == "__main__":', ...body.map((line) => `    ${line}`));

  it('leaves `pass` in a block it empties, and is unsafe for a definition made conditionally', async () => {
    const text = guarded('if True:', '    def work(x):', '        return x', 'mp.Pool(1).map(work, [1])');
    assert.deepEqual(await fixedBy('move-worker-to-module-level', text), {
      applicability: 'unsafe',
      text: lines(
        'import multiprocessing as mp',
        '',
        'def work(x):',
        '    return x',
        '',
        'if __name__ == "__main__":',
        '    if True:',
        '        pass',
        '    mp.Pool(1).map(work, [1])',
      ),
    });
  });

  it('is unsafe when the worker reads a name the guard assigns', async () => {
    const result = await fixedBy(
      'move-worker-to-module-level',
      guarded('factor = 3', 'def work(x):', '    return x * factor', 'mp.Pool(2).map(work, [1])'),
    );
    assert.equal(result?.applicability, 'unsafe');
  });

  it('is unsafe when another module-level binding has the name', async () => {
    const text = guarded('def work(x):', '    return x', 'mp.Pool(2).map(work, [1])').replace('\n\n', '\ndef work(x):\n    return -x\n\n');
    assert.equal((await fixedBy('move-worker-to-module-level', text))?.applicability, 'unsafe');
  });
});

describe('move-set-start-method-into-guard', () => {
  it('is unsafe when script code runs between the call and the guard', async () => {
    const text = lines(
      'import multiprocessing as mp',
      'mp.set_start_method("spawn")',
      'print(mp.get_start_method())',
      'if __name__ == "__main__":',
      '    mp.Process(target=print).start()',
    );
    assert.deepEqual(await fixedBy('move-set-start-method-into-guard', text), {
      applicability: 'unsafe',
      text: lines(
        'import multiprocessing as mp',
        'print(mp.get_start_method())',
        'if __name__ == "__main__":',
        '    mp.set_start_method("spawn")',
        '    mp.Process(target=print).start()',
      ),
    });
  });

  it('does not move a statement that does more than the call', async () => {
    const text = lines(
      'import multiprocessing as mp',
      'if True:',
      '    mp.set_start_method("spawn")',
      '    print("set")',
      'if __name__ == "__main__":',
      '    mp.Process(target=print).start()',
    );
    assert.equal(await fixedBy('move-set-start-method-into-guard', text), undefined);
  });
});

describe('replace-lambda-with-function', () => {
  it('is not offered for a lambda that reads local names', async () => {
    const text = lines(
      'import multiprocessing as mp',
      'def main():',
      '    n = 2',
      '    mp.Process(target=lambda: print(n)).start()',
      'if __name__ == "__main__":',
      '    main()',
    );
    assert.equal(await fixedBy('replace-lambda-with-function', text), undefined);
  });

  it('is unsafe when the lambda reads a global the guard assigns', async () => {
    const text = lines(
      'import multiprocessing as mp',
      'if __name__ == "__main__":',
      '    n = 2',
      '    mp.Process(target=lambda: print(n)).start()',
    );
    assert.deepEqual(await fixedBy('replace-lambda-with-function', text), {
      applicability: 'unsafe',
      text: lines(
        'import multiprocessing as mp',
        '',
        'def _target_worker():',
        '    return print(n)',
        '',
        'if __name__ == "__main__":',
        '    n = 2',
        '    mp.Process(target=_target_worker).start()',
      ),
    });
  });
});

describe('rewrite-broken-guard', () => {
  const script = (condition: string, body = '    Process(target=work).start()') =>
    lines('from multiprocessing import Process', '', 'def work():', '    pass', '', `${condition}:`, body);

  it('is unsafe for a never-true guard: its block starts running', async () => {
    const result = await fixedBy('rewrite-broken-guard', script('if __name__ == "main"'));
    assert.equal(result?.text, script('if __name__ == "__main__"'));
    assert.equal(result?.applicability, 'unsafe');
  });

  it('writes an early return as `!=` and keeps the quotes the file uses', async () => {
    const before = lines(
      'from multiprocessing import Process',
      '',
      'def work():',
      '    pass',
      '',
      'def main():',
      "    if __name__ not in ('__main__', '__mp_main__'):",
      '        return',
      '    Process(target=work).start()',
      '',
      'main()',
    );
    const result = await fixedBy('rewrite-broken-guard', before);
    assert.equal(result?.text, before.replace("__name__ not in ('__main__', '__mp_main__')", "__name__ != '__main__'"));
    assert.equal(result?.applicability, 'safe');
  });

  it('is not offered when the condition binds a name with `:=`', async () => {
    assert.equal(await fixedBy('rewrite-broken-guard', script('if (name := __name__) in ("__main__", "__mp_main__")')), undefined);
  });
});

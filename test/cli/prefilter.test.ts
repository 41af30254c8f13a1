import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../server/src/rules/registry';
import type { Rule } from '../../server/src/rules/rule';
import { importsProcessModule, prefilterFor, rulesThatMayFire } from '../../server/src/cli/prefilter';
import { parseJsonFindings, runCli } from '../helpers/cli';
import { FIXTURES } from '../helpers/paths';

const RULE_FIXTURES = path.join(FIXTURES, 'rules');

/** Every rule fixture with its expected findings (`ROW:COL CODE` lines). */
function ruleFixtures(): { file: string; expected: string[] }[] {
  return fs
    .readdirSync(RULE_FIXTURES, { recursive: true, encoding: 'utf8' })
    .filter((relative) => relative.endsWith('.py'))
    .sort()
    .map((relative) => {
      const file = path.join(RULE_FIXTURES, relative);
      const expectedFile = file.replace(/\.py$/, '.expected');
      const expected = fs.existsSync(expectedFile)
        ? fs
            .readFileSync(expectedFile, 'utf8')
            .split('\n')
            .filter((line) => line.trim() !== '')
        : [];
      return { file, expected };
    });
}

async function findingsByFile(args: string[]): Promise<Map<string, string[]>> {
  const run = await runCli(['check', '--format', 'json', '--exit-zero', ...args, RULE_FIXTURES], { cwd: FIXTURES });
  assert.equal(run.status, 0, run.stderr);
  const byFile = new Map<string, string[]>();
  for (const finding of parseJsonFindings(run.stdout)) {
    const lines = byFile.get(finding.filename) ?? [];
    lines.push(`${finding.location.row}:${finding.location.column} ${finding.code}`);
    byFile.set(finding.filename, lines);
  }
  return byFile;
}

describe('the text prefilter', () => {
  it('never skips a file with findings: prefiltered and unfiltered runs over every rule fixture agree', async () => {
    const fixtures = ruleFixtures();
    assert.ok(fixtures.length > 0, 'rule fixtures exist');
    const [prefiltered, unfiltered] = await Promise.all([findingsByFile([]), findingsByFile(['--no-prefilter'])]);
    assert.deepEqual(prefiltered, unfiltered);
    for (const { file, expected } of fixtures) {
      assert.deepEqual(
        unfiltered.get(file) ?? [],
        expected,
        `${path.relative(RULE_FIXTURES, file)}: the CLI reports what the fixture expects`,
      );
    }
  });

  it('worker threads report exactly what a single thread does, in the same order', async () => {
    const [single, threaded] = await Promise.all([findingsByFile(['--threads', '1']), findingsByFile(['--threads', '3'])]);
    assert.deepEqual([...threaded], [...single]);
  });

  it("each rule's positive fixtures contain one of the rule's mentions", () => {
    for (const { file, expected } of ruleFixtures()) {
      const text = fs.readFileSync(file, 'utf8');
      for (const code of new Set(expected.map((line) => line.split(' ')[1]))) {
        const rule = RULES.find((candidate) => candidate.code === code);
        assert.ok(rule, `${code} is registered`);
        assert.deepEqual(
          rulesThatMayFire(text, prefilterFor([rule])),
          [code],
          `${path.relative(RULE_FIXTURES, file)} has a ${code} finding but none of its mentions`,
        );
      }
    }
  });

  it('keeps the rules whose mentions occur; a rule without mentions is always kept', () => {
    const rule = (code: string, mentions: string[]) => ({ code, mentions }) as unknown as Rule;
    const prefilter = prefilterFor([
      rule('SPG001', ['multiprocessing', 'concurrent']),
      rule('SPG006', ['set_start_method']),
      rule('SPG007', ['__name__']),
    ]);
    assert.deepEqual(rulesThatMayFire('import os\n', prefilter), []);
    assert.deepEqual(rulesThatMayFire('from concurrent.futures import ProcessPoolExecutor\n', prefilter), ['SPG001']);
    assert.deepEqual(rulesThatMayFire('import multiprocessing\nmultiprocessing.set_start_method("spawn")\n', prefilter), [
      'SPG001',
      'SPG006',
    ]);
    assert.deepEqual(rulesThatMayFire('import os\n', prefilterFor([rule('SPG900', [])])), ['SPG900']);
    assert.deepEqual(rulesThatMayFire('import multiprocessing\n', []), [], 'no rule enabled: nothing can be found');
  });
});

describe('import gate', () => {
  const importing = [
    'import multiprocessing as mp',
    'import os, multiprocessing',
    'import os, \\\n    multiprocessing',
    'from concurrent.futures import ProcessPoolExecutor',
    'from concurrent import futures',
    'from multiprocessing import (\n    Pool,\n)',
    'from torch import (\n    multiprocessing,\n)',
    'try: import multiprocessing\nexcept ImportError: pass',
    'import os; import joblib',
    'def f():\n    from multiprocessing import Pool',
  ];
  for (const text of importing) {
    it(`lets through ${JSON.stringify(text)}`, () => assert.equal(importsProcessModule(text), true));
  }
  const notImporting = [
    'x = 1  # multiprocessing',
    '"""Uses multiprocessing."""\nimport os',
    'import os\nos.fork()',
    'from . import (a)\nconcurrent = 1',
  ];
  for (const text of notImporting) {
    it(`skips ${JSON.stringify(text)}`, () => {
      assert.equal(importsProcessModule(text), false);
      assert.deepEqual(rulesThatMayFire(text, prefilterFor(RULES)), []);
    });
  }
});

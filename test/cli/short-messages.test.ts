import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { shortMessage } from '../../server/src/cli/formats/text';
import { parseJsonFindings, runCli } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/paths';

describe('one line per finding in the terminal', () => {
  it('every rule fixture finding has a one-line message, and the text output one short line per finding', async () => {
    const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'rules');
    const json = await runCli(['check', '--output-format', 'json', '--exit-zero', '.'], { cwd: fixtures });
    const findings = parseJsonFindings(json.stdout);
    assert.ok(findings.length > 50, `${findings.length} findings`);
    const codes = new Set(findings.map((finding) => finding.code));
    for (const finding of findings) assert.doesNotMatch(finding.message, /\n/, finding.code);

    const text = await runCli(['check', '--exit-zero', '-q', '.'], { cwd: fixtures });
    const lines = text.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, findings.length);
    for (const line of lines) assert.ok(line.length < 260, line);
    assert.ok(codes.size >= 10, [...codes].join());
  });

  it('shortMessage keeps the first clause, never cutting inside code, quotes or brackets', () => {
    assert.equal(
      shortMessage('`multiprocessing.Pool(…)` starts worker processes at import time: under spawn every child re-imports it. Move it.'),
      '`multiprocessing.Pool(…)` starts worker processes at import time',
    );
    assert.equal(
      shortMessage('The process target, `consume`, is defined inside the `if __name__ == "__main__":` block: a spawned child fails.'),
      'The process target, `consume`, is defined inside the `if __name__ == "__main__":` block',
    );
    assert.equal(
      shortMessage('`get_context(…)` forces fork, which fails on Windows ("ValueError: cannot find context for \'fork\'"). Use spawn.'),
      '`get_context(…)` forces fork, which fails on Windows ("ValueError: cannot find context for \'fork\'")',
    );
    assert.equal(shortMessage('SyntaxError: unexpected `)`: the file does not parse'), 'SyntaxError: unexpected `)`');
    assert.equal(shortMessage('Short.'), 'Short');
  });
});

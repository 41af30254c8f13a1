import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTree, parseJsonFindings, removeTree, runCli } from '../helpers/cli';
import { UNGUARDED_POOL } from '../helpers/cli-scripts';

/** Python source as CPython reads it (PEP 263): `python3 file.py` runs each of these files. */
const LATIN1 = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\n# caf'), Buffer.from([0xe9]), Buffer.from(`\n${UNGUARDED_POOL}`)]);
// "привет" in KOI8-R, declared on line 2 below a shebang.
const KOI8R = Buffer.concat([
  Buffer.from('#!/usr/bin/env python3\n# vim: set fileencoding=koi8-r :\ngreeting = "'),
  Buffer.from([0xd0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]),
  Buffer.from(`"\n${UNGUARDED_POOL}`),
]);
const SHIFT_JIS = Buffer.concat([
  Buffer.from('# coding: shift_jis\n# '),
  Buffer.from([0x93, 0xfa, 0x96, 0x7b]),
  Buffer.from(`\n${UNGUARDED_POOL}`),
]);

describe('spawn-guard check reads Python source as Python does', () => {
  let cwd: string;
  before(() => {
    cwd = createTree({
      'latin1.py': LATIN1,
      'koi8r.py': KOI8R,
      'sjis.py': SHIFT_JIS,
      'cp437.py': '# -*- coding: cp437 -*-\nimport multiprocessing\n',
      'bom_latin1.py': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# coding: latin-1\nx = 1\n')]),
      'bom.py': `\uFEFF${UNGUARDED_POOL}`,
    });
  });
  after(() => removeTree(cwd));

  it('reads latin-1, koi8-r and shift_jis files by their encoding declaration', async () => {
    const run = await runCli(['check', '--output-format', 'json', 'latin1.py', 'koi8r.py', 'sjis.py'], { cwd });
    assert.equal(run.status, 1, run.stderr);
    const findings = parseJsonFindings(run.stdout);
    assert.deepEqual(
      findings.filter((finding) => finding.code === 'SPG001').map((finding) => [path.basename(finding.filename), finding.location.row]),
      [
        ['koi8r.py', 11],
        ['latin1.py', 10],
        ['sjis.py', 10],
      ],
    );
  });

  it('an encoding it cannot read, or a BOM with another declared encoding, is a clear error', async () => {
    const run = await runCli(['check', 'cp437.py', 'bom_latin1.py'], { cwd });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: cp437\.py: declares the encoding cp437, which spawn-guard cannot read \(save it as UTF-8\)$/m);
    assert.match(run.stderr, /^error: bom_latin1\.py: has a UTF-8 BOM but declares the encoding latin-1/m);
    assert.doesNotMatch(run.stdout, /All checks passed/);
  });

  it('--fix writes a file back in its encoding, and keeps a BOM', async () => {
    const run = await runCli(['check', '--fix', 'latin1.py', 'koi8r.py', 'bom.py'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    const latin1 = fs.readFileSync(path.join(cwd, 'latin1.py'));
    assert.ok(latin1.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])), 'é is still the latin-1 byte');
    assert.ok(latin1.includes(Buffer.from('if __name__ == "__main__":\n')));
    const koi8r = fs.readFileSync(path.join(cwd, 'koi8r.py'));
    assert.ok(koi8r.includes(Buffer.from([0xd0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4])));
    const bom = fs.readFileSync(path.join(cwd, 'bom.py'));
    assert.deepEqual([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(bom.includes(Buffer.from('if __name__ == "__main__":\n')));
  });

  it('refuses to fix a multi-byte encoding it cannot write, and says so', async () => {
    const run = await runCli(['check', '--fix', 'sjis.py'], { cwd });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /sjis\.py: is shift-jis-encoded; spawn-guard can only fix UTF-8 and single-byte encodings/);
    assert.deepEqual(fs.readFileSync(path.join(cwd, 'sjis.py')), SHIFT_JIS);
  });
});

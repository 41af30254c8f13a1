import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ruleDocsUrl } from '../../server/src/rules/docs-url';
import { RULES } from '../../server/src/rules/registry';
import { createTree, parseJsonFindings, removeTree, runCli } from '../helpers/cli';
import { GUARDED_POOL, UNGUARDED_MAIN, UNGUARDED_POOL } from '../helpers/cli-scripts';

const RUFF_KEYS = ['code', 'end_location', 'filename', 'fix', 'location', 'message', 'noqa_row', 'related', 'rule', 'severity', 'url'];

describe('spawn-guard check output formats', () => {
  let cwd: string;
  before(() => {
    cwd = createTree({
      'src/hazard.py': UNGUARDED_POOL,
      'src/main_call.py': UNGUARDED_MAIN,
      'src/clean.py': GUARDED_POOL,
      // A character outside the BMP before the call: one code point, two UTF-16 units.
      'src/emoji.py': 'import multiprocessing\nlabel = "\u{1F600}"; multiprocessing.Pool(2)\n',
      'odd,name.py': UNGUARDED_POOL,
    });
  });
  after(() => removeTree(cwd));

  it('text: path:row:col: CODE message lines, then a summary; exit 1', async () => {
    const run = await runCli(['check', 'src'], { cwd });
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    const summary = lines.findIndex((line) => line.startsWith('Found '));
    const findingLines = lines.slice(0, summary);
    assert.ok(findingLines.length > 0);
    for (const line of findingLines) assert.match(line, /^src[/\\](hazard|main_call|emoji)\.py:\d+:\d+: SPG\d{3} \S.*$/, line);
    assert.ok(findingLines.some((line) => /^src[/\\]hazard\.py:\d+:\d+: SPG001 /.test(line)));
    assert.ok(!findingLines.some((line) => line.includes('clean.py')), 'the clean script has no findings');
    assert.match(lines[summary], /^Found \d+ problems? \(\d+ errors?.*; 4 files checked\)\.$/);
    for (const line of lines.slice(summary + 1))
      assert.equal(line, 'Fixes may be available: `spawn-guard check --diff` shows them, `--fix` applies them.');
    assert.equal(run.stderr, '');
  });

  it('text: a clean run passes with exit 0, and --exit-zero keeps findings from failing', async () => {
    const clean = await runCli(['check', 'src/clean.py'], { cwd });
    assert.equal(clean.status, 0, clean.stderr);
    assert.equal(clean.stdout, 'All checks passed! (1 file checked)\n');
    const exitZero = await runCli(['check', '--exit-zero', 'src/hazard.py'], { cwd });
    assert.equal(exitZero.status, 0);
    assert.match(exitZero.stdout, /SPG001/);
  });

  it('text: colour with FORCE_COLOR, none with NO_COLOR or when piped', async () => {
    const forced = await runCli(['check', 'src/hazard.py'], { cwd, env: { FORCE_COLOR: '1' } });
    assert.match(forced.stdout, /\u001b\[\d+m/);
    const noColor = await runCli(['check', 'src/hazard.py'], { cwd, env: { NO_COLOR: '1' } });
    assert.doesNotMatch(noColor.stdout, /\u001b\[/);
    const piped = await runCli(['check', 'src/hazard.py'], { cwd });
    assert.doesNotMatch(piped.stdout, /\u001b\[/);
    assert.equal(forced.stdout.replace(/\u001b\[\d+m/g, ''), piped.stdout, 'the same text, styled');
  });

  it('json: one array of ruff-shaped findings, sorted, 1-based code-point locations', async () => {
    const run = await runCli(['check', '--format', 'json', 'src'], { cwd });
    assert.equal(run.status, 1, run.stderr);
    const findings = parseJsonFindings(run.stdout);
    assert.ok(findings.length > 0);
    for (const finding of findings) {
      assert.deepEqual(Object.keys(finding).sort(), RUFF_KEYS);
      assert.ok(path.isAbsolute(finding.filename), finding.filename);
      const rule = RULES.find((candidate) => candidate.code === finding.code);
      assert.ok(rule, finding.code);
      assert.equal(finding.rule, rule.name);
      assert.equal(finding.url, ruleDocsUrl(rule.code));
      assert.ok(['error', 'warning', 'info', 'hint'].includes(finding.severity));
      assert.equal(finding.noqa_row, finding.location.row);
      for (const location of [finding.location, finding.end_location]) {
        assert.ok(Number.isInteger(location.row) && location.row >= 1 && Number.isInteger(location.column) && location.column >= 1);
      }
      if (finding.fix !== null) {
        assert.equal(typeof finding.fix.message, 'string');
        assert.ok(['safe', 'unsafe'].includes(finding.fix.applicability));
        assert.ok(finding.fix.edits.length > 0);
        for (const edit of finding.fix.edits) assert.deepEqual(Object.keys(edit).sort(), ['content', 'end_location', 'location']);
      }
    }
    const order = findings.map((f) => [f.filename, f.location.row, f.location.column] as const);
    const sorted = [...order].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
    assert.deepEqual(order, sorted, 'sorted by file, then position');

    const pool = findings.find((f) => f.filename.endsWith('emoji.py') && f.code === 'SPG001');
    assert.ok(pool, 'the pool after the emoji is reported');
    assert.deepEqual(pool.location, { row: 2, column: [...'label = "\u{1F600}"; '].length + 1 }, 'the emoji counts as one column');
    const call = findings.find((f) => f.filename.endsWith('main_call.py') && f.code === 'SPG002');
    assert.ok(call, 'main() at import time is reported');
    assert.ok(call.related.length > 0, 'with the start site as related location');
  });

  it('json: an empty array when nothing is found', async () => {
    const run = await runCli(['check', '--format', 'json', 'src/clean.py'], { cwd });
    assert.equal(run.status, 0);
    assert.deepEqual(JSON.parse(run.stdout), []);
  });

  it('sarif: a valid 2.1.0 log with rule help, results, related locations and fixes', async () => {
    const json = parseJsonFindings((await runCli(['check', '--format', 'json', 'src'], { cwd })).stdout);
    const run = await runCli(['check', '--format', 'sarif', 'src'], { cwd });
    assert.equal(run.status, 1, run.stderr);
    const log = JSON.parse(run.stdout);
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    assert.equal(log.runs.length, 1);
    const [sarifRun] = log.runs;
    const driver = sarifRun.tool.driver;
    assert.equal(driver.name, 'spawn-guard');
    assert.deepEqual(
      driver.rules.map((rule: { id: string }) => rule.id),
      RULES.map((rule) => rule.code),
    );
    for (const rule of driver.rules) {
      assert.equal(typeof rule.shortDescription.text, 'string');
      assert.equal(typeof rule.fullDescription.text, 'string');
      assert.ok(rule.help.text.includes('## Example'), 'help text from the rule docs');
      assert.equal(rule.helpUri, ruleDocsUrl(rule.id));
    }
    assert.match(sarifRun.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/$/);
    assert.equal(sarifRun.results.length, json.length, 'one result per finding');
    // SARIF's result object, as far as this test reads it.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    sarifRun.results.forEach((result: any, index: number) => {
      const finding = json[index];
      assert.equal(result.ruleId, finding.code);
      assert.equal(driver.rules[result.ruleIndex].id, result.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(result.level));
      assert.equal(result.message.text, finding.message);
      const location = result.locations[0].physicalLocation;
      assert.equal(location.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.equal(location.artifactLocation.uri, path.relative(cwd, finding.filename).split(path.sep).join('/'));
      assert.deepEqual(location.region, {
        startLine: finding.location.row,
        startColumn: finding.location.column,
        endLine: finding.end_location.row,
        endColumn: finding.end_location.column,
      });
      assert.equal(result.relatedLocations?.length ?? 0, finding.related.length);
      assert.equal(result.fixes?.length ?? 0, finding.fix ? 1 : 0);
    });
    assert.equal(sarifRun.invocations[0].executionSuccessful, true);
  });

  it('sarif: unreadable paths become tool notifications', async () => {
    const run = await runCli(['check', '--format', 'sarif', 'src/clean.py', 'missing.py'], { cwd });
    assert.equal(run.status, 2);
    const [sarifRun] = JSON.parse(run.stdout).runs;
    assert.equal(sarifRun.invocations[0].executionSuccessful, false);
    assert.match(sarifRun.invocations[0].toolExecutionNotifications[0].message.text, /missing\.py: No such file or directory/);
  });

  it('github: one workflow command per finding, with escaped properties', async () => {
    const run = await runCli(['check', '--format', 'github', 'src/hazard.py', 'odd,name.py'], { cwd });
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) {
      assert.match(line, /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=SPG\d{3}::\S.*$/, line);
    }
    assert.ok(lines.some((line) => line.startsWith('::error file=src/hazard.py,') && line.includes('title=SPG001::')));
    assert.ok(
      lines.some((line) => line.startsWith('::error file=odd%2Cname.py,')),
      'a comma in a file name is escaped',
    );
  });
});

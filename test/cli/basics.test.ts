import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RULES } from '../../server/src/rules/registry';
import { CLI_LAUNCHER, createTree, removeTree, runCli } from '../helpers/cli';
import { REPO_ROOT } from '../helpers/paths';

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('spawn-guard command line', () => {
  let cwd: string;
  before(() => (cwd = createTree({})));
  after(() => removeTree(cwd));

  it('prints help and the version', async () => {
    const help = await runCli(['--help'], { cwd });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /spawn-guard check \[OPTIONS\] \[PATH\.\.\.\]/);
    const checkHelp = await runCli(['check', '--help'], { cwd });
    assert.equal(checkHelp.status, 0);
    for (const option of ['--format', '--fix', '--diff', '--select', '--ignore', '--exit-zero'])
      assert.ok(checkHelp.stdout.includes(option), option);
    const version = await runCli(['--version'], { cwd });
    assert.equal(version.status, 0);
    assert.equal(version.stdout, `spawn-guard ${VERSION}\n`);
  });

  it('runs through the bin launcher', async () => {
    const run = await runCli(['--version'], { cwd, script: CLI_LAUNCHER });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `spawn-guard ${VERSION}\n`);
  });

  it('exits with 2 and says why for usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is required/],
      [['lint'], /unknown command "lint"/],
      [['check', '--frmat', 'json'], /Unknown option '--frmat'/],
      [['check', '--format', 'xml'], /--output-format must be one of text, json, sarif, github, not "xml"/],
      [['check', '--fix', '--diff'], /--fix and --diff cannot be used together/],
      [['check', '--select', 'SPG999'], /--select: unknown rule code or prefix "SPG999"/],
      [['check', '--ignore', 'E501'], /--ignore: unknown rule code or prefix "E501"/],
      [['check', '--threads', '0'], /--threads must be a whole number of at least 1/],
      [['rule'], /a rule code or name is required/],
      [['rule', 'SPG999'], /unknown rule code or prefix "SPG999"/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, { cwd });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^error: /, args.join(' '));
      assert.match(run.stderr, message, args.join(' '));
      assert.equal(run.stdout, '', args.join(' '));
    }
  });

  it("prints a rule's documentation", async () => {
    const rule = RULES[0];
    assert.ok(rule, 'the registry lists rules');
    const run = await runCli(['rule', rule.code.toLowerCase()], { cwd });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.startsWith(`# ${rule.name} (${rule.code})\n`), run.stdout.slice(0, 200));
    for (const part of [rule.docs.summary, rule.docs.example.bad.trim(), rule.docs.example.good.trim(), rule.docs.url]) {
      assert.ok(run.stdout.includes(part), `includes ${JSON.stringify(part.slice(0, 60))}`);
    }
  });

  it('prints every rule with --all', async () => {
    const run = await runCli(['rule', '--all'], { cwd });
    assert.equal(run.status, 0, run.stderr);
    for (const rule of RULES) assert.ok(run.stdout.includes(`# ${rule.name} (${rule.code})`), rule.code);
  });
});

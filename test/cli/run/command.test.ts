/** `spawn-guard run` end to end: the compiled CLI on small scripts, its exit status, text and JSON. */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { plain } from '../../../server/src/cli/colors';
import { StreamWriter } from '../../../server/src/cli/output';
import { runRunCommand } from '../../../server/src/cli/run/run-command';
import { CLI_MAIN, createTree, removeTree, runCli } from '../../helpers/cli';
import { FIXTURES } from '../../helpers/paths';
import { runningInGroup } from '../../helpers/processes';

const HOSTILE = path.join(FIXTURES, 'run', 'hostile');

const UNGUARDED = `import multiprocessing


def work():
    print("working")


worker = multiprocessing.Process(target=work)
worker.start()
worker.join()
`;

const GUARDED = `import multiprocessing


def work():
    print("working")


if __name__ == "__main__":
    worker = multiprocessing.Process(target=work)
    worker.start()
    worker.join()
`;

const tree = createTree({
  'unguarded.py': UNGUARDED,
  'guarded.py': GUARDED,
  'method.py': 'import multiprocessing\nprint(multiprocessing.get_start_method())\n',
  'argv.py': 'import sys\nprint(sys.argv[1:])\n',
  // The default is set when multiprocessing is first imported, not at start-up: ORIGINAL_DIR (what
  // replaces '' on the children's sys.path) must be the folder the program is in by then.
  'late-import.py':
    'import os\nos.chdir("lib")\nimport multiprocessing.process\nprint(os.path.basename(multiprocessing.process.ORIGINAL_DIR))\n',
  'uses-path.py':
    'import helper\nimport os\nimport multiprocessing\nprint(helper.NAME, os.environ.get("OWN_SITE"), multiprocessing.get_start_method())\n',
  'lib/helper.py': 'NAME = "helper"\n',
  'lib/sitecustomize.py': 'import os\nos.environ["OWN_SITE"] = "ran"\n',
  'exits.py': 'import sys\nprint("bye")\nsys.exit(3)\n',
  // Prints again in every spawned child that imports it.
  'prints-at-import.py':
    'import multiprocessing\n\nprint("loaded")\n\n\ndef work():\n    pass\n\n\nif __name__ == "__main__":\n' +
    '    child = multiprocessing.Process(target=work)\n    child.start()\n    child.join()\n',
  // The same lines in another order under spawn (what processes printing concurrently may do).
  'reorders.py':
    'import multiprocessing\n\nlines = ["a", "b"]\nif multiprocessing.get_start_method() != "fork":\n    lines.reverse()\nprint("\\n".join(lines))\n',
  'bin/not-python': '#!/bin/sh\necho "not-python: no such option -I" >&2\nexit 1\n',
  'bin/python2': '#!/bin/sh\necho 2.7\n',
});
fs.chmodSync(path.join(tree, 'bin', 'not-python'), 0o755);
fs.chmodSync(path.join(tree, 'bin', 'python2'), 0o755);
after(() => removeTree(tree));

function whichPython3(): string {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(folder, 'python3');
    if (folder !== '' && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('no python3 on PATH');
}

function run(args: string[], env: Record<string, string> = {}) {
  return runCli(['run', ...args], { cwd: tree, env });
}

describe('spawn-guard run', { concurrency: 2 }, () => {
  it('names the bootstrapping failure, the children that died, and the rule at the traceback line', async () => {
    const result = await run(['--format', 'json', 'unguarded.py']);
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.verdict, { kind: 'fails', failure: { kind: 'bootstrapping', deaths: 1 }, line: 9 });
    assert.deepEqual(
      report.findings.map((finding: { code: string; line: number }) => [finding.code, finding.line]),
      [['SPG001', 9]],
    );
    assert.match(report.summary, /bootstrapping phase/);
    // JSON on stdout; the script's own output went to stderr as it came.
    assert.match(result.stderr, /RuntimeError/);
  });

  it('reports the same behaviour as fork for the guarded script, with exit status 0', async () => {
    const result = await run(['--compare', 'guarded.py']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^working\n/);
    assert.match(result.stdout, /same: same behaviour under spawn as under fork/);
  });

  it('says in text which rule predicted the failure, where', async () => {
    const result = await run(['unguarded.py']);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /fails: fails under spawn: 1 child process died with RuntimeError "…bootstrapping phase"/);
    assert.match(result.stdout, /unguarded\.py:9:1: SPG001 /);
  });

  it('makes forkserver the default with --method forkserver', async () => {
    const result = await run(['--format', 'json', '--method', 'forkserver', 'method.py']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).runs[0].stdout.text, 'forkserver\n');
  });

  it('passes what follows the script to it', async () => {
    const result = await run(['--format', 'json', 'argv.py', '--timeout', 'x', '-v']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).runs[0].stdout.text, "['--timeout', 'x', '-v']\n");
  });

  it('sets the default only when multiprocessing is first imported', async () => {
    const result = await run(['--format', 'json', 'late-import.py']);
    assert.equal(JSON.parse(result.stdout).runs[0].stdout.text, 'lib\n');
  });

  it('keeps an existing PYTHONPATH and runs the sitecustomize it hides', async () => {
    const result = await run(['--format', 'json', 'uses-path.py'], { PYTHONPATH: path.join(tree, 'lib') });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).runs[0].stdout.text, 'helper ran spawn\n');
  });

  it('fails on an exit status fork does not have only with --compare; the same status is the same behaviour', async () => {
    const alone = await run(['--format', 'json', 'exits.py']);
    assert.equal(alone.status, 1);
    assert.deepEqual(JSON.parse(alone.stdout).verdict.failure, { kind: 'error', message: 'exit status 3' });
    const compared = await run(['--format', 'json', '--compare', 'exits.py']);
    assert.equal(compared.status, 0, compared.stdout);
    assert.equal(JSON.parse(compared.stdout).verdict.kind, 'same');
  });

  it('--compare: shows a short diff and the rule when the output differs, with exit status 1', async () => {
    const result = await run(['--compare', 'prints-at-import.py']);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^differs: differs under spawn: its output differs$/m);
    assert.match(result.stdout, /prints-at-import\.py:3:1: SPG008 /);
    assert.match(result.stdout, /--- stdout under fork\n {2}\+\+\+ stdout under spawn\n {2}@@ -1,1 \+1,2 @@\n {3}loaded\n {2}\+loaded/);
  });

  it('--compare: compares sorted lines when only their order differs, and says so', async () => {
    const result = await run(['--compare', 'reorders.py']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /same: same behaviour under spawn as under fork \(exit status and output\), compared as sorted lines: the order in which its processes print is not deterministic/,
    );
  });

  it('stops the run on SIGTERM (how the editor cancels), kills its processes and reports `cancelled`', async () => {
    const cli = spawn(process.execPath, [CLI_MAIN, 'run', '--format', 'json', path.join(HOSTILE, 'ignores-sigterm.py')], { cwd: tree });
    let stdout = '';
    cli.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    // JSON format streams the script's output on stderr: once it printed, it is running.
    cli.stderr.setEncoding('utf8').on('data', (text: string) => text.includes('ignoring SIGTERM') && cli.kill('SIGTERM'));
    const [status] = (await once(cli, 'close')) as [number];
    assert.equal(status, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.verdict, { kind: 'cancelled' });
    assert.deepEqual(runningInGroup(report.runs[0].pid), []);
  });

  it('--help says what it does, its options and exit statuses, with exit status 0', async () => {
    const result = await run(['--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Usage: spawn-guard run \[OPTIONS\] SCRIPT \[ARGS\.\.\.\]$/m);
    for (const option of ['--method', '--compare', '--python', '--timeout', '--max-processes', '--stdin', '--format'])
      assert.match(result.stdout, new RegExp(`^  ${option}\\b`, 'm'), option);
    assert.match(result.stdout, /^Exit status: 0 /m);
  });

  describe('usage errors (exit status 2)', () => {
    const cases: [string, string[], RegExp][] = [
      ['no script', [], /a script to run is required/],
      ['a missing script', ['missing.py'], /no such script: missing\.py/],
      ['a missing interpreter', ['--python', '/nonexistent/python3', 'guarded.py'], /no Python interpreter at "\/nonexistent\/python3"/],
      [
        'a program that is not Python',
        ['--python', 'bin/not-python', 'guarded.py'],
        /bin\/not-python is not a Python 3 interpreter \(not-python: no such option -I\)/,
      ],
      [
        'a Python too old',
        ['--python', 'bin/python2', 'guarded.py'],
        /bin\/python2 is Python 2\.7: spawn-guard run needs Python 3\.4 or newer/,
      ],
      ['a folder as the interpreter', ['--python', './lib', 'guarded.py'], /no Python interpreter at "\.\/lib" \(--python\)/],
      ['a name not on PATH', ['--python', 'python9', 'guarded.py'], /no Python interpreter at "python9" \(--python\)/],
      ['an unknown option', ['--fast', 'guarded.py'], /unknown option "--fast"/],
      ['a bad method', ['--method', 'fork', 'guarded.py'], /--method must be one of spawn, forkserver/],
      ['a bad time-out', ['--timeout', '0', 'guarded.py'], /--timeout must be a positive number/],
    ];
    for (const [name, args, message] of cases) {
      it(name, async () => {
        const result = await run(args);
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, message);
      });
    }
  });

  it('takes --python as a name looked up on PATH, or a path relative to the working directory', async () => {
    for (const python of ['python3', path.relative(tree, fs.realpathSync(whichPython3()))]) {
      const result = await run(['--format', 'json', '--python', python, 'method.py']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).runs[0].stdout.text, 'spawn\n');
    }
  });

  it('says on macOS and Windows that it works on Linux only, and that spawn is the default there', async () => {
    for (const [platform, name] of [
      ['darwin', 'macOS'],
      ['win32', 'Windows'],
    ] as const) {
      const stderr = new PassThrough();
      let said = '';
      stderr.setEncoding('utf8').on('data', (text: string) => (said += text));
      const stdout = new StreamWriter(new PassThrough());
      const io = {
        cwd: tree,
        env: process.env,
        stdout,
        stderr: new StreamWriter(stderr),
        stdoutPalette: plain,
        stderrPalette: plain,
        platform,
      };
      assert.equal(await runRunCommand(['guarded.py'], io), 2);
      assert.equal(
        said,
        `error: spawn-guard run works on Linux only (it follows every process of the run in /proc), not on ${name}; ` +
          `on ${name} spawn is already the default start method: run the script itself to see what it does\n`,
      );
    }
  });

  it('finds no interpreter on an empty PATH and says so', async () => {
    const result = await runCli(['run', 'guarded.py'], { cwd: tree, env: { PATH: path.join(tree, 'lib') } });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /no python3 or python on PATH/);
  });
});

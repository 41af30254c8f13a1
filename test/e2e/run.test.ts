// "Spawn Guard: Run under spawn" in the real editor, with the packaged .vsix installed in code-server:
// the command runs the file under spawn and under fork with the bundled CLI, the verdict lands in the
// output channel and a failure raises a notification; after the main guard fix it reports the same
// behaviour as fork. Also: "Reproduce under spawn" from the quick fix menu, a notebook from its toolbar,
// the interpreter the Python extension names (a stub of its API), one run at a time, Cancel. Workspace
// trust is on here: an untrusted folder gets the explanation, not a run.
// Each step leaves a screenshot in test-output/e2e/run/ (and run-untrusted/).
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { CodeServer } from './support/codeServer';
import { notificationButton, notificationToast, outputPanelText } from './support/notifications';
import { E2E_FIXED_DIR, packagedVsix } from './support/paths';
import { packPythonExtensionStub, pythonExtensionStubEnv } from './support/pythonExtensionStub';
import { pollUntil } from './support/poll';
import { UI_TIMEOUT_MS, Workbench } from './support/workbench';
import { copyWorkspace } from './support/workspace';
import { FIXTURES } from '../helpers/paths';
import { runningProcesses } from '../helpers/processes';

const RUN_COMMAND = 'Spawn Guard: Run under spawn';
const ADD_MAIN_GUARD_COMMAND = 'Spawn Guard: Add main guard';
const GUARD_LINE = 'if __name__ == "__main__":';
/** The spawn run is stopped by the watchdog in about a second; both runs, the CLI and the editor's round trips fit well within this. */
const RUN_TIMEOUT_MS = 60_000;
/** Written into the trusted workspace for the cancel step: it prints, then waits until it is killed. */
const WAITS_FOREVER = 'waits_forever.py';
/** Its cells use a worker defined in a cell: "Can't get attribute 'work'" under spawn. */
const NOTEBOOK = path.join(FIXTURES, 'run', 'notebooks', 'cell-worker.ipynb');
/** Debian's python3 with python3-ipykernel and python3-nbclient (scripts/setup-e2e.sh installs them). */
const KERNEL_PYTHON = '/usr/bin/python3';
/** Written into the trusted workspace: the Python extension stub names a virtual environment for it alone. */
const WHICH_PYTHON = 'which_python.py';

describe('Run under spawn in the VS Code UI (the packaged .vsix in code-server)', { timeout: 6 * 60_000 }, () => {
  const workspaces: string[] = [];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-e2e-run-'));
  /** The Python extension's active environment for WHICH_PYTHON: a virtual environment of its own. */
  const venvPython = path.join(scratch, 'venv', 'bin', 'python');
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;

  before(async () => {
    const kernel = spawnSync(KERNEL_PYTHON, ['-c', 'import ipykernel, nbclient, nbformat'], { stdio: 'ignore' });
    assert.equal(kernel.status, 0, `${KERNEL_PYTHON} cannot run a Jupyter kernel: run scripts/setup-e2e.sh`);
    const vsix = packagedVsix();
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run 'npm run package' first`);
    execFileSync(KERNEL_PYTHON, ['-m', 'venv', '--without-pip', path.dirname(path.dirname(venvPython))]);
    server = await CodeServer.start({
      name: 'run',
      vsixFiles: [vsix, packPythonExtensionStub(scratch)],
      env: pythonExtensionStubEnv(venvPython, [WHICH_PYTHON]),
      workspaceTrust: true,
    });
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
    for (const folder of [...workspaces, scratch]) fs.rmSync(folder, { recursive: true, force: true });
  });

  /** Opens a fresh copy of the e2e workspace and answers VS Code's trust question. */
  async function openWorkspace(name: string, trust: boolean): Promise<string> {
    await workbench?.close();
    workbench = undefined;
    const workspace = copyWorkspace();
    workspaces.push(workspace);
    fs.writeFileSync(path.join(workspace, WAITS_FOREVER), 'import time\n\nprint("waiting for Cancel", flush=True)\ntime.sleep(600)\n');
    fs.copyFileSync(NOTEBOOK, path.join(workspace, path.basename(NOTEBOOK)));
    fs.writeFileSync(path.join(workspace, WHICH_PYTHON), 'import sys\n\nprint("interpreter:", sys.executable)\n');
    // The interpreter the runs use (read only once the folder is trusted): one with a Jupyter kernel.
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'spawnGuard.python': KERNEL_PYTHON }));
    workbench = await Workbench.open(server!, workspace, name);
    const answer = trust ? 'Yes, I trust the authors' : "No, I don't trust the authors";
    await workbench.page.locator('.monaco-dialog-box .monaco-button', { hasText: answer }).click();
    await workbench.page.locator('.monaco-dialog-box').waitFor({ state: 'detached' });
    return workspace;
  }

  /** Runs a step; when it fails, the screenshot of where it stopped is named in the error. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
      await workbench!.screenshot(name);
    } catch (error) {
      const screenshot = await workbench?.screenshot(`${name}-FAILED`).catch(() => 'none');
      (error as Error).message += `\nscreenshot: ${screenshot}; logs: ${server?.logFile}`;
      throw error;
    }
  }

  /** Waits until the Output panel shows every pattern (the channel is cleared when a run starts). */
  async function outputShows(...patterns: RegExp[]): Promise<string> {
    let text = '';
    return pollUntil(
      async () => {
        text = await outputPanelText(workbench!.page);
        return patterns.every((pattern) => pattern.test(text)) && text;
      },
      { timeoutMs: RUN_TIMEOUT_MS, intervalMs: 200, what: `the output panel to show ${patterns.join(', ')}` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it shows:\n${text}`);
    });
  }

  async function runFromPalette(): Promise<void> {
    await workbench!.findCommand(RUN_COMMAND);
    await workbench!.page.keyboard.press('Enter');
  }

  test('in an untrusted workspace the command explains why it is disabled and runs nothing', async () => {
    await openWorkspace('run-untrusted', false);
    const page = workbench!.page;
    await step('01-untrusted-no-title-button', async () => {
      await workbench!.openFile('pool_squares.py');
      await workbench!.squiggles('pool_squares.py', 'error').first().waitFor();
      // Analysis works in restricted mode; the editor title offers no run.
      assert.equal(await page.locator('.editor-actions .codicon-debug-alt').count(), 0);
    });
    await step('02-untrusted-explained', async () => {
      await runFromPalette();
      const toast = notificationToast(page, /disabled until you trust the workspace/);
      await settled(notificationButton(toast, 'Manage Workspace Trust'));
      assert.equal(await notificationToast(page, /running pool_squares\.py under spawn/).count(), 0);
    });
  });

  test('on an unguarded Pool the command shows the bootstrapping verdict and a notification with "Show"', async () => {
    await openWorkspace('run', true);
    const page = workbench!.page;
    await step('03-trusted-title-button', async () => {
      await workbench!.openFile('pool_squares.py');
      await workbench!.squiggles('pool_squares.py', 'error').first().waitFor();
      await page.locator('.editor-actions .codicon-debug-alt').first().waitFor();
    });
    await step('04-hangs-verdict', async () => {
      await runFromPalette();
      const output = await outputShows(/hangs: hangs under spawn: \d+ children died/, /pool_squares\.py:11:6: SPG001 /);
      assert.match(output, /bootstrapping phase/);
      const toast = notificationToast(page, /pool_squares\.py hangs under spawn/);
      await settled(notificationButton(toast, 'Show'));
    });
    await step('05-show', async () => {
      const toast = notificationToast(page, /pool_squares\.py hangs under spawn/);
      await notificationButton(toast, 'Show').click();
      await toast.waitFor({ state: 'detached' });
      await page.locator('.part.panel .monaco-editor .view-lines').first().waitFor();
    });
  });

  test('after "Add main guard" the same command reports the same behaviour as fork', async () => {
    const page = workbench!.page;
    await step('06-guard-added', async () => {
      await workbench!.editor('pool_squares.py').locator('textarea.inputarea, .native-edit-context').first().focus();
      await workbench!.findCommand(ADD_MAIN_GUARD_COMMAND);
      await page.keyboard.press('Enter');
      await workbench!.line('pool_squares.py', GUARD_LINE).waitFor();
      await workbench!.squiggles('pool_squares.py', 'error').first().waitFor({ state: 'detached' });
    });
    await step('07-same-behaviour', async () => {
      // The file is not saved yet: the command saves it before it runs.
      await runFromPalette();
      await outputShows(/same: same behaviour under spawn as under fork/);
      await notificationToast(page, /pool_squares\.py: same behaviour under spawn as under fork/).waitFor();
      const saved = fs.readFileSync(path.join(workspaces.at(-1)!, 'pool_squares.py'), 'utf8');
      assert.equal(saved, fs.readFileSync(path.join(E2E_FIXED_DIR, 'pool_squares.py'), 'utf8'));
    });
  });

  test('"Reproduce under spawn" beside a finding runs that file', async () => {
    const page = workbench!.page;
    await step('08-reproduce-action', async () => {
      await workbench!.openFile('process_cubes.py');
      await workbench!.clickSquiggle('process_cubes.py', 'error');
      await page.keyboard.press('Control+.');
      // The menu takes the keyboard (a pointer block covers the page): walk down to the action.
      await page.locator('.action-widget .monaco-list-row.focused').waitFor();
      const reproduce = page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Reproduce under spawn' });
      for (let moves = 0; (await reproduce.count()) === 0; moves++) {
        if (moves === 5) throw new Error('the quick fix menu has no "Reproduce under spawn"');
        await page.keyboard.press('ArrowDown');
      }
    });
    await step('08b-reproduce-chosen', async () => {
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').waitFor({ state: 'hidden' });
    });
    await step('09-fails-verdict', async () => {
      await outputShows(
        /fails: fails under spawn: 1 child process died with RuntimeError "…bootstrapping phase"/,
        /process_cubes\.py:10:\d+: SPG001 /,
      );
      await settled(notificationButton(notificationToast(page, /process_cubes\.py fails under spawn/), 'Show'));
    });
  });

  test("a notebook's cells run in a Jupyter kernel under spawn, from the notebook toolbar", async () => {
    const page = workbench!.page;
    const name = path.basename(NOTEBOOK);
    await step('10-notebook-open', async () => {
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill(name);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.notebook-editor .cell-list-container').first().waitFor();
    });
    await step('11-notebook-verdict', async () => {
      await page.locator('.notebook-toolbar-container .codicon-debug-alt').first().click();
      // python3 on PATH may have no Jupyter kernel: a verdict shows that spawnGuard.python was used.
      await outputShows(
        /fails: fails under spawn: a child could not find "work" .*defined in a notebook/s,
        /cell-worker\.ipynb:cell 3:1:28: SPG020 /,
      );
      await settled(notificationButton(notificationToast(page, `${name} fails under spawn`), 'Show'));
    });
  });

  test("the Python extension's active environment wins over spawnGuard.python", async () => {
    await step('12-python-extension-environment', async () => {
      await workbench!.openFile(WHICH_PYTHON);
      await runFromPalette();
      await outputShows(new RegExp(`interpreter: ${escapeRegExp(venvPython)}\\n`), /same: same behaviour under spawn as under fork/);
    });
  });

  test('one run at a time; Cancel stops the run and kills every process of it', async () => {
    const page = workbench!.page;
    const script = path.join(workspaces.at(-1)!, WAITS_FOREVER);
    const progress = notificationToast(page, `Spawn Guard: running ${WAITS_FOREVER} under spawn`);
    await step('13-running', async () => {
      await workbench!.openFile(WAITS_FOREVER);
      await runFromPalette();
      await outputShows(/waiting for Cancel/);
      assert.notDeepEqual(processesRunning(script), []);
      // One run at a time: a second one is refused while this one runs.
      await runFromPalette();
      await notificationToast(page, `${WAITS_FOREVER} is still running under spawn`).waitFor();
    });
    await step('14-cancelled', async () => {
      await notificationButton(progress, 'Cancel').click();
      await outputShows(/cancelled: stopped on request; every process of the run was killed/);
      await progress.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      assert.deepEqual(processesRunning(script), []);
    });
  });
});

/** Waits until `button` is visible and has stopped moving (a toast slides in): the screenshot shows it whole. */
async function settled(button: Locator): Promise<void> {
  await button.click({ trial: true });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Processes whose command line names `script`. */
function processesRunning(script: string): number[] {
  return runningProcesses()
    .filter((process) => process.cmdline().includes(script))
    .map((process) => process.pid);
}

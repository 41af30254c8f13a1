// A Jupyter notebook in the real editor with the packaged extension: code-server opens the .ipynb with
// its built-in notebook support (no kernel needed), the cell that sends a cell function to a Pool gets a
// squiggle, the lightbulb's "Move to module" creates lesson_workers.py next to the notebook and replaces
// the definition in its cell by an import, and the squiggle goes. The code cells are those of
// test/fixtures/notebooks/SPG020/pool-map.ipynb, whose hang under spawn the kernel runtime test shows.
// A screenshot per step in test-output/e2e/notebook/; with SPAWN_GUARD_UPDATE_IMAGES=1 the quick fix
// menu is also the README's picture.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths';
import { pollUntil } from './support/poll';
import { UiSession } from './support/uiSession';
import { UI_TIMEOUT_MS, type Workbench } from './support/workbench';

const NOTEBOOK = 'lesson.ipynb';
const MODULE = 'lesson_workers.py';
const MOVE_TITLE = 'to lesson_workers.py';
const IMPORT_LINE = 'from lesson_workers import square';
/** Steps whose picture of the editor area the README shows, by file name in images/. */
const README_IMAGES: Record<string, string> = { '03-quick-fix-menu': 'notebook-move-to-module.png' };

describe('Spawn Guard on a Jupyter notebook in the VS Code UI (the packaged .vsix in code-server)', { timeout: 5 * 60_000 }, () => {
  let session: UiSession | undefined;
  let workbench!: Workbench;
  let workspace: string;
  const step = (name: string, body: () => Promise<void>) => session!.step(name, body);

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-e2e-notebook-'));
    fs.copyFileSync(path.join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'notebook', NOTEBOOK), path.join(workspace, NOTEBOOK));
    session = await UiSession.start('notebook', workspace, README_IMAGES);
    workbench = session.workbench;
  });

  after(async () => {
    if (session) await session.stop();
    else fs.rmSync(workspace, { recursive: true, force: true });
  });

  const notebookEditor = () => workbench.page.locator('.notebook-editor');
  const squiggles = () => notebookEditor().locator('.squiggly-error');

  test('opening the notebook shows an error squiggle in the cell that sends a cell function to a Pool', async () => {
    await step('01-notebook-squiggle', async () => {
      const page = workbench.page;
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(NOTEBOOK);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: NOTEBOOK }).first().waitFor();
      await page.keyboard.press('Enter');
      await notebookEditor().locator('.cell-editor-container .view-lines').first().waitFor();
      await squiggles().first().waitFor();
      assert.equal(await squiggles().count(), 1);
      await workbench.waitForProblemsStatus(/Errors: 1\b/);
    });
  });

  test('the hover on the squiggle explains the hazard', async () => {
    await step('02-hover', async () => {
      const box = await squiggleBox();
      await workbench.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const hover = workbench.page.locator('.monaco-hover:not(.hidden)').filter({ has: workbench.page.locator('.hover-contents') });
      await hover.first().getByText('SPG020').first().waitFor();
    });
  });

  test('the lightbulb offers "Move to module"; applying it creates the module and the squiggle goes', async () => {
    await step('03-quick-fix-menu', async () => {
      await workbench.page.keyboard.press('Escape');
      const box = await squiggleBox();
      await workbench.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      // The mouse leaves the squiggle, so its hover does not cover the menu.
      await workbench.page.mouse.move(0, 0);
      await workbench.page.keyboard.press('Control+.');
      await workbench.page.locator('.action-widget .monaco-list-row.focused', { hasText: MOVE_TITLE }).waitFor();
    });
    await step('04-moved-to-module', async () => {
      await workbench.page.keyboard.press('Enter');
      await notebookEditor().locator('.view-line', { hasText: IMPORT_LINE }).first().waitFor();
      await squiggles().first().waitFor({ state: 'detached' });
      await workbench.waitForProblemsStatus(/^(No Problems|Errors: 0\b)/);
      const module = path.join(workspace, MODULE);
      await pollUntil(() => fs.existsSync(module), { timeoutMs: UI_TIMEOUT_MS, what: `${MODULE} to be created` });
    });
    await step('05-saved', async () => {
      // Save All: the notebook and the module (an edit leaves the files it changed unsaved, as any refactoring).
      await workbench.page.keyboard.press('Control+K');
      await workbench.page.keyboard.press('S');
      const module = path.join(workspace, MODULE);
      await pollUntil(() => /^def square\(x\):\n {4}return x \* x\n/m.test(fs.readFileSync(module, 'utf8')), {
        timeoutMs: UI_TIMEOUT_MS,
        what: `${MODULE} to hold square on disk`,
      });
      await pollUntil(() => fs.readFileSync(path.join(workspace, NOTEBOOK), 'utf8').includes(IMPORT_LINE), {
        timeoutMs: UI_TIMEOUT_MS,
        what: `${NOTEBOOK} to import square on disk`,
      });
    });
  });

  async function squiggleBox() {
    const squiggle = squiggles().first();
    return pollUntil(
      async () => {
        await squiggle.waitFor({ timeout: UI_TIMEOUT_MS });
        return squiggle.boundingBox();
      },
      { timeoutMs: UI_TIMEOUT_MS, intervalMs: 100, what: 'the error squiggle in the notebook to be on screen' },
    );
  }
});

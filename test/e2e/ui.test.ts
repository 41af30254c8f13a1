// What a person sees and does in VS Code with the packaged extension installed: the squiggle, the hover,
// the quick fix behind Ctrl+., the palette command. The .vsix that `npm run package` wrote is what gets
// installed, so packaging is tested too. Each step leaves a screenshot in test-output/e2e/ui/; with
// SPAWN_GUARD_UPDATE_IMAGES=1 the steps in README_IMAGES also rewrite the README's pictures in images/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { E2E_FIXED_DIR } from './support/paths';
import { pollUntil } from './support/poll';
import { UiSession } from './support/uiSession';
import { UI_TIMEOUT_MS, type Workbench } from './support/workbench';
import { copyWorkspace } from './support/workspace';

const GUARD_LINE = 'if __name__ == "__main__":';
const GUARD_FIX_TITLE = 'Add main guard';
const ADD_MAIN_GUARD_COMMAND = 'Spawn Guard: Add main guard';

/** Steps whose picture of the editor area the README (and the walkthrough) show, by file name in images/. */
const README_IMAGES: Record<string, string> = {
  '01-pool-squiggle': 'squiggle.png',
  '02-hover': 'hover.png',
  '03-quick-fix-menu': 'quick-fix.png',
  '06-palette-command': 'add-main-guard.png',
};

describe('Spawn Guard in the VS Code UI (the packaged .vsix in code-server)', { timeout: 5 * 60_000 }, () => {
  let session: UiSession | undefined;
  let workbench!: Workbench;
  let workspace!: string;
  const step = (name: string, body: () => Promise<void>) => session!.step(name, body);

  before(async () => {
    workspace = copyWorkspace();
    session = await UiSession.start('ui', workspace, README_IMAGES);
    workbench = session.workbench;
  });

  after(async () => {
    if (session) await session.stop();
    else if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  /** Saves the active editor (Ctrl+S) and waits until the file on disk is the fixed fixture. */
  async function saveAndExpectFixed(name: string): Promise<void> {
    await workbench.page.keyboard.press('Control+S');
    const file = path.join(workspace, name);
    const expected = fs.readFileSync(path.join(E2E_FIXED_DIR, name), 'utf8');
    await pollUntil(() => fs.readFileSync(file, 'utf8') === expected, {
      timeoutMs: UI_TIMEOUT_MS,
      what: `${name} to be saved as test/e2e/fixtures/fixed/${name}`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}; it holds:\n${fs.readFileSync(file, 'utf8')}`);
    });
  }

  test('opening a file with an unguarded Pool shows an error squiggle', async () => {
    await step('01-pool-squiggle', async () => {
      await workbench.openFile('pool_squares.py');
      await workbench.squiggles('pool_squares.py', 'error').first().waitFor();
      assert.equal(await workbench.squiggles('pool_squares.py', 'error').count(), 1);
      await workbench.waitForProblemsStatus(/Errors: 1\b/);
    });
  });

  test('the hover on the squiggle explains the hazard', async () => {
    await step('02-hover', async () => {
      const hover = await workbench.hoverSquiggle('pool_squares.py', 'error');
      await hover.getByText('SPG001').first().waitFor();
      await hover.getByText('CPython documentation').first().waitFor();
    });
  });

  test('Ctrl+. offers the main guard fix, and applying it removes the squiggle', async () => {
    await step('03-quick-fix-menu', async () => {
      await workbench.page.keyboard.press('Escape'); // closes the hover
      await workbench.clickSquiggle('pool_squares.py', 'error');
      await workbench.page.keyboard.press('Control+.');
      // The preferred fix comes first and has the focus.
      await workbench.page.locator('.action-widget .monaco-list-row.focused', { hasText: GUARD_FIX_TITLE }).waitFor();
    });
    await step('04-guard-applied', async () => {
      await workbench.page.keyboard.press('Enter');
      await workbench.line('pool_squares.py', GUARD_LINE).waitFor();
      await workbench.squiggles('pool_squares.py', 'error').first().waitFor({ state: 'detached' });
      await workbench.waitForProblemsStatus(/^(No Problems|Errors: 0\b)/);
      await saveAndExpectFixed('pool_squares.py');
    });
  });

  test('F1 "Spawn Guard: Add main guard" guards a second file', async () => {
    await step('05-second-file-squiggle', async () => {
      await workbench.openFile('process_cubes.py');
      await workbench.squiggles('process_cubes.py', 'error').first().waitFor();
    });
    await step('06-palette-command', async () => {
      await workbench.findCommand(ADD_MAIN_GUARD_COMMAND);
    });
    await step('07-second-file-guarded', async () => {
      await workbench.page.keyboard.press('Enter');
      await workbench.line('process_cubes.py', GUARD_LINE).waitFor();
      await workbench.squiggles('process_cubes.py', 'error').first().waitFor({ state: 'detached' });
      await saveAndExpectFixed('process_cubes.py');
    });
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './browser';
import type { CodeServer } from './codeServer';
import { ConsoleRecorder } from './console';
import { E2E_OUTPUT_DIR } from './paths';
import { pollUntil } from './poll';

/** Long enough for the language server's first start on a cold two-core machine; Playwright polls. */
export const UI_TIMEOUT_MS = 30_000;

export type SquiggleSeverity = 'error' | 'warning' | 'info';

/**
 * The VS Code workbench of a running code-server, in Chromium, driven the way a person drives it:
 * Quick Open, the keyboard, the mouse. Locators use the workbench's own DOM (issue 5 lists them).
 */
export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly console: ConsoleRecorder,
    private readonly consoleLog: fs.WriteStream,
    private readonly screenshotDir: string,
  ) {}

  /** Opens `folder` in the workbench and waits until it shows the folder in the explorer. */
  static async open(server: CodeServer, folder: string, name: string): Promise<Workbench> {
    const screenshotDir = path.join(E2E_OUTPUT_DIR, name);
    fs.rmSync(screenshotDir, { recursive: true, force: true });
    fs.mkdirSync(screenshotDir, { recursive: true });
    const consoleLog = fs.createWriteStream(path.join(E2E_OUTPUT_DIR, `${name}.console.log`));
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const console = new ConsoleRecorder(consoleLog);
    page.on('console', (message) => console.record(message));
    page.on('pageerror', (error) => console.write(`page error: ${error.stack ?? error.message}`));
    const workbench = new Workbench(page, browser, console, consoleLog, screenshotDir);
    try {
      await page.goto(server.workbenchUrl(folder));
      await page.locator('.monaco-workbench .explorer-folders-view').waitFor();
    } catch (error) {
      await workbench.close();
      throw error;
    }
    return workbench;
  }

  async close(): Promise<void> {
    await this.console.flushed();
    await this.browser.close();
    await new Promise((resolve) => this.consoleLog.end(resolve));
  }

  /** Saves test-output/e2e/<name>/<step>.png and returns its path. */
  async screenshot(step: string): Promise<string> {
    const file = path.join(this.screenshotDir, `${step}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Saves the editor area as `file`, with whatever is open over it (a hover, the quick fix menu, the
   * command palette) and nothing else of the workbench: a picture for the README.
   */
  async screenshotEditorArea(file: string): Promise<void> {
    const boxes = async (selector: string) => {
      const found = [];
      for (const element of await this.page.locator(selector).all()) {
        const box = (await element.isVisible()) ? await element.boundingBox() : null;
        if (box && box.width > 0 && box.height > 0) found.push(box);
      }
      return found;
    };
    const [editor] = await boxes('.part.editor');
    const widgets = await boxes('.monaco-hover:not(.hidden), .action-widget, .quick-input-widget');
    // Down to the last line of text or widget, not the empty editor below it.
    const content = [...widgets, ...(await boxes('.part.editor .view-line'))];
    const x = Math.max(0, Math.min(editor.x, ...widgets.map((box) => box.x)));
    const y = Math.max(0, Math.min(editor.y, ...widgets.map((box) => box.y)));
    const right = Math.max(editor.x + editor.width, ...widgets.map((box) => box.x + box.width));
    const bottom = Math.min(editor.y + editor.height, Math.max(...content.map((box) => box.y + box.height)) + 24);
    await this.page.screenshot({ path: file, clip: { x, y, width: right - x, height: bottom - y } });
  }

  /** Quick Open (Ctrl+P), the file's name, Enter; resolves when its editor has focus. */
  async openFile(name: string): Promise<Locator> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    const editor = this.editor(name);
    await editor.locator('.view-lines').waitFor();
    await editor.locator('textarea.inputarea, .native-edit-context').first().focus();
    return editor;
  }

  editor(name: string): Locator {
    return this.page.locator(`.monaco-editor[data-uri$="/${name}"]`);
  }

  squiggles(name: string, severity: SquiggleSeverity): Locator {
    return this.editor(name).locator(`.squiggly-${severity}`);
  }

  /** The rendered line of `name` that contains `text` (Playwright matches spaces and the editor's nbsp alike). */
  line(name: string, text: string): Locator {
    return this.editor(name).locator('.view-lines .view-line', { hasText: text });
  }

  /** Clicks the middle of the first squiggle of `name`, which puts the cursor inside the diagnostic. */
  async clickSquiggle(name: string, severity: SquiggleSeverity): Promise<void> {
    const box = await this.squiggleBox(name, severity);
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }

  /** Rests the mouse on the first squiggle of `name`; the editor then shows its hover. */
  async hoverSquiggle(name: string, severity: SquiggleSeverity): Promise<Locator> {
    const box = await this.squiggleBox(name, severity);
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ has: this.page.locator('.hover-contents') });
    await hover.first().waitFor();
    return hover.first();
  }

  /** F1 and the command's label: leaves the palette open with the command listed (Enter runs it). */
  async findCommand(label: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${label}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
  }

  /**
   * Waits until the status bar's problems item reads `pattern` (its aria-label, e.g. "Errors: 1, Warnings:
   * 1"; the workspace's counts, which unlike the tab badge follow fixes at once).
   */
  async waitForProblemsStatus(pattern: RegExp): Promise<void> {
    const item = this.page.locator('#status\\.problems');
    let label: string | null = null;
    await pollUntil(
      async () => {
        label = await item.getAttribute('aria-label', { timeout: UI_TIMEOUT_MS });
        return label !== null && pattern.test(label);
      },
      { timeoutMs: UI_TIMEOUT_MS, intervalMs: 100, what: `the problems status to read ${pattern}` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it reads ${JSON.stringify(label)}`);
    });
  }

  private async squiggleBox(name: string, severity: SquiggleSeverity) {
    // The editor re-renders its decorations (after a hover closes, on a new diagnostics push), and a
    // squiggle found a moment ago may be detached when its box is asked for: ask again until one is laid out.
    const squiggle = this.squiggles(name, severity).first();
    return pollUntil(
      async () => {
        await squiggle.waitFor({ timeout: UI_TIMEOUT_MS });
        return squiggle.boundingBox();
      },
      { timeoutMs: UI_TIMEOUT_MS, intervalMs: 100, what: `the ${severity} squiggle in ${name} to be on screen` },
    );
  }
}

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeServer } from './codeServer';
import { packagedVsix, README_IMAGES_DIR } from './paths';
import { Workbench } from './workbench';

const UPDATE_IMAGES = process.env.SPAWN_GUARD_UPDATE_IMAGES === '1';

/**
 * The packaged .vsix installed into a code-server whose workbench (in Chromium) has `workspace` open: what
 * the UI tests drive. `step` runs one step of a test and leaves its screenshot in test-output/e2e/<name>/;
 * with SPAWN_GUARD_UPDATE_IMAGES=1 the steps named in `readmeImages` also rewrite the README's pictures.
 */
export class UiSession {
  private constructor(
    readonly server: CodeServer,
    readonly workbench: Workbench,
    readonly workspace: string,
    private readonly readmeImages: Readonly<Record<string, string>>,
  ) {}

  /** Starts code-server with the .vsix that `npm run package` wrote; `workspace` is removed by stop(). */
  static async start(name: string, workspace: string, readmeImages: Readonly<Record<string, string>> = {}): Promise<UiSession> {
    const vsix = packagedVsix();
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run 'npm run package' first`);
    const server = await CodeServer.start({ name, vsixFiles: [vsix] });
    try {
      return new UiSession(server, await Workbench.open(server, workspace, name), workspace, readmeImages);
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /** Runs a step; when it fails, the screenshot of where it stopped is named in the error. */
  async step(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
      await this.workbench.screenshot(name);
      const image = this.readmeImages[name];
      if (UPDATE_IMAGES && image) await this.workbench.screenshotEditorArea(path.join(README_IMAGES_DIR, image));
    } catch (error) {
      const screenshot = await this.workbench.screenshot(`${name}-FAILED`).catch(() => 'none');
      (error as Error).message += `\nscreenshot: ${screenshot}; logs: ${this.server.logFile}`;
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.workbench.close();
    await this.server.stop();
    fs.rmSync(this.workspace, { recursive: true, force: true });
  }
}

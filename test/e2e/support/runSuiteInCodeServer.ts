import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from './browser';
import { CodeServer } from './codeServer';
import { ConsoleRecorder } from './console';
import { E2E_OUTPUT_DIR } from './paths';

export interface SuiteRunOptions {
  /** Names the log files under test-output/e2e. */
  name: string;
  /** The extension under test (a folder with its package.json), loaded as in development. */
  extensionDevelopmentPath: string;
  /** The compiled module whose `run()` the extension host calls. */
  extensionTestsPath: string;
  workspace: string;
  /** Added to the environment of the server and so of the extension host. */
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export interface SuiteRun {
  /** What the workbench passed to `codeAutomationExit` when the suite ended: 0 when run() resolved. */
  exitCode: number;
  /** The workbench's console, which carries the extension host's console output. */
  consoleLogFile: string;
  serverLogFile: string;
}

/**
 * Runs an extension test module inside code-server's real extension host, as @vscode/test-electron runs
 * it inside desktop VS Code: the `payload` URL parameter names the development extension and the tests,
 * and the workbench reports the end of the run through a page function named `codeAutomationExit`.
 */
export async function runSuiteInCodeServer(options: SuiteRunOptions): Promise<SuiteRun> {
  fs.mkdirSync(E2E_OUTPUT_DIR, { recursive: true });
  const consoleLogFile = path.join(E2E_OUTPUT_DIR, `${options.name}.console.log`);
  const consoleLog = fs.createWriteStream(consoleLogFile);
  const server = await CodeServer.start({ name: options.name, env: options.env });
  try {
    const browser = await launchChromium();
    const console = new ConsoleRecorder(consoleLog);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('console', (message) => console.record(message));
      page.on('pageerror', (error) => console.write(`page error: ${error.stack ?? error.message}`));
      let reportExit!: (code: number) => void;
      const exited = new Promise<number>((resolve) => (reportExit = resolve));
      await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
      await page.goto(
        server.workbenchUrl(options.workspace, [
          ['extensionDevelopmentPath', server.remoteUri(options.extensionDevelopmentPath)],
          ['extensionTestsPath', server.remoteUri(options.extensionTestsPath)],
        ]),
      );
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the extension tests did not end within ${options.timeoutMs} ms`)), options.timeoutMs);
      });
      try {
        const exitCode = await Promise.race([exited, timedOut]);
        return { exitCode, consoleLogFile, serverLogFile: server.logFile };
      } catch (error) {
        const screenshot = path.join(E2E_OUTPUT_DIR, `${options.name}-timed-out.png`);
        await page.screenshot({ path: screenshot }).catch(() => undefined);
        throw new Error(`${(error as Error).message}; the workbench then: ${screenshot}; logs: ${consoleLogFile}, ${server.logFile}`);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      await console.flushed();
      await browser.close();
    }
  } finally {
    await server.stop();
    await new Promise((resolve) => consoleLog.end(resolve));
  }
}

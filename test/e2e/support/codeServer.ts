import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CODE_SERVER_ENTRY, E2E_OUTPUT_DIR } from './paths';
import { pollUntil } from './poll';

const execFileAsync = promisify(execFile);

/** User settings that keep the first screen free of welcome pages, tips, prompts and update checks. */
const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  // Opening a .py file would otherwise offer to install Microsoft's Python extension.
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
};

const STARTUP_TIMEOUT_MS = 60_000;
const INSTALL_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;

export interface CodeServerOptions {
  /** Names the server's log file under test-output/e2e. */
  name: string;
  /** .vsix files installed (`--install-extension`) before the server starts. */
  vsixFiles?: readonly string[];
  /** Added to the server's environment, which its extension host inherits. */
  env?: NodeJS.ProcessEnv;
  /**
   * Keeps VS Code's workspace trust on: opening a folder asks whether to trust it (the other tests turn
   * trust off, so that every folder is trusted without the question).
   */
  workspaceTrust?: boolean;
}

/** Fails with the way to fix it when setup-e2e has not installed code-server here. */
export function assertCodeServerInstalled(): void {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(
      `code-server is not installed (${CODE_SERVER_ENTRY} is missing): run scripts/setup-e2e.sh, ` +
        'which installs it into test/e2e/harness',
    );
  }
}

/**
 * A code-server (VS Code 1.100 in the browser, with a real Node extension host) on 127.0.0.1, run in
 * its own process group with HOME, XDG folders, user data and extensions in a fresh temporary folder.
 * `stop()` ends the whole group; a test process that dies first kills it on its way out.
 */
export class CodeServer {
  private stopped = false;

  private constructor(
    /** Base URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
    readonly url: string,
    readonly port: number,
    /** Where code-server's and the extension host's output goes. */
    readonly logFile: string,
    private readonly child: ChildProcess,
    private readonly stateDir: string,
  ) {}

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    assertCodeServerInstalled();
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-e2e-'));
    const dirs = serverDirs(stateDir);
    for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
    const settingsFile = path.join(dirs.userData, 'User', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    const settings = { ...QUIET_USER_SETTINGS, 'security.workspace.trust.enabled': options.workspaceTrust === true };
    fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));

    const env = serverEnv(dirs, options.env);
    const dirArgs = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
    try {
      for (const vsix of options.vsixFiles ?? []) await installExtension(vsix, dirArgs, env);
    } catch (error) {
      fs.rmSync(stateDir, { recursive: true, force: true });
      throw error;
    }

    fs.mkdirSync(E2E_OUTPUT_DIR, { recursive: true });
    const logFile = path.join(E2E_OUTPUT_DIR, `${options.name}.code-server.log`);
    const log = fs.openSync(logFile, 'w');
    const port = await freePort();
    const args = [
      CODE_SERVER_ENTRY,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      ...dirArgs,
    ];
    // detached: setsid(), so the server, its extension host and file watchers form one process group.
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error('code-server did not start');
    liveGroups.add(child.pid);
    const server = new CodeServer(`http://127.0.0.1:${port}`, port, logFile, child, stateDir);
    try {
      await server.waitUntilHealthy();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** A workbench URL opening `folder`, with the URL parameters the workbench reads (`payload`, …). */
  workbenchUrl(folder: string, payload: ReadonlyArray<readonly [string, string]> = []): string {
    const url = new URL(this.url);
    url.searchParams.set('folder', folder);
    if (payload.length > 0) url.searchParams.set('payload', JSON.stringify(payload));
    return url.toString();
  }

  /** The URI under which the extension host (on this machine) sees a local path. */
  remoteUri(localPath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${localPath.split(path.sep).join('/')}`;
  }

  /** The last lines of the server's log, for error messages. */
  logTail(lines = 40): string {
    const text = fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
    return text.split('\n').slice(-lines).join('\n');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const group = this.child.pid!;
    signalGroup(group, 'SIGTERM');
    const ended = await pollUntil(() => !groupExists(group), { timeoutMs: STOP_TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
    if (!ended) {
      signalGroup(group, 'SIGKILL');
      // Orphans that nobody reaps can stay as zombies; they hold nothing, so do not wait forever.
      await pollUntil(() => !groupExists(group), { timeoutMs: STOP_TIMEOUT_MS }).catch(() => undefined);
    }
    liveGroups.delete(group);
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }

  private async waitUntilHealthy(): Promise<void> {
    let exited: string | undefined;
    this.child.once('exit', (code, signal) => (exited = `code-server exited (${signal ?? code})`));
    try {
      await pollUntil(
        async () => {
          if (exited) throw new Error(exited);
          try {
            return (await fetch(`${this.url}/healthz`)).ok;
          } catch {
            return false; // not listening yet
          }
        },
        { timeoutMs: STARTUP_TIMEOUT_MS, intervalMs: 100, what: `${this.url}/healthz to answer` },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${this.logFile} ---\n${this.logTail()}`);
    }
  }
}

function serverDirs(stateDir: string) {
  return {
    home: path.join(stateDir, 'home'),
    config: path.join(stateDir, 'xdg-config'),
    data: path.join(stateDir, 'xdg-data'),
    cache: path.join(stateDir, 'xdg-cache'),
    userData: path.join(stateDir, 'user-data'),
    extensions: path.join(stateDir, 'extensions'),
  };
}

function serverEnv(dirs: ReturnType<typeof serverDirs>, extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // A VS Code terminal's VSCODE_* variables would point the CLI at that VS Code; node --test's marker
    // would change how any node:test code in the extension host reports.
    if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE' || name === 'NODE_TEST_CONTEXT') continue;
    env[name] = value;
  }
  return {
    ...env,
    // code-server writes a config with a password under HOME on its first run.
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    // No extension gallery: the workbench would query open-vsx.org, which is neither reachable nor needed.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

async function installExtension(vsix: string, dirArgs: string[], env: NodeJS.ProcessEnv): Promise<void> {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} not found: run 'npm run package' first`);
  const args = [CODE_SERVER_ENTRY, ...dirArgs, '--install-extension', vsix];
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, args, { env, timeout: INSTALL_TIMEOUT_MS });
    output = stdout + stderr;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`installing ${vsix} failed: ${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
  if (!/successfully installed/i.test(output)) throw new Error(`installing ${vsix} said:\n${output}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function groupExists(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** Process groups of servers not stopped yet: killed if this process ends first (a crash, Ctrl-C). */
const liveGroups = new Set<number>();

function killLiveGroups(): void {
  for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  liveGroups.clear();
}

process.on('exit', killLiveGroups);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killLiveGroups();
    process.kill(process.pid, signal);
  });
}

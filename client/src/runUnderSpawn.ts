import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_UNDER_SPAWN_COMMAND } from '../../server/src/shared/protocol';

/**
 * "Spawn Guard: Run under spawn": runs the file with the bundled CLI (`dist/cli.js run --compare --format
 * json`), which does the work: the client picks the file and the interpreter, shows the output and the
 * verdict, and cancels (the CLI then kills every process of the run). Trusted workspaces only: it runs
 * the workspace's code.
 */

interface RunJson {
  verdict: { kind: string; diff?: string };
  summary: string;
  /** `cell`: in a notebook, the 1-based cell the line and column are in. */
  findings: { code: string; cell?: number; line: number; column: number; message: string }[];
}

const PASSING = new Set(['same', 'clean', 'cancelled']);

export function registerRunUnderSpawn(context: vscode.ExtensionContext): vscode.Disposable[] {
  const output = vscode.window.createOutputChannel('Spawn Guard: Run under spawn');
  const state: RunState = { running: undefined };
  const command = vscode.commands.registerCommand(RUN_UNDER_SPAWN_COMMAND, (argument: unknown) =>
    runUnderSpawn(context, output, state, argument),
  );
  return [output, command];
}

/** One run at a time: they share the output channel, and two runs at once would compete for the machine. */
interface RunState {
  /** The file being run. */
  running: string | undefined;
}

async function runUnderSpawn(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
  state: RunState,
  argument: unknown,
): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage(
      'Spawn Guard: "Run under spawn" runs this workspace\'s code, so it is disabled until you trust the workspace.',
      'Manage Workspace Trust',
    );
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  if (state.running) {
    void vscode.window.showWarningMessage(
      `Spawn Guard: ${state.running} is still running under spawn; cancel it (its progress notification) or wait for its verdict.`,
    );
    return;
  }
  const uri = targetUri(argument);
  if (!uri || uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Spawn Guard: open a saved Python file or notebook to run it under spawn.');
    return;
  }
  const name = path.basename(uri.fsPath);
  state.running = name;
  try {
    // The run reads the file on disk: save what the editor shows first.
    const document =
      vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri.toString()) ??
      vscode.workspace.notebookDocuments.find((open) => open.uri.toString() === uri.toString());
    if (document?.isDirty && !(await document.save())) return;
    const result = await runFile(context, output, uri);
    await report(output, name, result);
  } finally {
    state.running = undefined;
  }
}

/** Runs `spawn-guard run --compare` on the file with the interpreter for it, showing its output as it comes. */
async function runFile(context: vscode.ExtensionContext, output: vscode.OutputChannel, uri: vscode.Uri): Promise<CliResult> {
  const python = await interpreterFor(uri);
  const cli = context.asAbsolutePath(path.join('dist', 'cli.js'));
  const args = [cli, 'run', '--compare', '--format', 'json', ...(python ? ['--python', python] : []), uri.fsPath];
  const cwd = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
  output.clear();
  output.show(true);
  output.appendLine(`$ spawn-guard run --compare ${python ? `--python ${python} ` : ''}${uri.fsPath}`);
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Spawn Guard: running ${path.basename(uri.fsPath)} under spawn`,
      cancellable: true,
    },
    (_progress, token) => runCli(args, cwd, output, token),
  );
}

/** The verdict at the end of the output; a notification with "Show" when the run failed. */
async function report(output: vscode.OutputChannel, name: string, result: CliResult): Promise<void> {
  if (result.status === 2 || result.report === undefined) {
    output.appendLine(result.stdout.trim());
    // A usage error says what is wrong in one line (no interpreter, no ipykernel for a notebook: what to install).
    const reason = result.error ?? 'see the output';
    void vscode.window
      .showErrorMessage(`Spawn Guard: could not run ${name} under spawn: ${reason}`, 'Show')
      .then((choice) => choice && output.show());
    return;
  }
  const { verdict, summary, findings } = result.report;
  output.appendLine('');
  output.appendLine(`${verdict.kind}: ${summary}`);
  for (const finding of findings) {
    const place = `${finding.cell === undefined ? '' : `cell ${finding.cell}:`}${finding.line}:${finding.column}`;
    output.appendLine(`  ${name}:${place}: ${finding.code} ${finding.message}`);
  }
  if (verdict.diff) output.appendLine(verdict.diff.replace(/^/gm, '  '));
  if (!PASSING.has(verdict.kind)) {
    // Not awaited: the next run may start while the notification is still open.
    void vscode.window.showWarningMessage(`Spawn Guard: ${name} ${summary}`, 'Show').then((choice) => choice && output.show());
  } else if (verdict.kind !== 'cancelled') {
    void vscode.window.showInformationMessage(`Spawn Guard: ${name}: ${summary}`);
  }
}

interface CliResult {
  status: number | null;
  stdout: string;
  report: RunJson | undefined;
  /** The CLI's last `error: …` line on stderr, without the prefix. */
  error: string | undefined;
}

/** Runs the CLI with the editor's own Node.js; its stderr (the script's output, as it comes) goes to the channel. */
function runCli(args: string[], cwd: string, output: vscode.OutputChannel, token: vscode.CancellationToken): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderrTail = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      output.append(text);
      stderrTail = (stderrTail + text).slice(-4096);
    });
    // SIGTERM: the CLI stops the run, kills every process of it, and reports `cancelled`.
    const cancel = token.onCancellationRequested(() => child.kill('SIGTERM'));
    child.on('error', (error) => {
      cancel.dispose();
      const message = `cannot start the Spawn Guard CLI: ${error.message}`;
      resolve({ status: null, stdout: message, report: undefined, error: message });
    });
    child.on('close', (status) => {
      cancel.dispose();
      let report: RunJson | undefined;
      try {
        report = status === 0 || status === 1 ? (JSON.parse(stdout) as RunJson) : undefined;
      } catch {
        report = undefined;
      }
      const error = stderrTail
        .split('\n')
        .reverse()
        .find((line) => line.startsWith('error: '))
        ?.slice('error: '.length);
      resolve({ status, stdout, report, error });
    });
  });
}

/**
 * What to run: the URI the command was given (the editor title, a code action), the notebook it names
 * (the notebook toolbar passes the notebook, or its editor), else the active file, or the active
 * notebook when a cell of it has the focus. A cell stands for its notebook.
 */
function targetUri(argument: unknown): vscode.Uri | undefined {
  const uri = argumentUri(argument) ?? activeUri();
  return uri?.scheme === NOTEBOOK_CELL_SCHEME ? notebookOfCell(uri) : uri;
}

const NOTEBOOK_CELL_SCHEME = 'vscode-notebook-cell';

function argumentUri(argument: unknown): vscode.Uri | undefined {
  if (argument instanceof vscode.Uri) return argument;
  if (typeof argument === 'string') return vscode.Uri.parse(argument);
  if (typeof argument !== 'object' || argument === null) return undefined;
  const { uri, notebookEditor } = argument as { uri?: unknown; notebookEditor?: { notebookUri?: unknown } };
  if (uri instanceof vscode.Uri) return uri;
  return notebookEditor?.notebookUri instanceof vscode.Uri ? notebookEditor.notebookUri : undefined;
}

function activeUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.scheme !== NOTEBOOK_CELL_SCHEME) return editor.document.uri;
  return vscode.window.activeNotebookEditor?.notebook.uri ?? editor?.document.uri;
}

function notebookOfCell(cell: vscode.Uri): vscode.Uri | undefined {
  const notebook = vscode.workspace.notebookDocuments.find((candidate) =>
    candidate.getCells().some((each) => each.document.uri.toString() === cell.toString()),
  );
  return notebook?.uri;
}

/** The subset of the Python extension's API used here (ms-python.python, `environments`). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(environment: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

/**
 * The Python extension's active environment for the file, when that extension is installed; else the
 * `spawnGuard.python` setting; else undefined (the CLI takes python3 or python on PATH).
 */
async function interpreterFor(uri: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (extension) {
    try {
      const api = extension.isActive ? extension.exports : await extension.activate();
      const environment = api?.environments?.getActiveEnvironmentPath(uri);
      if (environment) {
        const resolved = await api!.environments!.resolveEnvironment(environment);
        const executable = resolved?.executable.uri?.fsPath ?? environment.path;
        if (executable) return executable;
      }
    } catch {
      // An extension that fails to answer leaves the choice to the setting and PATH.
    }
  }
  const configured = vscode.workspace.getConfiguration('spawnGuard', uri).get<string>('python', '').trim();
  return configured === '' ? undefined : configured;
}

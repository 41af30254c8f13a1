import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { CODE_CACHE_DIR_ARGUMENT, SERVER_NODE_FLAGS } from '../../server/src/shared/nodeFlags';
import {
  DIAGNOSTIC_SOURCE,
  RESTART_COMMAND,
  SERVER_COMMANDS,
  SHOW_LOGS_COMMAND,
  type InitializationOptions,
} from '../../server/src/shared/protocol';
import { registerRunUnderSpawn } from './runUnderSpawn';
import { SpawnGuardStatus } from './status';

/**
 * The thin VS Code client: starts the language server (dist/server.js, over IPC), and adds the palette
 * commands, the language status item and the log output. All analysis happens in the server.
 */

/** Commands the server implements (workspace/executeCommand); vscode-languageclient registers them. */
const SERVER_COMMAND_IDS = new Set(SERVER_COMMANDS);

const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  // Jupyter notebooks' Python cells: the server reads the notebook as a whole (notebookDocumentSync),
  // and this lets hover and code actions reach the cells.
  { notebook: 'jupyter-notebook', language: 'python' },
];

/** The same documents in the form VS Code's own API takes (the language status item). */
const STATUS_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { notebookType: 'jupyter-notebook', language: 'python' },
];

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Spawn Guard', { log: true });
  const status = new SpawnGuardStatus(STATUS_SELECTOR, SHOW_LOGS_COMMAND);
  context.subscriptions.push(log, status, ...registerRunUnderSpawn(context));

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: {
      module: serverModule,
      transport: TransportKind.ipc,
      args: [`${CODE_CACHE_DIR_ARGUMENT}${context.globalStorageUri.fsPath}`],
      options: { execArgv: [...SERVER_NODE_FLAGS] },
    },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    diagnosticCollectionName: DIAGNOSTIC_SOURCE,
    initializationOptions: { runUnderSpawn: true } satisfies InitializationOptions,
    outputChannel: log,
    traceOutputChannel: log,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      // The palette passes no arguments and the editor context menu passes the file's URI; the server
      // needs the document and the version the user saw.
      executeCommand: async (command, args, next) => {
        if (!SERVER_COMMAND_IDS.has(command) || isCommandTarget(args[0])) return next(command, args);
        const document = targetDocument(args[0]);
        if (!document) {
          void vscode.window.showWarningMessage('Spawn Guard: open a Python file first.');
          return undefined;
        }
        return next(command, [{ uri: document.uri.toString(), version: document.version }]);
      },
    },
  };

  const languageClient = new LanguageClient('spawnGuard', 'Spawn Guard', serverOptions, clientOptions);
  client = languageClient;
  context.subscriptions.push(
    languageClient.onDidChangeState((event) => status.setServerState(event.newState)),
    vscode.commands.registerCommand(SHOW_LOGS_COMMAND, () => log.show()),
    vscode.commands.registerCommand(RESTART_COMMAND, async () => {
      log.info('Restarting the Spawn Guard server');
      await languageClient.restart();
    }),
  );
  try {
    await languageClient.start();
  } catch (error) {
    log.error(`The Spawn Guard server did not start: ${error instanceof Error ? error.message : String(error)}`);
    void vscode.window
      .showErrorMessage('Spawn Guard: the language server did not start. See the logs.', 'Show logs')
      .then((choice) => choice && log.show());
  }
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = undefined;
}

/** Arguments as the server takes them (`{ uri, version }`), e.g. from another extension or a test. */
function isCommandTarget(argument: unknown): boolean {
  return typeof argument === 'object' && argument !== null && typeof (argument as { uri?: unknown }).uri === 'string';
}

/** The Python document a command is about: the one named by a URI argument, else the active editor's. */
function targetDocument(argument: unknown): vscode.TextDocument | undefined {
  const document =
    argument instanceof vscode.Uri
      ? vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === argument.toString())
      : vscode.window.activeTextEditor?.document;
  return document?.languageId === 'python' ? document : undefined;
}

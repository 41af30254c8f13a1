/**
 * The Spawn Guard language server: LSP wiring only. Over IPC when VS Code starts it, over stdio for any
 * other client (`node dist/server.js --stdio`). The work is done by the modules under lsp/ and the core.
 */
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  NotebookDocuments,
  ErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PythonParser } from './syntax/parser';
import { packageVersion } from './cli/version';
import { SETTINGS_SECTION } from './config/settings';
import type { InitializationOptions } from './shared/protocol';
import { AnalysisCache } from './lsp/analyses';
import { codeActionsFor, FIX_ALL_KIND } from './lsp/codeActions';
import { ADD_MAIN_GUARD_COMMAND, commandTarget, documentName, planAddMainGuard, planFixAll, SERVER_COMMANDS } from './lsp/commands';
import { ConfigurationService, filePath } from './lsp/configuration';
import { toDiagnostic } from './lsp/diagnostics';
import { DocumentStore } from './lsp/documents';
import { ProjectService } from './lsp/project';
import { withProjectFindings } from './project/analyze';
import { IdleCollector } from './lsp/idleCollector';
import { hoverAt } from './lsp/hover';
import { Logger } from './lsp/logger';
import { DiagnosticsScheduler } from './lsp/scheduler';
import { SettleTimers } from './lsp/settle';
import { documentEdit } from './lsp/workspaceEdit';
import { NOTEBOOK_SELECTOR } from './lsp/notebooks';
import { NotebookService } from './lsp/notebookService';
import { NOTEBOOK_FIX_ALL_KIND } from './lsp/notebookActions';

const TRANSPORT_FLAGS = ['--stdio', '--node-ipc', '--socket=', '--pipe=', '--clientProcessId'];
if (!process.argv.slice(2).some((arg) => TRANSPORT_FLAGS.some((flag) => arg.startsWith(flag)))) {
  process.stderr.write('usage: node server.js --stdio   (VS Code starts it with --node-ipc)\n');
  process.exit(2);
}

const connection = createConnection();
const logger = new Logger(connection.console);
/** Open notebooks and their cells (notebookDocument/didOpen|didChange|didClose). */
const notebooks = new NotebookDocuments(TextDocument);
notebooks.listen(connection);

/**
 * The parser (two wasm files to read and compile) starts loading now, while the client's `initialize`
 * is still on its way, rather than once it arrived: onInitialize only waits for what is left.
 */
const parserLoading = PythonParser.create();
// A load that fails fails `initialize`, which awaits it; until then the rejection is not unhandled.
parserLoading.catch(() => undefined);

/** What exists once `initialize` has loaded the parser. */
interface Session {
  parser: PythonParser;
  documents: DocumentStore;
  analyses: AnalysisCache;
  configuration: ConfigurationService;
  scheduler: DiagnosticsScheduler;
  versionedEdits: boolean;
  /** The client runs RUN_UNDER_SPAWN_COMMAND (InitializationOptions). */
  runUnderSpawn: boolean;
  clientCapabilities: InitializeParams['capabilities'];
  project: ProjectService;
  notebooks: NotebookService;
}

let session: Session | undefined;
let shuttingDown = false;
const settleTimers = new SettleTimers(settleDocument);
const idleCollector = new IdleCollector();

function requireSession(): Session {
  if (!session) throw new Error('request before initialize');
  return session;
}

/**
 * Every request handler: refused after shutdown (as LSP says); an unexpected error is logged and answered
 * with `fallback`, so one bad document never takes the server down.
 */
function request<P extends unknown[], R, F>(name: string, fallback: F, handler: (...params: P) => Promise<R> | R) {
  return async (...params: P): Promise<R | F> => {
    if (shuttingDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'the server is shutting down');
    try {
      return await handler(...params);
    } catch (error) {
      // A deliberate protocol error (bad parameters) goes back to the client as it is.
      if (error instanceof ResponseError) throw error;
      logger.error(`${name} failed`, error);
      return fallback;
    }
  };
}

/** Every notification handler: ignored after shutdown, errors logged. */
function notification<P extends unknown[]>(name: string, handler: (...params: P) => Promise<void> | void) {
  return async (...params: P): Promise<void> => {
    if (shuttingDown) return;
    try {
      await handler(...params);
    } catch (error) {
      logger.error(`${name} failed`, error);
    }
  };
}

connection.onInitialize(async (params): Promise<InitializeResult> => {
  const parser = await parserLoading;
  const capabilities = params.capabilities;
  const workspaceRoot = filePath(params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? '');
  const documents = new DocumentStore(parser);
  const configuration = new ConfigurationService(
    {
      pull: capabilities.workspace?.configuration
        ? (scopeUri) => connection.workspace.getConfiguration({ scopeUri, section: SETTINGS_SECTION })
        : undefined,
    },
    {
      problem: (message) => {
        logger.warn(message);
        void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Spawn Guard: ${message}` });
      },
    },
    workspaceRoot,
  );
  const analyses = new AnalysisCache();
  const folders = (params.workspaceFolders ?? []).map((folder) => filePath(folder.uri)).filter((folder) => folder !== undefined);
  if (folders.length === 0 && workspaceRoot !== undefined) folders.push(workspaceRoot);
  const project = new ProjectService(
    parser,
    {
      openText: (file) => [...documents.all()].find((document) => filePath(document.uri) === file)?.text,
      republish: (uri) => session?.scheduler.schedule(uri),
      note: (message) => logger.info(`project: ${message}`),
      current: async (uri) => {
        const file = filePath(uri);
        const document = documents.get(uri);
        if (file === undefined || !document) return undefined;
        const settings = await configuration.forDocument(uri);
        if (documents.get(uri) !== document || !settings.editor.enable || settings.excluded) return undefined;
        const { options, spawners } = settings;
        return { file, text: document.text, analysis: () => analyses.analysisFor(document, options), options, spawners };
      },
    },
    folders,
  );
  session = {
    parser,
    documents,
    analyses,
    project,
    configuration,
    scheduler: new DiagnosticsScheduler(publishDiagnostics, (uri, error) => logger.error(`diagnostics for ${uri} failed`, error)),
    versionedEdits: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    runUnderSpawn: (params.initializationOptions as InitializationOptions | undefined)?.runUnderSpawn === true,
    clientCapabilities: capabilities,
    notebooks: new NotebookService({
      notebooks,
      parser,
      configuration,
      openDocument: (file) => [...documents.all()].find((document) => filePath(document.uri) === file),
      sendDiagnostics: (uri, version, diagnostics) => connection.sendDiagnostics({ uri, version, diagnostics }),
      schedule: (uri) => session?.scheduler.schedule(uri),
      versionedEdits: capabilities.workspace?.workspaceEdit?.documentChanges === true,
      createsFiles: capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create') === true,
    }),
  };
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      notebookDocumentSync: { notebookSelector: NOTEBOOK_SELECTOR },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, NOTEBOOK_FIX_ALL_KIND], resolveProvider: false },
      hoverProvider: true,
      executeCommandProvider: { commands: [...SERVER_COMMANDS] },
    },
    serverInfo: { name: 'spawn-guard', version: packageVersion() },
  };
});

connection.onInitialized(
  notification('initialized', async () => {
    const { clientCapabilities } = requireSession();
    if (clientCapabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    if (clientCapabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      // Python files too: the project model drops a changed module's summary and refines its dependents.
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/pyproject.toml' }, { globPattern: '**/*.py' }],
      });
    }
    await applyWindowSettings();
    logger.info(`Spawn Guard ${packageVersion()} ready (node ${process.version})`);
  }),
);

connection.onShutdown(() => {
  shuttingDown = true;
  settleTimers.dispose();
  session?.documents.dispose();
  session?.notebooks.dispose();
});

async function applyWindowSettings(): Promise<void> {
  const settings = await requireSession().configuration.windowSettings();
  logger.setLevel(settings.logLevel);
}

function reanalyseAll(): void {
  const { documents, scheduler } = requireSession();
  for (const document of documents.all()) scheduler.schedule(document.uri);
  for (const cell of notebooks.cellTextDocuments.all()) {
    const notebook = notebooks.findNotebookDocumentForCell(cell.uri);
    if (notebook) scheduler.schedule(notebook.uri);
  }
}

/** A Python file's text changed (opened, edited, closed, or on disk): the documents and notebooks that import it may change. */
function moduleChanged(file: string, uri?: string): void {
  requireSession().project.moduleChanged(file, uri);
  requireSession().notebooks.moduleChanged(file);
}

notebooks.onDidOpen(notification('notebookDocument/didOpen', (notebook) => requireSession().scheduler.schedule(notebook.uri)));
notebooks.onDidChange(
  notification('notebookDocument/didChange', async (event) => {
    requireSession().scheduler.schedule(event.notebookDocument.uri);
    await requireSession().notebooks.cellsRemoved(event.cells?.removed.map((cell) => cell.document) ?? []);
  }),
);
notebooks.onDidClose(
  notification('notebookDocument/didClose', async (notebook) => {
    requireSession().scheduler.cancel(notebook.uri);
    await requireSession().notebooks.closed(notebook);
  }),
);

connection.onDidChangeConfiguration(
  notification('didChangeConfiguration', async (params) => {
    requireSession().configuration.editorSettingsChanged(params.settings);
    reanalyseAll();
    await applyWindowSettings();
  }),
);

connection.onDidChangeWatchedFiles(
  notification('didChangeWatchedFiles', (params) => {
    const { project } = requireSession();
    const modules = params.changes.filter((change) => change.uri.endsWith('.py'));
    const createdOrDeleted = modules.filter((change) => change.type !== FileChangeType.Changed).map((change) => filePath(change.uri));
    if (createdOrDeleted.length > 0) project.filesCreatedOrDeleted(createdOrDeleted.filter((file) => file !== undefined));
    for (const change of modules) {
      const file = filePath(change.uri);
      if (file !== undefined && change.type === FileChangeType.Changed) project.moduleChanged(file);
      if (file !== undefined) requireSession().notebooks.moduleChanged(file);
    }
    if (!params.changes.some((change) => change.uri.endsWith('/pyproject.toml'))) return;
    logger.info('pyproject.toml changed: reading [tool.spawn-guard] again');
    requireSession().configuration.projectConfigurationChanged();
    reanalyseAll();
  }),
);

connection.onDidOpenTextDocument(
  notification('didOpen', (params) => {
    const { documents, scheduler } = requireSession();
    documents.open(params);
    // Its unsaved text now wins over the file for the documents that import it.
    const file = filePath(params.textDocument.uri);
    if (file !== undefined) moduleChanged(file, params.textDocument.uri);
    scheduler.schedule(params.textDocument.uri);
  }),
);

connection.onDidChangeTextDocument(
  notification('didChange', (params) => {
    const { documents, scheduler } = requireSession();
    const { uri, version } = params.textDocument;
    const previous = documents.get(uri)?.version;
    if (previous === undefined) {
      logger.warn(`didChange for ${uri}, which is not open: ignored`);
      return;
    }
    if (version <= previous) logger.warn(`didChange for ${uri}: version ${version} does not follow ${previous}`);
    documents.change(params);
    const file = filePath(uri);
    if (file !== undefined) moduleChanged(file, uri);
    scheduler.schedule(uri);
  }),
);

connection.onDidCloseTextDocument(
  notification('didClose', async (params) => {
    const { documents, scheduler, configuration, analyses, project } = requireSession();
    const { uri } = params.textDocument;
    project.forget(uri);
    scheduler.cancel(uri);
    settleTimers.cancel(uri);
    configuration.forget(uri);
    const document = documents.get(uri);
    if (document) analyses.forget(document);
    if (documents.close(uri)) await connection.sendDiagnostics({ uri, diagnostics: [] });
    // The file's text on disk is what importers see again.
    const file = filePath(uri);
    if (file !== undefined) moduleChanged(file, uri);
  }),
);

/**
 * Publishes the diagnostics of a document's current text with its version. The analysis runs after the
 * (asynchronous) settings are known and before anything else can change the document, so what is sent
 * is always for the newest version; a document closed in between publishes nothing.
 */
async function publishDiagnostics(uri: string): Promise<void> {
  const { documents, configuration, analyses, project } = requireSession();
  if (requireSession().notebooks.isNotebook(uri)) return requireSession().notebooks.publish(uri);
  const document = documents.get(uri);
  if (!document) return;
  const settings = await configuration.forDocument(uri);
  if (documents.get(uri) !== document) return;
  const started = performance.now();
  const version = document.version;
  const active = settings.editor.enable && !settings.excluded;
  // The single-file findings, with the project findings known for this text (refined later: lsp/project.ts).
  const analysis = active ? analyses.analysisFor(document, settings.options) : undefined;
  const known = analysis && filePath(uri) !== undefined ? project.findingsNow(uri, document.text) : [];
  const findings = analysis ? withProjectFindings(analysis, known) : [];
  if (active && !document.parsedDocument().settled) settleTimers.schedule(uri);
  const diagnostics = findings.map((finding) => toDiagnostic(finding, uri));
  if (logger.enabled('debug')) {
    logger.debug(`${documentName(uri)} v${version}: ${findings.length} finding(s) in ${(performance.now() - started).toFixed(1)} ms`);
  }
  await connection.sendDiagnostics({ uri, version, diagnostics });
  // While a document is typed in, its next analysis should not pay for this one's garbage.
  if (document.isEdited) idleCollector.schedule(() => requireSession().scheduler.busy);
}

/** The document with the analysis of its current version, or undefined when it changed while settings loaded. */
async function analysedDocument(uri: string) {
  const { documents, configuration, analyses } = requireSession();
  const document = documents.get(uri);
  if (!document) return undefined;
  // Code actions, commands and hover see the tree a fresh parse gives; the diagnostics follow.
  if (document.parsedDocument().settle()) requireSession().scheduler.schedule(uri);
  const { version } = document;
  const tree = document.parsedDocument().readTree();
  const settings = await configuration.forDocument(uri);
  if (documents.get(uri) !== document || document.version !== version || document.parsedDocument().readTree() !== tree) return undefined;
  if (!settings.editor.enable || settings.excluded) return undefined;
  return { document, version, settings, analysis: analyses.analysisFor(document, settings.options) };
}

/** After a pause in typing: parse an unsettled document afresh, and publish again if that changed its tree. */
function settleDocument(uri: string): void {
  if (!session || shuttingDown) return;
  const document = session.documents.get(uri);
  // A document whose tree was released is parsed afresh when read again: nothing to settle.
  if (document?.currentTree && document.parsedDocument().settle()) session.scheduler.schedule(uri);
}

connection.onHover(
  request('hover', null, async (params) => {
    const { notebooks: notebookService } = requireSession();
    if (notebookService.notebookOfCell(params.textDocument.uri)) return notebookService.hover(params.textDocument.uri, params.position);
    const analysed = await analysedDocument(params.textDocument.uri);
    if (!analysed) return null;
    const { project } = requireSession();
    const crossFile = project.findingsOf(params.textDocument.uri, analysed.document.text);
    return hoverAt(withProjectFindings(analysed.analysis, crossFile), params.position);
  }),
);

connection.onCodeAction(
  request('codeAction', null, async (params) => {
    const { parser, versionedEdits, runUnderSpawn, notebooks: notebookService } = requireSession();
    if (notebookService.notebookOfCell(params.textDocument.uri))
      return notebookService.codeActions(params.textDocument.uri, params.context);
    const analysed = await analysedDocument(params.textDocument.uri);
    if (!analysed) return null;
    return codeActionsFor({
      runUnderSpawn,
      uri: params.textDocument.uri,
      version: analysed.version,
      document: analysed.document.parsedDocument(),
      analysis: analysed.analysis,
      parser,
      options: analysed.settings.options,
      settings: analysed.settings.editor,
      context: params.context,
      versionedEdits,
      crossFile: requireSession().project.findingsOf(params.textDocument.uri, analysed.document.text),
    });
  }),
);

connection.onExecuteCommand(
  request('executeCommand', { applied: false }, async (params) => {
    if (!SERVER_COMMANDS.includes(params.command)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
    }
    const target = commandTarget(params.arguments);
    if (!target) throw new ResponseError(ErrorCodes.InvalidParams, `${params.command} takes [{ uri, version? }]`);
    const name = documentName(target.uri);
    if (requireSession().notebooks.notebookOfCell(target.uri)) return notebookCommand(params.command, target.uri);
    const open = requireSession().documents.get(target.uri);
    if (!open) return tellUser(MessageType.Warning, `Spawn Guard: ${name} is not open.`);
    if (target.version !== undefined && target.version !== open.version) {
      return tellUser(MessageType.Warning, `Spawn Guard: ${name} changed while the command started; run it again.`);
    }
    const analysed = await analysedDocument(target.uri);
    if (!analysed) return tellUser(MessageType.Info, `Spawn Guard is disabled for ${name}, or it changed meanwhile.`);
    const { parser, versionedEdits } = requireSession();
    const plan =
      params.command === ADD_MAIN_GUARD_COMMAND
        ? planAddMainGuard(analysed.analysis, parser, name)
        : planFixAll(analysed.analysis, parser, analysed.settings.options, name);
    if (plan.kind === 'message') return tellUser(plan.severity === 'info' ? MessageType.Info : MessageType.Warning, plan.text);
    return applyEdit(params.command, name, plan.label, documentEdit(target.uri, analysed.version, plan.edits, versionedEdits));
  }),
);

/** A server command run on a notebook cell. */
async function notebookCommand(command: string, cellUri: string): Promise<{ applied: boolean }> {
  const name = documentName(requireSession().notebooks.notebookOfCell(cellUri) ?? cellUri);
  const plan = await requireSession().notebooks.command(command, cellUri);
  if (!plan) return tellUser(MessageType.Info, `Spawn Guard is disabled for ${name}, or it changed meanwhile.`);
  if (plan.kind === 'message') return tellUser(plan.severity === 'info' ? MessageType.Info : MessageType.Warning, plan.text);
  return applyEdit(command, name, plan.label, plan.edit);
}

async function applyEdit(command: string, name: string, label: string, edit: WorkspaceEdit): Promise<{ applied: boolean }> {
  const result = await connection.workspace.applyEdit({ label, edit });
  if (!result.applied)
    logger.warn(`${command} on ${name}: the client did not apply the edit (${result.failureReason ?? 'no reason given'})`);
  return { applied: result.applied };
}

function tellUser(type: MessageType, message: string): { applied: false } {
  logger.info(message);
  void connection.sendNotification(ShowMessageNotification.type, { type, message });
  return { applied: false };
}

process.on('uncaughtException', (error) => logger.error('uncaught exception', error));
process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', reason));

connection.listen();

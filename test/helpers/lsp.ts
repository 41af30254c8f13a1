import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  ApplyWorkspaceEditParams,
  CodeAction,
  Command,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { SERVER_NODE_FLAGS } from '../../server/src/shared/nodeFlags';
import { REPO_ROOT } from './paths';

/** The bundled server that `npm run build` writes; tests speak LSP to it over stdio, as any editor would. */
export const SERVER_BUNDLE = path.join(REPO_ROOT, 'dist', 'server.js');

export interface LspClientOptions {
  /** Script to run with node; the bundled server by default. */
  serverPath?: string;
  /** Extra node flags (e.g. `--max-old-space-size`), after the ones the VS Code client gives the server (SERVER_NODE_FLAGS). */
  nodeArgs?: string[];
  /** Arguments after the server's path (e.g. its code cache folder). */
  serverArgs?: string[];
  /** What the client answers to `workspace/configuration` for the `spawnGuard` section. */
  settings?: Record<string, unknown>;
  /** Workspace folder announced in `initialize`; none by default. */
  workspaceFolder?: string;
  /** Bound for each wait in this session (requests, diagnostics), in ms. */
  timeoutMs?: number;
  /** Sent as `initialize`'s initializationOptions (the VS Code client's: InitializationOptions). */
  initializationOptions?: unknown;
}

export interface RequestAnswer {
  result?: unknown;
  error?: { code: number; message: string };
}

/** JSON-RPC's code for a request handler that threw. */
export const INTERNAL_ERROR = -32603;

/** One publishDiagnostics notification, with the client-side time it arrived (performance.now()). */
export interface ReceivedDiagnostics extends PublishDiagnosticsParams {
  receivedAt: number;
}

interface DiagnosticsWaiter {
  uri: string;
  accept: (params: ReceivedDiagnostics) => boolean;
  resolve: (params: ReceivedDiagnostics) => void;
  reject: (error: Error) => void;
}

/**
 * A minimal LSP client for tests and benchmarks: starts the real server over stdio, answers the
 * requests a server sends to its client, and lets a test await the diagnostics of a given version.
 */
export class LspTestClient {
  readonly connection: MessageConnection;
  /** `workspace/applyEdit` requests the server sent, in order (each answered `applied: true`). */
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  /** `window/showMessage` notifications, in order. */
  readonly shownMessages: { type: number; message: string }[] = [];
  /**
   * Error-level `window/logMessage` texts. vscode-jsonrpc logs there a notification handler that threw
   * ("Notification handler '…' failed with message: …"), so a test can tell a swallowed crash.
   */
  readonly loggedErrors: string[] = [];
  initializeResult: InitializeResult | undefined;
  /** Set once the server process has exited, expectedly or not. */
  exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private readonly latest = new Map<string, ReceivedDiagnostics>();
  private waiters: DiagnosticsWaiter[] = [];
  private stderrText = '';
  private readonly exited: Promise<void>;
  private readonly timeoutMs: number;
  private settings: Record<string, unknown>;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    options: LspClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.settings = options.settings ?? {};
    process.stderr.setEncoding('utf8');
    process.stderr.on('data', (chunk: string) => {
      // Keep the tail only: a chatty server must not grow the test's memory without bound.
      this.stderrText = (this.stderrText + chunk).slice(-20_000);
    });
    this.exited = new Promise((resolve) => {
      process.on('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        this.failWaiters(new Error(`the server exited (code ${code}, signal ${signal})${this.stderrTail()}`));
        resolve();
      });
    });
    this.connection = createMessageConnection(new StreamMessageReader(process.stdout), new StreamMessageWriter(process.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) =>
      this.receiveDiagnostics({ ...params, receivedAt: performance.now() }),
    );
    this.connection.onNotification('window/showMessage', (params: { type: number; message: string }) => {
      this.shownMessages.push(params);
    });
    this.connection.onNotification('window/logMessage', (params: { type: number; message: string }) => {
      if (params.type === 1 && this.loggedErrors.length < 1000) this.loggedErrors.push(params.message);
    });
    this.connection.onNotification('$/logTrace', () => undefined);
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === undefined || item.section === 'spawnGuard' ? this.settings : null)),
    );
    this.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      this.appliedEdits.push(params);
      return { applied: true };
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('client/unregisterCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('window/showMessageRequest', (params: { type: number; message: string }) => {
      this.shownMessages.push(params);
      return null;
    });
    // A closed pipe after the server died must surface as that death, not as an unhandled error.
    this.connection.onError(() => undefined);
    process.stdin.on('error', () => undefined);
    this.connection.listen();
  }

  /** Starts the server and completes the initialize handshake. */
  static async start(options: LspClientOptions = {}): Promise<LspTestClient> {
    const serverPath = options.serverPath ?? SERVER_BUNDLE;
    if (!fs.existsSync(serverPath)) {
      throw new Error(`${path.relative(REPO_ROOT, serverPath)} is missing: run \`npm run build\` first`);
    }
    const child = spawn(
      process.execPath,
      [...SERVER_NODE_FLAGS, ...(options.nodeArgs ?? []), serverPath, '--stdio', ...(options.serverArgs ?? [])],
      {
        cwd: options.workspaceFolder ?? REPO_ROOT,
        stdio: 'pipe',
      },
    );
    const client = new LspTestClient(child, options);
    await client.initialize(options.workspaceFolder, options.initializationOptions);
    return client;
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** The server's resident set size in bytes, read from /proc (Linux). */
  residentBytes(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    if (!match) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(match[1]) * 1024;
  }

  /** Sends a request and waits at most the session's bound for the answer. */
  request<R>(method: string, params: unknown, timeoutMs = this.timeoutMs): Promise<R> {
    return this.bounded(this.connection.sendRequest<R>(method, params), timeoutMs, `${method} got no answer`);
  }

  /**
   * The server's answer to a request: its result, or the error it replied with (a test decides which
   * errors are acceptable; -32603 means a handler threw). Rejects only when no answer comes.
   */
  async answer(method: string, params: unknown, timeoutMs = this.timeoutMs): Promise<RequestAnswer> {
    try {
      return { result: await this.request(method, params, timeoutMs) };
    } catch (error) {
      if (error instanceof ResponseError) return { error: { code: error.code, message: error.message } };
      throw error;
    }
  }

  notify(method: string, params: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): void {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** notebookDocument/didOpen of a Jupyter notebook (cells are Python code cells unless they say otherwise; version 1 each). */
  openNotebook(uri: string, cells: readonly NotebookCellText[], version = 1): void {
    this.notify('notebookDocument/didOpen', {
      notebookDocument: {
        uri,
        notebookType: 'jupyter-notebook',
        version,
        cells: cells.map((cell) => ({ kind: cell.markdown ? 1 : 2, document: cell.uri })),
      },
      cellTextDocuments: cells.map((cell) => ({
        uri: cell.uri,
        languageId: cell.markdown ? 'markdown' : 'python',
        version: cell.version ?? 1,
        text: cell.text,
      })),
    });
  }

  /** notebookDocument/didChange with new text for one cell (the whole text). */
  changeNotebookCell(uri: string, version: number, cell: NotebookCellText & { version: number }): void {
    this.notify('notebookDocument/didChange', {
      notebookDocument: { uri, version },
      change: { cells: { textContent: [{ document: { uri: cell.uri, version: cell.version }, changes: [{ text: cell.text }] }] } },
    });
  }

  /** notebookDocument/didChange that replaces `deleteCount` cells at `start` by `added` (new Python cells, version 1). */
  changeNotebookCells(
    uri: string,
    version: number,
    start: number,
    deleteCount: number,
    added: readonly NotebookCellText[],
    removed: string[],
  ): void {
    this.notify('notebookDocument/didChange', {
      notebookDocument: { uri, version },
      change: {
        cells: {
          structure: {
            array: { start, deleteCount, cells: added.map((cell) => ({ kind: 2, document: cell.uri })) },
            didOpen: added.map((cell) => ({ uri: cell.uri, languageId: 'python', version: 1, text: cell.text })),
            didClose: removed.map((cellUri) => ({ uri: cellUri })),
          },
        },
      },
    });
  }

  closeNotebook(uri: string, cellUris: readonly string[]): void {
    this.notify('notebookDocument/didClose', {
      notebookDocument: { uri },
      cellTextDocuments: cellUris.map((cellUri) => ({ uri: cellUri })),
    });
  }

  /** Replaces the settings the client reports and tells the server they changed. */
  changeSettings(settings: Record<string, unknown>): void {
    this.settings = settings;
    this.notify('workspace/didChangeConfiguration', { settings: { spawnGuard: settings } });
  }

  codeActions(uri: string, range: Diagnostic['range'], diagnostics: Diagnostic[], only?: string[]) {
    return this.request<(CodeAction | Command)[] | null>('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    });
  }

  /** The last diagnostics published for `uri`, if any. */
  latestDiagnostics(uri: string): ReceivedDiagnostics | undefined {
    return this.latest.get(uri);
  }

  /**
   * Waits for diagnostics of `uri` computed for `version` or a later one (the server may skip
   * intermediate versions while the user types). Resolves at once if they already arrived.
   */
  diagnosticsFor(uri: string, version: number, timeoutMs = this.timeoutMs): Promise<ReceivedDiagnostics> {
    return this.waitForDiagnostics(
      uri,
      (params) => params.version !== undefined && params.version !== null && params.version >= version,
      timeoutMs,
      `version ${version}`,
    );
  }

  /** Waits for the next publishDiagnostics for `uri` that satisfies `accept` (already received ones count). */
  waitForDiagnostics(
    uri: string,
    accept: (params: ReceivedDiagnostics) => boolean,
    timeoutMs = this.timeoutMs,
    what = 'a matching publish',
  ): Promise<ReceivedDiagnostics> {
    const current = this.latest.get(uri);
    if (current && accept(current)) return Promise.resolve(current);
    if (this.exitStatus) return Promise.reject(new Error(`the server has exited${this.stderrTail()}`));
    return new Promise<ReceivedDiagnostics>((resolve, reject) => {
      const waiter: DiagnosticsWaiter = {
        uri,
        accept,
        resolve: (params) => {
          clearTimeout(timer);
          resolve(params);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        const last = this.latest.get(uri);
        const seen = last ? `; last publish had version ${last.version}` : '; none was published';
        reject(new Error(`no diagnostics (${what}) for ${uri} within ${timeoutMs} ms${seen}${this.stderrTail()}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Forgets what was published so far, so the next wait sees only new notifications. */
  forgetDiagnostics(uri: string): void {
    this.latest.delete(uri);
  }

  /** Polite shutdown: `shutdown`, `exit`, then waits for the process to end (killing it past the bound). */
  async stop(): Promise<void> {
    if (!this.exitStatus) {
      try {
        await this.request('shutdown', null);
        this.notify('exit', null);
      } catch {
        // The server is unresponsive or gone; the kill below ends it.
      }
      await this.waitForExit();
    }
    this.connection.dispose();
  }

  /** Waits for the process to exit; kills it if it has not within the session's bound. */
  async waitForExit(timeoutMs = this.timeoutMs): Promise<NonNullable<LspTestClient['exitStatus']>> {
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.process.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    await this.exited;
    return this.exitStatus!;
  }

  stderrTail(): string {
    return this.stderrText ? `\n--- server stderr (tail) ---\n${this.stderrText.slice(-4000)}` : '';
  }

  private async initialize(workspaceFolder: string | undefined, initializationOptions: unknown): Promise<void> {
    const rootUri = workspaceFolder ? pathToFileURL(workspaceFolder).href : null;
    this.initializeResult = await this.request<InitializeResult>('initialize', {
      processId: process.pid,
      initializationOptions,
      clientInfo: { name: 'spawn-guard-tests' },
      rootUri,
      workspaceFolders: workspaceFolder ? [{ uri: rootUri, name: path.basename(workspaceFolder) }] : null,
      capabilities: {
        workspace: {
          configuration: true,
          applyEdit: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
          didChangeConfiguration: { dynamicRegistration: true },
          executeCommand: { dynamicRegistration: false },
        },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          publishDiagnostics: {
            relatedInformation: true,
            versionSupport: true,
            codeDescriptionSupport: true,
            dataSupport: true,
          },
          codeAction: {
            dataSupport: true,
            isPreferredSupport: true,
            codeActionLiteralSupport: {
              codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll', 'source.fixAll.spawn-guard'] },
            },
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
        notebookDocument: { synchronization: { dynamicRegistration: false, executionSummarySupport: false } },
        window: { workDoneProgress: true },
      },
    });
    this.notify('initialized', {});
  }

  private receiveDiagnostics(params: ReceivedDiagnostics): void {
    this.latest.set(params.uri, params);
    const still: DiagnosticsWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.uri === params.uri && waiter.accept(params)) waiter.resolve(params);
      else still.push(waiter);
    }
    this.waiters = still;
  }

  private failWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  /** `promise`, or a rejection when the bound passes or the server exits first. */
  private bounded<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${message} within ${timeoutMs} ms${this.stderrTail()}`)), timeoutMs);
    });
    const death = this.exited.then(() => {
      throw new Error(
        `${message}: the server exited (code ${this.exitStatus?.code}, signal ${this.exitStatus?.signal})${this.stderrTail()}`,
      );
    });
    return Promise.race([promise, timeout, death]).finally(() => clearTimeout(timer));
  }
}

/** A notebook cell as notebookDocument notifications carry it. */
export interface NotebookCellText {
  uri: string;
  text: string;
  version?: number;
  /** A markdown cell (a Python code cell otherwise). */
  markdown?: boolean;
}

/** The URIs of a notebook's cells as VS Code makes them (`vscode-notebook-cell:` with the notebook's path and a fragment per cell). */
export function cellUri(notebookUri: string, index: number): string {
  return `vscode-notebook-cell:${new URL(notebookUri).pathname}#W${index}sZmlsZQ%3D%3D`;
}

/** A file URI for a document that need not exist on disk (the server analyses the text it is sent). */
export function documentUri(name: string): string {
  return pathToFileURL(path.join(REPO_ROOT, 'out', 'lsp-documents', name)).href;
}

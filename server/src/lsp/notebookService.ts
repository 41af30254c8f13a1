import * as path from 'node:path';
import type { CodeAction, CodeActionContext, Diagnostic, Hover, NotebookDocument, NotebookDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { workersModuleName } from '../notebook/fix-notebook';
import type { PythonParser } from '../syntax/parser';
import type { Position } from '../text/types';
import { filePath, type ConfigurationService, type DocumentSettings } from './configuration';
import { notebookCodeActions, planNotebookCommand, type NotebookActionRequest, type NotebookCommandPlan } from './notebookActions';
import {
  cellDiagnostics,
  cellHover,
  cellUris,
  NotebookAnalyses,
  notebookSnapshot,
  siblingModuleSource,
  type NotebookSnapshot,
} from './notebooks';

/** What the notebook service needs from the server around it. */
export interface NotebookHost {
  notebooks: NotebookDocuments<TextDocument>;
  parser: PythonParser;
  configuration: ConfigurationService;
  /** The text of an open (text) document for a file, unsaved edits included. */
  openDocument(file: string): { text: string; version: number } | undefined;
  sendDiagnostics(uri: string, version: number | undefined, diagnostics: Diagnostic[]): Promise<void>;
  /** Publish a notebook's diagnostics again (through the scheduler). */
  schedule(uri: string): void;
  /** The client applies versioned edits, and file creation, in workspace edits. */
  versionedEdits: boolean;
  createsFiles: boolean;
}

/**
 * Jupyter notebooks in the editor (LSP 3.17 notebook synchronisation): each notebook is analysed as one
 * program (server/src/notebook), its diagnostics are published per cell, and hover, code actions and
 * commands on a cell URI are answered from the notebook's analysis.
 */
export class NotebookService {
  private readonly analyses: NotebookAnalyses;

  constructor(private readonly host: NotebookHost) {
    this.analyses = new NotebookAnalyses(host.parser);
  }

  /** Whether `uri` is an open notebook. */
  isNotebook(uri: string): boolean {
    return this.host.notebooks.getNotebookDocument(uri) !== undefined;
  }

  /** The open notebook a cell URI belongs to. */
  notebookOfCell(cellUri: string): string | undefined {
    return this.host.notebooks.findNotebookDocumentForCell(cellUri)?.uri;
  }

  /** Publishes the diagnostics of every cell of a notebook for its current cells. */
  async publish(uri: string): Promise<void> {
    const snapshot = notebookSnapshot(this.host.notebooks, uri);
    if (!snapshot) return;
    const settings = await this.host.configuration.forDocument(uri);
    const current = notebookSnapshot(this.host.notebooks, uri);
    // Changed while the settings loaded: the run that change scheduled publishes.
    if (!current || current.version !== snapshot.version) return;
    const active = settings.editor.enable && !settings.excluded;
    const analysis = active ? this.analysisOf(current, settings) : undefined;
    const diagnostics = cellDiagnostics(current, analysis, cellUris(this.host.notebooks, uri));
    const versionOf = (cell: string) => this.host.notebooks.cellTextDocuments.get(cell)?.version;
    await Promise.all([...diagnostics].map(([cell, list]) => this.host.sendDiagnostics(cell, versionOf(cell), list)));
  }

  /** Cells removed from a notebook: their diagnostics are cleared. */
  async cellsRemoved(uris: readonly string[]): Promise<void> {
    await Promise.all(uris.map((uri) => this.host.sendDiagnostics(uri, undefined, [])));
  }

  /** A notebook closed: its analysis is dropped and every cell's diagnostics cleared. */
  async closed(notebook: NotebookDocument): Promise<void> {
    this.analyses.forget(notebook.uri);
    this.host.configuration.forget(notebook.uri);
    await this.cellsRemoved(notebook.cells.map((cell) => cell.document));
  }

  /** A Python file changed, appeared or went away: the open notebooks next to it may import it. */
  moduleChanged(file: string): void {
    for (const uri of this.openNotebookUris()) {
      const notebookFile = filePath(uri);
      if (notebookFile !== undefined && path.dirname(notebookFile) === path.dirname(file)) this.host.schedule(uri);
    }
  }

  async hover(cellUri: string, position: Position): Promise<Hover | null> {
    const request = await this.actionRequest(cellUri);
    return request ? cellHover(request.snapshot, request.analysis, cellUri, position) : null;
  }

  async codeActions(cellUri: string, context: CodeActionContext): Promise<CodeAction[] | null> {
    const request = await this.actionRequest(cellUri);
    return request ? notebookCodeActions(request, context) : null;
  }

  /** What a server command run on a cell comes to; undefined when the notebook is disabled or changed meanwhile. */
  async command(command: string, cellUri: string): Promise<NotebookCommandPlan | undefined> {
    const request = await this.actionRequest(cellUri);
    return request ? planNotebookCommand(command, request) : undefined;
  }

  dispose(): void {
    this.analyses.dispose();
  }

  private async actionRequest(cellUri: string): Promise<NotebookActionRequest | undefined> {
    const uri = this.notebookOfCell(cellUri);
    const snapshot = uri !== undefined ? notebookSnapshot(this.host.notebooks, uri) : undefined;
    if (!uri || !snapshot) return undefined;
    const settings = await this.host.configuration.forDocument(uri);
    const current = notebookSnapshot(this.host.notebooks, uri);
    if (!current || current.version !== snapshot.version || !settings.editor.enable || settings.excluded) return undefined;
    if (!current.cells.some((cell) => cell.uri === cellUri)) return undefined;
    const notebookFile = filePath(uri);
    const moduleName = workersModuleName(notebookFile ?? documentPath(uri), settings.workersModule);
    return {
      snapshot: current,
      cellUri,
      analysis: this.analysisOf(current, settings),
      parser: this.host.parser,
      settings: settings.editor,
      notebookFile,
      moduleName,
      existingModule: notebookFile !== undefined ? this.moduleNow(notebookFile, moduleName) : undefined,
      canCreateFiles: this.host.versionedEdits && this.host.createsFiles,
      versionedEdits: this.host.versionedEdits,
    };
  }

  private analysisOf(snapshot: NotebookSnapshot, settings: DocumentSettings) {
    const notebookFile = filePath(snapshot.uri);
    const source = siblingModuleSource(notebookFile, (file) => this.host.openDocument(file)?.text);
    return this.analyses.analysisFor(snapshot, settings.options, source);
  }

  /** The workers module as the editor has it (open, with its version) or as the disk has it (version null). */
  private moduleNow(notebookFile: string, moduleName: string): { text: string; version: number | null } | undefined {
    const file = path.join(path.dirname(notebookFile), `${moduleName}.py`);
    const open = this.host.openDocument(file);
    if (open) return open;
    const text = siblingModuleSource(notebookFile, () => undefined)(moduleName);
    return text === undefined ? undefined : { text, version: null };
  }

  private *openNotebookUris(): Iterable<string> {
    // NotebookDocuments has no list of its notebooks; the cells' map knows them.
    const seen = new Set<string>();
    for (const document of this.host.notebooks.cellTextDocuments.all()) {
      const uri = this.notebookOfCell(document.uri);
      if (uri !== undefined && !seen.has(uri)) {
        seen.add(uri);
        yield uri;
      }
    }
  }
}

/** The path part of a URI (for an untitled notebook's name). */
function documentPath(uri: string): string {
  return decodeURIComponent(uri.replace(/^[a-z-]+:/i, '').replace(/[?#].*$/, ''));
}

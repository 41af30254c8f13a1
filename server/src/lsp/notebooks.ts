import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotebookCellKind, type Diagnostic, type Hover, type NotebookDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisOptions } from '../engine/analyze';
import { analyzeNotebook, type ModuleSource, type NotebookAnalysis } from '../notebook/analyze';
import type { PythonParser } from '../syntax/parser';
import type { Position } from '../text/types';
import { toDiagnostic } from './diagnostics';
import { hoverAt } from './hover';

/**
 * The notebooks the server reads (notebookDocumentSync): Jupyter notebooks with all their cells, so a
 * cell's number in a message ("defined in cell 3") counts markdown cells as VS Code's status bar and
 * `spawn-guard check` do; only the Python code cells are analysed.
 */
export const NOTEBOOK_SELECTOR = [{ notebook: { notebookType: 'jupyter-notebook' } }];

/** One Python code cell as the server last received it. */
export interface CellSnapshot {
  uri: string;
  version: number;
  text: string;
  /** The cell's position among the notebook's cells, markdown included (what messages number, from 1). */
  index: number;
}

/** A notebook's Python code cells, in order, at one moment. */
export interface NotebookSnapshot {
  uri: string;
  version: number;
  cells: CellSnapshot[];
}

/**
 * The Python code cells of an open notebook. Cells are known by the URIs of the didOpen list, never
 * by parsing a `vscode-notebook-cell:` URI (its fragment is the editor's business).
 */
export function notebookSnapshot(notebooks: NotebookDocuments<TextDocument>, uri: string): NotebookSnapshot | undefined {
  const notebook = notebooks.getNotebookDocument(uri);
  if (!notebook) return undefined;
  const cells: CellSnapshot[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.kind !== NotebookCellKind.Code) return;
    const document = notebooks.getCellTextDocument(cell);
    if (!document || document.languageId !== 'python') return;
    cells.push({ uri: document.uri, version: document.version, text: document.getText(), index });
  });
  return { uri, version: notebook.version, cells };
}

/** Every cell URI of an open notebook (markdown too): those that may show diagnostics. */
export function cellUris(notebooks: NotebookDocuments<TextDocument>, uri: string): string[] {
  return notebooks.getNotebookDocument(uri)?.cells.map((cell) => cell.document) ?? [];
}

/** The module source for a notebook: `name.py` next to it, an open document's unsaved text first. */
export function siblingModuleSource(notebookFile: string | undefined, openText: (file: string) => string | undefined): ModuleSource {
  return (name) => {
    if (notebookFile === undefined || !/^[A-Za-z_]\w*$/.test(name)) return undefined;
    const file = path.join(path.dirname(notebookFile), `${name}.py`);
    const open = openText(file);
    if (open !== undefined) return open;
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** The `file:` URI of the module `name` next to a notebook file. */
export function moduleUri(notebookFile: string, name: string): string {
  return pathToFileURL(path.join(path.dirname(notebookFile), `${name}.py`)).href;
}

interface CachedNotebook {
  key: string;
  /** The modules the analysis read, with the text it read (undefined: not found). */
  modulesRead: Map<string, string | undefined>;
  analysis: NotebookAnalysis;
}

/**
 * The analysis of each open notebook's current cells, shared by diagnostics, hover and code actions
 * until a cell, the options or a module the notebook imports change. A notebook is parsed afresh as one
 * program (cells are small). The analyses of the few most recently used notebooks are kept; their trees
 * are deleted when they are replaced or dropped, so an analysis must be used before the next call.
 */
export class NotebookAnalyses {
  private readonly cache = new Map<string, CachedNotebook>();

  constructor(
    private readonly parser: PythonParser,
    private readonly capacity = 4,
  ) {}

  analysisFor(snapshot: NotebookSnapshot, options: AnalysisOptions, moduleSource: ModuleSource): NotebookAnalysis {
    const key = JSON.stringify([snapshot.cells.map((cell) => [cell.uri, cell.version, cell.index]), options]);
    const cached = this.cache.get(snapshot.uri);
    this.cache.delete(snapshot.uri);
    if (cached && cached.key === key && [...cached.modulesRead].every(([name, text]) => moduleSource(name) === text)) {
      this.cache.set(snapshot.uri, cached);
      return cached.analysis;
    }
    cached?.analysis.dispose();
    const modulesRead = new Map<string, string | undefined>();
    const recording: ModuleSource = (name) => {
      const text = moduleSource(name);
      modulesRead.set(name, text);
      return text;
    };
    const cells = snapshot.cells.map((cell) => ({ index: cell.index, source: cell.text }));
    const analysis = analyzeNotebook(this.parser, cells, options, recording);
    this.cache.set(snapshot.uri, { key, modulesRead, analysis });
    for (const [uri, oldest] of this.cache) {
      if (this.cache.size <= this.capacity) break;
      oldest.analysis.dispose();
      this.cache.delete(uri);
    }
    return analysis;
  }

  /** A closed notebook's analysis is dropped and its trees deleted. */
  forget(uri: string): void {
    this.cache.get(uri)?.analysis.dispose();
    this.cache.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.cache.keys()]) this.forget(uri);
  }
}

/**
 * The diagnostics of every cell of a notebook (an empty list for a cell without findings, which clears
 * what it showed). Related locations point into the cells they are in.
 */
export function cellDiagnostics(
  snapshot: NotebookSnapshot,
  analysis: NotebookAnalysis | undefined,
  allCellUris: readonly string[],
): Map<string, Diagnostic[]> {
  const byCell = new Map<string, Diagnostic[]>(allCellUris.map((uri) => [uri, []]));
  const uriOf = (index: number) => snapshot.cells.find((cell) => cell.index === index)?.uri;
  for (const { cell, finding, related } of analysis?.findings ?? []) {
    const uri = uriOf(cell);
    if (!uri) continue;
    const diagnostic = toDiagnostic(finding, uri);
    diagnostic.relatedInformation = related.flatMap((item) => {
      const relatedUri = uriOf(item.cell);
      return relatedUri ? [{ location: { uri: relatedUri, range: item.range }, message: item.message }] : [];
    });
    byCell.set(uri, [...(byCell.get(uri) ?? []), diagnostic]);
  }
  return byCell;
}

/** The findings shown in one cell (cell positions). */
export function findingsOfCell(snapshot: NotebookSnapshot, analysis: NotebookAnalysis, cellUri: string) {
  const index = snapshot.cells.find((cell) => cell.uri === cellUri)?.index;
  return analysis.findings.filter((found) => found.cell === index).map((found) => found.finding);
}

/** The hover at a position in a cell: the docs of the rules whose findings are there. */
export function cellHover(snapshot: NotebookSnapshot, analysis: NotebookAnalysis, cellUri: string, position: Position): Hover | null {
  return hoverAt(findingsOfCell(snapshot, analysis, cellUri), position);
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeNotebook, type CellFinding } from '../notebook/analyze';
import { isPythonNotebook, NotebookFormatError, readIpynb, type IpynbNotebook } from '../notebook/ipynb';
import type { PythonParser } from '../syntax/parser';
import type { ScanProfile, ScanSettings } from './check-file';
import { LocationMapper, reportFinding, type FileReport, type ReportedFinding } from './report';
import { readSource, SourceError } from './source';

/**
 * Checks one `.ipynb` file: its code cells as one program, with the notebook rules. Findings carry the
 * 1-based `cell` and locations in that cell, as ruff reports notebooks. A file that is not an nbformat 4
 * notebook is an error in the report (never a crash); a notebook whose kernel is not Python is skipped.
 */
export function checkNotebook(
  parser: PythonParser,
  file: string,
  profile: ScanProfile,
  _settings: ScanSettings,
  report: FileReport,
): FileReport {
  let notebook: IpynbNotebook;
  try {
    notebook = readIpynb(readSource(file).text);
  } catch (error) {
    if (!(error instanceof SourceError || error instanceof NotebookFormatError)) throw error;
    report.error = error.message;
    return report;
  }
  if (!isPythonNotebook(notebook)) return report;
  const cells = notebook.cells.filter((cell) => cell.kind === 'code').map(({ index, source }) => ({ index, source }));
  const analysis = analyzeNotebook(parser, cells, profile.options, siblingModules(file));
  try {
    report.syntaxError = analysis.analysis.tree.rootNode.hasError;
    report.findings = reportedCellFindings(file, notebook, analysis.findings);
  } finally {
    analysis.dispose();
  }
  return report;
}

/** The source of `name.py` next to the notebook (what the kernel imports from its working directory). */
export function siblingModules(notebookFile: string): (name: string) => string | undefined {
  return (name) => {
    try {
      return readSource(path.join(path.dirname(notebookFile), `${name}.py`)).text;
    } catch {
      return undefined;
    }
  };
}

function reportedCellFindings(file: string, notebook: IpynbNotebook, findings: readonly CellFinding[]): ReportedFinding[] {
  const mappers = new Map<number, LocationMapper>();
  const mapperOf = (cell: number) => {
    let mapper = mappers.get(cell);
    if (!mapper) mappers.set(cell, (mapper = new LocationMapper(notebook.cells[cell].source.replace(/\r\n?/g, '\n'))));
    return mapper;
  };
  return findings.map(({ cell, finding, related }) => {
    const reported = reportFinding(file, mapperOf(cell), finding, undefined);
    reported.related = related.map((item) => ({
      message: item.cell === cell ? item.message : `cell ${item.cell + 1}: ${item.message}`,
      location: mapperOf(item.cell).location(item.range.start),
      end_location: mapperOf(item.cell).location(item.range.end),
    }));
    return { ...reported, cell: cell + 1 };
  });
}

/** Whether the CLI reads `file` as a notebook. */
export function isNotebookFile(file: string): boolean {
  return path.extname(file).toLowerCase() === '.ipynb' && !fs.statSync(file, { throwIfNoEntry: false })?.isDirectory();
}

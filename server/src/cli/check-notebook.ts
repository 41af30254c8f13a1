import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeNotebook, type CellFinding } from '../notebook/analyze';
import { isPythonNotebook, NotebookFormatError, readIpynb, type IpynbNotebook } from '../notebook/ipynb';
import type { PythonParser } from '../syntax/parser';
import type { AnalysisOptions } from '../engine/analyze';
import { emptyReport, LocationMapper, reportFinding, type FileReport, type ReportedFinding } from './report';
import { describeIoError, readSource, SourceError, writeSource, type SourceFile } from './source';
import { createTwoFilesPatch } from 'diff';
import { fixNotebook, makeParameterTitle } from '../notebook/fix-notebook';
import { displayPath } from './files';

/** What checkFile hands on (a ScanProfile and ScanSettings; named here by shape so the two files do not import each other). */
interface NotebookScan {
  options: AnalysisOptions;
  /** The module name template for "Move to module" (`[tool.spawn-guard] notebook-workers-module`). */
  workersModule?: string;
}
interface NotebookRun {
  mode: 'check' | 'fix' | 'diff';
  cwd: string;
  /** Also "make it a parameter" for definitions that read notebook globals (their uses change). */
  unsafeFixes: boolean;
}

/**
 * Checks one `.ipynb` file: its code cells as one program, with the notebook rules. Findings carry the
 * 1-based `cell` and locations in that cell, as ruff reports notebooks. A file that is not an nbformat 4
 * notebook is an error in the report (never a crash); a notebook whose kernel is not Python is skipped.
 */
export function checkNotebook(
  parser: PythonParser,
  file: string,
  profile: NotebookScan,
  settings: NotebookRun,
  report: FileReport,
): FileReport {
  let notebook: IpynbNotebook;
  let source: SourceFile;
  try {
    source = readSource(file);
    notebook = readIpynb(source.text);
  } catch (error) {
    if (!(error instanceof SourceError || error instanceof NotebookFormatError)) throw error;
    report.error = error.message;
    return report;
  }
  if (!isPythonNotebook(notebook)) return report;
  analyseInto(parser, file, notebook, profile, report);
  if (settings.mode === 'check' || report.syntaxError || !report.findings.some((finding) => finding.code === 'SPG020')) return report;
  try {
    const fixed = fixNotebook(parser, notebook, file, profile.options, siblingModules(file), profile.workersModule, settings.unsafeFixes);
    if (!fixed) return report;
    const modulePath = path.join(path.dirname(file), `${fixed.moduleName}.py`);
    const applied = [
      ...fixed.moved.map((name) => ({
        id: 'move-to-module',
        code: 'SPG020' as const,
        title: `Move \`${name}\` to ${fixed.moduleName}.py`,
        applicability: 'safe' as const,
      })),
      ...fixed.parameterised.map(({ name, globals }) => ({
        id: 'move-to-module',
        code: 'SPG020' as const,
        title: makeParameterTitle(name, globals, fixed.moduleName),
        applicability: 'unsafe' as const,
      })),
    ];
    if (settings.mode === 'diff') {
      const name = displayPath(file, settings.cwd);
      const moduleName = displayPath(modulePath, settings.cwd);
      const existing = siblingModules(file)(fixed.moduleName);
      report.diff = [
        createTwoFilesPatch(name, name, source.text, fixed.notebookText, undefined, undefined, { context: 3 }),
        createTwoFilesPatch(
          existing === undefined ? '/dev/null' : moduleName,
          moduleName,
          existing ?? '',
          fixed.moduleText,
          undefined,
          undefined,
          { context: 3 },
        ),
      ]
        .map((patch) => patch.replace(/^Index: .*\n=+\n/, ''))
        .join('');
      report.applied = applied;
      const after = analyseInto(parser, file, readIpynb(fixed.notebookText), profile, emptyReport(file));
      report.fixed = settledFindings(report.findings, after.findings);
      return report;
    }
    writeModule(modulePath, fixed.moduleText);
    writeSource(source, fixed.notebookText);
    report.applied = applied;
    const before = report.findings;
    analyseInto(parser, file, readIpynb(fixed.notebookText), profile, report);
    report.fixed = settledFindings(before, report.findings);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    report.error = error.message;
  }
  return report;
}

/** The findings of `before` that `after` no longer has (matched by code and message, each once). */
function settledFindings(before: readonly ReportedFinding[], after: readonly ReportedFinding[]): { code: string }[] {
  const remaining = after.map((finding) => `${finding.code}\0${finding.message}`);
  return before.filter((finding) => {
    const index = remaining.indexOf(`${finding.code}\0${finding.message}`);
    if (index >= 0) remaining.splice(index, 1);
    return index < 0;
  });
}

/** Writes the workers module (a new file, or the existing one extended), atomically like writeSource. */
function writeModule(file: string, text: string): void {
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, text, { encoding: 'utf8', flag: 'wx' });
    } catch (error) {
      throw new SourceError(file, `cannot be written: ${describeIoError(error)}`);
    }
    return;
  }
  writeSource(readSource(file), text);
}

function analyseInto(parser: PythonParser, file: string, notebook: IpynbNotebook, profile: NotebookScan, report: FileReport): FileReport {
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

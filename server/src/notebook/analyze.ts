import { analyze, type Analysis, type AnalysisOptions } from '../engine/analyze';
import { buildModuleFacts, type ModuleFacts } from '../model/facts';
import type { NotebookContext } from '../rules/rule';
import type { Finding } from '../rules/types';
import type { PythonParser } from '../syntax/parser';
import type { Tree } from 'web-tree-sitter';
import type { Range } from '../text/types';
import { NotebookProgram, type ProgramCell } from './program';

/**
 * A finding placed in its cell: `finding.range` is a position in that cell, `related` says each related
 * location's cell; `finding.data` keeps program positions (what the fixes read).
 */
export interface CellFinding {
  /** The cell's 0-based index among all the notebook's cells. */
  cell: number;
  finding: Finding;
  /** Related locations, each in its own cell. */
  related: Array<{ cell: number; range: Range; message: string }>;
}

export interface NotebookAnalysis {
  program: NotebookProgram;
  /** The analysis of the program (positions are program positions). */
  analysis: Analysis;
  /** The findings, in cells, in cell order. */
  findings: CellFinding[];
  /** Deletes the syntax trees (the program's and the imported modules'). */
  dispose(): void;
}

/** Where the notebook's own modules come from, besides its `%%writefile` cells (files next to it). */
export type ModuleSource = (name: string) => string | undefined;

/**
 * Analyses a notebook's code cells as one program (notebook rules, not script rules) and places each
 * finding in its cell. The caller disposes the result.
 */
export function analyzeNotebook(
  parser: PythonParser,
  cells: readonly ProgramCell[],
  options: Omit<AnalysisOptions, 'notebook'> = {},
  moduleSource: ModuleSource = () => undefined,
): NotebookAnalysis {
  const program = new NotebookProgram(cells);
  const trees: Tree[] = [];
  const modules = new Map<string, ModuleFacts | undefined>();
  const context: NotebookContext = {
    cellNumberOf: (line) => (program.spanOfLine(line)?.index ?? 0) + 1,
    moduleFacts(name) {
      if (!modules.has(name)) {
        const text = program.modules.get(name)?.content ?? moduleSource(name);
        let facts: ModuleFacts | undefined;
        if (text !== undefined) {
          const tree = parser.parse(text);
          trees.push(tree);
          facts = buildModuleFacts(tree.rootNode, text);
        }
        modules.set(name, facts);
      }
      return modules.get(name);
    },
  };
  const tree = parser.parse(program.text);
  trees.push(tree);
  const analysis = analyze({ text: program.text, tree }, { ...options, notebook: context });
  const findings: CellFinding[] = [];
  for (const finding of analysis.findings) {
    const placed = program.cellRange(finding.range);
    if (!placed) continue;
    const related = finding.related.flatMap((item) => {
      const where = program.cellRange(item.range);
      return where ? [{ cell: where.cell, range: where.range, message: item.message }] : [];
    });
    findings.push({
      cell: placed.cell,
      finding: { ...finding, range: placed.range, related: related.map(({ range, message }) => ({ range, message })) },
      related,
    });
  }
  return {
    program,
    analysis,
    findings,
    dispose: () => {
      for (const parsed of trees.splice(0)) parsed.delete();
    },
  };
}

import type { AnalysisOptions } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import { analyzeNotebook, type ModuleSource, type NotebookAnalysis } from './analyze';
import { replaceCellSources, type IpynbNotebook } from './ipynb';
import { NotebookProgram } from './program';
import { applyCellEdits, planMoveToModule, type MovePlan } from './move-to-module';

/** The module "Move to module" writes for a notebook: `{notebook}` in the template is the notebook's stem as an identifier. */
export function workersModuleName(notebookFile: string, template = '{notebook}_workers'): string {
  const base = notebookFile.split(/[\\/]/).pop() ?? 'notebook';
  const stem = base.replace(/\.ipynb$/i, '').replace(/\W+/g, '_');
  const name = template.replace('{notebook}', stem).replace(/\W+/g, '_');
  return /^\d/.test(name) ? `_${name}` : name;
}

/** The names SPG020 findings offer to move (each cell definition once). */
export function movableNames(analysis: NotebookAnalysis): string[] {
  const names: string[] = [];
  for (const { finding } of analysis.findings) {
    const data = finding.data;
    if (finding.code === 'SPG020' && data?.kind === 'cell-definition' && typeof data.name === 'string' && !names.includes(data.name))
      names.push(data.name);
  }
  return names;
}

/** A plan for `names`, leaving out those that read notebook globals (they need "make it a parameter" by hand). */
export function planMove(
  analysis: NotebookAnalysis,
  names: readonly string[],
  moduleName: string,
  existingModule: string | undefined,
  notebookName: string,
): { plan: Extract<MovePlan, { kind: 'move' }> | undefined; readsGlobals: Array<{ name: string; globals: string[] }> } {
  const readsGlobals: Array<{ name: string; globals: string[] }> = [];
  let remaining = [...names];
  while (remaining.length > 0) {
    const plan = planMoveToModule({
      program: analysis.program,
      facts: analysis.analysis.facts,
      names: remaining,
      moduleName,
      existingModule,
      notebookName,
    });
    if (!plan) return { plan: undefined, readsGlobals };
    if (plan.kind === 'move') return { plan, readsGlobals };
    readsGlobals.push({ name: plan.name, globals: plan.globals });
    remaining = remaining.filter((name) => name !== plan.name);
  }
  return { plan: undefined, readsGlobals };
}

export interface NotebookFix {
  notebookText: string;
  moduleName: string;
  moduleText: string;
  moved: string[];
  readsGlobals: Array<{ name: string; globals: string[] }>;
}

/**
 * Moves every cell definition an SPG020 finding names into the notebook's workers module. Undefined when
 * there is nothing to move, or when the fixed cells would not parse (a fix never breaks the notebook).
 */
export function fixNotebook(
  parser: PythonParser,
  notebook: IpynbNotebook,
  notebookFile: string,
  options: AnalysisOptions,
  moduleSource: ModuleSource,
  moduleTemplate?: string,
): NotebookFix | undefined {
  const moduleName = workersModuleName(notebookFile, moduleTemplate);
  const cells = notebook.cells
    .filter((cell) => cell.kind === 'code')
    .map(({ index, source }) => ({ index, source: source.replace(/\r\n?/g, '\n') }));
  const analysis = analyzeNotebook(parser, cells, options, moduleSource);
  let result: NotebookFix | undefined;
  try {
    const names = movableNames(analysis);
    if (names.length === 0 || analysis.analysis.tree.rootNode.hasError) return undefined;
    const notebookName = notebookFile.split(/[\\/]/).pop() ?? notebookFile;
    const { plan, readsGlobals } = planMove(analysis, names, moduleName, moduleSource(moduleName), notebookName);
    if (!plan) return undefined;
    const sources = new Map<number, string>();
    for (const [cell, edits] of plan.cellEdits)
      sources.set(cell, applyCellEdits(cells.find((candidate) => candidate.index === cell)!.source, edits));
    result = {
      notebookText: replaceCellSources(notebook, sources),
      moduleName,
      moduleText: plan.moduleText,
      moved: plan.names,
      readsGlobals,
    };
    const fixedProgram = new NotebookProgram(cells.map((cell) => ({ index: cell.index, source: sources.get(cell.index) ?? cell.source })));
    if (!parsesCleanly(parser, plan.moduleText) || !parsesCleanly(parser, fixedProgram.text)) return undefined;
  } finally {
    analysis.dispose();
  }
  return result;
}

function parsesCleanly(parser: PythonParser, text: string): boolean {
  const tree = parser.parse(text);
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

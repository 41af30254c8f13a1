import type { AnalysisOptions } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import { analyzeNotebook, type ModuleSource, type NotebookAnalysis } from './analyze';
import { replaceCellSources, type IpynbNotebook } from './ipynb';
import { NotebookProgram } from './program';
import { applyCellEdits, planMoveToModule, type MovePlan } from './move-to-module';

/** The module "Move to module" writes for a notebook: `{notebook}` in the template is the notebook's stem as an identifier. */
export function workersModuleName(notebookFile: string, template = DEFAULT_WORKERS_MODULE): string {
  const base = notebookFile.split(/[\\/]/).pop() ?? 'notebook';
  const stem = base.replace(/\.ipynb$/i, '').replace(/\W+/g, '_');
  const name = (template.trim() || DEFAULT_WORKERS_MODULE).replace('{notebook}', stem).replace(/\W+/g, '_');
  return /^\d/.test(name) ? `_${name}` : name;
}

/** The default module name template (the setting spawnGuard.notebook.workersModule). */
export const DEFAULT_WORKERS_MODULE = '{notebook}_workers';

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

/**
 * A plan for `names`, leaving out those that cannot move as they are: a definition that reads notebook
 * globals, itself or through a cell definition it uses (those need "make it a parameter"), and one that
 * is not a top-level definition of a cell.
 */
export function planMove(
  analysis: NotebookAnalysis,
  names: readonly string[],
  moduleName: string,
  existingModule: string | undefined,
  notebookName: string,
): { plan: Extract<MovePlan, { kind: 'move' }> | undefined; readsGlobals: Array<{ name: string; globals: string[] }> } {
  const request = (subset: readonly string[]) =>
    planMoveToModule({
      program: analysis.program,
      facts: analysis.analysis.facts,
      names: subset,
      moduleName,
      existingModule,
      notebookName,
    });
  const readsGlobals: Array<{ name: string; globals: string[] }> = [];
  const movable = names.filter((name) => {
    const alone = request([name]);
    if (alone?.kind === 'reads-globals' && !readsGlobals.some((known) => known.name === alone.name))
      readsGlobals.push({ name: alone.name, globals: alone.globals });
    return alone?.kind === 'move';
  });
  const plan = movable.length > 0 ? request(movable) : undefined;
  return { plan: plan?.kind === 'move' ? plan : undefined, readsGlobals };
}

/**
 * "Make it a parameter": `name` moved with the notebook globals it reads turned into keyword-only
 * parameters, which every use in the cells passes. Undefined when it cannot be done safely.
 */
export function planParameterised(
  analysis: NotebookAnalysis,
  name: string,
  globals: readonly string[],
  moduleName: string,
  existingModule: string | undefined,
  notebookName: string,
): Extract<MovePlan, { kind: 'move' }> | undefined {
  const plan = planMoveToModule({
    program: analysis.program,
    facts: analysis.analysis.facts,
    names: [name],
    moduleName,
    existingModule,
    notebookName,
    parameters: { name, globals },
  });
  return plan?.kind === 'move' ? plan : undefined;
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
    if (!plan || !planIsSound(parser, analysis, plan)) return undefined;
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
  } finally {
    analysis.dispose();
  }
  return result;
}

/** Whether a plan's module and the cells it leaves parse without errors (a fix never breaks the notebook). */
export function planIsSound(parser: PythonParser, analysis: NotebookAnalysis, plan: Extract<MovePlan, { kind: 'move' }>): boolean {
  const cells = analysis.program.cells.map((cell) => {
    const edits = plan.cellEdits.get(cell.index);
    return edits ? { index: cell.index, source: applyCellEdits(cell.source, edits) } : cell;
  });
  return parsesCleanly(parser, plan.moduleText) && parsesCleanly(parser, new NotebookProgram(cells).text);
}

function parsesCleanly(parser: PythonParser, text: string): boolean {
  const tree = parser.parse(text);
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

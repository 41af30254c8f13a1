import type { AnalysisOptions } from '../engine/analyze';
import type { PythonParser } from '../syntax/parser';
import { analyzeNotebook, type ModuleSource, type NotebookAnalysis } from './analyze';
import { replaceCellSources, type IpynbNotebook } from './ipynb';
import { NotebookProgram } from './program';
import { applyCellEdits, planMoveToModule, type MovePlan } from './move-to-module';

/** The rule codes the notebook fixes answer ("Move to module", "make it a parameter"), besides the fix providers'. */
export const NOTEBOOK_FIX_CODES: readonly string[] = ['SPG020'];

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

/** The title of "make it a parameter", as the editor and the CLI show it. */
export function makeParameterTitle(name: string, globals: readonly string[], moduleName: string): string {
  const list = globals.map((global) => `\`${global}\``).join(', ');
  return `Make ${list} ${globals.length > 1 ? 'parameters' : 'a parameter'} of \`${name}\` and move it to ${moduleName}.py`;
}

export interface NotebookFix {
  notebookText: string;
  moduleName: string;
  moduleText: string;
  /** Definitions moved as they are. */
  moved: string[];
  /** Definitions moved with the notebook globals they read made parameters (only with `unsafeFixes`). */
  parameterised: Array<{ name: string; globals: string[] }>;
  /** Definitions left in their cells because they read notebook globals. */
  readsGlobals: Array<{ name: string; globals: string[] }>;
}

type Move = Extract<MovePlan, { kind: 'move' }>;

/**
 * Moves every cell definition an SPG020 finding names into the notebook's workers module; with
 * `unsafeFixes`, also those that read notebook globals, which become parameters ("make it a parameter":
 * the uses in the cells change). Each step is analysed afresh. Undefined when there is nothing to move;
 * a step whose cells or module would not parse is not taken (a fix never breaks the notebook).
 */
export function fixNotebook(
  parser: PythonParser,
  notebook: IpynbNotebook,
  notebookFile: string,
  options: AnalysisOptions,
  moduleSource: ModuleSource,
  moduleTemplate?: string,
  unsafeFixes = false,
): NotebookFix | undefined {
  const moduleName = workersModuleName(notebookFile, moduleTemplate);
  const notebookName = notebookFile.split(/[\\/]/).pop() ?? notebookFile;
  const original = new Map(
    notebook.cells.filter((cell) => cell.kind === 'code').map(({ index, source }) => [index, source.replace(/\r\n?/g, '\n')]),
  );
  const sources = new Map(original);
  let moduleText = moduleSource(moduleName);
  const fix: Omit<NotebookFix, 'notebookText' | 'moduleName' | 'moduleText'> = { moved: [], parameterised: [], readsGlobals: [] };
  const tried = new Set<string>();
  // Each round moves something or stops; the bound only guards against a plan that never settles.
  for (let round = 0; round < 100; round++) {
    const cells = [...sources].map(([index, source]) => ({ index, source }));
    const analysis = analyzeNotebook(parser, cells, options, (name) => (name === moduleName ? moduleText : moduleSource(name)));
    let step: { plan: Move; parameters?: { name: string; globals: string[] } } | undefined;
    try {
      const names = movableNames(analysis);
      if (names.length === 0 || analysis.analysis.tree.rootNode.hasError) break;
      const moves = planMove(analysis, names, moduleName, moduleText, notebookName);
      fix.readsGlobals = moves.readsGlobals;
      if (moves.plan && planIsSound(parser, analysis, moves.plan)) step = { plan: moves.plan };
      for (const entry of unsafeFixes && !step ? moves.readsGlobals : []) {
        if (tried.has(entry.name)) continue;
        tried.add(entry.name);
        const plan = planParameterised(analysis, entry.name, entry.globals, moduleName, moduleText, notebookName);
        if (plan && planIsSound(parser, analysis, plan)) {
          step = { plan, parameters: entry };
          break;
        }
      }
    } finally {
      analysis.dispose();
    }
    if (!step) break;
    for (const [cell, edits] of step.plan.cellEdits) sources.set(cell, applyCellEdits(sources.get(cell)!, edits));
    moduleText = step.plan.moduleText;
    if (step.parameters) fix.parameterised.push(step.parameters);
    else fix.moved.push(...step.plan.names);
  }
  if (moduleText === undefined || (fix.moved.length === 0 && fix.parameterised.length === 0)) return undefined;
  const changed = new Map([...sources].filter(([index, source]) => source !== original.get(index)));
  fix.readsGlobals = fix.readsGlobals.filter((entry) => !fix.parameterised.some((done) => done.name === entry.name));
  return { notebookText: replaceCellSources(notebook, changed), moduleName, moduleText, ...fix };
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

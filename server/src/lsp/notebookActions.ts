import { CodeActionKind, type CodeAction, type CodeActionContext, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import type { EditorSettings } from '../config/settings';
import { editsBetween } from '../fixes/edits';
import type { NotebookAnalysis } from '../notebook/analyze';
import { makeParameterTitle, movableNames, planIsSound, planMove, planParameterised } from '../notebook/fix-notebook';
import type { MovePlan } from '../notebook/move-to-module';
import { ParsedDocument } from '../syntax/document';
import type { PythonParser } from '../syntax/parser';
import type { TextEdit } from '../text/types';
import { FIX_ALL_KIND, wants } from './codeActions';
import { ADD_MAIN_GUARD_COMMAND, documentName } from './commands';
import { findingForDiagnostic } from './diagnostics';
import { moduleUri, findingsOfCell, type NotebookSnapshot } from './notebooks';
import { disableRuleEdit } from '../fixes/noqa-comment';
import { documentEdit } from './workspaceEdit';

type Move = Extract<MovePlan, { kind: 'move' }>;

/** The notebook-wide fix-all (`notebook.codeActionsOnSave: { "notebook.source.fixAll": "explicit" }`). */
export const NOTEBOOK_FIX_ALL_KIND = 'notebook.source.fixAll.spawn-guard';

/** One code action request (or command) in a notebook cell, with the notebook state it is answered for. */
export interface NotebookActionRequest {
  snapshot: NotebookSnapshot;
  cellUri: string;
  analysis: NotebookAnalysis;
  parser: PythonParser;
  settings: EditorSettings;
  /** The notebook's file; undefined for an untitled notebook, which gets no fix that creates a file. */
  notebookFile: string | undefined;
  /** The workers module's name (`lesson_workers`). */
  moduleName: string;
  /** The workers module now: its text and the open document's version (null: the file on disk); undefined when it does not exist. */
  existingModule: { text: string; version: number | null } | undefined;
  /** The client applies versioned document edits and creates files in a workspace edit. */
  canCreateFiles: boolean;
  /** The client takes versioned document edits (workspaceEdit.documentChanges). */
  versionedEdits: boolean;
}

/**
 * The code actions in a notebook cell: "Move to module" for a cell definition sent to a child (or "make
 * it a parameter" when it reads notebook globals), "Disable SPG0xx for this line", and the fix-all
 * source action, which moves every definition that can move as it is (what `spawn-guard check --fix` does).
 */
export function notebookCodeActions(request: NotebookActionRequest, context: CodeActionContext): CodeAction[] {
  const actions: CodeAction[] = [];
  if (wants(context.only, CodeActionKind.QuickFix)) {
    const findings = findingsOfCell(request.snapshot, request.analysis, request.cellUri);
    const byTitle = new Map<string, CodeAction>();
    const disabled = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      const finding = findingForDiagnostic(findings, diagnostic);
      if (!finding) continue;
      const name = finding.code === 'SPG020' && typeof finding.data?.name === 'string' ? finding.data.name : undefined;
      const move = name !== undefined ? moveAction(request, name, diagnostic) : undefined;
      if (move) {
        const existing = byTitle.get(move.title);
        if (existing) existing.diagnostics!.push(diagnostic);
        else byTitle.set(move.title, move);
      }
      const key = `${finding.code}:${finding.range.start.line}`;
      if (!request.settings.codeAction.disableRuleComment.enable || disabled.has(key)) continue;
      disabled.add(key);
      const disable = disableAction(request, finding.code, finding.range.start.line, diagnostic);
      if (disable) actions.push(disable);
    }
    actions.unshift(...byTitle.values());
  }
  // Fix-all is asked for by kind only: `source.fixAll` on a cell, `notebook.source.fixAll` on the notebook.
  const kinds = [FIX_ALL_KIND, NOTEBOOK_FIX_ALL_KIND].filter((kind) => context.only !== undefined && wants(context.only, kind));
  const fixAll = request.settings.fixAll && kinds.length > 0 ? fixAllEdit(request) : undefined;
  for (const kind of fixAll ? kinds : []) {
    actions.push({ title: 'Spawn Guard: move cell definitions sent to child processes to a module', kind, edit: fixAll!.edit });
  }
  return actions;
}

/** What a command run on a notebook cell comes to: a workspace edit, or a message for the user. */
export type NotebookCommandPlan =
  { kind: 'edit'; label: string; edit: WorkspaceEdit } | { kind: 'message'; severity: 'info' | 'warning'; text: string };

/** `spawnGuard.addMainGuard` and `spawnGuard.fixAll` on a notebook cell. */
export function planNotebookCommand(command: string, request: NotebookActionRequest): NotebookCommandPlan {
  const name = documentName(request.snapshot.uri);
  if (command === ADD_MAIN_GUARD_COMMAND) {
    return {
      kind: 'message',
      severity: 'info',
      text:
        `Spawn Guard: a main guard does nothing in ${name}: a kernel's __name__ is always "__main__" and spawned children run no cell. ` +
        'Move what child processes need into a module next to the notebook (the quick fix on SPG020 does it).',
    };
  }
  if (request.analysis.analysis.tree.rootNode.hasError) {
    return { kind: 'message', severity: 'warning', text: `Spawn Guard: ${name} has syntax errors; fix them, then run the command again.` };
  }
  const fixAll = fixAllEdit(request);
  if (fixAll) return { kind: 'edit', label: `Move ${fixAll.names.join(', ')} to ${request.moduleName}.py`, edit: fixAll.edit };
  const why =
    request.notebookFile === undefined
      ? 'save the notebook first: the module goes next to it'
      : 'no cell definition sent to a child process can move as it is';
  return { kind: 'message', severity: 'info', text: `Spawn Guard: nothing to fix in ${name}: ${why}.` };
}

function moveAction(request: NotebookActionRequest, name: string, diagnostic: Diagnostic): CodeAction | undefined {
  if (!fileFixesPossible(request)) return undefined;
  const module = `${request.moduleName}.py`;
  const { plan, readsGlobals } = planMove(
    request.analysis,
    [name],
    request.moduleName,
    request.existingModule?.text,
    notebookName(request),
  );
  if (plan && planIsSound(request.parser, request.analysis, plan)) {
    const others = plan.names.filter((other) => other !== name);
    return {
      title: `Move \`${name}\`${others.length > 0 ? ` (with ${others.map((other) => `\`${other}\``).join(', ')})` : ''} to ${module}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: moveEdit(request, plan),
    };
  }
  // It reads notebook globals: moved as it is it would fail in the module, so they become parameters.
  const globals = readsGlobals.find((entry) => entry.name === name)?.globals;
  if (!globals) return undefined;
  const parameterised = planParameterised(
    request.analysis,
    name,
    globals,
    request.moduleName,
    request.existingModule?.text,
    notebookName(request),
  );
  if (!parameterised || !planIsSound(request.parser, request.analysis, parameterised)) return undefined;
  return {
    title: makeParameterTitle(name, globals, request.moduleName),
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: moveEdit(request, parameterised),
  };
}

function fixAllEdit(request: NotebookActionRequest): { names: string[]; edit: WorkspaceEdit } | undefined {
  if (!fileFixesPossible(request) || request.analysis.analysis.tree.rootNode.hasError) return undefined;
  const names = movableNames(request.analysis);
  if (names.length === 0) return undefined;
  const { plan } = planMove(request.analysis, names, request.moduleName, request.existingModule?.text, notebookName(request));
  if (!plan || !planIsSound(request.parser, request.analysis, plan)) return undefined;
  return { names: plan.names, edit: moveEdit(request, plan) };
}

/** One workspace edit: the module created (or extended), then each cell's edits, all naming the versions they were computed for. */
function moveEdit(request: NotebookActionRequest, plan: Move): WorkspaceEdit {
  const uri = moduleUri(request.notebookFile!, request.moduleName);
  const existing = request.existingModule;
  const moduleEdits: TextEdit[] = existing
    ? editsBetween(existing.text, plan.moduleText)
    : [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: plan.moduleText }];
  const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
  // No `overwrite` or `ignoreIfExists`: should the file appear meanwhile, the client refuses the whole edit.
  if (!existing) documentChanges.push({ kind: 'create', uri });
  documentChanges.push({ textDocument: { uri, version: existing?.version ?? null }, edits: moduleEdits });
  for (const [index, edits] of plan.cellEdits) {
    const cell = request.snapshot.cells.find((candidate) => candidate.index === index)!;
    documentChanges.push({ textDocument: { uri: cell.uri, version: cell.version }, edits });
  }
  return { documentChanges };
}

function disableAction(request: NotebookActionRequest, code: string, cellLine: number, diagnostic: Diagnostic): CodeAction | undefined {
  const { program } = request.analysis;
  const cell = request.snapshot.cells.find((candidate) => candidate.uri === request.cellUri)!;
  const line = program.programPosition(cell.index, { line: cellLine, character: 0 })?.line;
  if (line === undefined) return undefined;
  const document = new ParsedDocument(request.parser, program.text);
  let edit: TextEdit | null;
  try {
    edit = disableRuleEdit(document, line, code);
  } finally {
    document.dispose();
  }
  const placed = edit && program.cellRange(edit.range);
  if (!edit || !placed || placed.cell !== cell.index) return undefined;
  return {
    title: `Disable ${code} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: documentEdit(cell.uri, cell.version, [{ range: placed.range, newText: edit.newText }], request.versionedEdits),
  };
}

/** A fix that writes a module needs a notebook on disk and a client that creates files. */
function fileFixesPossible(request: NotebookActionRequest): boolean {
  return request.notebookFile !== undefined && request.canCreateFiles;
}

function notebookName(request: NotebookActionRequest): string {
  return documentName(request.snapshot.uri);
}

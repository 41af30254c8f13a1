import { CodeActionKind, type CodeAction, type CodeActionContext, type Diagnostic } from 'vscode-languageserver';
import type { Analysis, AnalysisOptions } from '../engine/analyze';
import type { ParsedDocument } from '../syntax/document';
import type { PythonParser } from '../syntax/parser';
import type { TextEdit } from '../text/types';
import type { EditorSettings } from '../config/settings';
import { editsBetween } from '../fixes/edits';
import { fixAll } from '../fixes/fix-all';
import { fixesFor } from '../fixes/registry';
import type { Finding } from '../rules/types';
import { findingForDiagnostic } from './diagnostics';
import { disableRuleEdit } from '../fixes/noqa-comment';
import { reproduceAction } from './runCodeAction';
import { documentEdit } from './workspaceEdit';

/** The kind of the fix-all source action (`editor.codeActionsOnSave: { "source.fixAll": "explicit" }`). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.spawn-guard`;

/** One textDocument/codeAction request, with the document state it is answered for. */
export interface CodeActionRequest {
  uri: string;
  /** The document version the actions are computed for; their edits name it. */
  version: number;
  document: ParsedDocument;
  analysis: Analysis;
  parser: PythonParser;
  options: AnalysisOptions;
  settings: EditorSettings;
  context: CodeActionContext;
  /** The client takes versioned document edits (workspaceEdit.documentChanges). */
  versionedEdits: boolean;
  /** The client has the "Run under spawn" command: offer "Reproduce under spawn" beside findings. */
  runUnderSpawn: boolean;
  /** Cross-file findings of this text (lsp/project.ts): they get "Disable … for this line", no fixes yet. */
  crossFile?: readonly Finding[];
}

/**
 * The code actions for the diagnostics in the request: the core's fixes (the safe one preferred), then
 * "Disable SPG00x for this line"; and, when asked for by kind, the fix-all source action. A diagnostic
 * counts only if the current analysis has a finding with its code at its range (one the client kept from
 * an older version of the text gets nothing), and every edit is computed on, and names, `version`.
 */
export function codeActionsFor(request: CodeActionRequest): CodeAction[] {
  const { context, settings } = request;
  const actions: CodeAction[] = [];
  if (wants(context.only, CodeActionKind.QuickFix)) {
    actions.push(...quickFixes(request, context.diagnostics));
    if (settings.codeAction.disableRuleComment.enable) actions.push(...disableRuleActions(request, context.diagnostics));
    const reproduce = request.runUnderSpawn ? reproduceAction(request.uri, request.analysis.findings, context.diagnostics) : undefined;
    if (reproduce) actions.push(reproduce);
  }
  if (settings.fixAll && context.only !== undefined && wants(context.only, FIX_ALL_KIND)) {
    const action = safeFixAllAction(request);
    if (action) actions.push(action);
  }
  return actions;
}

/** The edits of every safe fix, applied round by round until none is left (empty when there is none). */
export function safeFixAllEdits(text: string, parser: PythonParser, options: AnalysisOptions): TextEdit[] {
  const result = fixAll(parser, text, { ...options, safeOnly: true });
  return result.applied.length > 0 ? editsBetween(text, result.text) : [];
}

function quickFixes(request: CodeActionRequest, diagnostics: readonly Diagnostic[]): CodeAction[] {
  // One action per distinct fix: the same guard fix answers every unguarded statement in the range.
  const byEdit = new Map<string, CodeAction>();
  for (const diagnostic of diagnostics) {
    const finding = findingForDiagnostic(request.analysis.findings, diagnostic);
    if (!finding) continue;
    for (const fix of fixesFor(request.analysis, finding, request.parser)) {
      const key = JSON.stringify([fix.title, fix.edits]);
      const existing = byEdit.get(key);
      if (existing) {
        existing.diagnostics!.push(diagnostic);
        continue;
      }
      byEdit.set(key, {
        title: fix.applicability === 'safe' ? fix.title : `${fix.title} (unsafe)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.applicability === 'safe',
        edit: documentEdit(request.uri, request.version, fix.edits, request.versionedEdits),
      });
    }
  }
  return [...byEdit.values()];
}

function disableRuleActions(request: CodeActionRequest, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  const findings = request.crossFile?.length ? [...request.analysis.findings, ...request.crossFile] : request.analysis.findings;
  for (const diagnostic of diagnostics) {
    const finding = findingForDiagnostic(findings, diagnostic);
    if (!finding) continue;
    const line = finding.range.start.line;
    const key = `${finding.code}:${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const edit = disableRuleEdit(request.document, line, finding.code);
    if (!edit) continue;
    actions.push({
      title: `Disable ${finding.code} for this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: documentEdit(request.uri, request.version, [edit], request.versionedEdits),
    });
  }
  return actions;
}

function safeFixAllAction(request: CodeActionRequest): CodeAction | undefined {
  if (request.analysis.tree.rootNode.hasError) return undefined;
  const edits = safeFixAllEdits(request.analysis.text, request.parser, request.options);
  if (edits.length === 0) return undefined;
  return {
    title: 'Spawn Guard: fix all safely fixable hazards',
    kind: FIX_ALL_KIND,
    edit: documentEdit(request.uri, request.version, edits, request.versionedEdits),
  };
}

/** Whether a request restricted to `only` kinds asks for `kind` (a requested kind covers its sub-kinds). */
export function wants(only: readonly string[] | undefined, kind: string): boolean {
  return only === undefined || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

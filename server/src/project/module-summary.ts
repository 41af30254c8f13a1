import { analyzeFacts } from '../engine/analyze';
import { buildModuleFacts, type ModuleFacts } from '../model/facts';
import { codeText } from '../rules/common';
import type { SyntaxTree } from '../syntax/syntaxNode';
import type { SpawnerTable } from './spawners';
import { summarize, type ModuleSummary } from './summary';

/** The single-file findings a summary takes its import-time starts from. */
const SUMMARY_CODES = ['SPG001', 'SPG002', 'SPG006'];

export interface ModuleSource {
  file: string;
  module: { name: string; isPackage: boolean };
  text: string;
  tree: SyntaxTree;
  spawners: SpawnerTable;
  /** The facts of this text when an analysis built them already (the CLI's per-file check). */
  facts?: ModuleFacts;
}

/** A module's summary from its text and tree (alive while this runs): what other modules need to know of it. */
export function moduleSummary(source: ModuleSource): ModuleSummary {
  const { file, module, text, tree, spawners } = source;
  const analysis = analyzeFacts({ text, tree }, source.facts ?? buildModuleFacts(tree.rootNode, text), { select: SUMMARY_CODES });
  const summary = summarize({ file, module, facts: analysis.facts, findings: analysis.findings, spawners });
  // The single-file findings carry no source text: take it from the tree while it exists.
  for (const start of summary.importTime.starts) {
    if (start.site.text) continue;
    const node = tree.rootNode.descendantForPosition(
      { row: start.site.range.start.line, column: start.site.range.start.character },
      { row: start.site.range.end.line, column: start.site.range.end.character },
    );
    start.site.text = node ? codeText(node) : '';
  }
  return summary;
}

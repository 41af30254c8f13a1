import type { Tree } from 'web-tree-sitter';
import { analyze, type Analysis, type AnalysisOptions } from '../analysis/analyze';
import type { OpenDocument } from './documents';

interface CachedAnalysis {
  /** The tree analysed: every edit makes a new one, so a different tree means a changed document. */
  tree: Tree;
  optionsKey: string;
  analysis: Analysis;
}

/**
 * The analysis of each open document's current text, computed once and shared by diagnostics, hover,
 * code actions and commands until the document or its options change. An analysis holds nodes of the
 * document's tree, which the next edit frees: it must never be used past that edit, and the tree check
 * below guarantees that.
 */
export class AnalysisCache {
  private readonly cache = new WeakMap<OpenDocument, CachedAnalysis>();

  analysisFor(document: OpenDocument, options: AnalysisOptions): Analysis {
    const tree = document.parsed.tree;
    const optionsKey = JSON.stringify(options);
    const cached = this.cache.get(document);
    if (cached && cached.tree === tree && cached.optionsKey === optionsKey) return cached.analysis;
    const analysis = analyze({ text: document.parsed.text, tree }, options);
    this.cache.set(document, { tree, optionsKey, analysis });
    return analysis;
  }
}

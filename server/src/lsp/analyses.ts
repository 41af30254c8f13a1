import type { Tree } from 'web-tree-sitter';
import { analyze, type Analysis, type AnalysisOptions } from '../analysis/analyze';
import type { OpenDocument } from './documents';

interface CachedAnalysis {
  /** The tree analysed: every edit makes a new one, so a different tree means a changed document. */
  tree: Tree;
  optionsKey: string;
  analysis: Analysis;
}

/** How many analyses are kept: the documents a person works in at once. Others are recomputed when read. */
export const ANALYSIS_CACHE_SIZE = 8;

/**
 * The analysis of open documents' current text, computed once and shared by diagnostics, hover, code
 * actions and commands until the document or its options change. Only the most recently used few are
 * kept: an analysis costs about as much memory as its tree, and a hundred open files must not hold a
 * hundred of them. An analysis holds nodes of the document's tree, which the next edit frees: it must
 * never be used past that edit, and the tree check below guarantees that.
 */
export class AnalysisCache {
  /** In order of use, least recent first (a Map keeps insertion order). */
  private readonly cache = new Map<OpenDocument, CachedAnalysis>();

  constructor(private readonly capacity = ANALYSIS_CACHE_SIZE) {}

  analysisFor(document: OpenDocument, options: AnalysisOptions): Analysis {
    const tree = document.parsed.tree;
    const optionsKey = JSON.stringify(options);
    const cached = this.cache.get(document);
    this.cache.delete(document);
    const analysis =
      cached && cached.tree === tree && cached.optionsKey === optionsKey
        ? cached.analysis
        : analyze({ text: document.parsed.text, tree }, options);
    this.cache.set(document, { tree, optionsKey, analysis });
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= this.capacity) break;
      this.cache.delete(oldest);
    }
    return analysis;
  }

  /** Drops a closed document's analysis. */
  forget(document: OpenDocument): void {
    this.cache.delete(document);
  }
}

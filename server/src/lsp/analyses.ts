import type { ParsedDocument } from '../syntax/document';
import { analyze, type Analysis, type AnalysisOptions } from '../engine/analyze';
import { TREES_KEPT, type OpenDocument } from './documents';

interface CachedAnalysis {
  /** The parsed document and its revision analysed: every edit, and every parse after a release, makes a new one, so another means a stale analysis. */
  parsed: ParsedDocument;
  revision: number;
  optionsKey: string;
  analysis: Analysis;
}

/**
 * How many analyses are kept: the documents a person works in at once. Others are recomputed when read.
 * No more than the trees kept: an analysis is of no use once its tree is released.
 */
export const ANALYSIS_CACHE_SIZE = TREES_KEPT;

/**
 * The analysis of open documents' current text, computed once and shared by diagnostics, hover, code
 * actions and commands until the document or its options change. Only the most recently used few are
 * kept: an analysis costs about as much memory as its tree, and a hundred open files must not hold a
 * hundred of them. An analysis holds nodes of the document's tree, which the next edit frees, and so
 * does the release of the tree when the document drops out of the recently read ones (RecentTrees): it
 * must never be used past that, and the revision check below guarantees it (a released parsed document
 * is never a document's again, and an edit gives a new revision). Analyses of an old revision are
 * dropped at the next use.
 */
export class AnalysisCache {
  /** In order of use, least recent first (a Map keeps insertion order). */
  private readonly cache = new Map<OpenDocument, CachedAnalysis>();

  constructor(private readonly capacity = ANALYSIS_CACHE_SIZE) {}

  /** How many analyses are held now. */
  get size(): number {
    return this.cache.size;
  }

  analysisFor(document: OpenDocument, options: AnalysisOptions): Analysis {
    const parsed = document.parsedDocument();
    const revision = parsed.revision;
    const optionsKey = JSON.stringify(options);
    const cached = this.cache.get(document);
    this.cache.delete(document);
    const analysis =
      cached && cached.parsed === parsed && cached.revision === revision && cached.optionsKey === optionsKey
        ? cached.analysis
        : analyze({ text: parsed.text, tree: parsed.readSyntax() }, options);
    this.dropStale();
    this.cache.set(document, { parsed, revision, optionsKey, analysis });
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

  /** Drops the analyses whose tree was released or edited (reading `parsed` above may have released some): they only hold memory. */
  private dropStale(): void {
    for (const [document, cached] of this.cache) {
      if (document.currentParsed !== cached.parsed || cached.parsed.revision !== cached.revision) this.cache.delete(document);
    }
  }
}

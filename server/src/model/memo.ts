import type { CachedDefinitionEvents, WorkerReference } from './processes';
import type { LastScan, StatementScan } from './scan';
import type { DefinitionScopeMemo, DefinitionScopes, KeptModuleBindings, StatementBindings } from './scopes';
import { changedStatements, topLevelStatement } from '../syntax/queries';
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { KeptWorkerTarget } from './workers';

/**
 * What analyses of one document being edited keep for the next one, by node: the language server keeps
 * one per SyntaxMirror, whose unchanged statements keep their nodes from edit to edit, so a keystroke
 * reads again only the statement it changed. Results are the same with or without a memo.
 */
export class AnalysisMemo {
  /** Process events found in the scopes of each top-level definition, with the context they were found in. */
  readonly definitionEvents = new WeakMap<SyntaxNode, CachedDefinitionEvents>();
  /** The scopes of each top-level definition without errors (scopes.ts, buildScopes). */
  readonly definitionScopes = new WeakMap<SyntaxNode, DefinitionScopes>();
  /** The bindings `Scope.bindingsOf` found in each definition without errors, by name, and its parameters (scopes.ts). */
  readonly scopeBindings = new WeakMap<SyntaxNode, DefinitionScopeMemo>();
  /** The targets found for worker references, which are reused with their definition's events (workers.ts). */
  readonly workerTargets = new WeakMap<WorkerReference, KeptWorkerTarget>();
  /** What each module-level statement without errors binds (scopes.ts). */
  readonly statementBindings = new WeakMap<SyntaxNode, StatementBindings>();
  /** What the tree scan found in each top-level statement without errors (scan.ts). */
  readonly statementScans = new WeakMap<SyntaxNode, StatementScan>();

  /** The module's bindings map as the previous analysis built it (scopes.ts). */
  moduleBindings: KeptModuleBindings | undefined;
  /** The previous scan of the module (scan.ts). */
  lastScan: LastScan | undefined;

  /** The names each top-level statement binds or appends to at module level, noted when an analysis first sees it (processes.ts). */
  readonly statementNames = new WeakMap<SyntaxNode, ReadonlySet<string>>();
  /** What the previous analysis saw of the module beyond its statements: its wildcard imports, and the names that may be callable. */
  previousWildcardImports: string | undefined;
  previousCallables: ReadonlySet<string> | undefined;
  private generation = 0;
  private previousStatements: readonly SyntaxNode[] | undefined;

  /**
   * Starts an analysis of a module whose top-level statements are `statements` and returns its
   * generation, with the statements new since the previous analysis with this memo (a statement read
   * again is new) and those gone; no changes for the first analysis.
   */
  statementChanges(statements: readonly SyntaxNode[]): { generation: number; changes?: { added: SyntaxNode[]; removed: SyntaxNode[] } } {
    const generation = ++this.generation;
    const previous = this.previousStatements;
    this.previousStatements = statements;
    if (!previous) return { generation };
    // The statements at the start and at the end that are the same nodes are kept; those between are compared as sets.
    const [first, end] = changedStatements(previous, statements);
    const gone = previous.length - (statements.length - end);
    const went = previous.slice(first, gone);
    const came = statements.slice(first, end);
    const before = new Set(went);
    const now = new Set(came);
    const added = came.filter((statement) => !before.has(statement));
    const removed = went.filter((statement) => !now.has(statement));
    return { generation, changes: { added, removed } };
  }

  /**
   * A module-level statement as module-level context (see DefinitionContext): by its node when it has no
   * errors (the mirror gives a statement read again, even with the same text, a new node; that only
   * costs a recount), else by its type, text and the shape of its subtree, which its text alone does not fix.
   */
  statementKey(statement: SyntaxNode, text: string): string {
    if (!statement.hasError) return `#${statement.id}`;
    return `${statement.type} ${JSON.stringify(text.slice(statement.startIndex, statement.endIndex))} ${shape(statement)}`;
  }

  /**
   * Whether `node` belongs to the tree of `root`: its top-level statement is one of root's children
   * (a statement read again has new nodes; cached events must not name the old ones).
   */
  holds(root: SyntaxNode, node: SyntaxNode): boolean {
    return topLevelStatement(node).parent === root;
  }
}

/** Types, fields (a MirrorNode knows its own), missing marks, spans (relative) and child counts of a subtree's nodes, in document order. */
function shape(node: SyntaxNode): string {
  const base = node.startIndex;
  const parts: string[] = [];
  const stack: SyntaxNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const field = (current as { fieldName?: string | null }).fieldName ?? '';
    parts.push(
      `${field}:${current.type}${current.isMissing ? '!' : ''} ${current.startIndex - base} ${current.endIndex - base} ${current.childCount}`,
    );
    const children = current.children;
    for (let index = children.length - 1; index >= 0; index--) {
      const child = children[index];
      if (child) stack.push(child);
    }
  }
  return parts.join(',');
}

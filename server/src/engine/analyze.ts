import type { SyntaxNode, SyntaxTree } from '../syntax/syntaxNode';
import { RULES } from '../rules/registry';
import type { NotebookContext, Rule } from '../rules/rule';
import { buildModuleFacts, type ModuleFacts } from '../model/facts';
import { fileNoqa, noqaOnLineOf } from './noqa';
import { nodeRange } from '../syntax/ranges';
import type { Finding, Severity } from '../rules/types';

export interface AnalysisOptions {
  /** Rule codes or prefixes to run (ruff style: `SPG`, `SPG00`, `SPG001`). Default: all. */
  select?: readonly string[];
  /** Rule codes or prefixes to skip; wins over select. */
  ignore?: readonly string[];
  /** Per-rule severity overrides. */
  severity?: Readonly<Record<string, Severity>>;
  /** The text is a notebook's cells as one program: notebook rules run, script rules do not. */
  notebook?: NotebookContext;
}

export interface Analysis {
  text: string;
  tree: SyntaxTree;
  facts: ModuleFacts;
  /** Findings in document order, after select/ignore and noqa. */
  findings: Finding[];
}

/** The analysis core: source text and its tree in, facts and findings out. No I/O, no editor types. */
export function analyze(source: { text: string; tree: SyntaxTree }, options: AnalysisOptions = {}): Analysis {
  return analyzeFacts(source, buildModuleFacts(source.tree.rootNode, source.text), options);
}

/** The same with the facts of this text and tree already built (other rules run on facts an analysis made). */
export function analyzeFacts(source: { text: string; tree: SyntaxTree }, facts: ModuleFacts, options: AnalysisOptions = {}): Analysis {
  const { text, tree } = source;
  const silenced = fileNoqa(text);
  const findings: Finding[] = [];
  const context = { notebook: options.notebook };
  for (const rule of enabledRules(options)) {
    if (silenced === 'all' || silenced.has(rule.code) || !appliesTo(rule, options)) continue;
    for (const found of rule.check(facts, context)) {
      const finding: Finding = {
        code: rule.code,
        rule: rule.name,
        message: found.message,
        severity: options.severity?.[rule.code] ?? found.severity ?? rule.defaultSeverity,
        range: nodeRange(found.node),
        related: found.related ?? [],
        ...(found.data ? { data: found.data } : {}),
      };
      if (!isSuppressedOnLine(tree.rootNode, text, found.node.startIndex, finding.code)) findings.push(finding);
    }
  }
  findings.sort(compareFindings);
  return { text, tree, facts, findings };
}

export function enabledRules(options: Pick<AnalysisOptions, 'select' | 'ignore'>): Rule[] {
  const matches = (code: string, prefixes: readonly string[]) =>
    prefixes.some((prefix) => prefix.toUpperCase() === 'ALL' || code.startsWith(prefix.toUpperCase()));
  return RULES.filter(
    (rule) => (!options.select || matches(rule.code, options.select)) && !(options.ignore && matches(rule.code, options.ignore)),
  );
}

/** Script rules never run on a notebook, notebook rules only there. */
function appliesTo(rule: Rule, options: AnalysisOptions): boolean {
  const kind = rule.appliesTo ?? 'script';
  return kind === 'any' || (kind === 'notebook') === (options.notebook !== undefined);
}

/** A `# noqa` on the line where the finding's node starts (the line its range starts on) silences `code`. */
function isSuppressedOnLine(root: SyntaxNode, text: string, offset: number, code: string): boolean {
  const codes = noqaOnLineOf(root, text, offset);
  return codes === 'all' || (codes !== undefined && codes.has(code));
}

function compareFindings(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code);
}

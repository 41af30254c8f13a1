import type { SyntaxNode } from '../syntax/syntaxNode';
import type { ModuleFacts } from '../model/facts';
import type { RelatedLocation, RuleCode, Severity } from './types';

/** Documentation of a rule: the one place the README, the CLI and the server's hover read it from. */
export interface RuleDocs {
  /** One line: what is reported. */
  summary: string;
  /** Markdown: what happens under spawn and why. */
  explanation: string;
  /** A small script that has the hazard, and the same script fixed. */
  example: { bad: string; good: string };
  /** Markdown: how to fix it (by hand and with the offered fix). */
  fix: string;
  /** The CPython documentation section the rule rests on (the rule's own page is `ruleDocsUrl(code)`). */
  url: string;
}

export interface Rule {
  code: RuleCode;
  /** kebab-case name, e.g. `unguarded-start`. */
  name: string;
  defaultSeverity: Severity;
  docs: RuleDocs;
  /**
   * Text a file must contain for this rule to find anything in it (any one of them, case-sensitive).
   * The CLI skips files that contain none of any enabled rule's strings without parsing them, so the
   * list must be complete: a rule that can fire without one of these strings is a bug.
   */
  mentions: readonly string[];
  /**
   * What the rule reads: `script` rules (the default) assume a main module that children re-import, so
   * they never run on a notebook, where no cell is re-run and a main guard changes nothing; `notebook`
   * rules run only on notebooks; `any` on both.
   */
  appliesTo?: 'script' | 'notebook' | 'any';
  /**
   * `project`: the findings need other files of the project (a build file), so the project layer makes them
   * (server/src/project) and `check` returns none; their fixtures are test/fixtures/projects cases.
   */
  foundBy?: 'project';
  check(facts: ModuleFacts, context: RuleContext): RuleFinding[];
}

/** What a rule may know beyond the module's facts. */
export interface RuleContext {
  /** Set when the module is a notebook's cells joined into one program. */
  notebook?: NotebookContext;
}

/** A notebook as the rules see it (built by server/src/notebook). */
export interface NotebookContext {
  /** The 1-based number of the cell holding a program line (as Jupyter and VS Code number cells). */
  cellNumberOf(line: number): number;
  /** The facts of a module the notebook can import by name (a `%%writefile` cell, or a file next to it), if known. */
  moduleFacts(name: string): ModuleFacts | undefined;
}

/** What a rule reports; analyze() turns it into a Finding (ranges, severity overrides, noqa). */
export interface RuleFinding {
  node: SyntaxNode;
  message: string;
  /** Only for rules whose severity depends on the case (SPG007); otherwise the configured one applies. */
  severity?: Severity;
  related?: RelatedLocation[];
  data?: Record<string, unknown>;
}

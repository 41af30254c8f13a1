import { PROCESS_MODULES } from '../model/api';
import { importMentionPatterns } from '../project/scan';
import type { Rule } from '../rules/rule';

/**
 * The text prefilter. A rule can only fire on text that contains one of its `mentions`, so a file that
 * mentions nothing of any enabled rule is skipped without parsing, and a file that is parsed is analysed
 * only with the rules it mentions something of. Safe by construction, as long as the mentions are
 * complete (the rule contract; test/cli/prefilter.test.ts checks it against every fixture).
 */

/** An enabled rule's code and mentions: plain data, sent to the worker threads. */
export interface RuleMentions {
  code: string;
  mentions: readonly string[];
}

export function prefilterFor(rules: readonly Rule[]): RuleMentions[] {
  return rules.map((rule) => ({ code: rule.code, mentions: rule.mentions }));
}

/**
 * An import statement that names a module processes come from (`import multiprocessing as mp`,
 * `from concurrent.futures import …`, `from joblib import Parallel`, `import os, \\⏎ multiprocessing`,
 * `from x import (⏎ multiprocessing)`). The model knows process APIs only through such imports
 * (model/values.ts resolves every process object from an import binding), so a file without one
 * cannot produce a finding. Loose on purpose: the same words in a docstring only cost a parse.
 */
const PROCESS_MODULE_IMPORTS = importMentionPatterns(PROCESS_MODULES);

export function importsProcessModule(text: string): boolean {
  return PROCESS_MODULE_IMPORTS.some((pattern) => pattern.test(text));
}

/** The codes of the rules that may fire on `text`. A rule without mentions may fire on any text. */
export function rulesThatMayFire(text: string, rules: readonly RuleMentions[]): string[] {
  if (!importsProcessModule(text)) return rules.filter((rule) => rule.mentions.length === 0).map((rule) => rule.code);
  // Rules share most of their mentions: look each one up once.
  const found = new Map<string, boolean>();
  const occurs = (mention: string) => {
    let hit = found.get(mention);
    if (hit === undefined) found.set(mention, (hit = text.includes(mention)));
    return hit;
  };
  return rules.filter((rule) => rule.mentions.length === 0 || rule.mentions.some(occurs)).map((rule) => rule.code);
}

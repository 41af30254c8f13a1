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

/** The codes of the rules that may fire on `text`. A rule without mentions may fire on any text. */
export function rulesThatMayFire(text: string, rules: readonly RuleMentions[]): string[] {
  // Rules share most of their mentions: look each one up once.
  const found = new Map<string, boolean>();
  const occurs = (mention: string) => {
    let hit = found.get(mention);
    if (hit === undefined) found.set(mention, (hit = text.includes(mention)));
    return hit;
  };
  return rules.filter((rule) => rule.mentions.length === 0 || rule.mentions.some(occurs)).map((rule) => rule.code);
}

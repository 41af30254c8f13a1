import type { Rule } from '../rules/rule';

/**
 * The text prefilter: a file that contains none of the enabled rules' `mentions` cannot produce a
 * finding, so it is skipped without parsing. Null means every file must be parsed (a rule declared no
 * mentions, or the prefilter is turned off).
 */
export type Mentions = readonly string[] | null;

export function mentionsOf(rules: readonly Rule[]): Mentions {
  const all = new Set<string>();
  for (const rule of rules) {
    // A rule without mentions could fire on any text: nothing may be skipped.
    if (rule.mentions.length === 0) return null;
    for (const mention of rule.mentions) all.add(mention);
  }
  return [...all];
}

/** False only when `text` cannot hold a finding of the rules `mentions` came from. */
export function mayHaveFindings(text: string, mentions: Mentions): boolean {
  return mentions === null || mentions.some((mention) => text.includes(mention));
}

import type { Rule } from './rule';

/** Every rule, in code order. One file per rule; adding a rule means adding it here. */
export const RULES: readonly Rule[] = [];

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((rule) => rule.code === code);
}

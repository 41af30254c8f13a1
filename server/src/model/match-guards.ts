import type { SyntaxNode } from '../syntax/syntaxNode';
import { stringLiteralValue, syntaxChildren } from '../syntax/queries';
import { comparesNameWithMain, verdictOf, type Guard } from './guards';

/** Three-valued truth: `undefined` when the pattern's outcome depends on something else than `__name__`. */
type Truth = boolean | undefined;

/** `__name__` in the parent, in a spawned child, and in a module that imports the file (any other name). */
const WORLDS: readonly (string | undefined)[] = ['__main__', '__mp_main__', undefined];

/** `match __name__:` at the start of a line: the only text that can hold a match guard. */
const MATCH_ON_NAME = /^[ \t]*match[ \t]+\(?[ \t]*__name__\b/m;

/**
 * Main guards written as `match __name__:` cases. A case runs in a world when its pattern matches the
 * world's `__name__` and no earlier case does; each case is judged like an `if` on that. `case "__main__":`
 * is a correct guard; `case "__main__" | "__mp_main__":` also runs in every spawned child.
 */
export function findMatchGuards(root: SyntaxNode, text: string): Guard[] {
  if (!MATCH_ON_NAME.test(text)) return [];
  const guards: Guard[] = [];
  for (const statement of root.descendantsOfType('match_statement')) {
    if (!statement || statement.hasError) continue;
    const subject = statement.childForFieldName('subject');
    if (subject?.type !== 'identifier' || subject.text !== '__name__') continue;
    const earlier: Truth[][] = [];
    for (const clause of statement.childForFieldName('body')?.namedChildren ?? []) {
      if (clause?.type !== 'case_clause') continue;
      const pattern = syntaxChildren(clause).find((child) => child.type === 'case_pattern');
      const consequence = clause.childForFieldName('consequence');
      if (!pattern || !consequence) continue;
      const hasCaseGuard = clause.childForFieldName('guard') !== null;
      const matches = WORLDS.map((name) => {
        const truth = patternMatches(pattern, name);
        return hasCaseGuard && truth !== false ? undefined : truth;
      });
      const runs = WORLDS.map((_, world) => and(earlier.map((previous) => not(previous[world])).concat(matches[world])));
      earlier.push(matches);
      const verdict = verdictOf(runs as [Truth, Truth, Truth], comparesNameWithMain(pattern));
      if (!verdict) continue;
      guards.push({
        node: clause,
        condition: pattern,
        form: 'match',
        verdict,
        body: consequence,
        guarded: [consequence],
        exact: runs[0] === true && runs[1] === false && runs[2] === false,
      });
    }
  }
  return guards;
}

/** Whether a case pattern matches the name (`undefined` for another module's name we do not know). */
function patternMatches(pattern: SyntaxNode, name: string | undefined): Truth {
  switch (pattern.type) {
    case 'case_pattern': {
      const parts = syntaxChildren(pattern);
      // `case _:` has no child: the wildcard.
      return parts.length === 0 ? true : parts.length === 1 ? patternMatches(parts[0], name) : undefined;
    }
    case 'string':
    case 'concatenated_string': {
      const value = stringLiteralValue(pattern);
      if (value === undefined) return undefined;
      if (name !== undefined) return value === name;
      return value === '__main__' || value === '__mp_main__' ? false : undefined;
    }
    case 'union_pattern': {
      const truths = syntaxChildren(pattern).map((alternative) => patternMatches(alternative, name));
      return truths.includes(true) ? true : truths.every((truth) => truth === false) ? false : undefined;
    }
    case 'as_pattern': {
      const inner = syntaxChildren(pattern)[0];
      return inner ? patternMatches(inner, name) : undefined;
    }
    case 'dotted_name':
      // A bare name captures anything; a dotted one is a value compared with `==`.
      return syntaxChildren(pattern).length === 1 ? true : undefined;
    default:
      return undefined;
  }
}

function not(truth: Truth): Truth {
  return truth === undefined ? undefined : !truth;
}

function and(truths: readonly Truth[]): Truth {
  if (truths.includes(false)) return false;
  return truths.every((truth) => truth === true) ? true : undefined;
}

/** `guards` with the file's match guards among them, in document order. */
export function withMatchGuards(guards: Guard[], root: SyntaxNode, text: string): Guard[] {
  const found = findMatchGuards(root, text);
  return found.length === 0 ? guards : [...guards, ...found].sort((a, b) => a.node.startIndex - b.node.startIndex);
}

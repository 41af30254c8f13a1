import type { SyntaxNode } from '../syntax/syntaxNode';
import type { LocationMapper, ReportedFinding } from './report';

/** The code a file that does not parse is reported under (ruff reports these as `SyntaxError: …` too). */
export const SYNTAX_ERROR_CODE = 'syntax-error';

/**
 * The first ERROR or MISSING node of a tree that has one, found by descending into the first child that
 * holds an error (a loop, not recursion: the tree of a deeply nested file is deep).
 */
export function firstSyntaxError(root: SyntaxNode): SyntaxNode | undefined {
  if (!root.hasError) return undefined;
  let node = root;
  for (;;) {
    if (node.type === 'ERROR' || node.isMissing) return node;
    let next: SyntaxNode | undefined;
    for (let i = 0; i < node.childCount && !next; i++) {
      const child = node.child(i);
      if (child && (child.hasError || child.isMissing || child.type === 'ERROR')) next = child;
    }
    if (!next) return node;
    node = next;
  }
}

/** The grammar also reads Python 2's `print x` and `exec code`, which Python 3 rejects. */
const PYTHON2_STATEMENTS = ['print_statement', 'exec_statement'];

function python2Statement(root: SyntaxNode): SyntaxNode | undefined {
  return root.descendantsOfType(PYTHON2_STATEMENTS)[0] ?? undefined;
}

/**
 * A file with syntax errors as one finding, so every output shows it and it is never "All checks
 * passed": a Python 2 file or a typo. Findings in the parts that parsed are reported beside it.
 */
export function syntaxErrorFinding(file: string, mapper: LocationMapper, root: SyntaxNode): ReportedFinding | undefined {
  const node = firstSyntaxError(root) ?? python2Statement(root);
  if (!node) return undefined;
  const start = { line: node.startPosition.row, character: node.startPosition.column };
  const end = node.isMissing ? start : { line: node.endPosition.row, character: node.endPosition.column };
  const snippet = node.text.split(/\r?\n/, 1)[0].slice(0, 40);
  const what = PYTHON2_STATEMENTS.includes(node.type)
    ? `\`${node.type.replace('_statement', '')}\` statement (Python 2)`
    : node.isMissing
      ? `expected \`${node.type}\``
      : snippet.trim() === ''
        ? 'invalid syntax'
        : `unexpected \`${snippet.trim()}\``;
  return {
    filename: file,
    code: SYNTAX_ERROR_CODE,
    rule: 'syntax-error',
    message: `SyntaxError: ${what}: the file does not parse as Python 3 (a Python 2 file?); only the parts that parsed were checked, and it gets no fixes`,
    severity: 'error',
    location: mapper.location(start),
    end_location: mapper.location(end),
    url: null,
    noqa_row: start.line + 1,
    fix: null,
    related: [],
  };
}

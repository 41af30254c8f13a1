import type { SyntaxNode } from '../syntax/syntaxNode';
import { nodeRange } from '../syntax/ranges';
import { callArguments, unparenthesize } from '../syntax/queries';
import type { ModuleFacts, WorkerReference } from '../model/facts';
import type { RelatedLocation } from './types';

/** CPython documentation sections the rules rest on. */
export const DOCS_URL = {
  safeMainImport: 'https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import',
  picklability: 'https://docs.python.org/3/library/multiprocessing.html#more-picklability',
  passResources: 'https://docs.python.org/3/library/multiprocessing.html#explicitly-pass-resources-to-child-processes',
  contexts: 'https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods',
} as const;

export const GUARD_TEXT = 'if __name__ == "__main__":';

/** What CPython raises when a child starts a process while it is still importing the main module. */
export const BOOTSTRAP_ERROR =
  'RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase';

/** Source text for a message: one line, at most `max` characters; calls keep their name and lose their arguments. */
export function codeText(node: SyntaxNode, max = 40): string {
  if (node.type === 'call') {
    const callee = node.childForFieldName('function');
    const args = node.childForFieldName('arguments');
    if (callee) {
      const empty = !args || args.namedChildren.every((child) => child === null || child.type === 'comment');
      return `${codeText(callee, max)}(${empty ? '' : '…'})`;
    }
  }
  const text = node.text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function related(node: SyntaxNode, message: string): RelatedLocation {
  return { range: nodeRange(node), message };
}

/** 1-based line of a node, for messages. */
export function lineOf(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

/**
 * A code example written as an indented template literal: the first line break and the indentation
 * common to all lines are removed, so examples read in the rule file as they read in the docs.
 */
export function python(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((text, part, index) => text + part + (index < values.length ? String(values[index]) : ''), '');
  const lines = raw
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '')
    .split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim().length > 0).map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** The callable a worker reference sends: its expression, or the `f` of `functools.partial(f, …)`; undefined for other calls. */
export function sentCallable(facts: ModuleFacts, reference: WorkerReference): SyntaxNode | undefined {
  const node = unparenthesize(reference.argument);
  if (node.type !== 'call') return node;
  const callee = node.childForFieldName('function');
  const value = callee ? facts.values.valueOf(callee, reference.scope) : undefined;
  const wrapped = callArguments(node).positional[0];
  return value?.kind === 'api' && value.api === 'partial' && wrapped ? unparenthesize(wrapped) : undefined;
}

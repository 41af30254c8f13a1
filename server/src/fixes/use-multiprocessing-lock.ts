/**
 * "Use the multiprocessing lock" (SPG012): a `threading.Lock()` (RLock, Condition, Event, Semaphore,
 * BoundedSemaphore, Barrier) sent to a child cannot be pickled, and would not be shared if it could. Its
 * creation becomes the `multiprocessing` class of the same name, which a child receives as an argument
 * and which still serves the parent's threads. `import multiprocessing` is added above the first
 * module-level `from multiprocessing import …` when the module has no name for the package; without
 * either import the fix is not offered.
 *
 * `safe`: the start failed under spawn before; the multiprocessing primitive has the same methods.
 */
import type { SyntaxNode } from '../syntax/syntaxNode';
import { nodeRange } from '../syntax/ranges';
import type { Range, TextEdit } from '../text/types';
import type { Analysis } from '../engine/analyze';
import type { FixProvider } from './fix';
import { nodeAtRange } from './placement';

interface UnpicklableData {
  kind?: string;
  originRange?: Range;
}

export const useMultiprocessingLockFix: FixProvider = {
  id: 'use-multiprocessing-lock',
  codes: ['SPG012'],
  provide({ analysis }, finding) {
    const data = finding.data as UnpicklableData | undefined;
    if (data?.kind !== 'thread-lock' || !data.originRange) return null;
    const { facts } = analysis;
    const creation = nodeAtRange(analysis.tree.rootNode, data.originRange, ['call']);
    const callee = creation?.childForFieldName('function');
    const qualified = callee ? facts.values.qualifiedName(callee, facts.values.scopeAt(callee)) : undefined;
    const primitive = qualified?.startsWith('threading.') ? qualified.slice('threading.'.length) : undefined;
    if (!callee || !primitive) return null;
    const module = multiprocessingName(analysis);
    if (!module) return null;
    const edits: TextEdit[] = [...module.edits, { range: nodeRange(callee), newText: `${module.name}.${primitive}` }];
    return { title: `Use \`multiprocessing.${primitive}()\``, applicability: 'safe', edits };
  },
};

/** The module-level name of the `multiprocessing` package, or the import that adds one. */
function multiprocessingName(analysis: Analysis): { name: string; edits: TextEdit[] } | undefined {
  const { facts } = analysis;
  let fromImport: SyntaxNode | undefined;
  for (const [name, bindings] of facts.moduleBindings) {
    for (const binding of bindings) {
      if (binding.kind !== 'import' || !facts.isImportTime(binding.statement)) continue;
      if (binding.qualified === 'multiprocessing' && bindings.length === 1) return { name, edits: [] };
      if (binding.statement.type === 'import_from_statement' && binding.statement.parent?.type === 'module') {
        const module = binding.statement.childForFieldName('module_name')?.text;
        if (module === 'multiprocessing' && (!fromImport || binding.statement.startIndex < fromImport.startIndex))
          fromImport = binding.statement;
      }
    }
  }
  if (!fromImport || facts.moduleBindings.has('multiprocessing')) return undefined;
  const start = { line: fromImport.startPosition.row, character: 0 };
  const eol = analysis.text.includes('\r\n') ? '\r\n' : '\n';
  return { name: 'multiprocessing', edits: [{ range: { start, end: start }, newText: `import multiprocessing${eol}` }] };
}

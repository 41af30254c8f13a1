import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffArrays } from 'diff';
import fc from 'fast-check';
import type { SyntaxNode as Node } from '../../server/src/syntax/syntaxNode';
import { analyze, type Analysis } from '../../server/src/engine/analyze';
import { computeLineStarts, offsetAt } from '../../server/src/text/lineIndex';
import type { PythonParser } from '../../server/src/syntax/parser';
import type { Finding } from '../../server/src/rules/types';
import type { Fix } from '../../server/src/fixes/types';
import { addMainGuard } from '../../server/src/fixes/add-main-guard';
import { applyEdits } from '../../server/src/fixes/edits';
import { fixAll } from '../../server/src/fixes/fix-all';
import { fixesFor } from '../../server/src/fixes/registry';
import { sharedParser } from '../helpers/parser';
import { propertyParameters } from '../helpers/property-runs';
import { pythonCompileErrors } from '../helpers/py-compile';
import { programTextArb } from '../helpers/python-programs';

/** A text a fix produced, kept for the one batch compile at the end of a property run. */
interface FixedText {
  what: string;
  original: string;
  fixed: string;
}

function withAnalysis<T>(parser: PythonParser, text: string, use: (analysis: Analysis) => T): T {
  const tree = parser.parse(text);
  try {
    return use(analyze({ text, tree }));
  } finally {
    tree.delete();
  }
}

/** A finding's rule and the code it points at, whitespace collapsed: what survives being moved and re-indented. */
function hazardKey(text: string, finding: Finding): string {
  const lineStarts = computeLineStarts(text);
  const code = text.slice(offsetAt(text, lineStarts, finding.range.start), offsetAt(text, lineStarts, finding.range.end));
  return `${finding.code} ${code.replace(/\s+/g, ' ').trim()}`;
}

function countHazard(analysis: Analysis, key: string): number {
  return analysis.findings.filter((finding) => hazardKey(analysis.text, finding) === key).length;
}

function comments(node: Node, into: string[] = []): string[] {
  // A comment token ends before \n but keeps the \r of a CRLF, which a moved last line may lose.
  if (node.type === 'comment') into.push(node.text.trimEnd());
  for (const child of node.children) if (child) comments(child, into);
  return into;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/**
 * The fix only moves statements: every non-blank line it removes comes back (re-indented at most)
 * among the lines it adds, except the lines of the finding it rewrites in place (a lambda replaced
 * by a name); and every comment of the file is still in it.
 */
function assertOnlyMoves(parser: PythonParser, original: string, fixed: string, rewritten?: Finding): void {
  const split = (text: string) => text.split(/\r\n|\r|\n/);
  const removed: string[] = [];
  const added: string[] = [];
  // The finding's lines may go, by content: where the file has the same line twice, the diff may show
  // the other one removed.
  const rewrittenLines = countBy(
    rewritten
      ? split(original)
          .slice(rewritten.range.start.line, rewritten.range.end.line + 1)
          .map((l) => l.trim())
          .filter((l) => l !== '')
      : [],
  );
  for (const change of diffArrays(split(original), split(fixed))) {
    if (change.added) added.push(...change.value.map((l) => l.trim()));
    else if (change.removed) {
      for (const l of change.value) {
        const trimmed = l.trim();
        const rewrittenLeft = rewrittenLines.get(trimmed) ?? 0;
        if (rewrittenLeft > 0) rewrittenLines.set(trimmed, rewrittenLeft - 1);
        else if (trimmed !== '') removed.push(trimmed);
      }
    }
  }
  const available = countBy(added);
  for (const lost of removed) {
    const left = available.get(lost) ?? 0;
    assert.ok(left > 0, `the fix changed or dropped the line ${JSON.stringify(lost)}`);
    available.set(lost, left - 1);
  }
  const before = withTree(parser, original, (root) => countBy(comments(root)));
  const after = withTree(parser, fixed, (root) => countBy(comments(root)));
  for (const [comment, count] of before) {
    assert.ok((after.get(comment) ?? 0) >= count, `the fix lost the comment ${JSON.stringify(comment)}`);
  }
}

function withTree<T>(parser: PythonParser, text: string, use: (root: Node) => T): T {
  const tree = parser.parse(text);
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/** Compiles every collected text in one python3 process; fails on the first whose original compiled. */
function assertAllCompile(cases: readonly FixedText[]): void {
  const errors = pythonCompileErrors(cases.flatMap((c) => [c.original, c.fixed]));
  cases.forEach((c, index) => {
    const [originalError, fixedError] = [errors[2 * index], errors[2 * index + 1]];
    assert.equal(originalError, null, `the generated program does not compile (${originalError}):\n${c.original}`);
    assert.equal(
      fixedError,
      null,
      `${c.what} gave text python3 rejects (${fixedError}):\n--- before\n${c.original}\n--- after\n${c.fixed}`,
    );
  });
}

describe('fixes on generated programs', () => {
  it('every offered fix compiles, removes its hazard, is not offered again, and only moves statements', async () => {
    const parser = await sharedParser();
    const compiled: FixedText[] = [];
    const offered = new Set<string>();
    fc.assert(
      fc.property(programTextArb, (text) => {
        withAnalysis(parser, text, (analysis) => {
          for (const finding of analysis.findings) {
            for (const fix of fixesFor(analysis, finding, parser)) {
              offered.add(fix.id);
              checkFix(parser, analysis, finding, fix, compiled);
            }
          }
        });
      }),
      propertyParameters(80),
    );
    assert.ok(offered.size >= 2, `the generated programs were offered too few kinds of fix: ${[...offered].join(', ')}`);
    assertAllCompile(compiled);
  });

  it('"Add main guard" compiles, leaves nothing to wrap, and only moves statements', async () => {
    const parser = await sharedParser();
    const compiled: FixedText[] = [];
    let wrapped = 0;
    fc.assert(
      fc.property(programTextArb, (text) => {
        const first = withAnalysis(parser, text, (analysis) => addMainGuard(analysis, parser));
        if ('error' in first) return;
        wrapped++;
        const fixed = applyEdits(text, first.fix.edits);
        assertOnlyMoves(parser, text, fixed);
        const second = withAnalysis(parser, fixed, (analysis) => addMainGuard(analysis, parser));
        if ('fix' in second) {
          assert.equal(applyEdits(fixed, second.fix.edits), fixed, `a second "Add main guard" changed the text:\n${fixed}`);
        }
        compiled.push({ what: 'Add main guard', original: text, fixed });
      }),
      propertyParameters(120),
    );
    assert.ok(wrapped > 0, 'the generator produced no program with script code to wrap');
    assertAllCompile(compiled);
  });

  it('fix-all compiles, keeps every comment, and a second fix-all changes nothing', async () => {
    const parser = await sharedParser();
    const compiled: FixedText[] = [];
    fc.assert(
      fc.property(programTextArb, fc.boolean(), (text, safeOnly) => {
        const once = fixAll(parser, text, { safeOnly });
        if (once.applied.length === 0) {
          assert.equal(once.text, text);
          return;
        }
        const twice = fixAll(parser, once.text, { safeOnly });
        assert.deepEqual(twice.applied, [], `fix-all was not done after one run:\n${once.text}`);
        assert.equal(twice.text, once.text);
        withTree(parser, once.text, (root) => assert.equal(root.hasError, false));
        const before = withTree(parser, text, (root) => countBy(comments(root)));
        const after = withTree(parser, once.text, (root) => countBy(comments(root)));
        for (const [comment, count] of before) assert.ok((after.get(comment) ?? 0) >= count, `fix-all lost ${comment}`);
        compiled.push({ what: `fix-all (${once.applied.map((a) => a.id).join(', ')})`, original: text, fixed: once.text });
      }),
      propertyParameters(60),
    );
    assertAllCompile(compiled);
  });
});

/**
 * The fix's result compiles (checked later, in the batch), parses, has fewer of the hazard, and only
 * moves statements. Applying the same fix again can only take the other instances of an identical
 * hazard (the same code at another place), each time one fewer, and then changes nothing more.
 */
function checkFix(parser: PythonParser, analysis: Analysis, finding: Finding, fix: Fix, compiled: FixedText[]): void {
  const what = `fix ${fix.id} for ${finding.code} at ${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
  const fixed = applyEdits(analysis.text, fix.edits);
  assert.notEqual(fixed, analysis.text, `${what} changes nothing`);
  // "Add main guard" moves whole statements; the others may rewrite the finding's own lines in place.
  assertOnlyMoves(parser, analysis.text, fixed, fix.id === 'add-main-guard' ? undefined : finding);
  compiled.push({ what, original: analysis.text, fixed });

  const key = hazardKey(analysis.text, finding);
  let remaining = countHazard(analysis, key);
  let text = fixed;
  const seen = new Set([analysis.text]);
  for (;;) {
    const next = withAnalysis(parser, text, (after) => {
      assert.equal(after.tree.rootNode.hasError, false, `${what} gave text that does not parse:\n${text}`);
      const count = countHazard(after, key);
      assert.ok(count < remaining, `${what} left the hazard in place:\n${text}`);
      remaining = count;
      for (const other of after.findings) {
        if (hazardKey(text, other) !== key) continue;
        const again = fixesFor(after, other, parser).find((candidate) => candidate.id === fix.id);
        if (again) return applyEdits(text, again.edits);
      }
      return undefined;
    });
    if (next === undefined) break;
    assert.ok(!seen.has(next), `${what} applied again brings back an earlier text:\n${next}`);
    seen.add(text);
    text = next;
  }
}

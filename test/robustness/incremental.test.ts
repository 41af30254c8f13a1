import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../server/src/engine/analyze';
import { ParsedDocument } from '../../server/src/syntax/document';
import type { PythonParser } from '../../server/src/syntax/parser';
import type { Finding } from '../../server/src/rules/types';
import type { Range } from '../../server/src/text/types';
import { sharedParser } from '../helpers/parser';
import { propertyParameters } from '../helpers/property-runs';
import { editSpan, programTextArb, randomEditArb, type RandomEdit } from '../helpers/python-programs';

/** The findings a fresh parse of `text` gives: what the CLI reports and what reopening the file shows. */
function freshFindings(parser: PythonParser, text: string): Finding[] {
  const tree = parser.parse(text);
  try {
    return analyze({ text, tree }).findings;
  } finally {
    tree.delete();
  }
}

/**
 * What the document promises after edits: a tree without errors is the fresh parse's tree as it is;
 * any tree is after `settle()`, which must leave nothing to do when called again.
 */
function settleAndCompare(parser: PythonParser, document: ParsedDocument): void {
  if (document.settled) assert.equal(document.readTree().rootNode.hasError, false, 'only a tree without errors is settled after an edit');
  document.settle();
  assert.equal(document.settled, true);
  assert.equal(document.settle(), false, 'a settled document settles to itself');
  const fresh = parser.parse(document.text);
  try {
    assert.equal(document.readTree().rootNode.toString(), fresh.rootNode.toString(), 'the settled tree differs from a fresh one');
  } finally {
    fresh.delete();
  }
}

/** Applies `edits` one by one, as an editor sends them, checking each against the LSP text model. */
function applyRandomEdits(document: ParsedDocument, edits: readonly RandomEdit[], afterEach?: () => void): void {
  for (const edit of edits) {
    const { start, end } = editSpan(document.text, edit);
    const range: Range = { start: document.positionAt(start), end: document.positionAt(end) };
    // The LSP library's own text model is the reference for what an edit at these positions does.
    const expected = TextDocument.applyEdits(TextDocument.create('file:///x.py', 'python', 0, document.text), [
      { range, newText: edit.insert },
    ]);
    document.applyEdit(range, edit.insert);
    assert.equal(document.text, expected, 'the edited text differs from what the LSP text model gives');
    afterEach?.();
  }
}

describe('incremental analysis agrees with a fresh parse', () => {
  it('gives, after any sequence of edits, the findings a fresh parse of the final text gives', async () => {
    const parser = await sharedParser();
    fc.assert(
      fc.property(programTextArb, fc.array(randomEditArb, { minLength: 1, maxLength: 30 }), (text, edits) => {
        const document = new ParsedDocument(parser, text);
        try {
          applyRandomEdits(document, edits);
          settleAndCompare(parser, document);
          assert.deepEqual(analyze({ text: document.text, tree: document.readTree() }).findings, freshFindings(parser, document.text));
        } finally {
          document.dispose();
        }
      }),
      propertyParameters(150),
    );
  });

  it('agrees after every single edit once settled, not only at the end of a sequence', async () => {
    const parser = await sharedParser();
    fc.assert(
      fc.property(programTextArb, fc.array(randomEditArb, { minLength: 1, maxLength: 12 }), (text, edits) => {
        const document = new ParsedDocument(parser, text);
        try {
          applyRandomEdits(document, edits, () => {
            settleAndCompare(parser, document);
            assert.deepEqual(analyze({ text: document.text, tree: document.readTree() }).findings, freshFindings(parser, document.text));
          });
        } finally {
          document.dispose();
        }
      }),
      propertyParameters(60),
    );
  });

  it('agrees when the whole text is replaced (full sync) after incremental edits', async () => {
    const parser = await sharedParser();
    fc.assert(
      fc.property(programTextArb, fc.array(randomEditArb, { maxLength: 8 }), programTextArb, (text, edits, replacement) => {
        const document = new ParsedDocument(parser, text);
        try {
          applyRandomEdits(document, edits);
          document.setText(replacement);
          assert.equal(document.text, replacement);
          settleAndCompare(parser, document);
          assert.deepEqual(analyze({ text: document.text, tree: document.readTree() }).findings, freshFindings(parser, replacement));
        } finally {
          document.dispose();
        }
      }),
      propertyParameters(60),
    );
  });
});

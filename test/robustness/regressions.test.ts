import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { ParsedDocument } from '../../server/src/syntax/document';
import { sharedParser } from '../helpers/parser';

/** Failing cases the property tests found once, kept as plain tests. */
describe('regressions found by the property tests', () => {
  it('an edit that leaves the code broken is unsettled, and settling gives the tree and findings of a fresh parse', async () => {
    // Found by incremental.test.ts: tree-sitter's incremental error recovery put the Pool call inside
    // the guard's broken block differently than a fresh parse did, and SPG001 appeared only while typing.
    // The server keeps the incremental tree while typing and settles the document once typing pauses.
    const parser = await sharedParser();
    const before = 'from multiprocessing import Pool\nif __name__ == "__main__":\n\tif _!="":\n\t"""i';
    const after = '\tPool(2).map(abs, [1])\n';
    const document = new ParsedDocument(parser, before + after);
    const fresh = parser.parse(before + '":\n ' + after);
    try {
      const at = document.positionAt(before.length);
      document.applyEdit({ start: at, end: at }, '":\n ');
      assert.equal(document.text, before + '":\n ' + after);
      assert.equal(document.settled, false);
      assert.notEqual(
        document.readTree().rootNode.toString(),
        fresh.rootNode.toString(),
        'tree-sitter now recovers this edit as a fresh parse does',
      );
      assert.equal(document.settle(), true, 'settling replaces the incremental tree');
      assert.equal(document.settled, true);
      assert.equal(document.readTree().rootNode.toString(), fresh.rootNode.toString());
      assert.deepEqual(
        analyze({ text: document.text, tree: document.readTree() }).findings,
        analyze({ text: document.text, tree: fresh }).findings,
      );
    } finally {
      fresh.delete();
      document.dispose();
    }
  });

  it('a name with no text (a MISSING identifier) is resolved without searching the text forever', async () => {
    // Found by memo.test.ts with a random seed: the resolver looked up the empty name of a MISSING
    // identifier (`.start()` left without its object), and the word search of '' never ended.
    const parser = await sharedParser();
    const text =
      '"""A script that uses multiprocessing."""\nimport threading  #\u00e9 noqa\nimport funct\'ools\nimport os, sys\ndef setup(pool=mp.Pool(2)):\n\treturn pool\nclass Ping=Process):\n\tinterval = 1\n\tdef """\twork(self.interval)\nwhile False:\n\tdef main():\n\t\tProcess(target=lambda: None).start()  #\ud83d\udc0d a "quoted" note\n\t\'\t# spawn-guard: noqa\n\t\tThreadPool(2).map(work, DATA)  #\\oqa\n\nrun()\ndef trae(fn):\n\tdef wrapper(*args, **kwargs):\n\t\treturn fn(*args, **kwargs)\n\treturn wrapper\nif __name__ in ("__main__", "__mp_main__"):\n\t    .start()\n';
    const tree = parser.parse(text);
    try {
      assert.ok(tree.rootNode.toString().includes('(MISSING identifier)'), 'the text still has a MISSING identifier');
      assert.ok(Array.isArray(analyze({ text, tree }).findings));
    } finally {
      tree.delete();
    }
  });
});

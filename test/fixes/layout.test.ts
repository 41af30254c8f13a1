import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceLayout } from '../../server/src/fixes/layout';
import { sharedParser } from '../helpers/parser';

async function layoutOf(text: string): Promise<SourceLayout> {
  const parser = await sharedParser();
  const tree = parser.parse(text);
  try {
    return new SourceLayout(text, tree.rootNode);
  } finally {
    tree.delete();
  }
}

describe('SourceLayout', () => {
  it('detects the indentation step the file uses most, tabs, and a default', async () => {
    assert.equal((await layoutOf('if a:\n  b\n  if c:\n    d\nif e:\n        f\n')).indentUnit, '  ');
    assert.equal((await layoutOf('def f():\n\tif a:\n\t\treturn 1\n')).indentUnit, '\t');
    assert.equal((await layoutOf('x = 1\n')).indentUnit, '    ');
    assert.equal((await layoutOf('if a: b\n')).indentUnit, '    ');
  });

  it('uses the first line break of the file for the lines it adds', async () => {
    assert.equal((await layoutOf('a = 1\r\nb = 2\n')).eol, '\r\n');
    assert.equal((await layoutOf('a = 1\rb = 2\r')).eol, '\r');
    assert.equal((await layoutOf('a = 1')).eol, '\n');
  });

  it('re-indents code but never the inside of a multi-line string', async () => {
    const text = 'def f():\n    s = """one\n    two"""\n\n    return s\n';
    const layout = await layoutOf(text);
    assert.equal(layout.reindent(1, 4, 4, ''), 's = """one\n    two"""\n\nreturn s\n');
    assert.equal(layout.reindent(1, 2, 0, '\t'), '\t    s = """one\n    two"""\n');
    assert.equal(layout.isCommentOnly(2), false);
  });
});

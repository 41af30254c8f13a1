import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandTarget, documentName } from '../../server/src/lsp/commands';

describe('command arguments', () => {
  it('reads the forms clients send', () => {
    assert.deepEqual(commandTarget([{ uri: 'file:///a.py', version: 3 }]), { uri: 'file:///a.py', version: 3 });
    assert.deepEqual(commandTarget([{ uri: 'file:///a.py' }]), { uri: 'file:///a.py' });
    assert.deepEqual(commandTarget(['file:///a.py']), { uri: 'file:///a.py' });
    assert.deepEqual(commandTarget(['file:///a.py', 7]), { uri: 'file:///a.py', version: 7 });
  });

  it('refuses anything else', () => {
    for (const args of [undefined, [], [null], [42], [{ path: '/a.py' }], [{ uri: 1 }]]) {
      assert.equal(commandTarget(args as unknown[] | undefined), undefined, JSON.stringify(args));
    }
  });

  it('names documents for messages', () => {
    assert.equal(documentName('file:///home/me/my%20script.py'), 'my script.py');
    assert.equal(documentName('untitled:Untitled-1'), 'untitled:Untitled-1');
    assert.equal(documentName('file:///x/bad%E0.py'), 'bad%E0.py');
  });
});

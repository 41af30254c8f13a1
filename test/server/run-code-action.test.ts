import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { reproduceAction } from '../../server/src/lsp/runCodeAction';
import { RUN_UNDER_SPAWN_COMMAND } from '../../server/src/shared/protocol';
import { sharedParser } from '../helpers/parser';
import { UNGUARDED } from './sources';

describe('"Reproduce under spawn" code action', () => {
  async function findingsOf(text: string) {
    const parser = await sharedParser();
    const tree = parser.parse(text);
    try {
      return analyze({ text, tree }).findings;
    } finally {
      tree.delete();
    }
  }

  it("runs the client's command on the file, beside the finding", async () => {
    const findings = await findingsOf(UNGUARDED);
    const diagnostics = findings.map((finding) => toDiagnostic(finding, 'file:///w/job.py'));
    const action = reproduceAction('file:///w/job.py', findings, diagnostics);
    assert.deepEqual(action?.command, {
      title: 'Reproduce under spawn',
      command: RUN_UNDER_SPAWN_COMMAND,
      arguments: ['file:///w/job.py'],
    });
    assert.equal(action?.edit, undefined);
    assert.deepEqual(action?.diagnostics, diagnostics);
  });

  it('is not offered for an unsaved buffer or without a current finding', async () => {
    const findings = await findingsOf(UNGUARDED);
    const diagnostics = findings.map((finding) => toDiagnostic(finding, 'untitled:Untitled-1'));
    assert.equal(reproduceAction('untitled:Untitled-1', findings, diagnostics), undefined);
    assert.equal(reproduceAction('file:///w/job.py', [], diagnostics), undefined);
  });
});

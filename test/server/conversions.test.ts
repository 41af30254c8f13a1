import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Severity } from '../../server/src/rules/types';
import { ruleByCode } from '../../server/src/rules/registry';
import { findingForDiagnostic, toDiagnostic } from '../../server/src/lsp/diagnostics';
import { hoverAt } from '../../server/src/lsp/hover';

function finding(code: string, line: number, severity: Severity = 'error'): Finding {
  return {
    code: code as Finding['code'],
    rule: ruleByCode(code)?.name ?? 'unknown',
    message: `${code} message`,
    severity,
    range: { start: { line, character: 4 }, end: { line, character: 12 } },
    related: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, message: 'started here' }],
    data: { kind: 'pool' },
  };
}

describe('toDiagnostic', () => {
  it('carries source, code, documentation link, related locations and the finding data', () => {
    const diagnostic = toDiagnostic(finding('SPG001', 3), 'file:///a.py');
    assert.deepEqual(diagnostic, {
      range: { start: { line: 3, character: 4 }, end: { line: 3, character: 12 } },
      severity: 1,
      source: 'spawn-guard',
      code: 'SPG001',
      codeDescription: { href: 'https://github.com/spawn-guard/spawn-guard/blob/main/docs/rules/SPG001.md' },
      message: 'SPG001 message',
      relatedInformation: [
        {
          location: { uri: 'file:///a.py', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } } },
          message: 'started here',
        },
      ],
      data: { rule: 'unguarded-start', finding: { kind: 'pool' } },
    });
  });

  it('maps the four severities', () => {
    const severities: Severity[] = ['error', 'warning', 'info', 'hint'];
    assert.deepEqual(
      severities.map((severity) => toDiagnostic(finding('SPG008', 0, severity), 'file:///a.py').severity),
      [1, 2, 3, 4],
    );
  });

  it('is matched back to its finding by code and range only', () => {
    const findings = [finding('SPG001', 3), finding('SPG008', 5)];
    const diagnostic = toDiagnostic(findings[1], 'file:///a.py');
    assert.equal(findingForDiagnostic(findings, diagnostic), findings[1]);
    assert.equal(findingForDiagnostic(findings, { ...diagnostic, code: 'SPG001' }), undefined);
    assert.equal(findingForDiagnostic(findings, { ...diagnostic, source: 'ruff' }), undefined);
    assert.equal(
      findingForDiagnostic(findings, { ...diagnostic, range: { ...diagnostic.range, end: { line: 5, character: 13 } } }),
      undefined,
    );
  });
});

describe('hoverAt', () => {
  it('explains each rule once, with its example, for the findings under the position', () => {
    const findings = [finding('SPG001', 3), finding('SPG001', 3), finding('SPG008', 3)];
    const hover = hoverAt(findings, { line: 3, character: 12 });
    const markdown = (hover!.contents as { value: string }).value;
    assert.equal(markdown.match(/\*\*unguarded-start \(SPG001\)\*\*/g)?.length, 1);
    assert.match(markdown, /\*\*import-side-effect \(SPG008\)\*\*/);
    assert.match(markdown, /\n---\n/);
    assert.ok(markdown.includes(ruleByCode('SPG001')!.docs.example.bad.trim()));
    assert.deepEqual(hover!.range, findings[0].range);
  });

  it('is null beside the findings', () => {
    assert.equal(hoverAt([finding('SPG001', 3)], { line: 3, character: 13 }), null);
    assert.equal(hoverAt([finding('SPG001', 3)], { line: 2, character: 5 }), null);
    assert.equal(hoverAt([], { line: 0, character: 0 }), null);
  });
});

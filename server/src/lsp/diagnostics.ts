import { pathToFileURL } from 'node:url';
import { DIAGNOSTIC_SOURCE } from '../shared/protocol';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Finding, Severity } from '../rules/types';
import { ruleByCode } from '../engine/catalog';
import { ruleDocsUrl } from '../rules/docs-url';
import { sameRange } from '../syntax/ranges';

/** The `source` of every diagnostic the server publishes. */
export { DIAGNOSTIC_SOURCE };

/**
 * What `Diagnostic.data` holds: the rule name and the finding's own data. Nothing version-specific, so the
 * same text always gets the same diagnostics; code actions match a diagnostic to a finding of the
 * document's current analysis (code and range) and compute their edits from that.
 */
export interface DiagnosticData {
  rule: string;
  finding?: Record<string, unknown>;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding, uri: string): Diagnostic {
  const url = ruleByCode(finding.code) ? ruleDocsUrl(finding.code) : undefined;
  const data: DiagnosticData = { rule: finding.rule, ...(finding.data ? { finding: finding.data } : {}) };
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    ...(url ? { codeDescription: { href: url } } : {}),
    message: finding.message,
    relatedInformation: finding.related.map((related) => ({
      location: { uri: related.file ? pathToFileURL(related.file).href : uri, range: related.range },
      message: related.message,
    })),
    data,
  };
}

/** The finding a diagnostic stands for, matched by code and exact range in a fresh analysis. */
export function findingForDiagnostic(findings: readonly Finding[], diagnostic: Diagnostic): Finding | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  return findings.find((finding) => finding.code === diagnostic.code && sameRange(finding.range, diagnostic.range));
}

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Finding, Range, Severity } from '../analysis/types';
import { ruleByCode } from '../rules/registry';

/** The `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'spawn-guard';

/** What `Diagnostic.data` holds: the finding's own data, the rule name, and the version it was computed for. */
export interface DiagnosticData {
  /** Document version the finding was computed for; code actions refuse diagnostics of another version. */
  version: number;
  rule: string;
  finding?: Record<string, unknown>;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding, uri: string, version: number): Diagnostic {
  const url = ruleByCode(finding.code)?.docs.url;
  const data: DiagnosticData = { version, rule: finding.rule, ...(finding.data ? { finding: finding.data } : {}) };
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    ...(url ? { codeDescription: { href: url } } : {}),
    message: finding.message,
    relatedInformation: finding.related.map((related) => ({
      location: { uri, range: related.range },
      message: related.message,
    })),
    data,
  };
}

/** The version a diagnostic of ours was computed for, if it says. */
export function diagnosticVersion(diagnostic: Diagnostic): number | undefined {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  return typeof data?.version === 'number' ? data.version : undefined;
}

/** The finding a diagnostic stands for, matched by code and exact range in a fresh analysis. */
export function findingForDiagnostic(findings: readonly Finding[], diagnostic: Diagnostic): Finding | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  return findings.find((finding) => finding.code === diagnostic.code && sameRange(finding.range, diagnostic.range));
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../../rules/types';
import { RULES } from '../../engine/catalog';
import type { Rule } from '../../rules/rule';
import { ruleDocsUrl } from '../../rules/docs-url';
import type { StreamWriter } from '../output';
import type { FileReport, Location, ReportedFinding } from '../report';
import { formatRuleDocs } from '../../docs/rule-docs';
import { packageVersion } from '../version';
import type { Reporter, RunSummary } from './reporter';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SOURCE_ROOT = '%SRCROOT%';
const LEVELS: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * SARIF 2.1.0 for code-scanning upload: one run whose driver lists every rule with its documentation,
 * and one result per finding (locations relative to the working directory, related locations, fixes).
 * Results are written as the files come; the run's invocation (with unreadable files) closes it.
 */
export class SarifReporter implements Reporter {
  private written = 0;
  private readonly ruleIndex = new Map<string, number>(RULES.map((rule, index) => [rule.code, index]));

  constructor(
    private readonly out: StreamWriter,
    private readonly cwd: string,
  ) {
    const driver = { name: 'spawn-guard', version: packageVersion(), semanticVersion: packageVersion(), rules: RULES.map(sarifRule) };
    this.out.write(
      `{\n  "$schema": ${JSON.stringify(SCHEMA)},\n  "version": "2.1.0",\n  "runs": [\n    {\n` +
        `${runProperty('tool', { driver })},\n` +
        `${runProperty('originalUriBaseIds', { [SOURCE_ROOT]: { uri: directoryUri(cwd) } })},\n` +
        `${runProperty('columnKind', 'unicodeCodePoints')},\n` +
        `      "results": [`,
    );
  }

  file(report: FileReport): void {
    const artifact = this.artifactLocation(report.path);
    for (const finding of report.findings) {
      const result = {
        ruleId: finding.code,
        ruleIndex: this.ruleIndex.get(finding.code),
        level: LEVELS[finding.severity],
        message: { text: finding.message },
        locations: [{ physicalLocation: { artifactLocation: artifact, region: region(finding.location, finding.end_location) } }],
        ...(finding.related.length > 0
          ? {
              relatedLocations: finding.related.map((related, id) => ({
                id,
                message: { text: related.message },
                physicalLocation: {
                  artifactLocation: related.filename ? this.artifactLocation(related.filename) : artifact,
                  region: region(related.location, related.end_location),
                },
              })),
            }
          : {}),
        ...(finding.fix ? { fixes: [sarifFix(finding, artifact)] } : {}),
        // A notebook's rows are rows of this cell (the file itself is JSON).
        ...(finding.cell !== undefined ? { properties: { cell: finding.cell } } : {}),
      };
      this.out.write(`${this.written === 0 ? '\n' : ',\n'}        ${JSON.stringify(result)}`);
      this.written++;
    }
  }

  finish(summary: RunSummary): void {
    const invocation = {
      executionSuccessful: summary.ioErrors.length === 0,
      toolExecutionNotifications: summary.ioErrors.map((message) => ({ level: 'error', message: { text: message } })),
    };
    this.out.line(`${this.written > 0 ? '\n      ' : ''}],\n${runProperty('invocations', [invocation])}\n    }\n  ]\n}`);
  }

  private artifactLocation(file: string): { uri: string; uriBaseId?: string } {
    const relative = path.relative(this.cwd, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return { uri: pathToFileURL(file).href };
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SOURCE_ROOT };
  }
}

/** `"name": value` as a property of the run object, indented to its depth. */
function runProperty(name: string, value: unknown): string {
  return `      ${JSON.stringify(name)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n      ')}`;
}

function sarifRule(rule: Rule) {
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.docs.summary },
    fullDescription: { text: rule.docs.explanation },
    help: { text: formatRuleDocs(rule), markdown: formatRuleDocs(rule) },
    helpUri: ruleDocsUrl(rule.code),
    defaultConfiguration: { level: LEVELS[rule.defaultSeverity] },
  };
}

function sarifFix(finding: ReportedFinding, artifactLocation: { uri: string; uriBaseId?: string }) {
  const fix = finding.fix!;
  return {
    description: { text: fix.message },
    artifactChanges: [
      {
        artifactLocation,
        replacements: fix.edits.map((edit) => ({
          deletedRegion: region(edit.location, edit.end_location),
          insertedContent: { text: edit.content },
        })),
      },
    ],
  };
}

/** SARIF regions are 1-based with an exclusive end column, as ruff's locations are. */
function region(start: Location, end: Location) {
  return { startLine: start.row, startColumn: start.column, endLine: end.row, endColumn: end.column };
}

function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}

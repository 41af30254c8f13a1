import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, ConfigResolver, type SpawnGuardConfig } from '../../config/pyproject';
import { analyze } from '../../engine/analyze';
import { PythonParser } from '../../syntax/parser';
import { checkNotebook } from '../check-notebook';
import { emptyReport, LocationMapper } from '../report';
import { isNotebook } from './notebook';
import type { StaticFinding } from './related-findings';

/**
 * What `spawn-guard check` reports for the script or notebook, with the same configuration (the nearest
 * pyproject.toml's select, ignore and severity), so that a verdict can name the rule that predicted it.
 * Empty when the file cannot be read, or its configuration is invalid (`check` says why).
 */
export async function staticFindings(script: string): Promise<StaticFinding[]> {
  if (isNotebook(script)) return notebookFindings(script);
  let text: string;
  try {
    text = fs.readFileSync(script, 'utf8');
  } catch {
    return [];
  }
  const config = configFor(script);
  if (!config) return [];
  const parser = await PythonParser.create();
  const tree = parser.parse(text);
  try {
    const analysis = analyze({ text, tree }, { select: config.select, ignore: config.ignore, severity: config.severity });
    const mapper = new LocationMapper(text);
    return analysis.findings.map((finding) => {
      const { row, column } = mapper.location(finding.range.start);
      return { code: finding.code, rule: finding.rule, line: row, column, message: finding.message };
    });
  } finally {
    tree.delete();
  }
}

function configFor(script: string): SpawnGuardConfig | undefined {
  const resolver = new ConfigResolver((file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined));
  try {
    return resolver.forFile(script);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** A notebook's findings as `check` reports them: the notebook rules on its code cells, each in its cell. */
async function notebookFindings(notebook: string): Promise<StaticFinding[]> {
  const config = configFor(notebook);
  if (!config) return [];
  const parser = await PythonParser.create();
  const options = { select: config.select, ignore: config.ignore, severity: config.severity };
  const report = checkNotebook(
    parser,
    notebook,
    { options },
    { mode: 'check', cwd: path.dirname(notebook), unsafeFixes: false },
    emptyReport(notebook),
  );
  return report.findings.map((finding) => ({
    code: finding.code,
    rule: finding.rule,
    ...(finding.cell === undefined ? {} : { cell: finding.cell }),
    line: finding.location.row,
    column: finding.location.column,
    message: finding.message,
  }));
}

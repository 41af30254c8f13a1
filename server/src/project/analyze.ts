import { enabledRules, type Analysis, type AnalysisOptions } from '../engine/analyze';
import { ruleByCode } from '../engine/catalog';
import { fileNoqa, lineNoqa } from '../engine/noqa';
import type { Finding, RuleCode } from '../rules/types';
import { projectChecks, type ProjectFinding } from './checks';
import type { Project } from './project';
import { freezeSupportFinding, packagingOf } from './frozen';

/** The codes cross-file findings have (the same rules as in one file). */
export const PROJECT_CODES: readonly RuleCode[] = ['SPG001', 'SPG002', 'SPG005', 'SPG006', 'SPG008', 'SPG015'];

/**
 * The cross-file findings of `file`, whose single-file analysis is `analysisOf` (or makes it; its tree
 * still alive: the noqa comments are read from it), with the same select/ignore/severity and noqa as the engine's. A
 * finding the single-file analysis already has (same code and range) is not repeated.
 */
export function projectFindings(
  project: Project,
  file: string,
  analysisOf: Analysis | (() => Analysis),
  options: AnalysisOptions = {},
): Finding[] {
  const enabled = new Set(enabledRules(options).map((rule) => rule.code));
  // Nothing to do when the options leave out every code the project reports.
  if (!PROJECT_CODES.some((code) => enabled.has(code))) return [];
  const summary = project.summaryOf(file);
  if (!summary) return [];
  const session = project.session(file);
  const found: ProjectFinding[] = projectChecks(session, summary);
  for (const start of summary.importTime.starts) {
    if (start.library) found.push({ code: start.code, range: start.site.range, message: start.message, related: [] });
  }
  const packaging = enabled.has('SPG015') ? packagingOf(file, project.workspaceFolders, (build) => project.readText(build)) : undefined;
  if (found.length === 0 && !packaging) return [];
  // The single-file analysis only now: most files have no cross-file finding, and the CLI then parses nothing more.
  const analysis = typeof analysisOf === 'function' ? analysisOf() : analysisOf;
  const frozen = packaging && freezeSupportFinding(analysis.facts, packaging);
  if (frozen) found.push(frozen);
  const silenced = fileNoqa(analysis.text);
  const root = analysis.tree.rootNode;
  const findings: Finding[] = [];
  for (const item of found) {
    const rule = ruleByCode(item.code);
    if (!rule || !enabled.has(rule.code) || silenced === 'all' || silenced.has(item.code)) continue;
    const onLine = lineNoqa(root, analysis.text, item.range.start.line);
    if (onLine === 'all' || onLine?.has(item.code)) continue;
    if ([...analysis.findings, ...findings].some((other) => other.code === item.code && sameRange(other.range, item.range))) continue;
    findings.push({
      code: rule.code as RuleCode,
      rule: rule.name,
      message: item.message,
      severity: options.severity?.[item.code] ?? rule.defaultSeverity,
      range: item.range,
      related: item.related,
      data: { ...item.data, project: true },
    });
  }
  return findings;
}

/**
 * Whether `file` can have a cross-file finding at all: it imports a module of the project or a library
 * of the spawner table, calls a spawner method (`.compute(...)`), or a build file packages it (SPG015).
 * A script that imports only other libraries has none, and the editor skips its refinement (with 100
 * such documents open that was 75 MB of the server's memory: bench/RESULTS.md).
 */
export function mayHaveProjectFindings(project: Project, file: string, text: string): boolean {
  if (project.session(file).reach.importedFiles(file).length > 0) return true;
  const libraries = new Set(project.spawners.spawners.map((spawner) => spawner.name.split('.')[0]).filter(Boolean));
  if (project.scanOf(file).imports.some((raw) => raw.level === 0 && libraries.has(raw.module.split('.')[0]))) return true;
  const methods = project.spawners.spawners.filter((spawner) => spawner.name.startsWith('.'));
  if (methods.some((spawner) => text.includes(`${spawner.name}(`))) return true;
  return packagingOf(file, project.workspaceFolders, (build) => project.readText(build)) !== undefined;
}

/** Single-file and cross-file findings together, in document order. */
export function withProjectFindings(analysis: Analysis, extra: readonly Finding[]): Finding[] {
  if (extra.length === 0) return analysis.findings;
  return [...analysis.findings, ...extra].sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code),
  );
}

function sameRange(a: Finding['range'], b: Finding['range']): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

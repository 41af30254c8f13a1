import { analyze, type Analysis, type AnalysisOptions } from '../engine/analyze';
import { projectFindings } from '../project/analyze';
import { diskFiles } from '../project/disk';
import { Project, SummaryCache, type ProjectNote } from '../project/project';
import type { TextScan } from '../project/text-scan';
import { spawnerTable } from './project-data';
import type { PythonParser } from '../syntax/parser';
import { LocationMapper, emptyReport, reportFinding, type FileReport, type ReportedFinding } from './report';

/**
 * `spawn-guard check`'s project pass, on the main thread after the files are scanned: the cross-file
 * findings of each checked file, and the reports of the project modules they import that the command
 * line did not name (each with its own path). Every module is read and summarised once per run.
 */
export class ProjectPass {
  private readonly projects = new Map<string, Project>();
  private readonly cache = new SummaryCache();
  private readonly files = diskFiles();
  /** The imported modules to report, in the order they were first reached. */
  private readonly imported = new Set<string>();
  private readonly checked = new Set<string>();
  /** Modules whose imports were followed already (a module's imports resolve alike from the scripts of one project). */
  private readonly expanded = new Set<string>();

  constructor(
    private readonly parser: PythonParser,
    private readonly cwd: string,
    /** The files the run checks: one start index serves them all (see Project.expect). */
    private readonly scripts: readonly string[] = [],
  ) {}

  private readonly scans = new Map<string, TextScan>();

  /** What a scan worker learnt of a checked file: its text scan, and its summary (parsed once, in the worker). */
  learn(report: FileReport): void {
    const data = report.project;
    if (!data) return;
    this.scans.set(report.path, data.scan);
    if (data.summary) this.cache.set(report.path, data.summary.text, data.summary.key, data.summary.summary);
    report.project = undefined;
  }

  /** The project of files under a configuration: its `spawners` extend the built-in table. */
  private projectFor(spawners: readonly string[]): Project {
    const key = spawners.join('\0');
    let project = this.projects.get(key);
    if (!project) {
      project = new Project(this.parser, this.files, this.cache, {
        workspaceFolders: [this.cwd],
        spawners: spawnerTable(spawners),
        // A worker's scan is of the text the file had a moment ago, with this configuration's spawners.
        knownScan: (file) => this.scans.get(file),
      });
      project.expect(this.scripts);
      this.projects.set(key, project);
    }
    return project;
  }

  /** The cross-file findings of a checked file (in ruff's shape); notes the modules it imports. */
  findingsFor(file: string, options: AnalysisOptions, spawners: readonly string[] = []): ReportedFinding[] {
    this.checked.add(file);
    const project = this.projectFor(spawners);
    const session = project.session(file);
    // The imported modules that may have findings of their own (single-file ones need a process import).
    const { reach } = session.starts;
    for (const module of reach.closure(file, this.expanded))
      if (reach.mentionsProcesses(module) || session.starts.mayHaveFindings(module)) this.imported.add(module);
    // The file calls nothing that may start processes and imports nothing that starts when imported: nothing to parse.
    if (!session.starts.mayHaveFindings(file)) return [];
    return this.findingsOf(project, file, options)?.findings ?? [];
  }

  /**
   * Reports for the imported modules that were not checked themselves: their single-file and
   * cross-file findings. `optionsFor` gives a module's configuration; undefined leaves it out (excluded).
   */
  importedReports(optionsFor: (file: string) => { options: AnalysisOptions; spawners?: readonly string[] } | undefined): FileReport[] {
    const reports: FileReport[] = [];
    for (const file of this.imported) {
      if (this.checked.has(file)) continue;
      const profile = optionsFor(file);
      if (!profile) continue;
      const found = this.findingsOf(this.projectFor(profile.spawners ?? []), file, profile.options, true);
      if (found && found.findings.length > 0)
        reports.push({ ...emptyReport(file), findings: found.findings, syntaxError: found.syntaxError });
    }
    return reports;
  }

  /** What the project model could not follow (the depth bound), for a note on stderr. */
  notes(): ProjectNote[] {
    return [...this.projects.values()].flatMap((project) => project.takeNotes());
  }

  private findingsOf(
    project: Project,
    file: string,
    options: AnalysisOptions,
    withOwn = false,
  ): { findings: ReportedFinding[]; syntaxError: boolean } | undefined {
    const text = this.files.readFile(file);
    if (text === undefined) return undefined;
    let tree: ReturnType<PythonParser['parse']> | undefined;
    let analysis: Analysis | undefined;
    // A checked file is parsed again only when it has cross-file findings (for its noqa comments).
    const analysisOf = () => (analysis ??= analyze({ text, tree: (tree ??= this.parser.parse(text)) }, options));
    try {
      const found = [...(withOwn ? analysisOf().findings : []), ...projectFindings(project, file, analysisOf, options)];
      const mapper = new LocationMapper(text);
      return {
        findings: found.map((finding) => reportFinding(file, mapper, finding, undefined)),
        syntaxError: tree?.rootNode.hasError ?? false,
      };
    } finally {
      tree?.delete();
    }
  }
}

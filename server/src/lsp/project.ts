import type { Analysis, AnalysisOptions } from '../engine/analyze';
import { mayHaveProjectFindings, projectFindings } from '../project/analyze';
import { diskFiles } from '../project/disk';
import type { ProjectFiles } from '../project/modules';
import { Project, SummaryCache, type ModuleParser } from '../project/project';
import { BUILT_IN_SPAWNERS, SpawnerTable, userSpawners } from '../project/spawners';
import type { Finding } from '../rules/types';

/** What the service needs from the server: open documents' text by path, and a way to publish again. */
export interface ProjectHost {
  /** The text of the open document at `file`, if one is open (unsaved text wins over the file). */
  openText(file: string): string | undefined;
  /** Runs the document's diagnostics again (they then include the refined project findings). */
  republish(uri: string): void;
  /** Logs what the project model could not follow (the depth bound), for the Spawn Guard log. */
  note(message: string): void;
  /** The document's single-file analysis of its current text, its options and spawners; undefined when closed or disabled. */
  current(
    uri: string,
  ): Promise<{ file: string; text: string; analysis: () => Analysis; options: AnalysisOptions; spawners: readonly string[] } | undefined>;
}

/** Wait after the last change before a document's project findings are refined (typing goes on meanwhile). */
export const REFINE_DELAY_MS = 250;

/**
 * The project model in the language server. A keystroke never waits for it: diagnostics are published
 * at once with the single-file findings and the project findings known for the text (those on lines the
 * edit left as they were), and refined later: the summaries of the imported modules are computed one
 * module per event-loop turn (other messages are handled in between), then the cross-file findings of
 * the document, then it is published again. Modules are read from open documents first, then from
 * disk, and never executed. When a module changes (an edit in an open document, or a file the client
 * watches), its summary is dropped and the open documents that read it are refined again.
 */
export class ProjectService {
  private readonly cache = new SummaryCache();
  private readonly disk = diskFiles();
  /** Per document: the project findings of the text they were computed for. */
  private readonly known = new Map<string, { text: string; findings: Finding[] }>();
  /** Per document: the files its last refinement read (its dependencies). */
  private readonly readBy = new Map<string, Set<string>>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per document: a counter that a newer refinement or a change increases (an older run then gives up). */
  private readonly runs = new Map<string, number>();
  /** Per document: the project findings its last publish showed. */
  private readonly shown = new Map<string, Finding[]>();
  private readonly files: ProjectFiles;

  constructor(
    private readonly parser: ModuleParser,
    private readonly host: ProjectHost,
    private readonly workspaceFolders: readonly string[],
    private readonly delayMs = REFINE_DELAY_MS,
  ) {
    this.files = {
      readFile: (file) => this.host.openText(file) ?? this.disk.readFile(file),
      isDirectory: (directory) => this.disk.isDirectory(directory),
      exists: (file) => this.host.openText(file) !== undefined || this.disk.exists(file),
    };
  }

  /**
   * The project findings to publish with `text` now: all of them when they were computed for this text,
   * else those whose lines are unchanged (an edit elsewhere leaves them true until the refinement).
   * Schedules the refinement when the findings are not of this text.
   */
  findingsNow(uri: string, text: string): Finding[] {
    const known = this.known.get(uri);
    if (known?.text === text) return this.show(uri, known.findings);
    // The first refinement of a document runs at once; later ones (and those typing interrupts) wait for a pause.
    this.schedule(uri, known || this.runs.has(uri) ? this.delayMs : 0);
    if (!known || known.findings.length === 0) return this.show(uri, []);
    const before = known.text.split('\n');
    const after = text.split('\n');
    const kept = known.findings.filter((finding) => {
      const { start, end } = finding.range;
      for (let line = start.line; line <= end.line; line++) if (before[line] === undefined || before[line] !== after[line]) return false;
      return true;
    });
    return this.show(uri, kept);
  }

  /** The project findings computed for exactly this text, if any (hover reads them; nothing is scheduled). */
  findingsOf(uri: string, text: string): Finding[] {
    const known = this.known.get(uri);
    return known?.text === text ? known.findings : [];
  }

  /** Notes what the document shows now: a refinement that finds the same publishes nothing more. */
  private show(uri: string, findings: Finding[]): Finding[] {
    this.shown.set(uri, findings);
    return findings;
  }

  /** The open document `file` changed, or a watched file did: its summary goes, and its dependents are refined. */
  moduleChanged(file: string, changedUri?: string): void {
    this.cache.delete(file);
    for (const [uri, files] of this.readBy) {
      if (uri === changedUri || !files.has(file)) continue;
      this.known.delete(uri);
      this.schedule(uri, this.delayMs);
    }
  }

  /** A document was closed: its state goes. */
  forget(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
    this.known.delete(uri);
    this.readBy.delete(uri);
    this.shown.delete(uri);
    this.runs.delete(uri);
  }

  /** A module file was created or deleted: where an import resolves may have changed for every document. */
  filesCreatedOrDeleted(files: readonly string[]): void {
    for (const file of files) this.cache.delete(file);
    for (const uri of this.readBy.keys()) {
      this.known.delete(uri);
      this.schedule(uri, this.delayMs);
    }
  }

  private schedule(uri: string, delay: number): void {
    const existing = this.timers.get(uri);
    if (existing) clearTimeout(existing);
    const run = (this.runs.get(uri) ?? 0) + 1;
    this.runs.set(uri, run);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.refine(uri, run).catch(() => undefined);
      }, delay),
    );
  }

  /** Computes the document's project findings, a module per turn, then publishes; gives up when superseded. */
  async refine(uri: string, run = this.runs.get(uri) ?? 0): Promise<void> {
    const superseded = () => this.runs.get(uri) !== run;
    const current = await this.host.current(uri);
    if (!current || superseded()) return;
    const project = this.projectFor(current.spawners);
    // The summaries first, one module per turn, so that other messages are handled in between.
    const session = project.session(current.file);
    const possible = mayHaveProjectFindings(project, current.file, current.text) && session.starts.mayHaveFindings(current.file);
    const pending = possible ? [current.file] : [];
    if (pending.length > 0) project.adoptAnalysis(current.file, current.analysis());
    const seen = new Set(pending);
    while (pending.length > 0) {
      const summary = project.summaryOf(pending.shift()!);
      if (summary)
        for (const record of summary.imports)
          for (const name of session.modulesOf(record)) {
            const file = session.finder.find(name)?.file;
            if (file && !seen.has(file) && (session.starts.mayHostStart(file) || session.starts.mayStartAtImport(file))) {
              seen.add(file);
              pending.push(file);
            }
          }
      await new Promise((resolve) => setImmediate(resolve));
      if (superseded()) return;
    }
    const now = await this.host.current(uri);
    if (!now || superseded() || now.text !== current.text) return;
    const findings = possible ? projectFindings(project, now.file, now.analysis(), now.options) : [];
    for (const note of project.takeNotes()) this.host.note(`${note.file}:${note.site.range.start.line + 1}: ${note.message}`);
    this.known.set(uri, { text: now.text, findings });
    this.readBy.set(uri, new Set(project.filesRead));
    if (JSON.stringify(findings) !== JSON.stringify(this.shown.get(uri) ?? [])) this.host.republish(uri);
  }

  private projectFor(spawners: readonly string[]): Project {
    const table = new SpawnerTable([...BUILT_IN_SPAWNERS, ...userSpawners(spawners)]);
    // A new Project per refinement: module lookups are not kept across file creations and deletions.
    return new Project(this.parser, this.files, this.cache, { workspaceFolders: this.workspaceFolders, spawners: table });
  }
}

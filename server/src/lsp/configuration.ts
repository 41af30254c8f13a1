import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnalysisOptions } from '../engine/analyze';
import { ConfigError, ConfigResolver, isExcluded, perFileIgnores, type SpawnGuardConfig } from '../config/pyproject';
import { DEFAULT_SETTINGS, parseEditorSettings, SETTINGS_SECTION, type EditorSettings } from '../config/settings';

/** Everything the server needs to know to analyse one document. */
export interface DocumentSettings {
  editor: EditorSettings;
  /** The editor settings merged with `[tool.spawn-guard]` (see mergeOptions). */
  options: AnalysisOptions;
  /** The pyproject.toml `exclude` globs leave this file out: no diagnostics. */
  excluded: boolean;
  /** The pyproject.toml the project settings came from, if any. */
  configFile: string | undefined;
  /** `[tool.spawn-guard] spawners`: third-party functions that start processes, for the project model. */
  spawners: readonly string[];
  /** The module "Move to module" writes next to a notebook: the project's `notebook-workers-module`, else the editor's setting. */
  workersModule: string;
}

/**
 * The analysis options for a document: the project's `[tool.spawn-guard]` wins over the editor settings,
 * so the editor shows what the CLI and CI report. Key by key:
 * - `select`: the project's when it sets one, else the editor's (empty: every rule);
 * - `extend-select` adds to the selection; `per-file-ignores` that match the file add to `ignore`;
 * - `ignore`: both lists (what either leaves out is left out);
 * - `severity`: both tables, the project's value for a code set in both.
 */
export function mergeOptions(editor: EditorSettings, project: SpawnGuardConfig | undefined, file?: string): AnalysisOptions {
  const chosen = project?.select ?? (editor.select.length > 0 ? editor.select : undefined);
  const select = chosen && project?.extendSelect?.length ? [...chosen, ...project.extendSelect] : chosen;
  const fileIgnores = project && file !== undefined ? perFileIgnores(project, file) : [];
  const ignore = [...new Set([...editor.ignore, ...(project?.ignore ?? []), ...fileIgnores])];
  const severity = { ...editor.severity, ...project?.severity };
  return {
    ...(select ? { select } : {}),
    ...(ignore.length > 0 ? { ignore } : {}),
    ...(Object.keys(severity).length > 0 ? { severity } : {}),
  };
}

/** How the server asks its client for settings; a client without workspace/configuration pushes them instead. */
export interface SettingsSource {
  /** workspace/configuration for the `spawnGuard` section, scoped to a document (or the window when undefined). */
  pull?: (scopeUri: string | undefined) => Promise<unknown>;
}

export interface ConfigurationProblemSink {
  /** A setting or pyproject.toml the user should fix; called once per distinct problem. */
  problem(message: string): void;
}

/**
 * Editor settings (pulled per document with workspace/configuration, cached until they change) merged
 * with the nearest pyproject.toml `[tool.spawn-guard]` (cached per directory until a pyproject.toml
 * changes).
 */
export class ConfigurationService {
  private readonly editorSettings = new Map<string, Promise<EditorSettings>>();
  private pushedSettings: unknown;
  private readonly projects = new ConfigResolver(readTextFileIfExists);
  private readonly reported = new Set<string>();

  constructor(
    private readonly source: SettingsSource,
    private readonly sink: ConfigurationProblemSink,
    /** Folder whose pyproject.toml applies to untitled documents (the first workspace folder). */
    private workspaceRoot: string | undefined,
  ) {}

  /** Settings changed (didChangeConfiguration); `pushed` is what the notification carried, if anything. */
  editorSettingsChanged(pushed: unknown): void {
    this.pushedSettings = pushed;
    this.editorSettings.clear();
    this.reported.clear();
  }

  /** A pyproject.toml was created, changed or deleted. */
  projectConfigurationChanged(): void {
    this.projects.clear();
    this.reported.clear();
  }

  setWorkspaceRoot(root: string | undefined): void {
    this.workspaceRoot = root;
    this.projects.clear();
  }

  forget(uri: string): void {
    this.editorSettings.delete(uri);
  }

  /** Window-scoped settings (log level, trace), not tied to a document. */
  windowSettings(): Promise<EditorSettings> {
    return this.readEditorSettings(undefined);
  }

  async forDocument(uri: string): Promise<DocumentSettings> {
    let pending = this.editorSettings.get(uri);
    if (!pending) {
      pending = this.readEditorSettings(uri);
      this.editorSettings.set(uri, pending);
    }
    const editor = await pending;
    const file = filePath(uri);
    const project = this.projectConfiguration(file);
    return {
      editor,
      options: mergeOptions(editor, project, file),
      excluded: file !== undefined && project !== undefined && isExcluded(project, file),
      configFile: project?.file,
      spawners: project?.spawners ?? [],
      workersModule: project?.notebookWorkersModule ?? editor.notebook.workersModule,
    };
  }

  private async readEditorSettings(scopeUri: string | undefined): Promise<EditorSettings> {
    let raw: unknown;
    try {
      raw = this.source.pull ? await this.source.pull(scopeUri) : pushedSection(this.pushedSettings);
    } catch (error) {
      this.report(`Could not read the ${SETTINGS_SECTION} settings (${(error as Error).message}); using the defaults.`);
      return DEFAULT_SETTINGS;
    }
    const { settings, problems } = parseEditorSettings(raw);
    for (const problem of problems) this.report(`Invalid setting ${problem}.`);
    return settings;
  }

  private projectConfiguration(file: string | undefined): SpawnGuardConfig | undefined {
    try {
      if (file !== undefined) return this.projects.forFile(file);
      return this.workspaceRoot !== undefined ? this.projects.forDirectory(this.workspaceRoot) : undefined;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.report(`Invalid configuration, ignored until fixed: ${error.message}`);
      return undefined;
    }
  }

  private report(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.sink.problem(message);
  }
}

/** The `spawnGuard` section of a didChangeConfiguration payload (`{ spawnGuard: {...} }`). */
function pushedSection(pushed: unknown): unknown {
  return typeof pushed === 'object' && pushed !== null ? (pushed as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
}

/** The file-system path of a `file:` URI; undefined for untitled and other schemes. */
export function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function readTextFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

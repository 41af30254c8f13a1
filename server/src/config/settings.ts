import { SEVERITIES, type Severity } from '../rules/types';

/**
 * The editor settings under `spawnGuard.*`: their JSON schema (the single source of package.json
 * `contributes.configuration`, written there by scripts/sync-package-json.mjs) and the validation of the
 * values a client sends. No editor or file-system imports: the server bundle and the build script load it.
 */

export const SETTINGS_SECTION = 'spawnGuard';

export type TraceSetting = 'off' | 'messages' | 'verbose';
export const TRACE_SETTINGS: readonly TraceSetting[] = ['off', 'messages', 'verbose'];

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export interface EditorSettings {
  enable: boolean;
  /** Rule codes or prefixes to run; empty means "not set here". */
  select: string[];
  /** Rule codes or prefixes to skip; empty means "not set here". */
  ignore: string[];
  /** Per-rule severity overrides. */
  severity: Record<string, Severity>;
  codeAction: { disableRuleComment: { enable: boolean } };
  /** Offer `source.fixAll.spawn-guard` (fix-all on save). */
  fixAll: boolean;
  trace: { server: TraceSetting };
  logLevel: LogLevel;
  /** The interpreter "Run under spawn" uses when the Python extension names none; empty: PATH. */
  python: string;
  /** "Move to module" in notebooks: the module's name, `{notebook}` standing for the notebook's name. */
  notebook: { workersModule: string };
}

/** The subset of JSON schema the settings use; VS Code renders and validates it in the settings editor. */
export type SettingSchema =
  | { type: 'boolean'; default: boolean }
  | { type: 'string'; default: string; enum: readonly string[]; enumDescriptions?: readonly string[] }
  | { type: 'string'; default: string; enum?: undefined }
  | { type: 'array'; default: readonly string[]; items: StringPatternSchema; uniqueItems: true }
  | {
      type: 'object';
      default: Readonly<Record<string, string>>;
      propertyNames: StringPatternSchema;
      additionalProperties: { type: 'string'; enum: readonly string[] };
    };

interface StringPatternSchema {
  type: 'string';
  pattern: string;
  patternErrorMessage: string;
}

export type SettingScope = 'window' | 'resource';

export interface SettingSpec {
  /** Dotted key below `spawnGuard.`, e.g. `codeAction.disableRuleComment.enable`. */
  key: string;
  scope: SettingScope;
  markdownDescription: string;
  schema: SettingSchema;
}

const RULE_SELECTOR: StringPatternSchema = {
  type: 'string',
  pattern: '^(ALL|SPG[0-9]{0,3})$',
  patternErrorMessage: 'A rule code (SPG001) or prefix (SPG00, SPG), or ALL.',
};

const RULE_CODE: StringPatternSchema = {
  type: 'string',
  pattern: '^SPG[0-9]{3}$',
  patternErrorMessage: 'A rule code such as SPG001.',
};

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'enable',
    scope: 'resource',
    markdownDescription: 'Analyse Python files for code that breaks under the `spawn` start method.',
    schema: { type: 'boolean', default: true },
  },
  {
    key: 'select',
    scope: 'resource',
    markdownDescription:
      'Rule codes or prefixes to run, as in `[tool.spawn-guard] select` (e.g. `["SPG001", "SPG003"]`). ' +
      'Empty: every rule, unless the workspace `pyproject.toml` selects rules (it wins: see the README).',
    schema: { type: 'array', default: [], items: RULE_SELECTOR, uniqueItems: true },
  },
  {
    key: 'ignore',
    scope: 'resource',
    markdownDescription:
      'Rule codes or prefixes to skip; wins over `#spawnGuard.select#`. ' +
      'A `[tool.spawn-guard] ignore` in the workspace `pyproject.toml` wins over this setting.',
    schema: { type: 'array', default: [], items: RULE_SELECTOR, uniqueItems: true },
  },
  {
    key: 'severity',
    scope: 'resource',
    markdownDescription:
      'Severity per rule code, e.g. `{ "SPG008": "info" }`. Merged with `[tool.spawn-guard.severity]`; ' +
      'for a code set in both, `pyproject.toml` wins.',
    schema: {
      type: 'object',
      default: {},
      propertyNames: RULE_CODE,
      additionalProperties: { type: 'string', enum: SEVERITIES },
    },
  },
  {
    key: 'codeAction.disableRuleComment.enable',
    scope: 'resource',
    markdownDescription: 'Offer a "Disable SPG00x for this line" quick fix that adds or extends a `# noqa: SPG00x` comment.',
    schema: { type: 'boolean', default: true },
  },
  {
    key: 'fixAll',
    scope: 'resource',
    markdownDescription:
      'Offer the `source.fixAll.spawn-guard` code action, which applies every safe fix (use it in ' + '`editor.codeActionsOnSave`).',
    schema: { type: 'boolean', default: true },
  },
  {
    key: 'trace.server',
    scope: 'window',
    markdownDescription: 'Traces the messages between VS Code and the Spawn Guard language server (in the log output).',
    schema: { type: 'string', default: 'off', enum: TRACE_SETTINGS },
  },
  {
    key: 'logLevel',
    scope: 'window',
    markdownDescription: 'The least severe message the language server writes to the Spawn Guard log output.',
    schema: {
      type: 'string',
      default: 'info',
      enum: LOG_LEVELS,
      enumDescriptions: ['Errors only.', 'Errors and warnings.', 'Also what the server does (default).', 'Also per-document timings.'],
    },
  },
  {
    key: 'python',
    scope: 'resource',
    markdownDescription:
      'The Python interpreter **Spawn Guard: Run under spawn** runs scripts with, when the Python extension is not ' +
      'installed (its active environment wins). Empty: `python3`, else `python`, on `PATH`. Not read in untrusted workspaces.',
    schema: { type: 'string', default: '' },
  },
  {
    key: 'notebook.workersModule',
    scope: 'resource',
    markdownDescription:
      'The module **Move to module** writes next to a Jupyter notebook for the functions and classes its child processes ' +
      "need; `{notebook}` stands for the notebook's file name without `.ipynb` (`lesson.ipynb`: `lesson_workers.py`). " +
      'Characters that cannot be in a module name become `_`; empty: the default. `notebook-workers-module` in ' +
      "the project's `[tool.spawn-guard]` wins.",
    schema: { type: 'string', default: '{notebook}_workers' },
  },
];

/** package.json `contributes.configuration`, generated from SETTINGS. */
export function configurationContribution(): { title: string; properties: Record<string, unknown> } {
  const properties: Record<string, unknown> = {};
  for (const spec of SETTINGS) {
    properties[`${SETTINGS_SECTION}.${spec.key}`] = {
      ...spec.schema,
      scope: spec.scope,
      markdownDescription: spec.markdownDescription,
    };
  }
  return { title: 'Spawn Guard', properties };
}

export const DEFAULT_SETTINGS: EditorSettings = parseEditorSettings(undefined).settings;

export interface ParsedSettings {
  settings: EditorSettings;
  /** One line per value that was not valid and was replaced by its default. */
  problems: string[];
}

/**
 * Validates the `spawnGuard` section a client sends (workspace/configuration or didChangeConfiguration).
 * Missing values take their defaults; invalid ones too, with a problem line. Never throws.
 */
export function parseEditorSettings(section: unknown): ParsedSettings {
  const problems: string[] = [];
  const settings: Record<string, unknown> = {};
  for (const spec of SETTINGS) {
    const raw = readDotted(section, spec.key);
    let value: unknown = structuredClone(spec.schema.default);
    if (raw !== undefined && raw !== null) {
      const checked = checkValue(spec.schema, raw);
      if (checked.ok) value = checked.value;
      else problems.push(`${SETTINGS_SECTION}.${spec.key}: ${checked.reason}; using ${JSON.stringify(spec.schema.default)}`);
    }
    writeDotted(settings, spec.key, value);
  }
  return { settings: settings as unknown as EditorSettings, problems };
}

type Checked = { ok: true; value: unknown } | { ok: false; reason: string };

function checkValue(schema: SettingSchema, raw: unknown): Checked {
  switch (schema.type) {
    case 'boolean':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : { ok: false, reason: 'expected true or false' };
    case 'string':
      if (!schema.enum) return typeof raw === 'string' ? { ok: true, value: raw.trim() } : { ok: false, reason: 'expected a string' };
      return typeof raw === 'string' && schema.enum.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, reason: `expected one of ${schema.enum.join(', ')}` };
    case 'array': {
      const pattern = new RegExp(schema.items.pattern);
      if (!Array.isArray(raw)) return { ok: false, reason: 'expected a list of rule codes' };
      const codes = raw.map((item) => (typeof item === 'string' ? item.trim().toUpperCase() : item));
      const bad = codes.filter((code) => typeof code !== 'string' || !pattern.test(code));
      if (bad.length > 0) return { ok: false, reason: `not a rule code or prefix: ${bad.map((b) => JSON.stringify(b)).join(', ')}` };
      return { ok: true, value: [...new Set(codes as string[])] };
    }
    case 'object': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'expected an object of rule code to severity' };
      const pattern = new RegExp(schema.propertyNames.pattern);
      const value: Record<string, string> = {};
      for (const [key, level] of Object.entries(raw as Record<string, unknown>)) {
        const code = key.trim().toUpperCase();
        if (!pattern.test(code)) return { ok: false, reason: `not a rule code: ${JSON.stringify(key)}` };
        if (typeof level !== 'string' || !schema.additionalProperties.enum.includes(level)) {
          return { ok: false, reason: `${key}: expected one of ${schema.additionalProperties.enum.join(', ')}` };
        }
        value[code] = level;
      }
      return { ok: true, value };
    }
  }
}

/** Reads `a.b.c` from nested objects; a client may also send the flat key `"a.b.c"` at any level. */
function readDotted(source: unknown, key: string): unknown {
  if (typeof source !== 'object' || source === null) return undefined;
  const record = source as Record<string, unknown>;
  if (key in record) return record[key];
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  return readDotted(record[key.slice(0, dot)], key.slice(dot + 1));
}

function writeDotted(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

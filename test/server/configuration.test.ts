import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { defaultConfig, type SpawnGuardConfig } from '../../server/src/config/pyproject';
import { DEFAULT_SETTINGS, type EditorSettings } from '../../server/src/config/settings';
import { ConfigurationService, filePath, mergeOptions } from '../../server/src/lsp/configuration';

function editor(overrides: Partial<EditorSettings>): EditorSettings {
  return { ...DEFAULT_SETTINGS, ...overrides };
}

function project(overrides: Partial<SpawnGuardConfig>): SpawnGuardConfig {
  return { ...defaultConfig('/project'), file: '/project/pyproject.toml', ...overrides };
}

describe('mergeOptions: pyproject.toml wins over the editor settings', () => {
  it('runs every rule when neither selects', () => {
    assert.deepEqual(mergeOptions(DEFAULT_SETTINGS, undefined), {});
    assert.deepEqual(mergeOptions(DEFAULT_SETTINGS, project({})), {});
  });

  it("takes the project's select over the editor's, and the editor's when the project has none", () => {
    assert.deepEqual(mergeOptions(editor({ select: ['SPG001'] }), project({ select: ['SPG003'] })).select, ['SPG003']);
    assert.deepEqual(mergeOptions(editor({ select: ['SPG001'] }), project({})).select, ['SPG001']);
    assert.deepEqual(mergeOptions(editor({ select: ['SPG001'] }), undefined).select, ['SPG001']);
  });

  it('adds extend-select to the selection, and the per-file-ignores that match the file to ignore', () => {
    const config = project({ select: ['SPG001'], extendSelect: ['SPG009'], perFileIgnores: { 'tests/*': ['SPG008'] } });
    assert.deepEqual(mergeOptions(DEFAULT_SETTINGS, config, '/project/src/a.py'), { select: ['SPG001', 'SPG009'] });
    assert.deepEqual(mergeOptions(DEFAULT_SETTINGS, config, '/project/tests/test_a.py').ignore, ['SPG008']);
  });

  it('leaves out what either ignores', () => {
    assert.deepEqual(mergeOptions(editor({ ignore: ['SPG008'] }), project({ ignore: ['SPG009', 'SPG008'] })).ignore, ['SPG008', 'SPG009']);
  });

  it("merges severities, the project's value winning for a code set in both", () => {
    const merged = mergeOptions(
      editor({ severity: { SPG008: 'hint', SPG001: 'warning' } }),
      project({ severity: { SPG001: 'error', SPG009: 'warning' } }),
    );
    assert.deepEqual(merged.severity, { SPG008: 'hint', SPG001: 'error', SPG009: 'warning' });
  });
});

describe('ConfigurationService', () => {
  let workspace: string;
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-config-'));
    fs.mkdirSync(path.join(workspace, 'pkg', 'generated'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'pyproject.toml'),
      '[tool.spawn-guard]\nignore = ["SPG009"]\nseverity = { SPG008 = "info" }\nexclude = ["generated"]\n',
    );
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  const uriOf = (...parts: string[]) => pathToFileURL(path.join(workspace, ...parts)).href;

  it('pulls the editor settings per document, once, and merges the nearest pyproject.toml', async () => {
    const pulls: (string | undefined)[] = [];
    const service = new ConfigurationService(
      {
        pull: async (scopeUri) => {
          pulls.push(scopeUri);
          return { ignore: ['SPG008'], severity: { SPG001: 'warning' } };
        },
      },
      { problem: (message) => assert.fail(message) },
      workspace,
    );
    const uri = uriOf('pkg', 'main.py');
    const settings = await service.forDocument(uri);
    await service.forDocument(uri);
    assert.deepEqual(pulls, [uri], 'pulled once, then cached');
    assert.equal(settings.configFile, path.join(workspace, 'pyproject.toml'));
    assert.equal(settings.excluded, false);
    assert.deepEqual(settings.options, { ignore: ['SPG008', 'SPG009'], severity: { SPG001: 'warning', SPG008: 'info' } });

    service.editorSettingsChanged(undefined);
    await service.forDocument(uri);
    assert.deepEqual(pulls, [uri, uri], 'pulled again after a change');
  });

  it("leaves out files the project's exclude globs match", async () => {
    const service = new ConfigurationService({ pull: async () => ({}) }, { problem: () => undefined }, workspace);
    assert.equal((await service.forDocument(uriOf('pkg', 'generated', 'model.py'))).excluded, true);
    assert.equal((await service.forDocument(uriOf('pkg', 'model.py'))).excluded, false);
  });

  it('applies the workspace pyproject.toml to untitled documents', async () => {
    const service = new ConfigurationService({ pull: async () => ({}) }, { problem: () => undefined }, workspace);
    const settings = await service.forDocument('untitled:Untitled-1');
    assert.deepEqual(settings.options, { ignore: ['SPG009'], severity: { SPG008: 'info' } });
    assert.equal(settings.excluded, false);
  });

  it('uses the pushed settings when the client cannot be asked', async () => {
    const service = new ConfigurationService({}, { problem: () => undefined }, undefined);
    assert.equal((await service.forDocument('untitled:a')).editor.enable, true);
    service.editorSettingsChanged({ spawnGuard: { enable: false } });
    assert.equal((await service.forDocument('untitled:a')).editor.enable, false);
  });

  it('reports an invalid pyproject.toml once, analyses with the editor settings, and reads it again when it changes', async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-config-broken-'));
    try {
      fs.writeFileSync(path.join(broken, 'pyproject.toml'), '[tool.spawn-guard]\nselect = "SPG001"\n');
      const problems: string[] = [];
      const service = new ConfigurationService(
        { pull: async () => ({ ignore: ['SPG008'] }) },
        { problem: (message) => problems.push(message) },
        broken,
      );
      const uri = pathToFileURL(path.join(broken, 'a.py')).href;
      assert.deepEqual((await service.forDocument(uri)).options, { ignore: ['SPG008'] });
      await service.forDocument(uri);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /pyproject\.toml: \[tool\.spawn-guard\] select: expected a list of strings/);

      fs.writeFileSync(path.join(broken, 'pyproject.toml'), '[tool.spawn-guard]\nselect = ["SPG001"]\n');
      service.projectConfigurationChanged();
      assert.deepEqual((await service.forDocument(uri)).options, { select: ['SPG001'], ignore: ['SPG008'] });
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });

  it('reports invalid editor settings and uses the defaults for them', async () => {
    const problems: string[] = [];
    const service = new ConfigurationService({ pull: async () => ({ select: 'SPG001' }) }, { problem: (m) => problems.push(m) }, undefined);
    assert.deepEqual((await service.forDocument('untitled:x')).options, {});
    assert.deepEqual(problems, ['Invalid setting spawnGuard.select: expected a list of rule codes; using [].']);
  });

  it('survives a client that fails the configuration request', async () => {
    const problems: string[] = [];
    const service = new ConfigurationService(
      { pull: async () => Promise.reject(new Error('no configuration')) },
      { problem: (m) => problems.push(m) },
      undefined,
    );
    assert.deepEqual((await service.forDocument('untitled:x')).editor, DEFAULT_SETTINGS);
    assert.equal(problems.length, 1);
  });
});

describe('filePath', () => {
  it('is the path of a file URI, and undefined for other schemes', () => {
    assert.equal(filePath(pathToFileURL('/tmp/a b.py').href), '/tmp/a b.py');
    assert.equal(filePath('untitled:Untitled-1'), undefined);
    assert.equal(filePath('vscode-notebook-cell:/x.ipynb#a'), undefined);
  });
});

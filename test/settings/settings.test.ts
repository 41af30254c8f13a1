import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { configurationContribution, DEFAULT_SETTINGS, parseEditorSettings, SETTINGS } from '../../server/src/config/settings';
import { REPO_ROOT } from '../helpers/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

describe('settings schema', () => {
  it('is what package.json contributes.configuration holds (npm run sync:package-json writes it)', () => {
    assert.deepEqual(manifest.contributes.configuration, configurationContribution());
  });

  it('has every spawnGuard setting, each with a scope and a markdown description', () => {
    const properties = configurationContribution().properties as Record<string, { scope: string; markdownDescription: string }>;
    assert.deepEqual(Object.keys(properties).sort(), [
      'spawnGuard.codeAction.disableRuleComment.enable',
      'spawnGuard.enable',
      'spawnGuard.fixAll',
      'spawnGuard.ignore',
      'spawnGuard.logLevel',
      'spawnGuard.notebook.workersModule',
      'spawnGuard.python',
      'spawnGuard.select',
      'spawnGuard.severity',
      'spawnGuard.trace.server',
    ]);
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(['window', 'resource'].includes(property.scope), `${key} scope`);
      assert.ok(property.markdownDescription.length > 20, `${key} description`);
    }
    // What is per folder is resource-scoped; what belongs to the server process is window-scoped.
    assert.equal(properties['spawnGuard.select'].scope, 'resource');
    assert.equal(properties['spawnGuard.logLevel'].scope, 'window');
    assert.equal(properties['spawnGuard.trace.server'].scope, 'window');
  });

  it('defaults are the schema defaults', () => {
    assert.deepEqual(DEFAULT_SETTINGS, {
      enable: true,
      select: [],
      ignore: [],
      severity: {},
      codeAction: { disableRuleComment: { enable: true } },
      fixAll: true,
      trace: { server: 'off' },
      logLevel: 'info',
      python: '',
      notebook: { workersModule: '{notebook}_workers' },
    });
    for (const spec of SETTINGS) {
      const value: unknown = spec.key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], DEFAULT_SETTINGS);
      assert.deepEqual(value, spec.schema.default, spec.key);
    }
  });
});

describe('parseEditorSettings', () => {
  it('takes the nested section VS Code sends', () => {
    const { settings, problems } = parseEditorSettings({
      enable: false,
      select: ['spg001', 'SPG00'],
      ignore: ['SPG009'],
      severity: { spg008: 'info' },
      codeAction: { disableRuleComment: { enable: false } },
      fixAll: false,
      trace: { server: 'verbose' },
      logLevel: 'debug',
      python: ' /opt/venv/bin/python ',
      notebook: { workersModule: 'mp_{notebook}' },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      enable: false,
      select: ['SPG001', 'SPG00'],
      ignore: ['SPG009'],
      severity: { SPG008: 'info' },
      codeAction: { disableRuleComment: { enable: false } },
      fixAll: false,
      trace: { server: 'verbose' },
      logLevel: 'debug',
      python: '/opt/venv/bin/python',
      notebook: { workersModule: 'mp_{notebook}' },
    });
  });

  it('takes flat dotted keys too', () => {
    const { settings } = parseEditorSettings({ 'codeAction.disableRuleComment.enable': false, 'trace.server': 'messages' });
    assert.equal(settings.codeAction.disableRuleComment.enable, false);
    assert.equal(settings.trace.server, 'messages');
  });

  it('uses the defaults for nothing, null and missing values', () => {
    for (const raw of [undefined, null, {}, 'nonsense', 42]) {
      assert.deepEqual(parseEditorSettings(raw), { settings: DEFAULT_SETTINGS, problems: [] });
    }
  });

  it('replaces each invalid value by its default and says which and why', () => {
    const { settings, problems } = parseEditorSettings({
      enable: 'yes',
      select: ['SPG001', 'E501'],
      severity: { SPG001: 'fatal' },
      logLevel: 'loud',
      fixAll: true,
    });
    assert.equal(settings.enable, true);
    assert.deepEqual(settings.select, []);
    assert.deepEqual(settings.severity, {});
    assert.equal(settings.logLevel, 'info');
    assert.equal(settings.fixAll, true);
    assert.equal(problems.length, 4);
    assert.match(problems.join('\n'), /spawnGuard\.enable: expected true or false/);
    assert.match(problems.join('\n'), /spawnGuard\.select: not a rule code or prefix: "E501"/);
    assert.match(problems.join('\n'), /spawnGuard\.severity: SPG001: expected one of error, warning, info, hint/);
    assert.match(problems.join('\n'), /spawnGuard\.logLevel: expected one of error, warn, info, debug/);
  });

  it('does not share the default objects between results', () => {
    const first = parseEditorSettings(undefined).settings;
    first.select.push('SPG001');
    assert.deepEqual(parseEditorSettings(undefined).settings.select, []);
    assert.deepEqual(DEFAULT_SETTINGS.select, []);
  });
});

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  ConfigError,
  ConfigResolver,
  defaultConfig,
  isExcluded,
  parseConfigFile,
  parseOverrides,
  parsePyproject,
  perFileIgnores,
  ruleSelectorProblem,
} from '../../server/src/config/pyproject';

const FILE = path.join(path.sep, 'project', 'pyproject.toml');

function configError(text: string): ConfigError {
  try {
    parsePyproject(text, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.equal(error.file, FILE);
    return error;
  }
  assert.fail(`no error for:\n${text}`);
}

describe('parsePyproject', () => {
  it('reads select, ignore, severity and exclude', () => {
    const config = parsePyproject(
      [
        '[project]',
        'name = "demo"',
        '',
        '[tool.spawn-guard]',
        'select = ["SPG00"]',
        'ignore = ["spg008"]',
        'severity = { SPG001 = "warning" }',
        'exclude = ["build", "scripts/*.py"]',
      ].join('\n'),
      FILE,
    );
    assert.deepEqual(config, {
      file: FILE,
      root: path.dirname(FILE),
      select: ['SPG00'],
      ignore: ['SPG008'],
      severity: { SPG001: 'warning' },
      exclude: ['build', 'scripts/*.py'],
    });
  });

  it('reads the [tool.spawn-guard.severity] table form', () => {
    const config = parsePyproject('[tool.spawn-guard.severity]\nSPG008 = "info"\n', FILE);
    assert.deepEqual(config?.severity, { SPG008: 'info' });
    assert.equal(config?.select, undefined, 'no select: every rule');
  });

  it('returns undefined for a pyproject.toml without [tool.spawn-guard]', () => {
    assert.equal(parsePyproject('[tool.ruff]\nline-length = 100\n', FILE), undefined);
    assert.equal(parsePyproject('', FILE), undefined);
  });

  it('reports invalid TOML with its line', () => {
    const error = configError('[tool.spawn-guard]\nselect = ["SPG001"\n');
    assert.match(error.reason, /^invalid TOML at line \d+, column \d+: /);
  });

  it('reports unknown keys, naming the known ones', () => {
    assert.match(
      configError('[tool.spawn-guard]\nselekt = ["SPG001"]\n').reason,
      /unknown key "selekt" in \[tool\.spawn-guard\]; did you mean select\? \(expected one of: select, extend-select, ignore, severity, exclude, extend-exclude, per-file-ignores, extend-per-file-ignores, respect-gitignore, force-exclude, spawners, notebook-workers-module\)/,
    );
  });

  it('reports wrong types', () => {
    assert.match(
      configError('[tool.spawn-guard]\nselect = "SPG001"\n').reason,
      /select: expected a list of strings, got the string "SPG001"/,
    );
    assert.match(configError('[tool.spawn-guard]\nexclude = ["ok", 3]\n').reason, /exclude: expected a list of strings, found number 3/);
    assert.match(configError('[tool.spawn-guard]\nseverity = ["SPG001"]\n').reason, /severity: expected a table/);
    assert.match(configError('[tool]\nspawn-guard = 1\n').reason, /\[tool\.spawn-guard\] must be a table/);
    assert.match(
      configError('[tool.spawn-guard]\nnotebook-workers-module = "my-helpers"\n').reason,
      /notebook-workers-module: expected a module name/,
    );
  });

  it('reads the module "Move to module" writes next to a notebook', () => {
    assert.equal(
      parsePyproject('[tool.spawn-guard]\nnotebook-workers-module = " {notebook}_mp "\n', FILE)?.notebookWorkersModule,
      '{notebook}_mp',
    );
  });

  it('reports unknown rule codes and severities', () => {
    assert.match(configError('[tool.spawn-guard]\nselect = ["SPG999"]\n').reason, /select: unknown rule code or prefix "SPG999"/);
    assert.match(configError('[tool.spawn-guard]\nignore = ["E501"]\n').reason, /ignore: unknown rule code or prefix "E501"/);
    assert.match(configError('[tool.spawn-guard.severity]\nSPG999 = "info"\n').reason, /severity: unknown rule code "SPG999"/);
    assert.match(
      configError('[tool.spawn-guard.severity]\nSPG001 = "fatal"\n').reason,
      /severity: SPG001: expected one of "error", "warning", "info", "hint", got the string "fatal"/,
    );
  });
});

describe('ruleSelectorProblem', () => {
  it('accepts codes, prefixes and ALL in any case', () => {
    for (const selector of ['SPG001', 'spg001', 'SPG00', 'SPG', 'ALL', 'all'])
      assert.equal(ruleSelectorProblem(selector), undefined, selector);
  });

  it('rejects what selects no rule', () => {
    for (const selector of ['SPG999', 'SPG0011', 'F401', '']) assert.ok(ruleSelectorProblem(selector), selector);
  });
});

describe('ConfigResolver', () => {
  const root = path.join(path.sep, 'repo');
  const files: Record<string, string> = {
    [path.join(root, 'pyproject.toml')]: '[tool.spawn-guard]\nignore = ["SPG008"]\n',
    [path.join(root, 'app', 'pyproject.toml')]: '[project]\nname = "app"\n',
    [path.join(root, 'lib', 'pyproject.toml')]: '[tool.spawn-guard]\nselect = ["SPG001"]\n',
    [path.join(root, 'broken', 'pyproject.toml')]: '[tool.spawn-guard\n',
  };

  function makeResolver() {
    const reads: string[] = [];
    const resolver = new ConfigResolver((file) => {
      reads.push(file);
      return files[file];
    });
    return { resolver, reads };
  }

  it('uses the nearest pyproject.toml that has [tool.spawn-guard]', () => {
    const { resolver } = makeResolver();
    assert.deepEqual(resolver.forFile(path.join(root, 'lib', 'deep', 'x.py')).select, ['SPG001']);
    assert.equal(
      resolver.forFile(path.join(root, 'app', 'main.py')).file,
      path.join(root, 'pyproject.toml'),
      'a pyproject.toml without the table is passed over',
    );
    assert.deepEqual(resolver.forFile(path.join(root, 'x.py')).ignore, ['SPG008']);
  });

  it('falls back to the defaults when no configuration is found', () => {
    const { resolver } = makeResolver();
    const elsewhere = path.join(path.sep, 'elsewhere', 'x.py');
    assert.deepEqual(resolver.forFile(elsewhere), defaultConfig(path.parse(elsewhere).root));
  });

  it('throws the ConfigError of an invalid file, again from the cache', () => {
    const { resolver } = makeResolver();
    const file = path.join(root, 'broken', 'x.py');
    assert.throws(
      () => resolver.forFile(file),
      (error: unknown) => error instanceof ConfigError && error.file === path.join(root, 'broken', 'pyproject.toml'),
    );
    assert.throws(() => resolver.forFile(file), ConfigError);
  });

  it('reads each directory once, then answers from its cache', () => {
    const { resolver, reads } = makeResolver();
    resolver.forFile(path.join(root, 'lib', 'a', 'one.py'));
    const first = reads.length;
    const config = resolver.forFile(path.join(root, 'lib', 'a', 'two.py'));
    resolver.forFile(path.join(root, 'lib', 'b.py'));
    assert.equal(reads.length, first, 'no new reads');
    assert.equal(resolver.forDirectory(path.join(root, 'lib', 'a')), config, 'the same object');
    resolver.clear();
    resolver.forFile(path.join(root, 'lib', 'b.py'));
    assert.ok(reads.length > first, 'clear() forgets');
  });

  it('turns a read failure into a ConfigError', () => {
    const failing = new ConfigResolver(() => {
      throw new Error('EACCES: permission denied');
    });
    assert.throws(() => failing.forFile(path.join(root, 'x.py')), /cannot read: EACCES/);
  });
});

describe('isExcluded', () => {
  const root = path.join(path.sep, 'repo');
  const config = { ...defaultConfig(root), exclude: ['build', 'gen_*.py', 'scripts/*.py', './docs/', 'tests/**/fixtures'] };
  const excluded = (relative: string) => isExcluded(config, path.join(root, ...relative.split('/')));

  it('matches a pattern without a slash against any file or directory name', () => {
    assert.ok(excluded('build'));
    assert.ok(excluded('src/build/x.py'), 'inside an excluded directory');
    assert.ok(excluded('src/gen_table.py'));
    assert.ok(!excluded('src/builder.py'));
  });

  it('matches a pattern with a slash against the path from the root', () => {
    assert.ok(excluded('scripts/run.py'));
    assert.ok(!excluded('src/scripts/run.py'), 'anchored at the root');
    assert.ok(excluded('docs/conf.py'), 'leading ./ and trailing / are ignored');
    assert.ok(excluded('tests/unit/fixtures/case.py'));
    assert.ok(!excluded('tests/unit/case.py'));
  });

  it('leaves alone paths outside the root and configurations without excludes', () => {
    assert.ok(!isExcluded(config, path.join(path.sep, 'other', 'build', 'x.py')));
    assert.ok(!isExcluded(defaultConfig(root), path.join(root, 'build', 'x.py')));
  });
});

describe('the ruff-style keys: extend-select, extend-exclude, per-file-ignores, respect-gitignore, force-exclude', () => {
  const config = parsePyproject(
    [
      '[tool.spawn-guard]',
      'extend-select = ["spg009"]',
      'extend-exclude = ["gen"]',
      'respect-gitignore = false',
      'force-exclude = true',
      '[tool.spawn-guard.per-file-ignores]',
      '"tests/*" = ["SPG001"]',
      '"__init__.py" = ["SPG00"]',
      '[tool.spawn-guard.extend-per-file-ignores]',
      '"scripts/**" = ["SPG008"]',
    ].join('\n'),
    FILE,
  )!;
  const file = (relative: string) => path.join(path.sep, 'project', ...relative.split('/'));

  it('reads them', () => {
    assert.deepEqual(config.extendSelect, ['SPG009']);
    assert.equal(config.respectGitignore, false);
    assert.equal(config.forceExclude, true);
    assert.ok(isExcluded(config, file('src/gen/x.py')));
    assert.ok(isExcluded(config, file('src/gen/x.py'), false), 'a command-line --exclude replaces exclude, not extend-exclude');
  });

  it('per-file-ignores and extend-per-file-ignores match as exclude does', () => {
    assert.deepEqual(perFileIgnores(config, file('tests/test_a.py')), ['SPG001']);
    assert.deepEqual(perFileIgnores(config, file('pkg/sub/__init__.py')), ['SPG00']);
    assert.deepEqual(perFileIgnores(config, file('scripts/a/b.py')), ['SPG008']);
    assert.deepEqual(perFileIgnores(config, file('src/app.py')), []);
  });

  it('rejects bad globs, codes and types', () => {
    assert.match(
      configError('[tool.spawn-guard]\nextend-exclude = ["a[b"]\n').reason,
      /extend-exclude: invalid glob "a\[b": Missing closing: "\]"/,
    );
    assert.match(configError('[tool.spawn-guard.per-file-ignores]\n"{a,b" = ["SPG001"]\n').reason, /per-file-ignores: invalid glob/);
    assert.match(configError('[tool.spawn-guard.per-file-ignores]\n"a.py" = ["E501"]\n').reason, /unknown rule code or prefix "E501"/);
    assert.match(configError('[tool.spawn-guard]\nrespect-gitignore = "no"\n').reason, /respect-gitignore: expected true or false/);
  });
});

describe('--config: a file, or key = value overrides', () => {
  it('reads a pyproject.toml by its table, any other .toml by its top-level keys', () => {
    const other = path.join(path.sep, 'ci', 'spawn-guard.toml');
    assert.deepEqual(parseConfigFile('select = ["SPG001"]\n', other).select, ['SPG001']);
    assert.equal(parseConfigFile('select = ["SPG001"]\n', other).root, path.join(path.sep, 'ci'));
    assert.deepEqual(parseConfigFile('[tool.spawn-guard]\nignore = ["SPG002"]\n', FILE).ignore, ['SPG002']);
    assert.equal(parseConfigFile('[project]\nname = "x"\n', FILE).file, FILE);
  });

  it('overrides set only the keys given', () => {
    assert.deepEqual(parseOverrides(['select = ["SPG001"]', 'respect-gitignore = false'], '/work'), {
      select: ['SPG001'],
      respectGitignore: false,
    });
    assert.throws(() => parseOverrides(['nope = 1'], '/work'), /unknown key "nope"/);
  });
});

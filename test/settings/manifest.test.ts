import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SERVER_COMMANDS } from '../../server/src/lsp/commands';
import { REPO_ROOT } from '../helpers/paths';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

describe('extension manifest (package.json)', () => {
  it('asks for the VS Code that vscode-languageclient needs, and types no newer than that', () => {
    const languageClient = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'vscode-languageclient', 'package.json'), 'utf8'),
    );
    assert.equal(manifest.engines.vscode, languageClient.engines.vscode);
    assert.equal(`^${manifest.devDependencies['@types/vscode']}`, manifest.engines.vscode);
  });

  it('is a Linter that activates on Python files and Jupyter notebooks and runs the bundled client', () => {
    assert.deepEqual(manifest.categories, ['Linters', 'Programming Languages']);
    assert.deepEqual(manifest.activationEvents, ['onLanguage:python', 'onNotebook:jupyter-notebook']);
    assert.equal(manifest.main, './dist/extension.js');
    assert.ok(fs.existsSync(path.join(REPO_ROOT, manifest.icon)), manifest.icon);
    assert.ok(manifest.publisher && manifest.repository?.url);
  });

  it('contributes the five palette commands in the Spawn Guard category', () => {
    const commands = contributes.commands as { command: string; title: string; category: string }[];
    assert.deepEqual(
      commands.map(({ command, title }) => [command, title]),
      [
        ['spawnGuard.addMainGuard', 'Add main guard'],
        ['spawnGuard.fixAll', 'Fix all spawn hazards'],
        ['spawnGuard.restartServer', 'Restart server'],
        ['spawnGuard.showLogs', 'Show logs'],
        ['spawnGuard.runUnderSpawn', 'Run under spawn'],
      ],
    );
    for (const command of commands) assert.equal(command.category, 'Spawn Guard');
    // The two document commands are the server's (workspace/executeCommand).
    assert.deepEqual(SERVER_COMMANDS, ['spawnGuard.addMainGuard', 'spawnGuard.fixAll']);
  });

  it('puts "Add main guard" in the editor context menu of Python files only', () => {
    assert.deepEqual(contributes.menus['editor/context'], [
      { command: 'spawnGuard.addMainGuard', when: 'editorLangId == python', group: '1_modification' },
    ]);
    for (const entry of contributes.menus.commandPalette) {
      // "Run under spawn" also runs a notebook (whichever of its cells has the focus).
      const when =
        entry.command === 'spawnGuard.runUnderSpawn' ? 'editorLangId == python || resourceExtname == .ipynb' : 'editorLangId == python';
      assert.equal(entry.when, when, entry.command);
    }
  });

  it('has its Marketplace page: banner, links, and the trust it needs', () => {
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    assert.match(manifest.homepage, /^https:\/\/github\.com\//);
    assert.match(manifest.bugs.url, /\/issues$/);
    // The analysis reads files and never runs them: it works in Restricted Mode; only running a
    // script (the "run under spawn" command) needs a trusted workspace, and the description says so.
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.ok(untrusted.description.length > 0);
    for (const setting of untrusted.restrictedConfigurations ?? []) assert.ok(setting in contributes.configuration.properties, setting);
  });

  it('has a walkthrough whose steps show files of the repository and run commands that exist', () => {
    const [walkthrough] = contributes.walkthroughs as {
      id: string;
      steps: { id: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }[];
    }[];
    assert.ok(walkthrough.steps.length >= 3);
    const ownCommands = new Set((contributes.commands as { command: string }[]).map((command) => command.command));
    for (const step of walkthrough.steps) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && fs.existsSync(path.join(REPO_ROOT, media)), `${step.id}: ${media}`);
      for (const [, image] of fs.readFileSync(path.join(REPO_ROOT, media), 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
        assert.ok(fs.existsSync(path.join(REPO_ROOT, path.dirname(media), image)), `${media}: ${image}`);
      }
      for (const [, command] of step.description.matchAll(/\(command:(spawnGuard\.[A-Za-z]+)/g))
        assert.ok(ownCommands.has(command), command);
      for (const event of step.completionEvents ?? [])
        assert.match(event, /^on(Command|Link|View|SettingChanged|Context|ExtensionInstalled|StepSelected):/);
    }
  });

  it('offers "Run under spawn" in the title of saved Python files and notebooks in trusted workspaces, and declares the limit', () => {
    assert.deepEqual(contributes.menus['editor/title'], [
      {
        command: 'spawnGuard.runUnderSpawn',
        when: 'resourceLangId == python && resourceScheme == file && isWorkspaceTrusted',
        group: 'navigation@90',
      },
    ]);
    assert.deepEqual(contributes.menus['notebook/toolbar'], [
      {
        command: 'spawnGuard.runUnderSpawn',
        when: 'notebookType == jupyter-notebook && resourceScheme == file && isWorkspaceTrusted',
        group: 'navigation@90',
      },
    ]);
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ['spawnGuard.python']);
  });

  it('injects the comment grammar into Python', () => {
    const [grammar] = contributes.grammars as { scopeName: string; path: string; injectTo: string[] }[];
    assert.deepEqual(grammar.injectTo, ['source.python']);
    const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, grammar.path), 'utf8'));
    assert.equal(file.scopeName, grammar.scopeName);
    assert.equal(file.injectionSelector, 'L:comment.line.number-sign.python');
  });
});

describe('comment grammar (syntaxes/)', () => {
  const grammar = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'syntaxes', 'spawn-guard-comments.tmLanguage.json'), 'utf8'));
  // Oniguruma's \G (where the comment text starts, after its `#`) is `^` for the comment text alone;
  // the patterns use nothing else that JavaScript regular expressions read differently.
  const fromCommentText = (pattern: string) => new RegExp(pattern.replaceAll('\\G', '^'));
  const lineNoqa = fromCommentText(grammar.repository['line-noqa'].match);
  const fileNoqa = fromCommentText(grammar.repository['file-noqa'].match);
  const ruleCode = new RegExp(grammar.repository['rule-code'].match, 'g');

  it('marks noqa and its rule codes', () => {
    const match = lineNoqa.exec(' noqa: SPG001, SPG003 other text');
    assert.ok(match);
    assert.equal(match[1], 'noqa');
    assert.equal(match[3], 'SPG001, SPG003');
    assert.deepEqual(match[3].match(ruleCode), ['SPG001', 'SPG003']);
    assert.equal(lineNoqa.exec(' NoQA')?.[1], 'NoQA');
    assert.equal(lineNoqa.exec(' noqa:E501')?.[3], 'E501');
    assert.equal(lineNoqa.exec(' why  # noqa: SPG002')?.[3], 'SPG002');
    assert.equal(lineNoqa.exec(' not a noqa comment'), null);
    assert.equal(lineNoqa.exec(' canoqa'), null);
  });

  it('marks the file-level directive', () => {
    const match = fileNoqa.exec(' spawn-guard: noqa: SPG008');
    assert.ok(match);
    assert.deepEqual([match[1], match[3], match[5]], ['spawn-guard', 'noqa', 'SPG008']);
    assert.equal(fileNoqa.exec(' spawn-guard: noqa')?.[5], undefined);
    assert.equal(fileNoqa.exec(' spawn-guards: noqa'), null);
    assert.equal(fileNoqa.exec(' see spawn-guard: noqa'), null);
  });
});

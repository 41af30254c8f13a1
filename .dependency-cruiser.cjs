// The server's layers, each importing only the layers below it (docs/ARCHITECTURE.md):
//   text < syntax < model < rules < engine < project < fixes < notebook < config < docs < lsp | cli | server.ts
// and the client imports only server/src/shared. `npm run lint` runs this check.
const LAYERS = ['shared', 'text', 'syntax', 'model', 'rules', 'engine', 'project', 'fixes', 'notebook', 'config', 'docs'];
const TOP = ['lsp', 'cli'];
const src = 'server/src';

/** A forbidden rule per layer: it may import only itself, the layers below it and shared/. */
const layerRules = LAYERS.map((layer, index) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ may import only ${['shared', ...LAYERS.slice(1, index)].join(', ') || 'nothing else'} (the layers below it)`,
  severity: 'error',
  from: { path: `^${src}/${layer}/` },
  to: {
    path: `^${src}/`,
    pathNot: [`^${src}/(${[...new Set(['shared', ...LAYERS.slice(0, index + 1)])].join('|')})/`],
  },
}));

module.exports = {
  forbidden: [
    { name: 'no-cycle', severity: 'error', comment: 'Import cycles hide the layering.', from: { path: `^${src}` }, to: { circular: true } },
    ...layerRules,
    {
      name: 'top-layers-apart',
      comment: 'The language server and the CLI share the layers below them, not each other.',
      severity: 'error',
      from: { path: `^${src}/(${TOP.join('|')})/` },
      to: { path: `^${src}/(${TOP.join('|')})/`, pathNot: [`^${src}/$1/`] },
    },
    {
      name: 'client-thin',
      comment: 'The VS Code client imports only server/src/shared (command ids, diagnostic source, node flags).',
      severity: 'error',
      from: { path: '^client/src' },
      to: { path: `^${src}/`, pathNot: [`^${src}/shared/`] },
    },
    {
      name: 'core-no-editor',
      comment: 'Nothing below lsp/ imports the LSP or VS Code libraries.',
      severity: 'error',
      from: { path: `^${src}/(${LAYERS.join('|')})/` },
      to: { path: '(^|/)node_modules/(vscode|vscode-languageserver|vscode-languageclient|vscode-jsonrpc)(/|$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

#!/usr/bin/env node
'use strict';
// Runs the bundled CLI (dist/cli.js: in the npm package, and after `npm run build` in a checkout), or the
// compiled sources in development (out/, after `npm run compile`).
const fs = require('node:fs');
const path = require('node:path');

const candidates = [path.join(__dirname, '..', 'dist', 'cli.js'), path.join(__dirname, '..', 'out', 'server', 'src', 'cli', 'main.js')];
const cli = candidates.find((file) => fs.existsSync(file));
if (!cli) {
  process.stderr.write(`spawn-guard: ${candidates[0]} is missing: in a checkout, run \`npm run build\` (npm ci does it)\n`);
  process.exit(2);
}
require(cli);

#!/usr/bin/env node
'use strict';
// Runs the bundled CLI (npm run build: dist/cli.js), or the compiled sources in development (out/).
const fs = require('node:fs');
const path = require('node:path');

const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
require(fs.existsSync(bundle) ? bundle : path.join(__dirname, '..', 'out', 'server', 'src', 'cli', 'main.js'));

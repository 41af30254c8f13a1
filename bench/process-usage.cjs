// Preloaded (`node --require`) into a process whose peak memory a benchmark measures: at exit it writes
// the peak resident set size in bytes, which covers the worker threads too, to SPAWN_GUARD_PEAK_RSS_FILE.
'use strict';
const fs = require('node:fs');

const target = process.env.SPAWN_GUARD_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => fs.writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
}

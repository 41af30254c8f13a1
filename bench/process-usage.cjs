// Preloaded (`node --require`) into a process a benchmark measures: at exit it writes, as JSON, the peak
// resident set size in bytes and the CPU time in milliseconds (both cover the worker threads too) to
// SPAWN_GUARD_USAGE_FILE. CPU time is the fairer figure on a busy machine, where wall time waits for cores.
'use strict';
const fs = require('node:fs');

const target = process.env.SPAWN_GUARD_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    fs.writeFileSync(target, JSON.stringify({ peakRss: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}

// Runs the benchmarks and records their figures in bench/RESULTS.md (`npm run bench` compiles first).
//   node bench/run.mjs              every benchmark module
//   node bench/run.mjs cli          only the modules whose name contains "cli"
//   node bench/run.mjs --no-record  print, do not append to RESULTS.md
// A benchmark module is bench/<name>.bench.ts, compiled to out/bench/<name>.bench.js. It exports
// `run(context)`, which prints its progress and returns sections: { title, markdown }. Benchmarks
// measure ratios within one run on one machine; none of them is a pass/fail test.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'out', 'bench');
const resultsFile = join(root, 'bench', 'RESULTS.md');
const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
const record = !args.includes('--no-record');
const filters = args.filter((arg) => !arg.startsWith('--'));

if (!existsSync(compiled)) {
  console.error(`no compiled benchmarks in ${compiled}: run 'npm run compile' first (or 'npm run bench')`);
  process.exit(2);
}
const modules = readdirSync(compiled)
  .filter((file) => file.endsWith('.bench.js'))
  .map((file) => ({ name: file.slice(0, -'.bench.js'.length), file: join(compiled, file) }))
  .filter((module) => filters.length === 0 || filters.some((filter) => module.name.includes(filter)))
  .sort((a, b) => a.name.localeCompare(b.name));
if (modules.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(2);
}

const machine = describeMachine();
console.log(`Machine: ${machine}\n`);
const sections = [];
for (const module of modules) {
  console.log(`== ${module.name}`);
  const benchmark = require(module.file);
  const produced = await benchmark.run({ root, machine });
  for (const section of produced) {
    console.log(`\n### ${section.title}\n\n${section.markdown}\n`);
    sections.push(section);
  }
}

if (record) {
  if (!existsSync(resultsFile)) {
    writeFileSync(resultsFile, '# Benchmark results\n\nAppended by `npm run bench`, newest last, so the trend stays visible.\n');
  }
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const body = sections.map((section) => `### ${section.title}\n\n${section.markdown.trim()}\n`).join('\n');
  appendFileSync(resultsFile, `\n## ${date} UTC: ${modules.map((m) => m.name).join(', ')}\n\n${machine}\n\n${body}`);
  console.log(`Recorded in ${resultsFile}`);
}

function describeMachine() {
  const cpus = os.cpus();
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length;
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`;
  let python = 'python3 not found';
  try {
    python = execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // No python3: the machine line says so.
  }
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cores} cores, ${memory}; ${os.type()} ${os.release()}; Node ${process.version}; ${python}`;
}

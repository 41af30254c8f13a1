import { RULES, ruleByCode } from '../engine/catalog';
import { parseCommandLine, UsageError } from './args';
import { runCheck } from './check-command';
import { paletteFor } from './colors';
import { StreamWriter } from './output';
import { formatRuleDocs } from '../docs/rule-docs';
import { packageVersion } from './version';
import { runCommandLine } from './run/run-command';

/** The `spawn-guard` command line (bin/spawn-guard.js loads this module, bundled as dist/cli.js). */
async function main(argv: readonly string[]): Promise<number> {
  const stdout = new StreamWriter(process.stdout);
  const stderr = new StreamWriter(process.stderr);
  const stderrPalette = paletteFor(process.stderr, process.env);
  try {
    if (argv[0] === 'run') return await runCommandLine(argv.slice(1), { stdout, stderr, stderrPalette });
    const command = parseCommandLine(argv);
    switch (command.kind) {
      case 'help':
        stdout.write(command.text);
        return 0;
      case 'version':
        stdout.line(`spawn-guard ${packageVersion()}`);
        return 0;
      case 'rule': {
        const rules = command.codes.length === 0 ? RULES : command.codes.map((code) => ruleByCode(code)!);
        stdout.write(rules.map((rule) => formatRuleDocs(rule)).join('\n'));
        return 0;
      }
      case 'check':
        return await runCheck(command.args, {
          cwd: process.cwd(),
          stdout,
          stderr,
          stdoutPalette: paletteFor(process.stdout, process.env, command.args.color),
          stderrPalette: paletteFor(process.stderr, process.env, command.args.color),
          exitStatus: (status) => (process.exitCode = status),
        });
    }
  } catch (error) {
    const message =
      error instanceof UsageError ? error.message : `internal error (please report it): ${(error as Error).stack ?? String(error)}`;
    stderr.line(`${stderrPalette.red(stderrPalette.bold('error'))}: ${message}`);
    return 2;
  } finally {
    await Promise.all([stdout.flush(), stderr.flush()]);
  }
}

// Output piped into a reader that stops early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});

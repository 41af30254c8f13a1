import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

/** The compiled CLI entry (what `npm test` just built; bin/spawn-guard.js prefers a possibly older dist/). */
export const CLI_MAIN = path.join(REPO_ROOT, 'out', 'server', 'src', 'cli', 'main.js');
export const CLI_LAUNCHER = path.join(REPO_ROOT, 'bin', 'spawn-guard.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Added to the environment (colour variables are removed first, so output is plain unless set here). */
  env?: Record<string, string>;
  /** The script to run: the compiled entry by default. */
  script?: string;
  /** Written to the CLI's stdin, which is then closed. */
  input?: string | Buffer;
}

/** Runs the real CLI as a child process and collects its output and exit status. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [options.script ?? CLI_MAIN, ...args],
      { cwd: options.cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (error && status === null) reject(error);
        else resolve({ status, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** A temporary folder holding `files` (relative path -> content); remove it with removeTree(). */
export function createTree(files: Record<string, string | Buffer>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-cli-')));
  writeTree(root, files);
  return root;
}

export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, ...relative.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** One finding of `--format json`. */
export interface JsonFinding {
  filename: string;
  code: string;
  rule: string;
  message: string;
  severity: string;
  location: { row: number; column: number };
  end_location: { row: number; column: number };
  url: string | null;
  noqa_row: number;
  fix: null | {
    message: string;
    applicability: string;
    edits: { content: string; location: { row: number; column: number }; end_location: { row: number; column: number } }[];
  };
  related: { message: string; location: { row: number; column: number }; end_location: { row: number; column: number } }[];
}

export function parseJsonFindings(stdout: string): JsonFinding[] {
  const parsed = JSON.parse(stdout) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`JSON output is not an array:\n${stdout.slice(0, 500)}`);
  return parsed as JsonFinding[];
}

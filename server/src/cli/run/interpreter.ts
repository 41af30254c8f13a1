import * as fs from 'node:fs';
import * as path from 'node:path';

/** The interpreter to run, as a path; undefined with the reason when there is none. */
export type Interpreter = { path: string } | { problem: string };

/**
 * `--python` as given (a path, or a name looked up on PATH), else python3, else python, on PATH. Checked
 * here so that a missing interpreter is a usage error with a clear message, not a spawn failure.
 */
export function findInterpreter(requested: string | undefined, env: NodeJS.ProcessEnv, cwd: string): Interpreter {
  const searchPath = env.PATH ?? '';
  if (requested !== undefined) {
    const found = requested.includes('/') ? executable(path.resolve(cwd, requested)) : onPath(requested, searchPath);
    return found ? { path: found } : { problem: `no Python interpreter at ${JSON.stringify(requested)} (--python)` };
  }
  for (const name of ['python3', 'python']) {
    const found = onPath(name, searchPath);
    if (found) return { path: found };
  }
  return { problem: 'no python3 or python on PATH: install Python or name one with --python PATH' };
}

function onPath(name: string, searchPath: string): string | undefined {
  for (const folder of searchPath.split(path.delimiter)) {
    if (folder === '') continue;
    const found = executable(path.join(folder, name));
    if (found) return found;
  }
  return undefined;
}

function executable(file: string): string | undefined {
  try {
    if (!fs.statSync(file).isFile()) return undefined;
    fs.accessSync(file, fs.constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

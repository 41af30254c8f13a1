import { spawnSync } from 'node:child_process';
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

/** The oldest Python whose multiprocessing has start methods (`get_context`, spawn on every platform). */
const OLDEST_PYTHON: readonly [number, number] = [3, 4];

/**
 * Why `python` cannot run a script under spawn-guard: it does not start, is not Python, or is older than
 * 3.4; undefined when it can. Asked in isolated mode (-I), so that nothing of the caller's environment
 * (PYTHONPATH, a broken sitecustomize) is mistaken for the interpreter's fault.
 */
export function interpreterProblem(python: string, env: NodeJS.ProcessEnv): string | undefined {
  const probe = spawnSync(python, ['-I', '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
    env,
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const version = /^(\d+)\.(\d+)$/.exec((probe.stdout ?? '').trim());
  if (probe.status !== 0 || !version) {
    const said = probe.error?.message ?? (probe.stderr ?? '').trim().split('\n')[0];
    return `${python} is not a Python 3 interpreter${said ? ` (${said})` : ` (exit status ${probe.status ?? probe.signal})`}`;
  }
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major < OLDEST_PYTHON[0] || (major === OLDEST_PYTHON[0] && minor < OLDEST_PYTHON[1]))
    return `${python} is Python ${major}.${minor}: spawn-guard run needs Python ${OLDEST_PYTHON.join('.')} or newer`;
  return undefined;
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

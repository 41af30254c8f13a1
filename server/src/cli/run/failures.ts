/**
 * Reads what went wrong under spawn from a run's stderr: the tracebacks CPython prints for each hazard,
 * and the line of the script they point at.
 */

export type Failure =
  /** Children that started a process while importing the main module (module-level code re-ran). */
  | { kind: 'bootstrapping'; deaths: number }
  /** A child could not find a pickled function or class: it is defined where `__mp_main__` lacks it. */
  | { kind: 'missing-attribute'; name: string; module: string }
  | { kind: 'pickling'; message: string }
  | { kind: 'context-already-set' }
  /** A global the child's copy of the module does not have. */
  | { kind: 'name-error'; name: string }
  /** concurrent.futures: a worker died (its own traceback, if any, was not recognised). */
  | { kind: 'broken-pool' }
  | { kind: 'error'; message: string };

export interface FoundFailure {
  failure: Failure;
  /** The line of the script the traceback points at (its last frame in the script), when it has one. */
  line: number | undefined;
}

interface Signature {
  pattern: RegExp;
  failure: (match: RegExpExecArray, stderr: string) => Failure;
}

const BOOTSTRAP = /An attempt has been made to start a new process before the\s+current process has finished its bootstrapping phase/;

/** Most specific first: a BrokenProcessPool or a parent's RuntimeError follows the child's own traceback. */
const SIGNATURES: readonly Signature[] = [
  { pattern: /RuntimeError: context has already been set/, failure: () => ({ kind: 'context-already-set' }) },
  {
    pattern: BOOTSTRAP,
    failure: (_match, stderr) => ({
      kind: 'bootstrapping',
      deaths: count(stderr, /An attempt has been made to start a new process before the/g),
    }),
  },
  {
    pattern: /Can't get attribute '([^']+)' on <module '(__(?:mp_)?main__)'/,
    failure: (match) => ({ kind: 'missing-attribute', name: match[1], module: match[2] }),
  },
  {
    pattern: /^(?:\S*PicklingError: .*|AttributeError: Can't pickle .*|TypeError: cannot pickle .*|.*Can't pickle .*)$/m,
    failure: (match) => ({ kind: 'pickling', message: match[0].trim() }),
  },
  { pattern: /NameError: name '([^']+)' is not defined/, failure: (match) => ({ kind: 'name-error', name: match[1] }) },
  { pattern: /BrokenProcessPool/, failure: () => ({ kind: 'broken-pool' }) },
];

/** Where a child's failure shows that a traceback came from another process, not the script's own main code. */
const FROM_A_CHILD = /RemoteTraceback|^Process \S+:$|multiprocessing[/\\](?:spawn|process|pool)\.py/m;

/**
 * The spawn hazard a run's stderr shows, if any. A NameError counts only when it came from a child (the
 * script's own NameError is not a spawn hazard); `exitCode` makes a generic failure of anything else.
 */
export function findFailure(stderr: string, exitCode: number | null, script: string, bootstrapDeaths?: number): FoundFailure | undefined {
  for (const signature of SIGNATURES) {
    const match = signature.pattern.exec(stderr);
    if (!match) continue;
    if (signature === SIGNATURES[4] && !FROM_A_CHILD.test(stderr)) continue;
    let failure = signature.failure(match, stderr);
    if (failure.kind === 'bootstrapping' && bootstrapDeaths !== undefined)
      failure = { kind: 'bootstrapping', deaths: Math.max(bootstrapDeaths, failure.deaths) };
    return { failure, line: scriptLineBefore(stderr, match.index, script) };
  }
  if (exitCode !== null && exitCode !== 0) {
    return {
      failure: { kind: 'error', message: lastErrorLine(stderr) ?? `exit status ${exitCode}` },
      line: scriptLineBefore(stderr, stderr.length, script),
    };
  }
  return undefined;
}

/** The same hazard: --compare discounts a failure that the fork run shows too. */
export function sameFailure(a: Failure, b: Failure): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'bootstrapping') return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The last frame in `script` of the traceback that ends at `offset`. */
function scriptLineBefore(stderr: string, offset: number, script: string): number | undefined {
  const before = stderr.slice(0, offset);
  const start = before.lastIndexOf('Traceback (most recent call last):');
  if (start < 0) return undefined;
  const frame = /^\s*File "([^"]+)", line (\d+)/gm;
  frame.lastIndex = start;
  let line: number | undefined;
  for (let match = frame.exec(before); match; match = frame.exec(before)) {
    if (samePath(match[1], script)) line = Number(match[2]);
  }
  return line;
}

function samePath(frameFile: string, script: string): boolean {
  return frameFile === script || frameFile.endsWith(`/${script.replace(/^\.\//, '')}`);
}

/** `SomeError: message`: the first line after the frames of the last traceback. */
function lastErrorLine(stderr: string): string | undefined {
  const start = stderr.lastIndexOf('Traceback (most recent call last):');
  if (start < 0) return undefined;
  const lines = stderr.slice(start).split('\n').slice(1);
  return lines.find((line) => line !== '' && !/^\s/.test(line))?.trim();
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

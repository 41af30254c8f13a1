import { argumentAt, callArguments, unparenthesize } from '../syntax/queries';
import type { SyntaxNode } from '../syntax/syntaxNode';

/**
 * Third-party APIs that start processes, each with the condition under which it does. The model knows
 * `multiprocessing`, `concurrent.futures.ProcessPoolExecutor` and `joblib.Parallel(backend=
 * "multiprocessing")` itself (model/api.ts); this table is for the project layer, which follows calls
 * into libraries by their qualified name. Users add their own entries in pyproject.toml
 * (`[tool.spawn-guard] spawners = ["pyBKT.models.Model.fit"]`): calling such a name always starts
 * processes.
 */
export interface Spawner {
  /**
   * The qualified name a call must resolve to. An instance's method is named by its class
   * (`pebble.ProcessPool.schedule`); a `*` part stands for one or more parts (`dask.bag.*.compute`:
   * a bag built by any chain of calls, then computed); a name starting with `.` matches that method on
   * any object (`.compute`).
   */
  name: string;
  /** `call`: the call starts processes; `iterate`: iterating what the call returns does (`for batch in loader`). */
  starts: 'call' | 'iterate';
  /** The argument condition; absent: always. */
  condition?: SpawnerCondition;
  /** For the docs and messages: what it starts and when. */
  when: string;
  source: 'built-in' | 'pyproject';
  /** For the docs: how the entry was checked against the library. */
  evidence?: string;
}

export type SpawnerCondition =
  /** An integer argument above 0 (`num_workers=4`); a value the model cannot read is not above 0. */
  | { kind: 'positive'; keyword: string; position: number }
  /** A string argument among `values`; when `absent` is true, leaving it out counts too (a default that starts processes). */
  | { kind: 'one-of'; keyword: string; values: readonly string[]; absent: boolean };

const DASK_PROCESSES = ['processes', 'multiprocessing'];

/** How each built-in entry was checked (the project fixtures run under real spawn: test/runtime/project-runtime.test.ts). */
const EVIDENCE = {
  TORCH:
    'Debian python3-torch 1.13.1 under spawn: "bootstrapping phase" with `num_workers=2`, the same output as fork with the default 0 (test/fixtures/projects/torch-dataloader, torch-no-workers).',
  TQDM: 'Debian python3-tqdm 4.64.1 under spawn: "bootstrapping phase", BrokenProcessPool (test/fixtures/projects/tqdm-process-map).',
  PEBBLE:
    'Debian python3-pebble 5.0.3: no child after `ProcessPool()`, two after the first `schedule`; an unguarded pool hangs under spawn (test/fixtures/projects/pebble-pool).',
  DASK: 'Debian python3-dask 2022.12.1: a bag computes with `dask.multiprocessing.get`, which uses a spawn context even on Linux: "bootstrapping phase" under fork too (test/fixtures/projects/dask-bag).',
  MULTIPROCESS:
    "Documented: multiprocess is a fork of multiprocessing that pickles with dill (https://github.com/uqfoundation/multiprocess). Debian's python3-multiprocess 0.70.12 cannot start a spawn child on Python 3.11 (fork_exec() takes exactly 23 arguments), so it was not run.",
  PATHOS:
    'Documented: pathos pools are multiprocess pools created at the first map (https://pathos.readthedocs.io); not in Debian bookworm, not run.',
} as const;
const PATHOS_METHODS = ['map', 'imap', 'uimap', 'amap', 'pipe', 'apipe'];

/** The built-in table (README "Library spawners" renders it; verified against the libraries, see docs). */
export const BUILT_IN_SPAWNERS: readonly Spawner[] = [
  ...['torch.utils.data.DataLoader', 'torch.utils.data.dataloader.DataLoader'].map((name): Spawner => ({
    name,
    starts: 'iterate',
    condition: { kind: 'positive', keyword: 'num_workers', position: 5 },
    when: 'iterating a DataLoader with `num_workers` > 0 starts its worker processes (the default 0 loads in the main process)',
    source: 'built-in',
    evidence: EVIDENCE.TORCH,
  })),
  {
    name: 'tqdm.contrib.concurrent.process_map',
    starts: 'call',
    when: '`process_map` runs the function in a ProcessPoolExecutor',
    source: 'built-in',
    evidence: EVIDENCE.TQDM,
  },
  ...['pebble.ProcessPool', 'pebble.pool.ProcessPool', 'pebble.pool.process.ProcessPool'].flatMap((pool) =>
    ['schedule', 'map'].map((method): Spawner => ({
      name: `${pool}.${method}`,
      starts: 'call',
      when: "pebble's ProcessPool starts its workers at the first `schedule`/`map` (creating the pool starts none)",
      source: 'built-in',
      evidence: EVIDENCE.PEBBLE,
    })),
  ),
  ...['dask.compute', 'dask.persist', '.compute', '.persist'].map((name): Spawner => ({
    name,
    starts: 'call',
    condition: { kind: 'one-of', keyword: 'scheduler', values: DASK_PROCESSES, absent: false },
    when: 'dask with `scheduler="processes"` runs tasks in a pool of processes (always started with spawn, on every platform)',
    source: 'built-in',
    evidence: EVIDENCE.DASK,
  })),
  ...['dask.bag.*.compute', 'dask.bag.*.persist', 'dask.bag.*.take'].map((name): Spawner => ({
    name,
    starts: 'call',
    condition: { kind: 'one-of', keyword: 'scheduler', values: DASK_PROCESSES, absent: true },
    when: "a dask bag's default scheduler is the processes one (always started with spawn, on every platform)",
    source: 'built-in',
    evidence: EVIDENCE.DASK,
  })),
  ...[
    'multiprocess.Pool',
    'multiprocess.pool.Pool',
    'multiprocess.Manager',
    'multiprocess.Process.start',
    'multiprocess.context.Process.start',
  ].map((name): Spawner => ({
    name,
    starts: 'call',
    when: '`multiprocess` is multiprocessing with dill: the same processes, re-importing the main module under spawn',
    source: 'built-in',
    evidence: EVIDENCE.MULTIPROCESS,
  })),
  ...['pathos.multiprocessing.ProcessingPool', 'pathos.multiprocessing.ProcessPool', 'pathos.pools.ProcessPool'].flatMap((pool) =>
    PATHOS_METHODS.map((method): Spawner => ({
      name: `${pool}.${method}`,
      starts: 'call',
      when: "pathos' ProcessPool (multiprocess underneath) starts its workers at the first map",
      source: 'built-in',
      evidence: EVIDENCE.PATHOS,
    })),
  ),
];

/** Why a `spawners` entry of pyproject.toml is not usable; undefined when it is. */
export function spawnerEntryProblem(entry: string): string | undefined {
  const name = entry.trim();
  if (name === '') return 'an empty name';
  if (/\s/.test(name)) return `${JSON.stringify(entry)} holds spaces (expected a dotted name such as "pyBKT.models.Model.fit")`;
  const parts = name.split('.');
  if (parts.some((part) => part === ''))
    return `${JSON.stringify(entry)} has an empty part (expected a dotted name such as "pyBKT.models.Model.fit")`;
  const bad = parts.find((part) => !/^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(part));
  if (bad) return `${JSON.stringify(entry)}: ${JSON.stringify(bad)} is not a Python identifier`;
  if (parts.length < 2) return `${JSON.stringify(entry)} names no module (expected module.function or module.Class.method)`;
  return undefined;
}

/** The spawners a configuration adds to the built-in ones. */
export function userSpawners(names: readonly string[]): Spawner[] {
  return names.map((name) => ({
    name: name.trim(),
    starts: 'call',
    when: 'listed in `[tool.spawn-guard] spawners`',
    source: 'pyproject',
  }));
}

/** A spawner table with its lookups: exact names, method names on any object, and patterns. */
export class SpawnerTable {
  private readonly exact = new Map<string, Spawner[]>();
  private readonly methods = new Map<string, Spawner[]>();
  /** Patterns with the text before their first `*` (a name must start with it). */
  private readonly patterns: { prefix: string; parts: string[]; spawner: Spawner }[] = [];
  /** Identifies the table in cache keys: summaries depend on it. */
  readonly key: string;

  constructor(readonly spawners: readonly Spawner[]) {
    for (const spawner of spawners) {
      if (spawner.name.startsWith('.')) push(this.methods, spawner.name.slice(1), spawner);
      else if (spawner.name.includes('*'))
        this.patterns.push({ prefix: spawner.name.slice(0, spawner.name.indexOf('*')), parts: spawner.name.split('.'), spawner });
      else push(this.exact, spawner.name, spawner);
    }
    this.key = spawners
      .filter((spawner) => spawner.source === 'pyproject')
      .map((spawner) => spawner.name)
      .join(',');
  }

  /**
   * The spawner that `call` (resolving to `qualified`, when it does) starts processes through, with
   * its condition met. `iterated`: the call's value is iterated (only `iterate` spawners then).
   */
  match(call: SyntaxNode, qualified: string | undefined, iterated: boolean, read: ArgumentReader): Spawner | undefined {
    const candidates: Spawner[] = [];
    if (qualified !== undefined) {
      candidates.push(...(this.exact.get(qualified) ?? []));
      for (const pattern of this.patterns)
        if (qualified.startsWith(pattern.prefix) && matchesPattern(pattern.parts, qualified.split('.'))) candidates.push(pattern.spawner);
    }
    const callee = call.childForFieldName('function');
    if (callee?.type === 'attribute') {
      const method = callee.childForFieldName('attribute')?.text;
      if (method) candidates.push(...(this.methods.get(method) ?? []));
    }
    return candidates.find(
      (spawner) => (spawner.starts === 'iterate') === iterated && (!spawner.condition || conditionHolds(spawner.condition, call, read)),
    );
  }
}

/** Reads literal argument values (through names bound to literals). */
export interface ArgumentReader {
  integer(expression: SyntaxNode): number | undefined;
  string(expression: SyntaxNode): string | undefined;
}

function conditionHolds(condition: SpawnerCondition, call: SyntaxNode, read: ArgumentReader): boolean {
  const args = callArguments(call);
  switch (condition.kind) {
    case 'positive': {
      const argument = argumentAt(args, condition.position, condition.keyword);
      const value = argument ? read.integer(unparenthesize(argument)) : undefined;
      return value !== undefined && value > 0;
    }
    case 'one-of': {
      const argument = args.keywords.get(condition.keyword);
      if (!argument) return condition.absent && !args.hasStarKwargs;
      const value = read.string(unparenthesize(argument));
      return value !== undefined && condition.values.includes(value);
    }
  }
}

/** `*` stands for one or more parts. */
function matchesPattern(pattern: readonly string[], parts: readonly string[]): boolean {
  const match = (p: number, q: number): boolean => {
    if (p === pattern.length) return q === parts.length;
    if (pattern[p] === '*') {
      for (let next = q + 1; next <= parts.length; next++) if (match(p + 1, next)) return true;
      return false;
    }
    return q < parts.length && pattern[p] === parts[q] && match(p + 1, q + 1);
  };
  return match(0, 0);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

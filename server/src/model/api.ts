/**
 * The library objects the model knows, by fully qualified name. Thread-based look-alikes
 * (`multiprocessing.dummy`, `multiprocessing.pool.ThreadPool`, `ThreadPoolExecutor`) are absent on
 * purpose: they never spawn, so they resolve to nothing.
 */
export type ApiKind =
  /** multiprocessing.Process and friends: `.start()` starts a child. */
  | 'Process'
  /** multiprocessing.Pool: creating one starts its workers. */
  | 'Pool'
  /** multiprocessing.Manager(): starts the manager's server process. */
  | 'Manager'
  /** SyncManager / BaseManager: `.start()` or `with` starts the server process. */
  | 'ManagerClass'
  | 'ProcessPoolExecutor'
  /** Queues, locks, events, shared values: each spawned child re-creates a module-level one. */
  | 'SyncPrimitive'
  | 'get_context'
  | 'set_start_method'
  | 'Thread'
  | 'partial'
  | 'wraps'
  | 'update_wrapper'
  /** joblib.Parallel: a hazard only with backend="multiprocessing" (the default loky backend needs no guard). */
  | 'Parallel';

/**
 * The top-level modules whose objects start processes. A file that names none of them starts none:
 * the model resolves every process object from an import of one of these.
 */
export const PROCESS_MODULES: readonly string[] = ['multiprocessing', 'concurrent', 'joblib'];

/** Matches a text that names one of PROCESS_MODULES anywhere. */
export const PROCESS_MODULE_WORD = new RegExp(PROCESS_MODULES.join('|'));

/** A start method as far as the code tells: `default` is whatever the platform (or set_start_method) picks. */
export type StartMethod = 'default' | 'spawn' | 'forkserver' | 'fork' | 'unknown';

export interface ApiEntry {
  kind: ApiKind;
  /** A start method fixed by the object itself (`SpawnProcess`, `ForkProcess`). */
  method?: StartMethod;
}

const MULTIPROCESSING_API: Record<string, ApiEntry> = {
  Process: { kind: 'Process' },
  Pool: { kind: 'Pool' },
  Manager: { kind: 'Manager' },
  Queue: { kind: 'SyncPrimitive' },
  JoinableQueue: { kind: 'SyncPrimitive' },
  SimpleQueue: { kind: 'SyncPrimitive' },
  Lock: { kind: 'SyncPrimitive' },
  RLock: { kind: 'SyncPrimitive' },
  Event: { kind: 'SyncPrimitive' },
  Semaphore: { kind: 'SyncPrimitive' },
  BoundedSemaphore: { kind: 'SyncPrimitive' },
  Condition: { kind: 'SyncPrimitive' },
  Barrier: { kind: 'SyncPrimitive' },
  Value: { kind: 'SyncPrimitive' },
  Array: { kind: 'SyncPrimitive' },
  get_context: { kind: 'get_context' },
  set_start_method: { kind: 'set_start_method' },
};

const QUALIFIED_API: Record<string, ApiEntry> = {
  'multiprocessing.context.Process': { kind: 'Process' },
  'multiprocessing.context.SpawnProcess': { kind: 'Process', method: 'spawn' },
  'multiprocessing.context.ForkServerProcess': { kind: 'Process', method: 'forkserver' },
  'multiprocessing.context.ForkProcess': { kind: 'Process', method: 'fork' },
  'multiprocessing.process.BaseProcess': { kind: 'Process' },
  'multiprocessing.pool.Pool': { kind: 'Pool' },
  'multiprocessing.managers.SyncManager': { kind: 'ManagerClass' },
  'multiprocessing.managers.BaseManager': { kind: 'ManagerClass' },
  'concurrent.futures.ProcessPoolExecutor': { kind: 'ProcessPoolExecutor' },
  'concurrent.futures.process.ProcessPoolExecutor': { kind: 'ProcessPoolExecutor' },
  'threading.Thread': { kind: 'Thread' },
  'functools.partial': { kind: 'partial' },
  'functools.wraps': { kind: 'wraps' },
  'functools.update_wrapper': { kind: 'update_wrapper' },
  'joblib.Parallel': { kind: 'Parallel' },
};

/** The API object a fully qualified name refers to, if the model knows it. */
export function apiByQualifiedName(qualified: string): ApiEntry | undefined {
  if (qualified.startsWith('multiprocessing.') && qualified.indexOf('.', 16) < 0) {
    const entry = MULTIPROCESSING_API[qualified.slice(16)];
    if (entry) return entry;
  }
  return QUALIFIED_API[qualified];
}

/** The API object reached as an attribute of a multiprocessing context (`ctx.Pool`). */
export function contextApi(attribute: string): ApiEntry | undefined {
  return Object.prototype.hasOwnProperty.call(MULTIPROCESSING_API, attribute) ? MULTIPROCESSING_API[attribute] : undefined;
}

/** Pool methods whose first argument is called in the workers. */
export const POOL_WORKER_METHODS = new Set([
  'map',
  'imap',
  'imap_unordered',
  'starmap',
  'apply',
  'apply_async',
  'map_async',
  'starmap_async',
]);

/** Executor methods whose first argument is called in the workers. */
export const EXECUTOR_WORKER_METHODS = new Set(['submit', 'map']);

/** The start method a `get_context(...)` / `set_start_method(...)` argument names. */
export function startMethodOf(name: string | undefined): StartMethod {
  switch (name) {
    case 'spawn':
    case 'fork':
    case 'forkserver':
      return name;
    default:
      return 'unknown';
  }
}

/**
 * Calls that have effects outside the process at import time (output, files, network, processes,
 * sleeping). Each spawned child repeats them when it re-imports the main module.
 */
export const IMPORT_SIDE_EFFECTS: Record<string, string> = {
  'builtins.print': 'prints',
  'builtins.input': 'reads standard input',
  'builtins.open': 'opens a file',
  'builtins.breakpoint': 'enters the debugger',
  'time.sleep': 'sleeps',
  'os.system': 'runs a shell command',
  'os.popen': 'runs a shell command',
  'os.remove': 'deletes a file',
  'os.unlink': 'deletes a file',
  'os.rmdir': 'deletes a directory',
  'os.removedirs': 'deletes directories',
  'os.mkdir': 'creates a directory',
  'os.makedirs': 'creates directories',
  'os.rename': 'renames a file',
  'os.replace': 'replaces a file',
  'os.startfile': 'opens a file',
  'shutil.rmtree': 'deletes a directory tree',
  'shutil.copy': 'copies a file',
  'shutil.copy2': 'copies a file',
  'shutil.copyfile': 'copies a file',
  'shutil.copytree': 'copies a directory tree',
  'shutil.move': 'moves a file',
  'subprocess.run': 'runs a program',
  'subprocess.call': 'runs a program',
  'subprocess.check_call': 'runs a program',
  'subprocess.check_output': 'runs a program',
  'subprocess.Popen': 'runs a program',
  'subprocess.getoutput': 'runs a program',
  'subprocess.getstatusoutput': 'runs a program',
  'requests.get': 'makes a network request',
  'requests.post': 'makes a network request',
  'requests.put': 'makes a network request',
  'requests.patch': 'makes a network request',
  'requests.delete': 'makes a network request',
  'requests.head': 'makes a network request',
  'requests.request': 'makes a network request',
  'httpx.get': 'makes a network request',
  'httpx.post': 'makes a network request',
  'urllib.request.urlopen': 'makes a network request',
  'urllib.request.urlretrieve': 'downloads a file',
  'socket.create_connection': 'opens a network connection',
  'webbrowser.open': 'opens a browser',
  'sys.stdout.write': 'prints',
  'sys.stderr.write': 'prints',
  'pprint.pprint': 'prints',
  'logging.debug': 'logs',
  'logging.info': 'logs',
  'logging.warning': 'logs',
  'logging.error': 'logs',
  'logging.critical': 'logs',
  'logging.exception': 'logs',
  'logging.log': 'logs',
};

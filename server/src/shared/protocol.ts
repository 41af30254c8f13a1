/**
 * What the VS Code client and the language server must agree on. The client imports only from
 * server/src/shared/, so it never bundles analysis code.
 */

/** The `source` of every diagnostic the server publishes (the client's status item counts them). */
export const DIAGNOSTIC_SOURCE = 'spawn-guard';

/** Commands the server executes (workspace/executeCommand). */
export const ADD_MAIN_GUARD_COMMAND = 'spawnGuard.addMainGuard';
export const FIX_ALL_COMMAND = 'spawnGuard.fixAll';
export const SERVER_COMMANDS: readonly string[] = [ADD_MAIN_GUARD_COMMAND, FIX_ALL_COMMAND];

/** Commands the client handles itself. */
export const RESTART_COMMAND = 'spawnGuard.restartServer';
export const SHOW_LOGS_COMMAND = 'spawnGuard.showLogs';

/**
 * Runs the file under spawn with `spawn-guard run --compare` (the client spawns the CLI; trusted
 * workspaces only). Arguments: `[uri]`, a file URI string or vscode.Uri; none for the active editor.
 */
export const RUN_UNDER_SPAWN_COMMAND = 'spawnGuard.runUnderSpawn';

/**
 * The client's `initializationOptions`. `runUnderSpawn`: the client has RUN_UNDER_SPAWN_COMMAND, so the
 * server may offer "Reproduce under spawn" (other editors' clients do not have it and get no such action).
 */
export interface InitializationOptions {
  runUnderSpawn?: boolean;
}

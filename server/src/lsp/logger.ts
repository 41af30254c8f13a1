import type { RemoteConsole } from 'vscode-languageserver';
import { LOG_LEVELS, type LogLevel } from '../config/settings';

/**
 * Server log lines, sent to the client as window/logMessage (VS Code shows them in the Spawn Guard log
 * output). Lines below the `spawnGuard.logLevel` setting are dropped here, before they cross the wire.
 */
export class Logger {
  private threshold: number;

  constructor(
    private readonly console: RemoteConsole,
    level: LogLevel = 'info',
  ) {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  setLevel(level: LogLevel): void {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  error(message: string, error?: unknown): void {
    this.console.error(error === undefined ? message : `${message}: ${describeError(error)}`);
  }

  warn(message: string): void {
    if (this.enabled('warn')) this.console.warn(message);
  }

  info(message: string): void {
    if (this.enabled('info')) this.console.info(message);
  }

  debug(message: string): void {
    if (this.enabled('debug')) this.console.debug(message);
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= this.threshold;
  }
}

/** An error with its stack when there is one (what a bug report needs). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

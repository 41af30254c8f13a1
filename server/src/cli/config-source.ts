import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, ConfigResolver, parseConfigFile, parseOverrides, type SpawnGuardConfig } from '../config/pyproject';
import type { ConfigSource } from './files';

/**
 * The configuration of each folder as the command line has it: the nearest pyproject.toml (or the one
 * file --config names, for every folder, as ruff does), with the `--config "key = value"` overrides on top.
 * Throws ConfigError when the --config file or an override is invalid.
 */
export class CommandLineConfig implements ConfigSource {
  private readonly resolver = new ConfigResolver(readTextFileIfExists);
  private readonly fixed: SpawnGuardConfig | undefined;
  private readonly overrides: Partial<SpawnGuardConfig>;
  private readonly layered = new WeakMap<SpawnGuardConfig, SpawnGuardConfig>();

  constructor(cwd: string, configFile: string | undefined, overrides: readonly string[]) {
    if (configFile !== undefined) {
      const file = path.resolve(cwd, configFile);
      const text = readTextFileIfExists(file);
      if (text === undefined) throw new ConfigError(configFile, 'No such file');
      this.fixed = parseConfigFile(text, file);
    }
    this.overrides = parseOverrides(overrides, cwd);
  }

  forDirectory(directory: string): SpawnGuardConfig {
    const base = this.fixed ?? this.resolver.forDirectory(directory);
    if (Object.keys(this.overrides).length === 0) return base;
    let config = this.layered.get(base);
    if (!config) {
      config = { ...base, ...this.overrides };
      this.layered.set(base, config);
    }
    return config;
  }

  forFile(file: string): SpawnGuardConfig {
    return this.forDirectory(path.dirname(path.resolve(file)));
  }
}

function readTextFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

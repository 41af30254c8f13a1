import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package version, built into the bundles by scripts/build.mjs; undefined in the tsc build (out/). */
declare const SPAWN_GUARD_VERSION: string | undefined;

let cached: string | undefined;

/**
 * The package version. The bundles have it built in, so starting the server reads no file for it;
 * compiled by tsc (out/server/src/cli/), it is read from the spawn-guard package.json above this file,
 * so that it is never out of step with the package.
 */
export function packageVersion(): string {
  if (cached) return cached;
  if (typeof SPAWN_GUARD_VERSION === 'string') return (cached = SPAWN_GUARD_VERSION);
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'spawn-guard' && parsed.version) return (cached = parsed.version);
    }
    if (path.dirname(dir) === dir) return (cached = 'unknown');
  }
}

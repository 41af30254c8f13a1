import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/**
 * The package version, read from the spawn-guard package.json above this file (dist/ when bundled,
 * out/server/src/cli/ when compiled), so that it is never out of step with the package.
 */
export function packageVersion(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'spawn-guard' && parsed.version) return (cached = parsed.version);
    }
    if (path.dirname(dir) === dir) return (cached = 'unknown');
  }
}

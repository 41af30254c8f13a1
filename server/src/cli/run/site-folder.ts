import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folder that holds spawn-guard's sitecustomize.py and nothing else (whatever is in it becomes
 * importable by the script). The build copies it beside the bundles (dist/spawn-guard-site); compiled
 * sources (out/server/src/cli/run) find it in the source tree.
 */
export const SITE_FOLDER_NAME = 'spawn-guard-site';

export function siteFolder(): string {
  const candidates = [
    path.join(__dirname, SITE_FOLDER_NAME),
    path.join(__dirname, '..', '..', '..', '..', '..', 'server', 'src', 'cli', 'run', SITE_FOLDER_NAME),
  ];
  const found = candidates.find((folder) => fs.existsSync(path.join(folder, 'sitecustomize.py')));
  if (!found) throw new Error(`spawn-guard's sitecustomize.py is missing (looked in ${candidates.join(', ')}): reinstall spawn-guard`);
  return found;
}

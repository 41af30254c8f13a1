import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Folders of Python files `spawn-guard run` ships. The build copies them beside the bundles (dist/);
 * compiled sources (out/server/src/cli/run) find them in the source tree.
 */
function bundledFile(folder: string, file: string): string {
  const candidates = [
    path.join(__dirname, folder),
    path.join(__dirname, '..', '..', '..', '..', '..', 'server', 'src', 'cli', 'run', folder),
  ];
  const found = candidates.find((candidate) => fs.existsSync(path.join(candidate, file)));
  if (!found) throw new Error(`spawn-guard's ${file} is missing (looked in ${candidates.join(', ')}): reinstall spawn-guard`);
  return path.join(found, file);
}

/** The folder that holds spawn-guard's sitecustomize.py and nothing else (whatever is in it becomes importable by the script). */
export const SITE_FOLDER_NAME = 'spawn-guard-site';
export const NOTEBOOK_FOLDER_NAME = 'spawn-guard-notebook';

export function siteFolder(): string {
  return path.dirname(bundledFile(SITE_FOLDER_NAME, 'sitecustomize.py'));
}

/** The driver that runs a notebook's cells in a Jupyter kernel. */
export function notebookRunner(): string {
  return bundledFile(NOTEBOOK_FOLDER_NAME, 'run_notebook.py');
}

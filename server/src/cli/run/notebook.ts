import { spawnSync } from 'node:child_process';

/** `spawn-guard run` runs a notebook's code cells in a real kernel (spawn-guard-notebook/run_notebook.py). */
export function isNotebook(file: string): boolean {
  return file.toLowerCase().endsWith('.ipynb');
}

/**
 * Why `python` cannot run a notebook (ipykernel, nbclient or nbformat not importable), with what to
 * install; undefined when it can.
 */
export function notebookProblem(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', 'import ipykernel, nbclient, nbformat'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status === 0) return undefined;
  const missing = /No module named '([^']+)'/.exec(probe.stderr ?? '')?.[1];
  return (
    `running a notebook needs ipykernel and nbclient for ${python}${missing ? ` (${missing} is missing)` : ''}: ` +
    `install them with \`${python} -m pip install ipykernel nbclient\`` +
    (python === '/usr/bin/python3' ? ' or, on Debian and Ubuntu, `apt install python3-ipykernel python3-nbclient`' : '')
  );
}

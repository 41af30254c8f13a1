import { spawnSync } from 'node:child_process';

/**
 * Debian's own interpreter: it sees the python3-* packages (joblib, numpy, torch, dask, ...) that the
 * tests run library code with. Missing packages are installed with apt-get, and the test says so.
 */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** The module each Debian package provides, to tell whether it is installed. */
const DEBIAN_MODULES: Record<string, string> = {
  'python3-torch': 'torch',
  'python3-dask': 'dask.bag',
  'python3-joblib': 'joblib',
  'python3-tqdm': 'tqdm',
  'python3-pebble': 'pebble',
  'python3-numpy': 'numpy',
};

/**
 * Installs the Debian packages that the system interpreter cannot import yet; returns why not when it
 * cannot (no apt-get, not root), undefined when all are there.
 */
export function installDebianPythonPackages(packages: readonly string[], who: string): string | undefined {
  const wanted = [...new Set(packages)];
  const importable = (pkg: string) => spawnSync(SYSTEM_PYTHON, ['-c', `import ${DEBIAN_MODULES[pkg] ?? pkg}`]).status === 0;
  const missing = wanted.filter((pkg) => !importable(pkg));
  if (missing.length === 0) return undefined;
  console.log(`${who}: installing Debian packages ${missing.join(', ')} (apt-get install)`);
  const result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0 ? undefined : `cannot install ${missing.join(', ')} with apt-get (exit ${result.status})`;
}

import * as fs from 'node:fs';
import type { ProjectFiles } from './modules';

/**
 * The project's files as the disk has them (the CLI; the server puts its open documents in front).
 * A file that cannot be read (missing, a directory, no permission) is no module.
 */
export function diskFiles(): ProjectFiles {
  return {
    readFile(file) {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    isDirectory(directory) {
      try {
        return fs.statSync(directory).isDirectory();
      } catch {
        return false;
      }
    },
  };
}

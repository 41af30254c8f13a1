import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProjectFiles } from './modules';

/**
 * The project's files as the disk has them (the CLI; the server puts its open documents in front).
 * A file that cannot be read (missing, a directory, no permission) is no module.
 */
export function diskFiles(): ProjectFiles & Required<Pick<ProjectFiles, 'exists' | 'listDirectory'>> {
  return {
    readFile(file) {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    exists(file) {
      return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
    },
    listDirectory(directory) {
      try {
        return fs.readdirSync(directory);
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

/**
 * `files` read once per path and listed once per folder: a name its folder's listing lacks is no file
 * (no read, no failed system call for each module name tried in each root). `onRead` hears of each file read.
 */
export function memoisedFiles(files: ProjectFiles, onRead: (file: string) => void): ProjectFiles {
  const texts = new Map<string, string | undefined>();
  const folders = new Map<string, boolean>();
  const listings = new Map<string, Set<string> | undefined>();
  // Only folders that exist are remembered: a module name tried in each of many roots makes many
  // paths that do not exist, and each stops at the first folder its parent's listing lacks.
  const listing = (directory: string): Set<string> | undefined => {
    if (listings.has(directory)) return listings.get(directory);
    const parent = path.dirname(directory);
    if (parent !== directory && !listing(parent)?.has(path.basename(directory))) return undefined;
    const names = files.listDirectory!(directory);
    const set = names && new Set(names);
    listings.set(directory, set);
    return set;
  };
  const listed = (file: string): boolean => !files.listDirectory || (listing(path.dirname(file))?.has(path.basename(file)) ?? false);
  const memo: ProjectFiles = {
    readFile: (file) => {
      if (!texts.has(file)) {
        const text = listed(file) ? files.readFile(file) : undefined;
        texts.set(file, text);
        if (text !== undefined) onRead(file);
      }
      return texts.get(file);
    },
    exists: (file) => {
      if (texts.has(file)) return texts.get(file) !== undefined;
      if (!listed(file)) return false;
      return files.exists ? files.exists(file) : memo.readFile(file) !== undefined;
    },
    listDirectory: (directory) => {
      if (!files.listDirectory) return undefined;
      const names = listing(directory);
      return names && [...names];
    },
    isDirectory: (directory) => {
      let is = folders.get(directory);
      if (is === undefined) folders.set(directory, (is = files.isDirectory(directory)));
      return is;
    },
  };
  return memo;
}

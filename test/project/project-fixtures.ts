import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES } from '../helpers/paths';

/** How a project fixture runs: `test/fixtures/projects/<case>/case.json`. */
export interface ProjectCase {
  name: string;
  folder: string;
  /** python3's arguments, run in the case folder: `["main.py"]` or `["-m", "pkg.main"]`. */
  run: string[];
  /** The file whose first line holds the `# spawn:` claim. */
  entry: string;
  /** Folders (relative) put on PYTHONPATH, as an installed src layout would be. */
  pythonPath: string[];
  /** Debian packages the case imports (then it runs with the system's /usr/bin/python3). */
  debian: string[];
  /** A limit the case shows: what CPython does that the model does not follow. */
  limit?: string;
  /** `path:row:col CODE` lines, paths relative to the case folder. */
  expected: string[];
}

export const PROJECT_FIXTURES = path.join(FIXTURES, 'projects');

export function projectCases(): ProjectCase[] {
  if (!fs.existsSync(PROJECT_FIXTURES)) return [];
  return fs
    .readdirSync(PROJECT_FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const folder = path.join(PROJECT_FIXTURES, name);
      const spec = JSON.parse(fs.readFileSync(path.join(folder, 'case.json'), 'utf8')) as {
        run: string[];
        pythonPath?: string[];
        debian?: string[];
        limit?: string;
      };
      const entry = spec.run[0] === '-m' ? `${spec.run[1].split('.').join('/')}.py` : spec.run[0];
      const expected = fs
        .readFileSync(path.join(folder, 'expected'), 'utf8')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
      return {
        name,
        folder,
        run: spec.run,
        entry,
        pythonPath: spec.pythonPath ?? [],
        debian: spec.debian ?? [],
        limit: spec.limit,
        expected,
      };
    });
}

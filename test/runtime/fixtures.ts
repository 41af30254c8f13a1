import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, REPO_ROOT } from '../helpers/paths';

/** What a fixture's first line says CPython does with it when spawn is the start method. */
export type RuntimeClaim =
  { kind: 'fails'; text: string } | { kind: 'hangs' } | { kind: 'differs' } | { kind: 'same' } | { kind: 'skip'; reason: string };

const HEADER = /^# spawn: (?:fails "(?<text>.+)"|(?<bare>hangs|differs|same)|skip (?<reason>.+))$/;

/** The claim in the first line of `source`, or undefined when that line is not a valid header. */
export function parseRuntimeClaim(source: string): RuntimeClaim | undefined {
  const firstLine = source.split(/\r\n|\r|\n/, 1)[0].trimEnd();
  const groups = HEADER.exec(firstLine)?.groups;
  if (!groups) return undefined;
  if (groups.text !== undefined) return { kind: 'fails', text: groups.text };
  if (groups.reason !== undefined) return { kind: 'skip', reason: groups.reason };
  return { kind: groups.bare as 'hangs' | 'differs' | 'same' };
}

/**
 * The Debian packages a fixture's library imports come from, named on its second line
 * (`# debian: python3-joblib`): the runtime tests run it with Debian's python3, which sees them.
 */
export function debianPackages(source: string): string[] {
  const secondLine = source.split(/\r\n|\r|\n/, 2)[1] ?? '';
  const match = /^# debian: (?<packages>[\w.+-]+(?:, [\w.+-]+)*)\s*$/.exec(secondLine);
  return match ? match.groups!.packages.split(', ') : [];
}

export interface RuleFixture {
  file: string;
  /** Path from the repository root: the test's name. */
  name: string;
  source: string;
  /** Absent when the fixture has no `.expected` file beside it. */
  expected: string | undefined;
}

/** Every `test/fixtures/rules/<folder>/<case>.py`, sorted by path. */
export function ruleFixtures(): RuleFixture[] {
  const root = path.join(FIXTURES, 'rules');
  if (!fs.existsSync(root)) return [];
  const folders = fs.readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return folders
    .flatMap((folder) => pythonFiles(path.join(root, folder.name)))
    .sort()
    .map((file) => {
      const expectedFile = file.replace(/\.py$/, '.expected');
      return {
        file,
        name: repoRelative(file),
        source: fs.readFileSync(file, 'utf8'),
        expected: fs.existsSync(expectedFile) ? fs.readFileSync(expectedFile, 'utf8') : undefined,
      };
    });
}

export interface FixFixturePair {
  before: string;
  after: string;
  /** `test/fixtures/fixes/<fix>/<case>`: the test's name. */
  name: string;
}

/** Every `test/fixtures/fixes/<fix>/<case>.before.py` that has its `<case>.after.py`, sorted by path. */
export function fixFixturePairs(): FixFixturePair[] {
  const root = path.join(FIXTURES, 'fixes');
  if (!fs.existsSync(root)) return [];
  const folders = fs.readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return folders
    .flatMap((folder) => pythonFiles(path.join(root, folder.name)))
    .filter((file) => file.endsWith('.before.py'))
    .sort()
    .map((before) => ({ before, after: before.replace(/\.before\.py$/, '.after.py') }))
    .filter((pair) => fs.existsSync(pair.after))
    .map((pair) => ({ ...pair, name: repoRelative(pair.before.replace(/\.before\.py$/, '')) }));
}

function pythonFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.py'))
    .map((entry) => path.join(folder, entry.name));
}

function repoRelative(file: string): string {
  return path.relative(REPO_ROOT, file).split(path.sep).join('/');
}

/** Every `test/fixtures/notebooks/<folder>/<case>.ipynb`; its claim is the first line of its first code cell. */
export function notebookFixtures(): RuleFixture[] {
  const root = path.join(FIXTURES, 'notebooks');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((folder) =>
      fs
        .readdirSync(path.join(root, folder.name))
        .filter((name) => name.endsWith('.ipynb'))
        .map((name) => path.join(root, folder.name, name)),
    )
    .sort()
    .map((file) => {
      const expectedFile = file.replace(/\.ipynb$/, '.expected');
      const cells = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Array<{ cell_type: string; source: string | string[] }> }).cells;
      const first = cells.find((cell) => cell.cell_type === 'code');
      const source = first ? [first.source].flat().join('') : '';
      return {
        file,
        name: repoRelative(file),
        source,
        expected: fs.existsSync(expectedFile) ? fs.readFileSync(expectedFile, 'utf8') : undefined,
      };
    });
}

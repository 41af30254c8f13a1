import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { RULES } from '../../server/src/rules/registry';
import { sharedParser } from '../helpers/parser';
import { FIXTURES } from '../helpers/paths';
import { cellFindingLines, exampleCells } from '../helpers/notebooks';
import { notebookFixtures } from '../runtime/fixtures';
import * as os from 'node:os';
import { projectFindings } from '../../server/src/project/analyze';
import { diskFiles } from '../../server/src/project/disk';
import { Project, SummaryCache } from '../../server/src/project/project';
import { projectCases } from '../project/project-fixtures';

const RULE_FIXTURES = path.join(FIXTURES, 'rules');

interface Fixture {
  /** `SPG001/process-start`. */
  name: string;
  file: string;
  text: string;
  expected: string[];
}

function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.py')) {
        const expectedFile = full.replace(/\.py$/, '.expected');
        assert.ok(fs.existsSync(expectedFile), `${full} has no .expected file beside it`);
        fixtures.push({
          name: path.relative(RULE_FIXTURES, full).replace(/\.py$/, '').split(path.sep).join('/'),
          file: full,
          text: fs.readFileSync(full, 'utf8'),
          expected: fs
            .readFileSync(expectedFile, 'utf8')
            .split(/\r?\n/)
            .map((line) => line.trim())
            .filter((line) => line.length > 0),
        });
      }
    }
  };
  visit(RULE_FIXTURES);
  return fixtures;
}

/** `ROW:COL CODE` lines, 1-based, as the .expected files write them, in position order. */
async function actualFindings(text: string): Promise<string[]> {
  const tree = (await sharedParser()).parse(text);
  try {
    return analyze({ text, tree }).findings.map(
      (finding) => `${finding.range.start.line + 1}:${finding.range.start.character + 1} ${finding.code}`,
    );
  } finally {
    tree.delete();
  }
}

const byPosition = (lines: string[]) =>
  [...lines].sort((a, b) => {
    const [ra, ca, codeA] = a.split(/[: ]/);
    const [rb, cb, codeB] = b.split(/[: ]/);
    return Number(ra) - Number(rb) || Number(ca) - Number(cb) || codeA.localeCompare(codeB);
  });

const fixtures = loadFixtures();
/** Notebook rules' fixtures are notebooks (test/rules/notebook-rules.test.ts checks their findings). */
const notebookRuleFixtures = notebookFixtures().map((fixture) => ({
  name: fixture.name,
  text: fs.readFileSync(fixture.file, 'utf8'),
  expected: (fixture.expected ?? '').split(/\r?\n/).filter((line) => line.trim() !== ''),
}));
/** Project rules' fixtures are test/fixtures/projects cases (test/project/fixtures.test.ts checks their findings). */
const projectRuleFixtures = projectCases().map((fixture) => ({
  name: fixture.name,
  text: fs.readFileSync(path.join(fixture.folder, fixture.entry), 'utf8'),
  expected: fixture.expected.filter((line) => line.startsWith(`${fixture.entry}:`)).map((line) => line.slice(fixture.entry.length + 1)),
}));
const isNotebookRule = (rule: (typeof RULES)[number]) => rule.appliesTo === 'notebook';
const fixturesOf = (rule: (typeof RULES)[number]) =>
  isNotebookRule(rule) ? notebookRuleFixtures : rule.foundBy === 'project' ? projectRuleFixtures : fixtures;
/**
 * An example's findings: a notebook rule's example is a notebook whose cells start at `# cell N` lines; a
 * project rule's is `app.py` in a folder with the other files its docs name.
 */
const exampleFindings = (rule: (typeof RULES)[number], example: string) =>
  isNotebookRule(rule)
    ? cellFindingLines(exampleCells(example))
    : rule.foundBy === 'project'
      ? projectExampleFindings(example + '\n', PROJECT_EXAMPLE_FILES[rule.code] ?? {})
      : actualFindings(example + '\n');

/** The other files of a project rule's example project, as its docs' example names them. */
const PROJECT_EXAMPLE_FILES: Record<string, Record<string, string>> = {
  SPG015: { 'app.spec': "a = Analysis(['app.py'], pathex=[])\n" },
};

async function projectExampleFindings(text: string, files: Record<string, string>): Promise<string[]> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'spawn-guard-example-'));
  const parser = await sharedParser();
  const tree = parser.parse(text);
  try {
    const script = path.join(folder, 'app.py');
    fs.writeFileSync(script, text);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), content);
    const project = new Project(parser, diskFiles(), new SummaryCache(), { workspaceFolders: [folder] });
    const analysis = analyze({ text, tree });
    return [...analysis.findings, ...projectFindings(project, script, analysis)].map(
      (finding) => `${finding.range.start.line + 1}:${finding.range.start.character + 1} ${finding.code}`,
    );
  } finally {
    tree.delete();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

describe('rule fixtures', () => {
  it('exist for every rule', () => {
    for (const rule of RULES) {
      assert.ok(
        fixturesOf(rule).some((fixture) => fixture.expected.some((line) => line.endsWith(` ${rule.code}`))),
        `no positive fixture for ${rule.code}`,
      );
    }
  });

  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      assert.deepEqual(byPosition(await actualFindings(fixture.text)), byPosition(fixture.expected), `findings of ${fixture.file}`);
    });
  }
});

describe('rule definitions', () => {
  it('have unique codes in code order, kebab-case names and valid severities', () => {
    const codes = RULES.map((rule) => rule.code);
    assert.deepEqual(codes, [...new Set(codes)].sort());
    for (const rule of RULES) {
      assert.match(rule.code, /^SPG\d{3}$/);
      assert.match(rule.name, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(['error', 'warning', 'info', 'hint'].includes(rule.defaultSeverity));
    }
  });

  for (const rule of RULES) {
    describe(`${rule.code} ${rule.name}`, () => {
      it('has complete docs', () => {
        const { summary, explanation, example, fix, url } = rule.docs;
        assert.ok(summary.length > 20 && !summary.includes('\n'), 'summary is one line');
        assert.ok(explanation.length > 200, 'explanation says what happens under spawn and why');
        assert.ok(/spawn/.test(explanation), 'explanation talks about spawn');
        assert.ok(example.bad.trim().length > 0 && example.good.trim().length > 0 && example.bad !== example.good);
        assert.ok(fix.length > 20);
        assert.match(url, /^https:\/\/docs\.python\.org\/3\/library\/(multiprocessing|concurrent\.futures)\.html#[a-z_.-]+$/);
      });

      it('finds its hazard in its own bad example and nothing of its own in the good one', async () => {
        const bad = await exampleFindings(rule, rule.docs.example.bad);
        const good = await exampleFindings(rule, rule.docs.example.good);
        assert.ok(
          bad.some((line) => line.endsWith(` ${rule.code}`)),
          `bad example of ${rule.code}: ${bad.join(', ')}`,
        );
        assert.deepEqual(
          good.filter((line) => line.endsWith(` ${rule.code}`)),
          [],
          'good example',
        );
      });

      it('lists mentions that every positive fixture contains', () => {
        assert.ok(rule.mentions.length > 0);
        const positives = fixturesOf(rule).filter((fixture) => fixture.expected.some((line) => line.endsWith(` ${rule.code}`)));
        for (const fixture of positives) {
          assert.ok(
            rule.mentions.some((mention) => fixture.text.includes(mention)),
            `${fixture.name} reports ${rule.code} but contains none of ${rule.mentions.join(', ')}`,
          );
        }
      });
    });
  }
});

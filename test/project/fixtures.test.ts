import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { projectFindings } from '../../server/src/project/analyze';
import { diskFiles } from '../../server/src/project/disk';
import { Project, SummaryCache } from '../../server/src/project/project';
import { sharedParser } from '../helpers/parser';
import { projectCases } from './project-fixtures';

/** The findings `spawn-guard check <entry>` reports: the entry's and those of the project modules it imports, each with its path. */
async function projectRun(folder: string, entry: string): Promise<string[]> {
  const parser = await sharedParser();
  const project = new Project(parser, diskFiles(), new SummaryCache(), { workspaceFolders: [folder] });
  const script = path.join(folder, entry);
  const files = [script, ...project.session(script).reach.closure(script)];
  const lines: string[] = [];
  for (const file of files) {
    const text = diskFiles().readFile(file)!;
    const tree = parser.parse(text);
    try {
      const analysis = analyze({ text, tree });
      for (const finding of [...analysis.findings, ...projectFindings(project, file, analysis)]) {
        const name = path.relative(folder, file).split(path.sep).join('/');
        lines.push(`${name}:${finding.range.start.line + 1}:${finding.range.start.character + 1} ${finding.code}`);
      }
    } finally {
      tree.delete();
    }
  }
  return lines.sort();
}

describe('project fixtures', () => {
  for (const fixture of projectCases()) {
    it(fixture.name, async () => {
      assert.deepEqual(await projectRun(fixture.folder, fixture.entry), [...fixture.expected].sort());
    });
  }
});

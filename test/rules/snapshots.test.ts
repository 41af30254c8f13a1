import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { structuredPatch } from 'diff';
import type { Analysis } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/fixes/edits';
import { fixesFor } from '../../server/src/fixes/registry';
import type { PythonParser } from '../../server/src/syntax/parser';
import type { Range } from '../../server/src/text/types';
import { withAnalysis } from '../helpers/fixes';
import { sharedParser } from '../helpers/parser';
import { FIXTURES } from '../helpers/paths';

/**
 * What a user sees for each rule fixture, pinned in `<case>.snap` beside it (ruff's snapshot tests are
 * the model): each finding's code, name, severity, range and message, its related locations, and each
 * fix offered for it with its applicability and the diff it makes. A change to any of them shows as a
 * snapshot diff to review. `SPAWN_GUARD_UPDATE_SNAPSHOTS=1` writes the files instead of comparing.
 */

const RULE_FIXTURES = path.join(FIXTURES, 'rules');
const UPDATE = process.env.SPAWN_GUARD_UPDATE_SNAPSHOTS === '1';

function fixtureFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return fixtureFiles(full);
      return entry.name.endsWith('.py') ? [full] : [];
    });
}

/** `5:1-5:24`, 1-based as editors show positions. */
function span(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? prefix + line : line.trimEnd()))
    .join('\n');
}

/** The unified diff a fix makes, hunks only (the file names say nothing). */
function fixDiff(text: string, edits: Parameters<typeof applyEdits>[1]): string {
  const patch = structuredPatch('a', 'b', text, applyEdits(text, edits), '', '', { context: 2 });
  return patch.hunks
    .map((hunk) => [`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines].join('\n'))
    .join('\n');
}

export function snapshotOf(analysis: Analysis, parser: PythonParser): string {
  const parts = analysis.findings.map((finding) => {
    const lines = [`${finding.code} ${finding.rule} [${finding.severity}] ${span(finding.range)}`, indent(finding.message, '  ')];
    for (const related of finding.related) lines.push(`  related ${span(related.range)}: ${related.message}`);
    for (const fix of fixesFor(analysis, finding, parser)) {
      lines.push(`  fix (${fix.applicability}) ${fix.title}`);
      lines.push(indent(fixDiff(analysis.text, fix.edits), '    | '));
    }
    return lines.join('\n');
  });
  return parts.length === 0 ? 'no findings\n' : parts.join('\n\n') + '\n';
}

describe('rule fixture snapshots (message, range, related locations, fixes)', () => {
  for (const file of fixtureFiles(RULE_FIXTURES)) {
    const name = path.relative(RULE_FIXTURES, file).split(path.sep).join('/');
    it(name, async () => {
      const parser = await sharedParser();
      const text = fs.readFileSync(file, 'utf8');
      const actual = withAnalysis(parser, text, (analysis) => snapshotOf(analysis, parser));
      const snapFile = file.replace(/\.py$/, '.snap');
      if (UPDATE) {
        fs.writeFileSync(snapFile, actual);
        return;
      }
      assert.ok(fs.existsSync(snapFile), `${snapFile} is missing: run with SPAWN_GUARD_UPDATE_SNAPSHOTS=1 and review it`);
      assert.equal(actual, fs.readFileSync(snapFile, 'utf8'), `snapshot of ${name} (SPAWN_GUARD_UPDATE_SNAPSHOTS=1 rewrites it)`);
    });
  }
});

import { computeLineStarts } from '../text/lineIndex';
import type { Applicability, Fix } from '../fixes/types';
import type { Finding, Severity } from '../rules/types';
import type { Position } from '../text/types';
import type { AppliedFix } from '../fixes/fix-all';
import { ruleByCode } from '../engine/catalog';
import { ruleDocsUrl } from '../rules/docs-url';
import type { ProjectData } from './project-data';

/**
 * What the CLI reports per file, as plain data: it crosses from the worker threads by structured clone,
 * and its findings are already in the shape of ruff's JSON output.
 */

/** 1-based row and 1-based column in Unicode code points, as ruff reports them. */
export interface Location {
  row: number;
  column: number;
}

export interface ReportedEdit {
  content: string;
  location: Location;
  end_location: Location;
}

export interface ReportedFix {
  message: string;
  applicability: Applicability;
  edits: ReportedEdit[];
}

export interface ReportedRelated {
  /** Absolute path, when the location is in another file than the finding (project-wide findings). */
  filename?: string;
  message: string;
  location: Location;
  end_location: Location;
}

/** One finding in the shape of an item of ruff's JSON output, plus `severity`, `rule` and `related`. */
export interface ReportedFinding {
  filename: string;
  code: string;
  rule: string;
  message: string;
  severity: Severity;
  location: Location;
  end_location: Location;
  url: string | null;
  /** In a notebook: the 1-based cell (all cells counted, as Jupyter numbers them); rows are rows of that cell. */
  cell?: number;
  /** The row a `# noqa` comment must be on to silence it. */
  noqa_row: number;
  fix: ReportedFix | null;
  related: ReportedRelated[];
}

export interface FileReport {
  /** Absolute path. */
  path: string;
  /** In document order. With --fix, those that remain after fixing. */
  findings: ReportedFinding[];
  /** Why the file could not be checked (or, with --fix, written); it then counts as an I/O error. */
  error?: string;
  /** The file has syntax errors, so it gets no fixes. */
  syntaxError: boolean;
  /** --fix: the fixes written to the file; --diff: those the diff shows. */
  applied: AppliedFix[];
  /** --fix and --diff: the findings the fixes settle (one fix often settles several), with their codes. */
  fixed: { code: string }[];
  /** --fix and --diff without --unsafe-fixes: remaining findings whose fix is unsafe, so was left out. */
  unsafeFixesLeft: number;
  /** --diff: the unified diff of the fixes (empty when nothing would change). */
  diff: string;
  /** --fix on stdin: the fixed text, printed instead of written (undefined: nothing changed). */
  fixedText?: string;
  /** For the project pass (check mode): what the worker learnt of the file (see ProjectData). */
  project?: ProjectData;
}

export function emptyReport(path: string): FileReport {
  return { path, findings: [], syntaxError: false, applied: [], fixed: [], unsafeFixesLeft: 0, diff: '' };
}

/** Converts LSP positions (0-based, UTF-16) of one text to ruff locations (1-based, code points). */
export class LocationMapper {
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    this.lineStarts = computeLineStarts(text);
  }

  location(position: Position): Location {
    const line = Math.min(Math.max(position.line, 0), this.lineStarts.length - 1);
    const start = this.lineStarts[line];
    const prefix = this.text.slice(start, start + Math.max(position.character, 0));
    return { row: line + 1, column: codePointCount(prefix) + 1 };
  }
}

export function reportFinding(filename: string, mapper: LocationMapper, finding: Finding, fix: Fix | undefined): ReportedFinding {
  return {
    filename,
    code: finding.code,
    rule: finding.rule,
    message: finding.message,
    severity: finding.severity,
    location: mapper.location(finding.range.start),
    end_location: mapper.location(finding.range.end),
    url: ruleByCode(finding.code) ? ruleDocsUrl(finding.code) : null,
    noqa_row: finding.range.start.line + 1,
    fix: fix
      ? {
          message: fix.title,
          applicability: fix.applicability,
          edits: fix.edits.map((edit) => ({
            content: edit.newText,
            location: mapper.location(edit.range.start),
            end_location: mapper.location(edit.range.end),
          })),
        }
      : null,
    related: finding.related.map((related) =>
      related.file
        ? {
            // Another file's text is not at hand: its columns are counted in UTF-16 units.
            filename: related.file,
            message: related.message,
            location: { row: related.range.start.line + 1, column: related.range.start.character + 1 },
            end_location: { row: related.range.end.line + 1, column: related.range.end.character + 1 },
          }
        : { message: related.message, location: mapper.location(related.range.start), end_location: mapper.location(related.range.end) },
    ),
  };
}

function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

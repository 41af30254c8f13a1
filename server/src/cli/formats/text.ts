import { SEVERITIES } from '../../rules/types';
import type { Palette } from '../colors';
import { displayPath } from '../files';
import type { StreamWriter } from '../output';
import type { FileReport } from '../report';
import type { Reporter, RunSummary } from './reporter';

/** `path:row:col: CODE message`, one line per finding, then a summary line. */
export class TextReporter implements Reporter {
  constructor(
    private readonly out: StreamWriter,
    private readonly cwd: string,
    private readonly palette: Palette,
    private readonly unsafeFixes = false,
    /** -q: the findings only, no summary. */
    private readonly quiet = false,
  ) {}

  file(report: FileReport): void {
    if (report.findings.length === 0) return;
    const { bold, dim } = this.palette;
    const name = displayPath(report.path, this.cwd);
    for (const finding of report.findings) {
      const cell = finding.cell === undefined ? '' : `:cell ${finding.cell}`;
      const where = `${bold(name)}${dim(`${cell}:${finding.location.row}:${finding.location.column}:`)}`;
      // `[*]`: --fix fixes it (ruff's mark); shown where fixes are computed (not by a plain check).
      const mark = finding.fix && (finding.fix.applicability === 'safe' || this.unsafeFixes) ? '[*] ' : '';
      this.out.line(`${where} ${this.palette.severity(finding.severity, finding.code)} ${mark}${shortMessage(finding.message)}`);
    }
  }

  finish(summary: RunSummary): void {
    if (this.quiet) return;
    const { bold, green } = this.palette;
    const checked = `${plural(summary.filesChecked, 'file')} checked`;
    if (summary.mode === 'fix' && summary.fixesApplied > 0) {
      const found = summary.findingsFixed + summary.findings;
      this.out.line(bold(`Found ${plural(found, 'problem')} (${summary.findingsFixed} fixed, ${summary.findings} remaining; ${checked}).`));
    } else if (summary.findings === 0 && summary.ioErrors.length === 0) {
      this.out.line(`${green('All checks passed!')} (${checked})`);
      return;
    } else if (summary.findings === 0) {
      // Never "All checks passed!" beside exit status 2: some paths were not checked at all.
      this.out.line(bold(`No problems found in ${checked}; ${plural(summary.ioErrors.length, 'error')} (see above).`));
      return;
    } else {
      const kinds = SEVERITIES.filter((severity) => summary.bySeverity[severity] > 0)
        .map((severity) => plural(summary.bySeverity[severity], severity))
        .join(', ');
      this.out.line(bold(`Found ${plural(summary.findings, 'problem')} (${kinds}; ${checked}).`));
    }
    if (summary.unsafeFixesLeft > 0) this.out.line(unsafeFixesHint(summary.unsafeFixesLeft));
    if (summary.syntaxErrors > 0) {
      this.out.line(
        `${plural(summary.syntaxErrors, 'file')} did not parse as Python 3 (syntax-error): only the parts that parsed were checked.`,
      );
    }
    if (summary.mode === 'check' && summary.fixable > 0) {
      this.out.line(`${summary.fixable} fixable with \`spawn-guard check --fix\` (see them first with --diff).`);
    } else if (summary.mode === 'check' && summary.mayBeFixable > 0) {
      this.out.line('Fixes may be available: `spawn-guard check --diff` shows them, `--fix` applies them.');
    }
  }
}

/** Shorter than this, a clause is not cut off (`SyntaxError: …` keeps what follows its colon). */
const MIN_SHORT_MESSAGE = 20;
/** A first clause longer than this is cut again at a comma (after LONG_CLAUSE_MIN characters). */
const LONG_CLAUSE = 120;
const LONG_CLAUSE_MIN = 60;

/**
 * The terminal's one line for a finding: its message up to the first `: `, `; ` or `. ` outside code,
 * quotes and brackets (`\`Pool(…)\` starts worker processes at import time`), and a long clause up to a
 * comma. The full message is in the JSON and SARIF outputs and the hover; `spawn-guard rule CODE`
 * explains the rule.
 */
export function shortMessage(message: string): string {
  const line = message.split(/\r?\n/, 1)[0];
  const clause = line.slice(0, topLevelBreak(line, ':;.', MIN_SHORT_MESSAGE)).replace(/\.$/, '');
  return clause.length > LONG_CLAUSE ? clause.slice(0, topLevelBreak(clause, ',', LONG_CLAUSE_MIN)) : clause;
}

/** The index of the first of `marks` followed by a space, outside code, quotes and brackets, at or after `from`; else the length. */
function topLevelBreak(line: string, marks: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < line.length - 1; i++) {
    const char = line[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '`' || char === '"') quote = char;
    else if (char === '(' || char === '[') depth++;
    else if ((char === ')' || char === ']') && depth > 0) depth--;
    else if (depth === 0 && marks.includes(char) && line[i + 1] === ' ' && i >= from) return i;
  }
  return line.length;
}

/** `1 file`, `2 files`, `2 fixes`; `info` has no plural. */
export function plural(count: number, noun: string): string {
  if (count === 1 || noun === 'info') return `${count} ${noun}`;
  return `${count} ${/(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`}`;
}

/** The problems whose fixes --fix left out because they are unsafe (the editor's fix-all leaves them out too). */
export function unsafeFixesHint(count: number): string {
  return `${plural(count, 'problem')} ${count === 1 ? 'has an unsafe fix' : 'have unsafe fixes'}, not applied (\`--unsafe-fixes\` applies them).`;
}

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
  ) {}

  file(report: FileReport): void {
    if (report.findings.length === 0) return;
    const { bold, dim } = this.palette;
    const name = displayPath(report.path, this.cwd);
    for (const finding of report.findings) {
      const cell = finding.cell === undefined ? '' : `:cell ${finding.cell}`;
      const where = `${bold(name)}${dim(`${cell}:${finding.location.row}:${finding.location.column}:`)}`;
      this.out.line(`${where} ${this.palette.severity(finding.severity, finding.code)} ${finding.message}`);
    }
  }

  finish(summary: RunSummary): void {
    const { bold, green } = this.palette;
    const checked = `${plural(summary.filesChecked, 'file')} checked`;
    if (summary.mode === 'fix' && summary.fixesApplied > 0) {
      const found = summary.findingsFixed + summary.findings;
      this.out.line(bold(`Found ${plural(found, 'problem')} (${summary.findingsFixed} fixed, ${summary.findings} remaining; ${checked}).`));
    } else if (summary.findings === 0) {
      this.out.line(`${green('All checks passed!')} (${checked})`);
      return;
    } else {
      const kinds = SEVERITIES.filter((severity) => summary.bySeverity[severity] > 0)
        .map((severity) => plural(summary.bySeverity[severity], severity))
        .join(', ');
      this.out.line(bold(`Found ${plural(summary.findings, 'problem')} (${kinds}; ${checked}).`));
    }
    if (summary.mode === 'check' && summary.fixable > 0) {
      this.out.line(`${summary.fixable} fixable with \`spawn-guard check --fix\` (see them first with --diff).`);
    }
  }
}

/** `1 file`, `2 files`, `2 fixes`; `info` has no plural. */
export function plural(count: number, noun: string): string {
  if (count === 1 || noun === 'info') return `${count} ${noun}`;
  return `${count} ${/(s|x|ch|sh)$/.test(noun) ? `${noun}es` : `${noun}s`}`;
}

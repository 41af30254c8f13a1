import type { Severity } from '../../rules/types';
import { displayPath } from '../files';
import type { StreamWriter } from '../output';
import type { FileReport } from '../report';
import type { Reporter } from './reporter';

const COMMANDS: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff. */
export class GithubReporter implements Reporter {
  constructor(
    private readonly out: StreamWriter,
    private readonly cwd: string,
  ) {}

  file(report: FileReport): void {
    const file = displayPath(report.path, this.cwd).split('\\').join('/');
    for (const finding of report.findings) {
      const properties = [
        `file=${escapeProperty(file)}`,
        `line=${finding.location.row}`,
        `col=${finding.location.column}`,
        `endLine=${finding.end_location.row}`,
        `endColumn=${finding.end_location.column}`,
        `title=${escapeProperty(finding.code)}`,
      ].join(',');
      this.out.line(`::${COMMANDS[finding.severity]} ${properties}::${escapeData(`${finding.message} (${finding.rule})`)}`);
    }
  }

  finish(): void {}
}

// As in @actions/core: data escapes %, CR and LF; property values also `:` and `,`.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

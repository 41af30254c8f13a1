import type { StreamWriter } from '../output';
import type { FileReport } from '../report';
import type { Reporter } from './reporter';

/** One JSON array of ruff-shaped findings, written item by item as the files come. */
export class JsonReporter implements Reporter {
  private written = 0;

  constructor(private readonly out: StreamWriter) {}

  file(report: FileReport): void {
    for (const finding of report.findings) {
      this.out.write(`${this.written === 0 ? '[\n' : ',\n'}${indent(JSON.stringify(finding, null, 2))}`);
      this.written++;
    }
  }

  finish(): void {
    this.out.line(this.written === 0 ? '[]' : '\n]');
  }
}

function indent(json: string): string {
  return json.replace(/^/gm, '  ');
}

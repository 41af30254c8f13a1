import { ruleByCode } from '../../engine/catalog';
import type { StreamWriter } from '../output';
import type { FileReport } from '../report';
import type { Reporter } from './reporter';

interface RuleCount {
  code: string;
  name: string;
  count: number;
  fixable: boolean;
}

/** --statistics: the number of findings per rule, most frequent first (ruff's layout, or its JSON). */
export class StatisticsReporter implements Reporter {
  private readonly counts = new Map<string, RuleCount>();

  constructor(
    private readonly out: StreamWriter,
    private readonly json: boolean,
  ) {}

  file(report: FileReport): void {
    for (const finding of report.findings) {
      const entry = this.counts.get(finding.code) ?? {
        code: finding.code,
        name: ruleByCode(finding.code)?.name ?? finding.rule,
        count: 0,
        fixable: false,
      };
      entry.count++;
      entry.fixable ||= finding.fix?.applicability === 'safe';
      this.counts.set(finding.code, entry);
    }
  }

  finish(): void {
    const rows = [...this.counts.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
    if (this.json) {
      this.out.line(JSON.stringify(rows, null, 2));
      return;
    }
    const countWidth = Math.max(0, ...rows.map((row) => String(row.count).length));
    const codeWidth = Math.max(0, ...rows.map((row) => row.code.length));
    for (const row of rows) {
      this.out.line(`${String(row.count).padStart(countWidth)}\t${row.code.padEnd(codeWidth)}\t${row.fixable ? '[*] ' : ''}${row.name}`);
    }
  }
}

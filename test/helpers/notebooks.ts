import { analyzeNotebook } from '../../server/src/notebook/analyze';
import { readIpynb } from '../../server/src/notebook/ipynb';
import { sharedParser } from './parser';

/** The code cells of an `.ipynb` text, as analyzeNotebook takes them. */
export function codeCells(text: string): Array<{ index: number; source: string }> {
  return readIpynb(text)
    .cells.filter((cell) => cell.kind === 'code')
    .map(({ index, source }) => ({ index, source }));
}

/** `cell N:ROW:COL CODE` lines (1-based), as notebook fixtures' .expected files write them. */
export async function notebookFindingLines(text: string): Promise<string[]> {
  return cellFindingLines(codeCells(text));
}

/** The cells of a rule docs example: its text split at `# cell N` lines (the whole text is one cell without them). */
export function exampleCells(example: string): Array<{ index: number; source: string }> {
  return example
    .split(/^# cell \d+.*\n/m)
    .filter((source) => source.trim() !== '')
    .map((source, index) => ({ index, source }));
}

export async function cellFindingLines(cells: Array<{ index: number; source: string }>): Promise<string[]> {
  const analysis = analyzeNotebook(await sharedParser(), cells);
  try {
    return analysis.findings.map(
      ({ cell, finding }) => `cell ${cell + 1}:${finding.range.start.line + 1}:${finding.range.start.character + 1} ${finding.code}`,
    );
  } finally {
    analysis.dispose();
  }
}

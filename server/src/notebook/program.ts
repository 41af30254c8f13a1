import type { Position, Range } from '../text/types';
import { blankIpython } from './magics';

/** A code cell as the program reads it: where it is in the notebook, and its text. */
export interface ProgramCell {
  /** The cell's 0-based index among all the notebook's cells (what `cell N` shows, plus one). */
  index: number;
  source: string;
}

/** Where a cell's lines are in the program. */
export interface CellSpan {
  index: number;
  /** The program line of the cell's first line. */
  firstLine: number;
  lineCount: number;
}

/** A position in one cell. */
export interface CellPosition {
  cell: number;
  position: Position;
}

/** A module a `%%writefile name.py` cell writes, as the notebook's imports see it. */
export interface WrittenModule {
  name: string;
  /** The cell that writes it (the last one when several do). */
  cell: number;
  content: string;
}

/**
 * A notebook as one Python program: its code cells in order, each starting on a new line, with IPython
 * syntax blanked (magics.ts), so that a cell's line `l` and column `c` are the program's line
 * `firstLine + l` and column `c`.
 */
export class NotebookProgram {
  readonly text: string;
  readonly spans: CellSpan[] = [];
  readonly modules = new Map<string, WrittenModule>();
  /** `%run script.py` targets, with the cell that runs them. */
  readonly runs: Array<{ script: string; cell: number }> = [];

  constructor(
    /** The cells as given (sources with their own line ends). */
    readonly cells: readonly ProgramCell[],
  ) {
    const parts: string[] = [];
    let line = 0;
    for (const cell of cells) {
      const source = cell.source.replace(/\r\n?/g, '\n');
      const blanked = blankIpython(source);
      const lineCount = source.split('\n').length;
      this.spans.push({ index: cell.index, firstLine: line, lineCount });
      parts.push(blanked.code);
      line += lineCount;
      const written = blanked.writesModule;
      if (written) {
        const previous = written.append ? (this.modules.get(written.name)?.content ?? '') : '';
        this.modules.set(written.name, { name: written.name, cell: cell.index, content: previous + written.content });
      }
      for (const script of blanked.runs) this.runs.push({ script, cell: cell.index });
    }
    this.text = parts.join('\n');
  }

  /** The cell and the position in it of a program position (a position past the last cell stays in it). */
  cellPosition(position: Position): CellPosition | undefined {
    const span = this.spanOfLine(position.line);
    if (!span) return undefined;
    const line = position.line - span.firstLine;
    return line < span.lineCount ? { cell: span.index, position: { line, character: position.character } } : undefined;
  }

  /** A program range as a range in one cell; a range that runs past its cell ends at the cell's end. */
  cellRange(range: Range): { cell: number; range: Range } | undefined {
    const start = this.cellPosition(range.start);
    if (!start) return undefined;
    const span = this.spans.find((candidate) => candidate.index === start.cell)!;
    const endLine = range.end.line - span.firstLine;
    const end = endLine < span.lineCount ? { line: endLine, character: range.end.character } : this.cellEnd(span);
    return { cell: start.cell, range: { start: start.position, end } };
  }

  /** The program position of a position in a cell. */
  programPosition(cell: number, position: Position): Position | undefined {
    const span = this.spans.find((candidate) => candidate.index === cell);
    return span ? { line: span.firstLine + position.line, character: position.character } : undefined;
  }

  spanOfLine(line: number): CellSpan | undefined {
    let found: CellSpan | undefined;
    for (const span of this.spans) {
      if (span.firstLine > line) break;
      found = span;
    }
    return found;
  }

  private cellEnd(span: CellSpan): Position {
    const lines = this.text.split('\n');
    const last = span.firstLine + span.lineCount - 1;
    return { line: span.lineCount - 1, character: (lines[last] ?? '').length };
  }
}

import { PythonParser } from '../../server/src/analysis/parser';

let shared: Promise<PythonParser> | undefined;

/** One real tree-sitter parser per test process. */
export function sharedParser(): Promise<PythonParser> {
  return (shared ??= PythonParser.create());
}

import { JsonSyntaxError, lineAndColumn, parseJson, type JsonNode } from './json';

/** One cell of an nbformat 4 notebook, with where its `source` value is in the file's text. */
export interface NotebookCell {
  /** 0-based position among all cells (markdown included); messages show `index + 1`. */
  index: number;
  kind: 'code' | 'markdown' | 'raw';
  source: string;
  /** The JSON value of `source` in the file: a string, or an array of line strings. */
  sourceNode: JsonNode;
}

export interface IpynbNotebook {
  text: string;
  cells: NotebookCell[];
  /** The kernel's language (`metadata.kernelspec.language` or `metadata.language_info.name`), if stated. */
  language: string | undefined;
}

/** A notebook that cannot be read; the message says why, for the user. */
export class NotebookFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookFormatError';
  }
}

/** Reads an `.ipynb` file's text (nbformat 4). Throws NotebookFormatError for anything else. */
export function readIpynb(text: string): IpynbNotebook {
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = lineAndColumn(text, error.offset);
    throw new NotebookFormatError(`is not a valid notebook: invalid JSON at line ${line}, column ${column}: ${error.message}`);
  }
  if (root.kind !== 'object') throw new NotebookFormatError('is not a valid notebook: the JSON is not an object');
  const version = root.entries.get('nbformat');
  const versionText = version?.kind === 'number' ? text.slice(version.start, version.end) : undefined;
  if (versionText !== '4') {
    throw new NotebookFormatError(
      versionText
        ? `is an nbformat ${versionText} notebook; spawn-guard reads nbformat 4 (open and save it in Jupyter to convert it)`
        : 'is not a valid notebook: no "nbformat" number',
    );
  }
  const cellsNode = root.entries.get('cells');
  if (cellsNode?.kind !== 'array') throw new NotebookFormatError('is not a valid notebook: "cells" is not a list');
  const cells = cellsNode.items.map((node, index) => readCell(node, index));
  return { text, cells, language: languageOf(root) };
}

function readCell(node: JsonNode, index: number): NotebookCell {
  const where = `cell ${index + 1}`;
  if (node.kind !== 'object') throw new NotebookFormatError(`is not a valid notebook: ${where} is not an object`);
  const type = node.entries.get('cell_type');
  const kind = type?.kind === 'string' ? type.value : undefined;
  if (kind !== 'code' && kind !== 'markdown' && kind !== 'raw') {
    throw new NotebookFormatError(`is not a valid notebook: ${where} has no valid "cell_type"`);
  }
  const sourceNode = node.entries.get('source');
  if (!sourceNode) throw new NotebookFormatError(`is not a valid notebook: ${where} has no "source"`);
  let source: string;
  if (sourceNode.kind === 'string') source = sourceNode.value;
  else if (sourceNode.kind === 'array' && sourceNode.items.every((item) => item.kind === 'string'))
    source = sourceNode.items.map((item) => (item as { value: string }).value).join('');
  else throw new NotebookFormatError(`is not a valid notebook: the "source" of ${where} is not text`);
  return { index, kind, source, sourceNode };
}

function languageOf(root: Extract<JsonNode, { kind: 'object' }>): string | undefined {
  const metadata = root.entries.get('metadata');
  if (metadata?.kind !== 'object') return undefined;
  const stringAt = (object: JsonNode | undefined, key: string) => {
    const value = object?.kind === 'object' ? object.entries.get(key) : undefined;
    return value?.kind === 'string' ? value.value : undefined;
  };
  return stringAt(metadata.entries.get('kernelspec'), 'language') ?? stringAt(metadata.entries.get('language_info'), 'name');
}

/** Whether the notebook's cells are Python (a notebook that does not say is taken as Python, as Jupyter does). */
export function isPythonNotebook(notebook: IpynbNotebook): boolean {
  return notebook.language === undefined || notebook.language.toLowerCase() === 'python';
}

/**
 * The notebook's text with the sources of some cells replaced, every other byte unchanged. A source
 * keeps its form: a string stays a string; a list of lines stays a list, one line per item, laid out
 * with the whitespace the list had (or, for an empty list, the usual Jupyter layout).
 */
export function replaceCellSources(notebook: IpynbNotebook, sources: ReadonlyMap<number, string>): string {
  const text = notebook.text;
  const replacements = [...sources]
    .map(([index, source]) => ({
      node: notebook.cells[index].sourceNode,
      json: sourceJson(text, notebook.cells[index].sourceNode, source),
    }))
    .sort((a, b) => b.node.start - a.node.start);
  let result = text;
  for (const { node, json } of replacements) result = result.slice(0, node.start) + json + result.slice(node.end);
  return result;
}

function sourceJson(text: string, node: JsonNode, source: string): string {
  if (node.kind === 'string') return JSON.stringify(source);
  const lines = source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  if (lines.length === 0) return '[]';
  let open: string;
  let close: string;
  if (node.kind === 'array' && node.items.length > 0) {
    open = text.slice(node.start + 1, node.items[0].start);
    close = text.slice(node.items[node.items.length - 1].end, node.end - 1);
    const between = node.items.length > 1 ? text.slice(node.items[0].end, node.items[1].start) : `,${open}`;
    return `[${open}${lines.map((line) => JSON.stringify(line)).join(between)}${close}]`;
  }
  // An empty list: the layout Jupyter writes, indented one step (the file's step) deeper than the key.
  const lineStart = text.lastIndexOf('\n', node.start) + 1;
  const keyIndent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const step = /\n([ \t]+)"/.exec(text)?.[1] ?? ' ';
  open = `\n${keyIndent}${step}`;
  close = `\n${keyIndent}`;
  return `[${open}${lines.map((line) => JSON.stringify(line)).join(`,${open}`)}${close}]`;
}

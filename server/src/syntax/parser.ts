import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Point, Tree } from 'web-tree-sitter';

/** The two wasm files the parser needs, by explicit path (node_modules in development, dist/ when bundled). */
export interface WasmPaths {
  runtime: string;
  python: string;
}

const RUNTIME_WASM = 'tree-sitter.wasm';
const PYTHON_WASM = 'tree-sitter-python.wasm';

/**
 * Finds the wasm files: beside the running bundle (dist/) when they were copied there by the build,
 * otherwise in node_modules.
 */
export function locateWasm(dir: string = __dirname): WasmPaths {
  const besideBundle = { runtime: path.join(dir, RUNTIME_WASM), python: path.join(dir, PYTHON_WASM) };
  if (fs.existsSync(besideBundle.runtime) && fs.existsSync(besideBundle.python)) return besideBundle;
  return {
    runtime: require.resolve(`web-tree-sitter/${RUNTIME_WASM}`),
    python: path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), PYTHON_WASM),
  };
}

/** A tree-sitter parser for Python. Injected into the analyser so callers own its lifetime. */
export class PythonParser {
  private constructor(private readonly parser: Parser) {}

  static async create(wasm: WasmPaths = locateWasm()): Promise<PythonParser> {
    await initRuntime(wasm.runtime);
    const language = await Language.load(fs.readFileSync(wasm.python));
    const parser = new Parser();
    parser.setLanguage(language);
    return new PythonParser(parser);
  }

  /** Parses `text`; pass the edited previous tree to reparse incrementally. */
  parse(text: string, oldTree?: Tree | null): Tree {
    const tree = this.parser.parse(normalizeLoneCarriageReturns(text), oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree (parser has no language)');
    return tree;
  }

  /**
   * Parses only `text`'s code units in [startIndex, endIndex), which must start a line: the tree's nodes
   * have their offsets and rows in the whole text, under a module that spans the region.
   */
  parseRegion(text: string, startIndex: number, endIndex: number, startPosition: Point, endPosition: Point): Tree {
    // The parser reads only the region: hand it that, not the rest of the text from where it reads (a
    // string input copies up to 5,000 characters into wasm memory at each read), and normalise only that.
    const read = (index: number) => {
      if (index >= endIndex) return '';
      // One character more, so a \r at the end of the chunk sees the \n after it; then dropped.
      const chunk = normalizeLoneCarriageReturns(text.slice(index, Math.min(endIndex, index + REGION_CHUNK) + 1));
      return index + chunk.length > endIndex ? chunk.slice(0, endIndex - index) : chunk.slice(0, REGION_CHUNK);
    };
    const tree = this.parser.parse(read, null, {
      includedRanges: [{ startIndex, endIndex, startPosition, endPosition }],
    });
    if (!tree) throw new Error('tree-sitter returned no tree (parser has no language)');
    return tree;
  }
}

/** Characters a region parse's input hands the parser at a time. */
const REGION_CHUNK = 4_096;

let runtimeReady: Promise<void> | undefined;

function initRuntime(runtimeWasm: string): Promise<void> {
  // Parser.init loads one emscripten module per process; later calls must not load it again.
  runtimeReady ??= Parser.init({ locateFile: () => runtimeWasm });
  return runtimeReady;
}

/**
 * Python ends a line at a lone \r, tree-sitter-python does not. Replacing each lone \r by \n keeps
 * every offset (one code unit for one) and makes tree rows equal LSP lines.
 */
export function normalizeLoneCarriageReturns(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

import * as path from 'node:path';
import type { SpawnGuardConfig } from '../config/pyproject';
import { PythonParser } from '../syntax/parser';
import type { CheckArguments } from './args';
import { checkFile, type ScanSettings } from './check-file';
import { isNotebookFile } from './check-notebook';
import { Exclusion, type ConfigSource, type DiscoveryOptions } from './files';
import { emptyReport, type FileReport } from './report';
import { decodeSource, encodeSource, SourceError, type SourceFile } from './source';

/** `check -`: the source read from stdin, the path it stands for and that path's configuration. */
export interface StdinSource {
  /** Absolute: --stdin-filename resolved against the working directory, else `<cwd>/-`. */
  file: string;
  config: SpawnGuardConfig;
  bytes: Buffer;
  /** --stdin-filename names a path the excludes leave out, and they apply to it (--force-exclude). */
  excluded: boolean;
}

/** Reads stdin to its end and resolves what applies to it. Throws ConfigError. */
export async function readStdin(args: CheckArguments, resolver: ConfigSource, options: DiscoveryOptions): Promise<StdinSource> {
  const file = path.resolve(options.cwd, args.stdinFilename ?? '-');
  const config = resolver.forDirectory(path.dirname(file));
  const exclusion = new Exclusion(options);
  const excluded = args.stdinFilename !== undefined && exclusion.forced(config) && exclusion.excluded(file, config, false);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return { file, config, bytes: Buffer.concat(chunks), excluded };
}

/**
 * The report of the stdin source, checked as a file of that name is (never written: with --fix,
 * `emit` is given the fixed source, or the source unchanged, in its encoding).
 */
export async function* stdinReports(stdin: StdinSource, settings: ScanSettings, emit: (bytes: Buffer) => void): AsyncGenerator<FileReport> {
  const report = emptyReport(stdin.file);
  if (isNotebookFile(stdin.file)) {
    report.error = 'notebooks cannot be read from stdin (check the .ipynb file)';
    yield report;
    return;
  }
  let source: SourceFile;
  try {
    source = { ...decodeSource(stdin.file, stdin.bytes), stdin: true, size: stdin.bytes.length, mtimeMs: 0 };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    report.error = error.message;
    yield report;
    return;
  }
  const checked = checkFile(await PythonParser.create(), stdin.file, settings.profiles[0], settings, source);
  if (settings.mode === 'fix' && checked.error === undefined) {
    try {
      emit(checked.fixedText === undefined ? stdin.bytes : encodeSource(source, checked.fixedText));
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      checked.error = error.message;
      emit(stdin.bytes);
    }
  }
  yield checked;
}

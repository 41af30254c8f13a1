import { spawnSync } from 'node:child_process';

/**
 * What `python3 -m py_compile` does to a file, for many texts in one interpreter: each text is encoded
 * as the file would be (UTF-8) and compiled from bytes, so a coding cookie or a BOM counts as it would
 * on disk. Prints one JSON array: null for a text that compiles, else the error.
 */
const BATCH_COMPILE = `
import json, sys
texts = json.load(sys.stdin)
results = []
for index, text in enumerate(texts):
    try:
        compile(text.encode("utf-8", "surrogatepass"), f"<case {index}>", "exec", dont_inherit=True)
        results.append(None)
    except Exception as error:
        results.append(f"{type(error).__name__}: {error}")
json.dump(results, sys.stdout)
`;

/** For each text, null when CPython compiles it, else the compiler's error. One python3 process in all. */
export function pythonCompileErrors(texts: readonly string[]): (string | null)[] {
  if (texts.length === 0) return [];
  const run = spawnSync('python3', ['-c', BATCH_COMPILE], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (run.error) throw new Error(`cannot run python3: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`python3 batch compile failed (${run.status}): ${run.stderr}`);
  const results = JSON.parse(run.stdout) as (string | null)[];
  if (results.length !== texts.length) throw new Error(`python3 answered ${results.length} of ${texts.length} texts`);
  return results;
}

/**
 * A realistic multiprocessing program of a chosen size, for hostile-input tests and editor benchmarks:
 * imports, constants, classes, loaders, workers run through ProcessPoolExecutor and Pool, comments and
 * docstrings, and a correct `__main__` guard at the end. Valid Python; deterministic for a given size.
 */

const PRELUDE = `#!/usr/bin/env python3
"""Batch processing of record files across worker processes."""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed

SCALE = 3
DEFAULT_WORKERS = os.cpu_count() or 2
log = logging.getLogger(__name__)

`;

function section(index: number): string {
  return `
# ---- batch ${index}: load, transform and summarise --------------------------------------------------


class Record${index}:
    """One row of batch ${index}."""

    def __init__(self, key, values):
        self.key = key
        self.values = list(values)

    def total(self):
        return sum(value * SCALE for value in self.values)

    def __repr__(self):
        return f"Record${index}({self.key!r}, {self.values!r})"


def load_batch_${index}(path, limit=100):
    """Reads up to \`limit\` records from \`path\`."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= limit:
                break
            key, _, rest = line.partition(",")
            records.append(Record${index}(key, map(int, rest.split(","))))
    return records


def transform_${index}(record):
    try:
        return record.key, record.total()
    except (TypeError, ValueError) as error:
        log.warning("bad record %s: %s", record.key, error)
        return record.key, 0


def run_batch_${index}(paths, workers=DEFAULT_WORKERS):
    # Loading is I/O bound, the transform is CPU bound: both go to worker processes.
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(load_batch_${index}, path) for path in paths]
        records = []
        for future in as_completed(futures):
            records.extend(future.result())
    with mp.Pool(workers) as pool:
        return dict(pool.map(transform_${index}, records, chunksize=16))
`;
}

function postlude(sections: number): string {
  return `

def main(argv):
    logging.basicConfig(level=logging.INFO)
    totals = {}
    for runner in (${Array.from({ length: Math.min(sections, 4) }, (_, i) => `run_batch_${i}`).join(', ')}):
        totals.update(runner(argv[1:]))
    print(len(totals), "records")
    return 0


if __name__ == "__main__":
    mp.freeze_support()
    sys.exit(main(sys.argv))
`;
}

const lineCount = (text: string) => text.split('\n').length - 1;

/** A program of about `lines` lines (never fewer), ending in a guarded `main()`. */
export function realisticProgram(lines: number): string {
  const fixed = lineCount(PRELUDE) + lineCount(postlude(4));
  const perSection = lineCount(section(0));
  const sections = Math.max(1, Math.ceil((lines - fixed) / perSection));
  let body = '';
  for (let index = 0; index < sections; index++) body += section(index);
  return PRELUDE + body + postlude(sections);
}

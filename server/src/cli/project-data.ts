import type { Analysis } from '../engine/analyze';
import { diskFiles } from '../project/disk';
import { moduleSummary } from '../project/module-summary';
import { moduleNameOf } from '../project/modules';
import { scanText, type TextScan } from '../project/text-scan';
import { BUILT_IN_SPAWNERS, SpawnerTable, userSpawners } from '../project/spawners';
import type { ModuleSummary } from '../project/summary';

/**
 * What a scan worker learns of a file for the project pass, while it has the file at hand: its text
 * scan (every file), and its summary when the check parsed it and it imports a process library (the
 * project would summarise those first). Plain data: it crosses to the main thread by structured clone.
 */
export interface ProjectData {
  scan: TextScan;
  /** The summary of `text` under the spawner table `key`. */
  summary?: { text: string; key: string; summary: ModuleSummary };
}

const tables = new Map<string, SpawnerTable>();
const files = diskFiles();

/** The spawner table of a configuration's `spawners` (one per configuration and thread). */
export function spawnerTable(spawners: readonly string[] = []): SpawnerTable {
  const key = spawners.join('\0');
  let table = tables.get(key);
  if (!table) tables.set(key, (table = new SpawnerTable([...BUILT_IN_SPAWNERS, ...userSpawners(spawners)])));
  return table;
}

/** The modules the configuration's spawners come from (`pyBKT` for `pyBKT.models.Model.fit`). */
export function spawnerWords(spawners: readonly string[] = []): string[] {
  return spawners.map((name) => name.trim().split('.')[0]);
}

export function projectData(
  file: string,
  text: string,
  spawners: readonly string[] | undefined,
  analysis?: Analysis,
  scan = scanText(text, spawnerWords(spawners)),
): ProjectData {
  if (!analysis || !scan.processes) return { scan };
  const table = spawnerTable(spawners);
  const module = moduleNameOf(files, file);
  const summary = moduleSummary({ file, module, text, tree: analysis.tree, spawners: table, facts: analysis.facts });
  return { scan, summary: { text, key: table.key, summary } };
}

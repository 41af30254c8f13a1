import * as fs from 'node:fs';

/**
 * The processes that still run on this machine, read from /proc (zombies have ended: only their exit
 * status is left). The tests check with this that a run left nothing behind; it is kept apart from the
 * product's own process table (server/src/cli/run/process-table.ts) on purpose, since that is what they check.
 */
export interface RunningProcess {
  pid: number;
  /** The process group. */
  pgrp: number;
  /** NAME=value entries, or empty when it ended meanwhile (or is not ours to read). */
  environ(): string[];
  /** The arguments it was started with, or empty. */
  cmdline(): string[];
}

export function runningProcesses(): RunningProcess[] {
  const found: RunningProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') continue;
    found.push({
      pid: Number(entry),
      pgrp: Number(pgrp),
      environ: () => nulSeparated(`/proc/${entry}/environ`),
      cmdline: () => nulSeparated(`/proc/${entry}/cmdline`),
    });
  }
  return found;
}

/** The pids of the processes of group `pgid` that still run. */
export function runningInGroup(pgid: number): number[] {
  return runningProcesses()
    .filter((process) => process.pgrp === pgid)
    .map((process) => process.pid);
}

function nulSeparated(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'latin1')
      .split('\0')
      .filter((part) => part !== '');
  } catch {
    return [];
  }
}

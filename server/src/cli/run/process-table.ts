import * as fs from 'node:fs';

/**
 * The processes of one run, read from /proc: the members of its process group, and the processes that
 * left the group (setsid, a double-forked daemon) but still carry the run's environment marker. Linux only.
 */

export interface ProcessInfo {
  pid: number;
  state: string;
  pgrp: number;
  /** Clock ticks after boot: with the pid, it names one process even when pids are reused. */
  startTime: number;
}

/** /proc/<pid>/stat, or undefined when the process ended while we looked. */
export function readProcess(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid pgrp session … starttime(22nd); comm may hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, state: fields[0], pgrp: Number(fields[2]), startTime: Number(fields[19]) };
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** Zombies have ended: only their exit status is left for a parent to collect. */
function isRunning(info: ProcessInfo): boolean {
  return info.state !== 'Z' && info.state !== 'X';
}

/**
 * Tracks the living processes of a run. Every process of the run inherits `marker` (NAME=value) in its
 * environment, so one that made itself a new session is still found; a process must clear its own
 * environment and leave the group to escape.
 */
export class RunProcesses {
  /** `${pid}:${startTime}` -> whether its environment holds the marker (read once per process). */
  private readonly marked = new Map<string, boolean>();

  constructor(
    private readonly pgid: number,
    private readonly marker: string,
    /** The root's start time: older processes cannot belong to the run. */
    private readonly since: number,
  ) {}

  static forRoot(pid: number, marker: string): RunProcesses {
    return new RunProcesses(pid, marker, readProcess(pid)?.startTime ?? 0);
  }

  /** The pids of the run that are still running. */
  living(): number[] {
    const pids: number[] = [];
    for (const pid of allPids()) {
      const info = readProcess(pid);
      if (!info || !isRunning(info)) continue;
      if (info.pgrp === this.pgid || (info.startTime >= this.since && this.hasMarker(info))) pids.push(pid);
    }
    return pids;
  }

  /** SIGKILL to the group and to every marked process outside it. */
  killAll(): void {
    signal(-this.pgid);
    for (const pid of this.living()) signal(pid);
  }

  private hasMarker(info: ProcessInfo): boolean {
    const key = `${info.pid}:${info.startTime}`;
    let found = this.marked.get(key);
    if (found === undefined) {
      try {
        found = fs.readFileSync(`/proc/${info.pid}/environ`).includes(`${this.marker}\0`);
      } catch {
        found = false; // ended, or not ours to read
      }
      this.marked.set(key, found);
    }
    return found;
  }
}

function signal(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch (error) {
    // ESRCH: already gone, the usual case; EPERM: a process that is not ours (a reused pid).
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH' && code !== 'EPERM') throw error;
  }
}

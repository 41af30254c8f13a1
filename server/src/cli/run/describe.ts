import type { Failure } from './failures';
import type { RunMethod } from './options';
import type { Stop } from './runner';
import type { Verdict } from './verdict';

/** One sentence per failure, saying what CPython did and why, for a person. */
export function describeFailure(failure: Failure): string {
  switch (failure.kind) {
    case 'bootstrapping':
      return (
        `${plural(failure.deaths, 'child process', 'child processes')} died with RuntimeError "…bootstrapping phase": ` +
        'code at module level started processes again when each child imported the script'
      );
    case 'missing-attribute':
      return (
        `a child could not find ${JSON.stringify(failure.name)} ("Can't get attribute '${failure.name}' on <module '${failure.module}'>"): ` +
        // __main__ itself: a notebook's kernel or an interactive session, which a child cannot import.
        (failure.module === '__main__'
          ? 'it is defined in a notebook or an interactive session, which a spawned child cannot import: define it in a module and import it'
          : 'it is defined where the child, importing the script, does not define it (under the main guard)')
      );
    case 'pickling':
      return `a worker or its arguments could not be pickled to send to the child (${failure.message})`;
    case 'context-already-set':
      return 'set_start_method() ran again in a child importing the script: RuntimeError "context has already been set"';
    case 'name-error':
      return `a child has no global ${JSON.stringify(failure.name)} (NameError): it is assigned only where children do not run (under the main guard)`;
    case 'broken-pool':
      return 'a worker of a process pool died (BrokenProcessPool)';
    case 'error':
      return `it failed: ${failure.message}`;
  }
}

export function describeStop(stop: Stop): string {
  switch (stop.reason) {
    case 'timeout':
      return `still running after ${stop.seconds} s: stopped`;
    case 'processes':
      return `${stop.count} processes alive at once (limit ${stop.limit}): a respawn storm, stopped`;
    case 'respawning':
      return `${stop.deaths} children died and were replaced (a Pool refilling itself never ends): stopped`;
    case 'cancelled':
      return 'cancelled: stopped';
  }
}

/** The verdict in one line: `same`, `fails under spawn: …`. */
export function describeVerdict(verdict: Verdict, method: RunMethod): string {
  switch (verdict.kind) {
    case 'same':
      return (
        `same behaviour under ${method} as under fork (exit status and output)` +
        (verdict.sortedLines ? ', compared as sorted lines: the order in which its processes print is not deterministic' : '') +
        (verdict.bothStopped ? '; both runs were stopped at the time-out' : '')
      );
    case 'cancelled':
      return 'stopped on request; every process of the run was killed';
    case 'clean':
      return `ran clean under ${method} (exit status 0, no spawn failure in its output); --compare also runs it under fork`;
    case 'fails':
      return `fails under ${method}: ${describeFailure(verdict.failure)}`;
    case 'hangs': {
      // A respawning stop already says that children died in the bootstrapping phase.
      const cause =
        verdict.cause && !(verdict.stop.reason === 'respawning' && verdict.cause.kind === 'bootstrapping')
          ? `; ${describeFailure(verdict.cause)}`
          : verdict.stop.reason === 'respawning'
            ? '; they died in the bootstrapping phase: code at module level starts processes again in every child that imports the script'
            : '';
      const fork = verdict.forkEnded ? '; under fork it ended by itself' : '';
      return `hangs under ${method}: ${describeStop(verdict.stop)}${cause}${fork}`;
    }
    case 'differs': {
      const parts = [];
      if (verdict.exitCodes) parts.push(`exit status ${verdict.exitCodes.spawn} under ${method}, ${verdict.exitCodes.fork} under fork`);
      if (verdict.diff) parts.push('its output differs');
      return `differs under ${method}: ${parts.join('; ')}`;
    }
  }
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

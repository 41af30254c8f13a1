import type { Parameters } from 'fast-check';

/**
 * The seed CI always uses, so a property run is reproducible. A longer or different run is started by
 * hand: `SPAWN_GUARD_FC_RUNS=2000 SPAWN_GUARD_FC_SEED=random npm run test:unit` (fast-check prints the
 * seed and path of any counterexample, which replays it exactly).
 */
export const CI_SEED = 0x5ba36;

/** fast-check parameters for a property: `defaultRuns` and the CI seed unless the environment says otherwise. */
export function propertyParameters<T>(defaultRuns: number): Parameters<T> {
  return { numRuns: runsFromEnvironment(defaultRuns), seed: seedFromEnvironment(), endOnFailure: false, includeErrorInReport: true };
}

function runsFromEnvironment(defaultRuns: number): number {
  const raw = process.env.SPAWN_GUARD_FC_RUNS;
  if (raw === undefined || raw === '') return defaultRuns;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`SPAWN_GUARD_FC_RUNS must be a positive integer, not "${raw}"`);
  return runs;
}

function seedFromEnvironment(): number {
  const raw = process.env.SPAWN_GUARD_FC_SEED;
  if (raw === undefined || raw === '') return CI_SEED;
  if (raw === 'random') return Date.now() ^ (Math.random() * 0x100000000);
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`SPAWN_GUARD_FC_SEED must be an integer or "random", not "${raw}"`);
  return seed;
}

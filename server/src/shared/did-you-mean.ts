/** Hints for a mistyped word (an option, a command, a configuration key, a rule name). */

/** `; did you mean --format?` for the closest known word, when one is close enough to be a typo. */
export function didYouMean(given: string, known: readonly string[]): string {
  // An abbreviation (`--stat`) is what was meant when only one known word starts with it.
  const extended = known.filter((candidate) => given.length >= 4 && candidate.startsWith(given.toLowerCase()));
  if (extended.length === 1) return `; did you mean ${extended[0]}?`;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(given.toLowerCase(), candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(given.length / 3)) ? `; did you mean ${best}?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

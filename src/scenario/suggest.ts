/**
 * "Did you mean …?" support: a plain Levenshtein distance and the rule for when a known word is
 * close enough to a mistyped one to be worth suggesting.
 */

/** Levenshtein distance (insertions, deletions and substitutions each cost 1), over UTF-16 code units. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const deletion = (prev[j] ?? 0) + 1;
      const insertion = (cur[j - 1] ?? 0) + 1;
      cur.push(Math.min(substitution, deletion, insertion));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate nearest to `input`, if it is close enough: at most 2 edits, or at most a third of
 * the input's length for long words; and at most half of the longer word, so a short word is not
 * "corrected" into an unrelated one (`bob` is not a misspelt `gov`). Ties go to the candidate
 * listed first, so the answer is deterministic.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(input, candidate);
    if (d > limit || 2 * d > Math.max(input.length, candidate.length)) continue;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `did you mean "fees"?`, or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = closest(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

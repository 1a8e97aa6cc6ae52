/**
 * "Did you mean …?" support: a plain Levenshtein distance and the rule for when a known word is
 * close enough to a mistyped one to be worth suggesting.
 *
 * A file may hold thousands of unknown names and declare a hundred thousand, so the search is
 * bounded: a candidate whose length alone rules it out costs one step, the distance to the others
 * is computed only within the band of edits that could still win and stops as soon as they
 * cannot, and a load may give the whole search a budget of steps (SuggestBudget). The answer is
 * always the one the plain rule gives, or none once the budget is spent.
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

/** Steps the searches of one load may still take (each candidate looked at, each table cell). */
export interface SuggestBudget {
  steps: number;
}

/** Words longer than this get no suggestion (a long text is not a misspelt name). */
export const MAX_SUGGESTED_INPUT = 64;

let rowA = new Int32Array(128);
let rowB = new Int32Array(128);

/** Whether one substitution, insertion or deletion turns `a` (≠ `b`) into `b`. */
function oneEditApart(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // past the first difference the rest must match: shifted by one when the lengths differ
  let j = la > lb ? i + 1 : i;
  let k = lb > la ? i + 1 : i;
  if (la === lb) {
    j++;
    k++;
  }
  while (j < la && a.charCodeAt(j) === b.charCodeAt(k)) {
    j++;
    k++;
  }
  return j >= la;
}

/**
 * The edit distance of `a` and `b` if it is at most `max`, else `max + 1`; only the cells within
 * `max` of the diagonal are computed, and it stops at a row where all of them exceed `max`.
 */
function distanceWithin(a: string, b: string, max: number, budget: SuggestBudget | undefined): number {
  if (max === 0) return a === b ? 0 : 1;
  if (max === 1) return a === b ? 0 : oneEditApart(a, b) ? 1 : 2;
  const la = a.length;
  const lb = b.length;
  if (rowA.length <= lb) {
    rowA = new Int32Array(2 * lb + 2);
    rowB = new Int32Array(2 * lb + 2);
  }
  let prev = rowA;
  let cur = rowB;
  const over = max + 1;
  for (let j = 0; j <= lb; j++) prev[j] = j <= max ? j : over;
  for (let i = 1; i <= la; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(lb, i + max);
    cur[lo - 1] = lo === 1 ? Math.min(i, over) : over;
    let rowMin = cur[lo - 1] as number;
    const c = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const substitution = (prev[j - 1] as number) + (c === b.charCodeAt(j - 1) ? 0 : 1);
      const deletion = (prev[j] as number) + 1;
      const insertion = (cur[j - 1] as number) + 1;
      const d = Math.min(substitution, deletion, insertion, over);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (hi < lb) cur[hi + 1] = over;
    if (budget !== undefined) budget.steps -= hi - lo + 1;
    if (rowMin > max) return over;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[lb] as number, over);
}

/**
 * The candidate nearest to `input`, if it is close enough: at most 2 edits, or at most a third of
 * the input's length for long words; and at most half of the longer word, so a short word is not
 * "corrected" into an unrelated one (`bob` is not a misspelt `gov`). Ties go to the candidate
 * listed first, so the answer is deterministic. With a budget: undefined once it is spent.
 */
export function closest(input: string, candidates: Iterable<string>, budget?: SuggestBudget): string | undefined {
  if (input.length > MAX_SUGGESTED_INPUT) return undefined;
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (budget !== undefined && --budget.steps < 0) return undefined;
    // a candidate must beat the best so far (ties go to the first) within the limits above
    const max = Math.min(limit, bestDistance - 1, Math.floor(Math.max(input.length, candidate.length) / 2));
    if (max < 0) break; // the input itself is a candidate: nothing can be nearer
    if (Math.abs(candidate.length - input.length) > max) continue;
    const d = candidate === input ? 0 : distanceWithin(input, candidate, max, budget);
    if (d <= max) {
      best = candidate;
      bestDistance = d;
    }
  }
  return budget !== undefined && budget.steps < 0 ? undefined : best;
}

/** `did you mean "fees"?`, or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>, budget?: SuggestBudget): string | undefined {
  const match = closest(input, candidates, budget);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

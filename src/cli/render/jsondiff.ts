/**
 * A structural diff of two JSON values, for golden files: a list of paths with the old and the
 * new value, not a wall of text. Pure.
 *
 * - Objects are compared key by key (keys in code-unit order): a key on one side only is
 *   `added` or `removed`.
 * - Arrays are aligned first: the elements both sides share (a longest common subsequence of
 *   equal elements, after the common head and tail) stay matched, so one transfer inserted in
 *   the middle reads as one `added` element, not as every later element changed. Between two
 *   matched elements the leftovers are paired in order and compared field by field; what is
 *   left over after that is `added` (new index) or `removed` (old index).
 * - Anything else that differs (a scalar, or a change of type) is `changed`.
 */
import { formatGonka } from '../../domain/money.js';
import type { Json } from '../../engine/replay/json.js';
import { byCodeUnit } from '../../domain/order.js';

export type PathSegment = string | number;

export type JsonChange =
  | { readonly kind: 'changed'; readonly path: readonly PathSegment[]; readonly before: Json; readonly after: Json }
  | { readonly kind: 'added'; readonly path: readonly PathSegment[]; readonly after: Json }
  | { readonly kind: 'removed'; readonly path: readonly PathSegment[]; readonly before: Json };

/** Above this many cells (old × new middle elements) arrays are compared by position only. */
const ALIGN_LIMIT = 4_000_000;

const isObject = (v: Json): v is { readonly [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** One line of JSON with sorted keys: equal values give equal text. */
export function compactJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(compactJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort(byCodeUnit)
      .map((k) => `${JSON.stringify(k)}:${compactJson(v[k] as Json)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function equal(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => equal(x, b[i] as Json));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && equal(a[k] as Json, b[k] as Json));
  }
  return false;
}

/** Every difference from `before` to `after`, in document order. */
export function diffJson(before: Json, after: Json): JsonChange[] {
  const out: JsonChange[] = [];
  walk(before, after, [], out);
  return out;
}

function walk(a: Json, b: Json, path: PathSegment[], out: JsonChange[]): void {
  if (equal(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    diffArrays(a, b, path, out);
  } else if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(byCodeUnit);
    for (const key of keys) {
      const inA = Object.hasOwn(a, key);
      const inB = Object.hasOwn(b, key);
      if (inA && inB) walk(a[key] as Json, b[key] as Json, [...path, key], out);
      else if (inB) out.push({ kind: 'added', path: [...path, key], after: b[key] as Json });
      else out.push({ kind: 'removed', path: [...path, key], before: a[key] as Json });
    }
  } else {
    out.push({ kind: 'changed', path, before: a, after: b });
  }
}

/** Pairs of matched indices (old, new) of a longest common subsequence of equal keys. */
function commonSubsequence(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > ALIGN_LIMIT) return [];
  // lengths[i][j] = LCS of a[i..] and b[j..], row-major in one typed array
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lengths[(i + 1) * width + j] as number, lengths[i * width + j + 1] as number);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if ((lengths[(i + 1) * width + j] as number) >= (lengths[i * width + j + 1] as number)) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}

function diffArrays(a: readonly Json[], b: readonly Json[], path: PathSegment[], out: JsonChange[]): void {
  const keysA = a.map(compactJson);
  const keysB = b.map(compactJson);
  let head = 0;
  while (head < a.length && head < b.length && keysA[head] === keysB[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && keysA[a.length - 1 - tail] === keysB[b.length - 1 - tail]) tail++;

  const anchors = commonSubsequence(keysA.slice(head, a.length - tail), keysB.slice(head, b.length - tail)).map(
    ([i, j]): [number, number] => [i + head, j + head],
  );
  anchors.push([a.length - tail, b.length - tail]);
  let i = head;
  let j = head;
  for (const [ai, bj] of anchors) {
    const paired = Math.min(ai - i, bj - j);
    for (let k = 0; k < paired; k++) walk(a[i + k] as Json, b[j + k] as Json, [...path, j + k], out);
    for (let k = j + paired; k < bj; k++) out.push({ kind: 'added', path: [...path, k], after: b[k] as Json });
    for (let k = i + paired; k < ai; k++) out.push({ kind: 'removed', path: [...path, k], before: a[k] as Json });
    i = ai + 1;
    j = bj + 1;
  }
}

/** `bank.h1`, `transfers[3].memo`, `summaries.1.h1.claimed`; a key with other characters is quoted: `bank["h.1"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(the whole document)';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Keys whose value is an amount of ngonka wherever they appear. */
const AMOUNT_KEYS: ReadonlySet<string> = new Set([
  'amount',
  'coin_balance',
  'earned_coins',
  'work_coins',
  'reward_coins',
  'rewarded_coins',
]);

/**
 * Whether the value at `path` of a `run --json` object is an amount: every `bank.*`, `supply.*`
 * and `surplus`, a violation's `expected` and `actual`, an effect's `delta`, `work` and
 * `reward`, and any key in AMOUNT_KEYS (escrow and transfer `amount`, ledger and settle-amount coins). `weight`, counts and epochs are not.
 */
export function isAmountPath(path: readonly PathSegment[]): boolean {
  const [top] = path;
  const last = path.at(-1);
  if (typeof last !== 'string') return false;
  if ((top === 'bank' || top === 'supply') && path.length === 2) return true;
  if (top === 'surplus' && path.length === 1) return true;
  if (top === 'violations' && path.length === 3 && (last === 'expected' || last === 'actual')) return true;
  // an effect's signed ledger delta and its settle amount's work and reward coins
  if (top === 'steps' && path[2] === 'effects' && path.length === 5 && (last === 'delta' || last === 'work' || last === 'reward')) return true;
  return AMOUNT_KEYS.has(last);
}

const MAX_VALUE = 120;

/** A value for a diff line: amounts as `ngonka (gonka)`, strings quoted, objects as one line of JSON. */
export function showValue(value: Json, path: readonly PathSegment[]): string {
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value) && isAmountPath(path)) {
    return `${value} (${formatGonka(BigInt(value))} gonka)`;
  }
  const text = compactJson(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** One line per change: `path: old → new`, `path: added new`, `path: removed old`. */
export function describeChange(change: JsonChange): string {
  const where = formatPath(change.path);
  switch (change.kind) {
    case 'changed':
      return `${where}: ${showValue(change.before, change.path)} → ${showValue(change.after, change.path)}`;
    case 'added':
      return `${where}: added ${showValue(change.after, change.path)}`;
    case 'removed':
      return `${where}: removed ${showValue(change.before, change.path)}`;
  }
}

/** The first `limit` changes, one per line, then `… and N more` when there are more. */
export function describeChanges(changes: readonly JsonChange[], limit = 20): string[] {
  const lines = changes.slice(0, limit).map(describeChange);
  if (changes.length > limit) lines.push(`… and ${changes.length - limit} more`);
  return lines;
}

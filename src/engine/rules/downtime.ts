/**
 * The chain's downtime test at settlement, as the Go code runs it at v0.2.11 (bd1fd508), v0.2.12
 * (d8b8e907) and devshard v2 (8a35022b) — the functions below are identical at the three:
 *
 * - `dynamicP0`: keeper/bitcoin_rewards.go getDynamicP0 with decimalToPermilleCeil,
 *   ceilToSupportedP0Permille and permilleToP0Decimal.
 * - `chainDowntimeTest`: getDynamicP0, then (unless it says skip) keeper/accountsettle.go
 *   CheckAndPunishForDowntimeForParticipants → CheckAndPunishForDowntime for every member.
 * - `missedStatTest`: calculations/stats.go MissedStatTest — the lookup tables when
 *   IntPart(p0 × 1000) is a table key, else the exact p-value.
 * - `missedStatTestLookup`: calculations/stats_table.go MissedStatTestLookupWithP0.
 * - `binomialPValue`: calculations/stats.go BinomialPValue with binomialPMF and pow, digit for digit.
 *
 * Numbers as the chain has them: p0 is a chain Decimal (value × 10^exponent, int64 and int32), kept
 * exactly; counts are integers. The exact p-value reproduces shopspring/decimal v1.4.0 with
 * DivisionPrecision 16: every Div is rounded to 16 decimal places, half away from zero (DivRound:
 * truncated quotient, +1 unit when 2 × remainder ≥ divisor); `pow` rounds with Round(16), also
 * half away from zero (truncate to 17 places, add 5, floor); Mul and Add are exact. Here the powers
 * go through a decimal.js clone with 10^9 digits of precision (so products are exact) and
 * ROUND_HALF_UP (decimal.js's half away from zero) — never the global Decimal — decided from
 * directed-rounding bounds where that settles the 16-place result; the coefficient and the sum, whose
 * exact digits grow by 32 per step, run on scaled bigints (v × 10^-s) with the same roundings.
 *
 * Where the Go code panics (shopspring's Mul panics when an exponent leaves int32, which its pow
 * and the p-value loop reach for counts in the hundreds of millions) the result says so: a panic in
 * settlement halts the chain, it does not keep or drop one reward. Where a value is decided but
 * would take the Go code effectively forever, the decided value is returned (e.g. a p-value whose
 * first term rounds to 0 is 0, without the loop). Where epochsim would need more than its budget
 * of exact digits the result is the typed error `infeasible`, never a hang (see `EXACT_LIMITS`).
 */
import { Decimal } from 'decimal.js';
import { BEYOND_TABLE_RATE, CRITICAL_VALUE_TABLES, MAX_TABLE_N, TABLE_PERMILLES, type TablePermille } from './data/statsTables.js';

// ---------------------------------------------------------------------------------------------
// Chain decimals

/** A chain Decimal (types.Decimal, ToDecimal = shopspring decimal.New(value, exponent)): value × 10^exponent. */
export interface GoDecimal {
  /** int64 */
  readonly value: bigint;
  /** int32 */
  readonly exponent: number;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = 2n ** 64n - 1n;

function checkGoDecimal(d: GoDecimal): void {
  if (d.value < INT64_MIN || d.value > INT64_MAX) throw new RangeError(`decimal value ${d.value} is outside int64`);
  if (!Number.isInteger(d.exponent) || d.exponent < INT32_MIN || d.exponent > INT32_MAX) throw new RangeError(`decimal exponent ${d.exponent} is outside int32`);
}

/**
 * A decimal string as a chain Decimal, digits as written: "0.10" → 10 × 10^-2, "0.1" → 1 × 10^-1,
 * "-0.5" → -5 × 10^-1 (shopspring's NewFromString reading, without exponent notation).
 */
export function parseGoDecimal(text: string): GoDecimal {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const fraction = m[3] ?? '';
  const d = { value: BigInt(`${m[1]}${m[2]}${fraction}`), exponent: -fraction.length };
  checkGoDecimal(d);
  return d;
}

/** An exact fraction whose denominator is a power of ten (how the scenario reads "0.10": 10/100) as a chain Decimal. */
export function goDecimalFromFraction(f: { readonly num: bigint; readonly den: bigint }): GoDecimal {
  let digits = 0;
  let den = f.den;
  while (den > 1n && den % 10n === 0n) {
    den /= 10n;
    digits += 1;
  }
  if (den !== 1n) throw new RangeError(`${f.num}/${f.den} is not a decimal fraction (denominator not a power of 10)`);
  const d = { value: f.num, exponent: -digits };
  checkGoDecimal(d);
  return d;
}

/** The exact value as a plain decimal string without trailing zeros (shopspring's String()): 100 × 10^-3 → "0.1". */
export function formatGoDecimal(d: GoDecimal): string {
  const neg = d.value < 0n;
  let digits = (neg ? -d.value : d.value).toString();
  let exp = d.exponent;
  if (digits === '0') return '0';
  while (exp < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exp += 1;
  }
  let text: string;
  if (exp >= 0) text = digits + '0'.repeat(exp);
  else if (digits.length > -exp) text = `${digits.slice(0, digits.length + exp)}.${digits.slice(digits.length + exp)}`;
  else text = `0.${'0'.repeat(-exp - digits.length)}${digits}`;
  return neg ? `-${text}` : text;
}

/** |value| × 10^shift truncated toward zero (big.Int Quo), for shifts where the result matters. */
function shiftTruncated(value: bigint, shift: number, zeroBelow: number): bigint {
  if (shift >= 0) return value * 10n ** BigInt(shift);
  return -shift > zeroBelow ? 0n : value / 10n ** BigInt(-shift);
}

/** Go's big.Int Int64(): the low 64 bits of |x| as int64, negated (wrapping) when x < 0. */
function goInt64(x: bigint): bigint {
  const neg = x < 0n;
  const v = BigInt.asIntN(64, neg ? -x : x);
  return neg ? BigInt.asIntN(64, -v) : v;
}

/** p0.Mul(1000).IntPart() with Go's semantics (truncation toward zero, Int64's wrap beyond int64). */
function intPartTimes1000(p0: GoDecimal): bigint {
  const shift = p0.exponent + 3;
  // Beyond 64 the low 64 bits are 0 (10^64 is a multiple of 2^64); below -45 |value × 10^shift| < 1.
  if (shift > 64) return 0n;
  return goInt64(shiftTruncated(p0.value, shift, 45));
}

/** Sign of (value × 10^exponent − other), other an integer with |other| < 2^64. */
function compareWithInteger(d: GoDecimal, other: bigint): number {
  if (d.exponent >= 0) {
    if (d.value === 0n) return other === 0n ? 0 : other > 0n ? -1 : 1;
    if (d.exponent > 25) return d.value > 0n ? 1 : -1; // |value| × 10^26 > 2^64 > |other|
    const x = d.value * 10n ** BigInt(d.exponent);
    return x === other ? 0 : x > other ? 1 : -1;
  }
  if (-d.exponent > 40) {
    // |value × 10^exponent| < 10^-21: the sign of other decides, except for other = 0.
    if (other === 0n) return d.value === 0n ? 0 : d.value > 0n ? 1 : -1;
    return other > 0n ? -1 : 1;
  }
  const y = other * 10n ** BigInt(-d.exponent);
  return d.value === y ? 0 : d.value > y ? 1 : -1;
}

/** Sign of (p0 − permille / 1000). */
const comparePermille = (p0: GoDecimal, permille: bigint): number => compareWithInteger({ value: p0.value, exponent: p0.exponent + 3 }, permille);

// ---------------------------------------------------------------------------------------------
// Results

/**
 * Why a test has no pass/fail. `invalidCounts`, `unsupportedP0` and `p0OutOfRange` are the Go
 * functions' errors: at settlement the member keeps the reward. `goPanic`: the Go code panics (a
 * shopspring exponent leaves int32): settlement, and the chain, stop. `infeasible`: the value is
 * beyond epochsim's budget of exact digits (EXACT_LIMITS); the Go code would need at least as much.
 */
export type DowntimeErrorKind = 'invalidCounts' | 'unsupportedP0' | 'p0OutOfRange' | 'goPanic' | 'infeasible';

export interface DowntimeError {
  readonly kind: DowntimeErrorKind;
  /** The Go error text for the Go errors; an explanation otherwise. */
  readonly message: string;
}

/** How a member's test was decided. */
export type StatRule =
  /** total = 0: passes without a test */
  | { readonly rule: 'empty' }
  /** the critical-value table of `permille`: row [total, criticalMisses], undefined for total 1 (below the first row: passes) */
  | { readonly rule: 'table'; readonly permille: TablePermille; readonly row: readonly [number, number] | undefined }
  /** total > MAX_TABLE_N: passes iff missed × den ≤ total × num */
  | { readonly rule: 'rate'; readonly permille: TablePermille; readonly num: number; readonly den: number }
  /** the exact one-sided binomial p-value (16 decimal places, as a plain decimal string): passes iff ≥ 0.05 */
  | { readonly rule: 'exact'; readonly pValue: string };

export type StatOutcome = ({ readonly ok: true; readonly passed: boolean } & StatRule) | { readonly ok: false; readonly error: DowntimeError };

export type PValueResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: DowntimeError };

const ERR_COUNTS_MISSED = 'invalid input: requires 0 <= nMissed <= nTotal and nTotal > 0';
const ERR_COUNTS_K = 'invalid input: requires 0 <= k <= n';
const ERR_UNSUPPORTED = 'unsupported p0 value';
const ERR_P0_RANGE = 'p0 must be in (0, 1)';

const fail = (kind: DowntimeErrorKind, message: string): { readonly ok: false; readonly error: DowntimeError } => ({ ok: false, error: { kind, message } });

function checkCount(name: string, x: number): void {
  if (!Number.isSafeInteger(x)) throw new RangeError(`${name} must be a safe integer, got ${x}`);
}

// ---------------------------------------------------------------------------------------------
// The lookup tables (stats_table.go)

const isTablePermille = (p: number): p is TablePermille => (TABLE_PERMILLES as readonly number[]).includes(p);
/** The table key of an int64 permille, if it is one. */
const tableKey = (p: bigint): TablePermille | undefined => (p >= 50n && p <= 500n && isTablePermille(Number(p)) ? (Number(p) as TablePermille) : undefined);

/**
 * MissedStatTestLookupWithP0: total 0 passes; counts outside 0 ≤ missed ≤ total are an error; a
 * permille without a table is an error; total > 990 passes iff missed × den ≤ total × num (the
 * table's p0 as num/den, no statistical slack); else the row of the largest table total ≤ total
 * decides (total 1 is below the first row and passes): missed ≤ criticalMisses.
 * Counts are JavaScript safe integers (the products stay exact, as in Go's int64).
 */
export function missedStatTestLookup(missed: number, total: number, permille: number): StatOutcome {
  checkCount('missed', missed);
  checkCount('total', total);
  if (total === 0) return { ok: true, passed: true, rule: 'empty' };
  if (missed < 0 || total < 0 || missed > total) return fail('invalidCounts', ERR_COUNTS_MISSED);
  if (!isTablePermille(permille)) return fail('unsupportedP0', ERR_UNSUPPORTED);
  if (total > MAX_TABLE_N) {
    const [num, den] = BEYOND_TABLE_RATE[permille];
    return { ok: true, passed: BigInt(missed) * BigInt(den) <= BigInt(total) * BigInt(num), rule: 'rate', permille, num, den };
  }
  const rows = CRITICAL_VALUE_TABLES[permille];
  // The first row with a total above `total` (sort.Search); the row before it decides.
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as readonly [number, number])[0] > total) hi = mid;
    else lo = mid + 1;
  }
  if (lo === 0) return { ok: true, passed: true, rule: 'table', permille, row: undefined };
  const row = rows[lo - 1] as readonly [number, number];
  return { ok: true, passed: missed <= row[1], rule: 'table', permille, row };
}

// ---------------------------------------------------------------------------------------------
// The exact p-value (stats.go BinomialPValue, binomialPMF, pow)

/** Exact arithmetic for the powers: 10^9 significant digits (their products are exact); half away from zero. */
const X = Decimal.clone({ precision: 1e9, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -9e15, toExpPos: 9e15 });
type Dec = InstanceType<typeof X>;
const ONE = new X(1);
const PLACES = 16;
const ALPHA = new X('0.05');

/** Round(16) and the rounding of DivRound(…, 16): 16 decimal places, half away from zero. */
const round16 = (x: Dec): Dec => x.toDecimalPlaces(PLACES, X.ROUND_HALF_UP);

/** A decimal as v × 10^-s (s ≥ 0): the loops of the exact p-value run on these bigints, exactly. */
interface Scaled {
  readonly v: bigint;
  readonly s: number;
}
const TEN16 = 10n ** 16n;
const TEN32 = 10n ** 32n;

/** The exact value of a (finite) decimal.js number. */
function scaledOf(x: Dec): Scaled {
  const [whole, fraction = ''] = x.toFixed().split('.');
  return { v: BigInt(`${whole}${fraction}`), s: fraction.length };
}

/** shopspring x.Div(y) for x, y > 0: x / y rounded to 16 places, half away from zero, as a scale-16 integer. */
function div16(x: Scaled, y: Scaled): bigint {
  const num = x.v * 10n ** BigInt(y.s) * TEN16;
  const den = y.v * 10n ** BigInt(x.s);
  return (2n * num + den) / (2n * den);
}

/** Round(16) of x ≥ 0, as a scale-16 integer. */
function round16Scaled(x: Scaled): bigint {
  if (x.s <= PLACES) return x.v * 10n ** BigInt(PLACES - x.s);
  const unit = 10n ** BigInt(x.s - PLACES);
  return (2n * x.v + unit) / (2n * unit);
}

/**
 * Budgets of the exact computation. Every p-value the settlement path can reach with a governance
 * p0 in [0.501, 0.998] stays far inside them (a nonzero first term needs p0^k and (1−p0)^(n−k) ≥
 * 5e-17, so k ≤ 37.5 / −ln p0 and n − k ≤ 37.5 / −ln(1 − p0)).
 */
export const EXACT_LIMITS = Object.freeze({
  /** Decimal places of p0. */
  p0Places: 400,
  /** k, the iterations of binomialPMF's coefficient loop, when the first term is not 0. */
  coefficientSteps: 20_000,
  /** n − k, the iterations of the sum, when the first term is not 0 (each adds 32 exact digits). */
  sumSteps: 5_000,
  /** Significant digits of base^e when pow must be computed exactly. */
  powDigits: 100_000,
});

const bitLength = (x: number): number => x.toString(2).length;

/** shopspring Mul panics when the result's exponent leaves int32; pow(base, e ≥ 2) reaches e_base × 2^bitlen(e). */
const powPanics = (baseExponent: number, e: number): boolean => e >= 2 && baseExponent * 2 ** bitLength(e) < INT32_MIN;

/**
 * pow(base, e) as the chain rounds it, for 0 < base < 1: 1 for e = 0, base itself for e = 1,
 * else base^e rounded to 16 places. Decided from lower and upper bounds (binary powering with
 * every product rounded down, resp. up, to `digits` significant digits): when both round to the
 * same 16-place value so does the exact power. Exact powering only when the bounds straddle a
 * rounding boundary.
 */
function powRounded(base: Dec, e: number): Dec | DowntimeError {
  if (e === 0) return ONE;
  if (e === 1) return base;
  for (const digits of [40, 160]) {
    const [lo, hi] = powBounds(base, e, digits);
    const r = round16(lo);
    if (r.eq(round16(hi))) return r;
  }
  if (base.sd() * e > EXACT_LIMITS.powDigits) {
    return { kind: 'infeasible', message: `exact power of a ${base.sd()}-digit number to ${e} exceeds ${EXACT_LIMITS.powDigits} digits` };
  }
  let result = ONE;
  let b = base;
  for (let x = e; x > 0; x = Math.floor(x / 2)) {
    if (x % 2 === 1) result = result.times(b);
    if (x > 1) b = b.times(b);
  }
  return round16(result);
}

function powBounds(base: Dec, e: number, digits: number): [Dec, Dec] {
  const down = (x: Dec): Dec => x.toSignificantDigits(digits, X.ROUND_DOWN);
  const up = (x: Dec): Dec => x.toSignificantDigits(digits, X.ROUND_UP);
  let lo = ONE;
  let hi = ONE;
  let bLo = down(base);
  let bHi = up(base);
  for (let x = e; x > 0; x = Math.floor(x / 2)) {
    if (x % 2 === 1) {
      lo = down(lo.times(bLo));
      hi = up(hi.times(bHi));
    }
    if (x > 1) {
      bLo = down(bLo.times(bLo));
      bHi = up(bHi.times(bHi));
    }
  }
  return [lo, hi];
}

/** 5 × 10^-17: Round(16) takes anything below it to 0. */
const HALF_ULP = new X('5e-17');

/**
 * The largest e ≥ 1 with base^e ≥ 5e-17 (0 when there is none), so that pow(base, e) rounds to 0
 * exactly for the e ≥ 2 above it (0 < base < 1: the powers decrease); Infinity when that is beyond
 * 2^53; undefined when a decision is beyond the budget (callers then compute each pow).
 */
function lastNonzeroPower(base: Dec): number | undefined {
  const nonzero = (e: number): boolean | undefined => {
    if (e === 1) return base.gte(HALF_ULP);
    const r = powRounded(base, e);
    return r instanceof X ? !r.isZero() : undefined;
  };
  const first = nonzero(1);
  if (first !== true) return first === false ? 0 : undefined;
  let lo = 1;
  let hi = 2;
  for (;;) {
    const at = nonzero(hi);
    if (at === undefined) return undefined;
    if (!at) break;
    lo = hi;
    if (hi > Number.MAX_SAFE_INTEGER / 2) return Infinity;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const at = nonzero(mid);
    if (at === undefined) return undefined;
    if (at) lo = mid;
    else hi = mid;
  }
  return lo;
}

interface ExactContext {
  readonly p: Dec;
  readonly q: Dec;
  /** p0.Div(1 − p0), rounded to 16 places (scale 16). */
  readonly ratio: bigint;
  readonly lastNonzeroP: number | undefined;
  readonly lastNonzeroQ: number | undefined;
  /** Computed p-values by "k/n" (members of one settlement often share small counts). */
  readonly values: Map<string, PValueResult>;
}

/** Per-p0 values of the exact path, memoised (a settlement tests every member with one p0). */
const contexts = new Map<string, ExactContext>();

function exactContext(p0: GoDecimal): ExactContext {
  const key = `${p0.value}e${p0.exponent}`;
  const known = contexts.get(key);
  if (known) return known;
  const p = new X(key);
  const q = ONE.minus(p);
  const ctx = { p, q, ratio: div16(scaledOf(p), scaledOf(q)), lastNonzeroP: lastNonzeroPower(p), lastNonzeroQ: lastNonzeroPower(q), values: new Map<string, PValueResult>() };
  if (contexts.size >= 64) contexts.clear();
  contexts.set(key, ctx);
  return ctx;
}

/** pow(base, e) certainly rounds to 0 (e ≥ 2 beyond the last nonzero power); false also when unknown. */
const powZero = (e: number, lastNonzero: number | undefined): boolean => e >= 2 && lastNonzero !== undefined && e > lastNonzero;

/** The exponent of a chain decimal's shopspring form after rounding, as the panic checks need it. */
const roundedExponent = (e: number, baseExponent: number): number => (e === 1 ? baseExponent : -PLACES);

/**
 * BinomialPValue(k, n, p0, 16): P(X ≥ k) for X ~ Binomial(n, p0) as the chain computes it —
 * k = 0 → 1; else PMF(k) = C × pow(p0, k) × pow(1 − p0, n − k) (k = n: pow(p0, n)), where C is
 * built by C = C × (n − i) / (i + 1) for i < k with each division rounded to 16 places and pow
 * rounds to 16 places (except exponent 1), then for i = k … n − 1 the term is multiplied exactly by
 * ((n − i) / (i + 1)) × (p0 / (1 − p0)), both rounded to 16 places, and summed; the sum is rounded to
 * 16 places. So once a pow rounds to 0 the p-value is 0 (e.g. p0 0.15, 1 missed of 300: 0.85^299 <
 * 5e-17, p-value 0). Errors as the chain's: counts outside 0 ≤ k ≤ n, p0 outside (0, 1).
 */
export function binomialPValue(k: number, n: number, p0: GoDecimal): PValueResult {
  checkCount('k', k);
  checkCount('n', n);
  checkGoDecimal(p0);
  if (k < 0 || n < 0 || k > n) return fail('invalidCounts', ERR_COUNTS_K);
  if (p0.value <= 0n || compareWithInteger(p0, 1n) >= 0) return fail('p0OutOfRange', ERR_P0_RANGE);
  if (k === 0) return { ok: true, value: '1' };

  // The Go code's exponents: p0's own (≤ -1 as 0 < p0 < 1); q0 = 1 − p0 takes the smaller, p0's.
  const ep = p0.exponent;
  const panic = (where: string): PValueResult =>
    fail('goPanic', `shopspring Mul: exponent overflows an int32 in ${where} (the chain's node panics; settlement halts)`);
  if (k === n) {
    if (powPanics(ep, n)) return panic(`pow(p0, ${n})`);
  } else {
    const m = n - k;
    if (powPanics(ep, k)) return panic(`pow(p0, ${k})`);
    if (powPanics(ep, m)) return panic(`pow(1 - p0, ${m})`);
    const e1 = -PLACES + roundedExponent(k, ep);
    const e0 = e1 + roundedExponent(m, ep);
    if (e1 < INT32_MIN || e0 < INT32_MIN) return panic('binomialPMF');
    if (e0 - 32 * m < INT32_MIN) return panic(`the p-value sum (${m} steps)`);
  }
  if (-ep > EXACT_LIMITS.p0Places) return fail('infeasible', `p0 has ${-ep} decimal places; epochsim computes the exact p-value up to ${EXACT_LIMITS.p0Places}`);

  const ctx = exactContext(p0);
  const key = `${k}/${n}`;
  const known = ctx.values.get(key);
  if (known) return known;
  const result = exactPValue(k, n, ctx);
  if (ctx.values.size >= 4096) ctx.values.clear();
  ctx.values.set(key, result);
  return result;
}

/** The p-value once the errors, the panics and p0's size are ruled out (see binomialPValue). */
function exactPValue(k: number, n: number, ctx: ExactContext): PValueResult {
  const { p, q, ratio, lastNonzeroP, lastNonzeroQ } = ctx;
  let prob: Scaled;
  if (k === n) {
    if (powZero(n, lastNonzeroP)) return { ok: true, value: '0' };
    const r = powRounded(p, n);
    if (!(r instanceof X)) return { ok: false, error: r };
    prob = scaledOf(r);
  } else {
    const m = n - k;
    // A first term of 0 makes every term 0: the p-value is 0 whatever the coefficient is.
    if (powZero(k, lastNonzeroP) || powZero(m, lastNonzeroQ)) return { ok: true, value: '0' };
    const pk = powRounded(p, k);
    if (!(pk instanceof X)) return { ok: false, error: pk };
    const qm = powRounded(q, m);
    if (!(qm instanceof X)) return { ok: false, error: qm };
    if (pk.isZero() || qm.isZero()) return { ok: true, value: '0' };
    if (k > EXACT_LIMITS.coefficientSteps) return fail('infeasible', `binomialPMF's coefficient needs ${k} exact steps (epochsim's budget: ${EXACT_LIMITS.coefficientSteps})`);
    if (m > EXACT_LIMITS.sumSteps) return fail('infeasible', `the p-value sum needs ${m} exact steps (epochsim's budget: ${EXACT_LIMITS.sumSteps})`);
    // coeff = coeff.Mul(n − i).Div(i + 1), scale 16 from the first division on.
    let c: Scaled = { v: 1n, s: 0 };
    for (let i = 0; i < k; i++) c = { v: div16({ v: c.v * BigInt(n - i), s: c.s }, { v: BigInt(i + 1), s: 0 }), s: PLACES };
    const a = scaledOf(pk);
    const b = scaledOf(qm);
    prob = { v: c.v * a.v * b.v, s: c.s + a.s + b.s };
  }
  if (prob.v === 0n) return { ok: true, value: '0' };
  // sum += prob × factor × ratio, factor = (n − i).Div(i + 1): each step adds 32 places to both.
  let term = prob.v;
  let sum = prob.v;
  for (let i = k; i < n; i++) {
    term *= div16({ v: BigInt(n - i), s: 0 }, { v: BigInt(i + 1), s: 0 }) * ratio;
    sum = sum * TEN32 + term;
  }
  const value = round16Scaled({ v: sum, s: prob.s + 32 * (n - k) });
  return { ok: true, value: formatGoDecimal({ value, exponent: -PLACES }) };
}

/**
 * MissedStatTest(missed, total, p0): total 0 passes; counts outside 0 ≤ missed ≤ total are an
 * error; when IntPart(p0 × 1000) is a table key (50, 100, …, 500) the tables decide (so 0.5 < p0 <
 * 0.501 uses the 50% table); otherwise the exact p-value, passing iff it is ≥ 0.05 (p0 outside
 * (0, 1) is then an error).
 */
export function missedStatTest(missed: number, total: number, p0: GoDecimal): StatOutcome {
  checkCount('missed', missed);
  checkCount('total', total);
  checkGoDecimal(p0);
  if (total === 0) return { ok: true, passed: true, rule: 'empty' };
  if (missed < 0 || total < 0 || missed > total) return fail('invalidCounts', ERR_COUNTS_MISSED);
  const permille = tableKey(intPartTimes1000(p0));
  if (permille !== undefined) return missedStatTestLookup(missed, total, permille);
  const pValue = binomialPValue(missed, total, p0);
  if (!pValue.ok) return pValue;
  return { ok: true, passed: new X(pValue.value).gte(ALPHA), rule: 'exact', pValue: pValue.value };
}

// ---------------------------------------------------------------------------------------------
// p0 selection (bitcoin_rewards.go getDynamicP0)

/** getDynamicP0's constants: margin 20‰, at least 1000 requests over at least 5 members with requests. */
export const DYNAMIC_P0 = Object.freeze({ marginPermille: 20, minTotalRequests: 1000n, minMembersWithRequests: 5 });

/** ceilToSupportedP0Permille: the smallest table value ≥ permille, 500 above 400. */
const ceilToTable = (permille: bigint): TablePermille => TABLE_PERMILLES.find((t) => permille <= BigInt(t)) ?? 500;

/** decimalToPermilleCeil: p0 × 1000 rounded up, 0 when its integer part is ≤ 0 (so for p0 < 0.001). */
function permilleCeil(p0: GoDecimal): bigint {
  const floor = intPartTimes1000(p0);
  if (floor <= 0n) return 0n;
  return comparePermille(p0, floor) > 0 ? floor + 1n : floor;
}

export interface DowntimeStats {
  /** uint32 */
  readonly inferenceCount: number;
  /** uint32 */
  readonly missedRequests: number;
}

export interface DynamicP0 {
  /** The governance p0 (`binom_test_p0`, or the grace epoch's), undefined when nil. */
  readonly governance: GoDecimal | undefined;
  /** decimalToPermilleCeil(governance): 0 means the 10% fallback; undefined when governance is nil. */
  readonly governanceCeilPermille: bigint | undefined;
  /** Governance's table value: 100 when nil or ceil ≤ 0, else the ceiling raised to a table value. */
  readonly governancePermille: TablePermille;
  /** Governance's ceiling is above 500‰: its value is the p0, unchanged — no dynamic choice, no skip. */
  readonly direct: boolean;
  /** The p0 the test runs with: `{final, -3}` or, when direct, governance's own decimal. */
  readonly p0: GoDecimal;
  /** The table value the test runs with; undefined when direct (MissedStatTest then decides the path). */
  readonly permille: TablePermille | undefined;
  /** Σ (inference + missed) over members with requests (uint64, saturating); informative when direct (Go returns before summing). */
  readonly totalRequests: bigint;
  /** Σ missed over the same members (uint64, saturating). */
  readonly missedRequests: bigint;
  readonly membersWithRequests: number;
  /** The sample gate passed (total ≥ 1000 and ≥ 5 members with requests): the dynamic choice applies. */
  readonly dynamic: boolean;
  /** floor(missed × 1000 / total), when dynamic. */
  readonly baselinePermille: bigint | undefined;
  /** min(baseline + 20, 500), when dynamic. */
  readonly targetPermille: bigint | undefined;
  /** The target raised to a table value, when dynamic. */
  readonly selectedPermille: TablePermille | undefined;
  /** selected = 500 (baseline ≥ 381‰): the outage circuit breaker, nobody is tested this epoch. */
  readonly skipPunishment: boolean;
}

/**
 * getDynamicP0: governance's p0 raised to a table value (nil → 10%; ceil ≤ 0, i.e. p0 < 0.001 → 10%;
 * ceil > 500‰ → governance's decimal itself, returned at once). With ≥ 1000 requests over ≥ 5
 * members with requests: baseline = floor(1000 × Σ missed / Σ total), target = min(baseline + 20,
 * 500), raised to a table value, never below governance's; skip punishment when that dynamic table
 * value is 500. Members with no requests are not counted.
 */
export function dynamicP0(governance: GoDecimal | undefined, members: readonly DowntimeStats[]): DynamicP0 {
  // Exact in doubles while below 2^53 (each total < 2^33), carried into bigints every 2^19 members.
  let totalRequests = 0n;
  let missedRequests = 0n;
  let membersWithRequests = 0;
  let total = 0;
  let missedSum = 0;
  for (let i = 0; i < members.length; i++) {
    const [inferences, missed] = checkStats(members[i] as DowntimeStats);
    if (inferences + missed === 0) continue;
    total += inferences + missed;
    missedSum += missed;
    membersWithRequests += 1;
    if ((membersWithRequests & 0x7ffff) === 0) {
      totalRequests = saturating(totalRequests + BigInt(total));
      missedRequests = saturating(missedRequests + BigInt(missedSum));
      total = 0;
      missedSum = 0;
    }
  }
  totalRequests = saturating(totalRequests + BigInt(total));
  missedRequests = saturating(missedRequests + BigInt(missedSum));
  const none = { baselinePermille: undefined, targetPermille: undefined, selectedPermille: undefined, skipPunishment: false } as const;
  let governancePermille: TablePermille = 100;
  let governanceCeilPermille: bigint | undefined;
  if (governance !== undefined) {
    checkGoDecimal(governance);
    governanceCeilPermille = permilleCeil(governance);
    if (governanceCeilPermille > 500n) {
      const base = { governance, governanceCeilPermille, governancePermille, totalRequests, missedRequests, membersWithRequests };
      return { ...base, ...none, direct: true, p0: governance, permille: undefined, dynamic: false };
    }
    if (governanceCeilPermille > 0n) governancePermille = ceilToTable(governanceCeilPermille);
  }
  const base = { governance, governanceCeilPermille, governancePermille, totalRequests, missedRequests, membersWithRequests, direct: false };
  if (totalRequests < DYNAMIC_P0.minTotalRequests || membersWithRequests < DYNAMIC_P0.minMembersWithRequests) {
    return { ...base, ...none, p0: { value: BigInt(governancePermille), exponent: -3 }, permille: governancePermille, dynamic: false };
  }
  const baselinePermille = (missedRequests * 1000n) / totalRequests;
  const target = baselinePermille + BigInt(DYNAMIC_P0.marginPermille);
  const targetPermille = target > 500n ? 500n : target;
  const selectedPermille = ceilToTable(targetPermille);
  const permille: TablePermille = governancePermille > selectedPermille ? governancePermille : selectedPermille;
  return {
    ...base, p0: { value: BigInt(permille), exponent: -3 }, permille, dynamic: true,
    baselinePermille, targetPermille, selectedPermille, skipPunishment: selectedPermille === 500,
  };
}

const saturating = (x: bigint): bigint => (x > UINT64_MAX ? UINT64_MAX : x);

function checkStats(m: DowntimeStats): [number, number] {
  const { inferenceCount: i, missedRequests: r } = m;
  if (!Number.isInteger(i) || i < 0 || i > UINT32_MAX) throw new RangeError(`inferenceCount must be a uint32, got ${i}`);
  if (!Number.isInteger(r) || r < 0 || r > UINT32_MAX) throw new RangeError(`missedRequests must be a uint32, got ${r}`);
  return [i, r];
}

// ---------------------------------------------------------------------------------------------
// The whole test at settlement

export type MemberRule = 'untested' | 'skipped' | 'table' | 'rate' | 'exact' | 'error';

export interface MemberDowntime {
  /** inferenceCount + missedRequests: the chain adds in uint64 (wrapping); uint32 counts cannot wrap. */
  readonly total: number;
  readonly missed: number;
  /** The member keeps its reward weight (no requests, skipped, passed, or a Go error). */
  readonly passed: boolean;
  /** untested: no requests; skipped: the circuit breaker; error: MissedStatTest's error (reward kept). */
  readonly rule: MemberRule;
  /** The table row that decided (rule table; undefined for total 1, below the first row). */
  readonly row?: readonly [number, number] | undefined;
  /** The rate that decided (rule rate): missed × den ≤ total × num. */
  readonly rate?: { readonly num: number; readonly den: number };
  /** The p-value (rule exact), 16 places. */
  readonly pValue?: string;
  readonly error?: DowntimeError;
}

export type ChainDowntime =
  | (DynamicP0 & { readonly ok: true; readonly members: readonly MemberDowntime[] })
  /** The Go code panics at this member (settlement halts), or the exact value is beyond epochsim's budget. */
  | (DynamicP0 & { readonly ok: false; readonly member: number; readonly error: DowntimeError });

/**
 * The downtime test of one settlement: getDynamicP0 over all members, then — unless it says skip —
 * CheckAndPunishForDowntime for each: no requests → kept; MissedStatTest with the chosen p0 → kept
 * when passed or on an error, weight 0 when failed. Members in input order.
 */
export function chainDowntimeTest(governance: GoDecimal | undefined, members: readonly DowntimeStats[]): ChainDowntime {
  const choice = dynamicP0(governance, members);
  // MissedStatTest's table choice depends on p0 only: made once (the same IntPart(p0 × 1000)).
  const key = tableKey(intPartTimes1000(choice.p0));
  const out: MemberDowntime[] = [];
  for (let i = 0; i < members.length; i++) {
    // dynamicP0 has checked every member's counts.
    const { inferenceCount: inferences, missedRequests: missed } = members[i] as DowntimeStats;
    const total = inferences + missed;
    if (total === 0) {
      out.push({ total, missed, passed: true, rule: 'untested' });
      continue;
    }
    if (choice.skipPunishment) {
      out.push({ total, missed, passed: true, rule: 'skipped' });
      continue;
    }
    const t = key !== undefined ? missedStatTestLookup(missed, total, key) : missedStatTest(missed, total, choice.p0);
    if (!t.ok) {
      if (t.error.kind === 'goPanic' || t.error.kind === 'infeasible') return { ...choice, ok: false, member: i, error: t.error };
      out.push({ total, missed, passed: true, rule: 'error', error: t.error });
    } else if (t.rule === 'table') out.push({ total, missed, passed: t.passed, rule: 'table', row: t.row });
    else if (t.rule === 'rate') out.push({ total, missed, passed: t.passed, rule: 'rate', rate: { num: t.num, den: t.den } });
    else if (t.rule === 'exact') out.push({ total, missed, passed: t.passed, rule: 'exact', pValue: t.pValue });
    else out.push({ total, missed, passed: true, rule: 'untested' });
  }
  return { ...choice, ok: true, members: out };
}

/**
 * The chain's automatic participant status, recomputed at every `SetParticipant`
 * (keeper/participant.go SetParticipant → keeper/participant_status.go UpdateParticipantStatus →
 * calculations/status.go ComputeStatus; identical at v0.2.11 bd1fd508, v0.2.12 d8b8e907 and
 * 8a35022b except the consecutive-invalid reset, see `StatusRules`).
 *
 * Three checks, in this order, decide the status after a write that changed the epoch stats:
 *  1. sticky: a stored INVALID or INACTIVE stays (only `epochStartReset` lifts it);
 *  2. consecutive failures: false_positive_rate ^ N < quick_failure_threshold → INVALID;
 *  3. two SPRTs (calculations/sprt.go), each a running log-likelihood ratio moved by the write's
 *     deltas and never clamped: invalidations (failures = Δinvalidated, passes = Δvalidated) →
 *     INVALID at LLR ≥ invalidation_h_threshold; downtime (failures = Δmissed, passes =
 *     Δinference_count) → INACTIVE at LLR ≥ downtime_h_threshold.
 * The confirmation-PoC check that follows them (confirmation_poc_params.alpha_threshold, 0.5 since
 * the v0.2.5 upgrade) is out of scope: this port has no ConfirmationPoCRatio. On chain a non-nil
 * ratio also makes StatsHaveChanged compare two pointers, so every write recomputes.
 * Not modelled either: ComputeStatus' nil-params branch ("genesis only") and its algorithm_error
 * outcome, which only nil params or nil precomputed values reach; here the params always exist.
 *
 * Numbers are exact. The per-outcome log-likelihoods are computed once per params exactly as the
 * chain does (keeper/sprt_precompute.go CalculateLogLLR: `p1.Div(p0).Ln(12)` with shopspring
 * decimal v1.4.0), by a port of shopspring's DivRound, Round, ExpTaylor and Ln on a private
 * decimal.js clone. The chain's `Ln(12)` always returns exactly 12 decimals, and an LLR only ever
 * adds integer multiples of those, so an LLR is held as a `bigint` count of 10^-12: the very
 * int64 coefficient the chain stores (types.Decimal{Value, Exponent: -12}).
 */
import { Decimal } from 'decimal.js';
import { MAX_INT64 } from '../../domain/money.js';
import { DEFAULT_VALIDATION_PARAMS, type ValidationParams } from '../../domain/scenario.js';
import type { Status } from '../storage/state.js';
import type { StatusRules } from './ruleset.js';

// ---------------------------------------------------------------------------------------------
// Params

/** validation_params fields the status uses, as exact decimals (types.Decimal on chain). */
export type StatusParams = ValidationParams;

/** The chain's genesis defaults (types/params.go DefaultValidationParams, same at the three commits). */
export const DEFAULT_STATUS_PARAMS: StatusParams = DEFAULT_VALIDATION_PARAMS;

/**
 * What the v0.2.5 upgrade handler wrote (app/upgrades/v0_2_5 setNewInvalidationParams; no later
 * handler up to 8a35022b touches these fields). It does not set false_positive_rate: the default
 * is assumed here, the live value may differ.
 */
export const V0_2_5_UPGRADE_STATUS_PARAMS: StatusParams = {
  ...DEFAULT_STATUS_PARAMS,
  badParticipantInvalidationRate: '0.1',
  invalidationHThreshold: '4',
  downtimeGoodPercentage: '0.98',
  downtimeBadPercentage: '0.99',
  downtimeHThreshold: '100',
  quickFailureThreshold: '0.000001',
};

export const STATUS_RULES: Readonly<Record<'v0.2.11' | 'v0.2.12' | '8a35022b', StatusRules>> = {
  'v0.2.11': { resetsConsecutiveInvalid: false },
  'v0.2.12': { resetsConsecutiveInvalid: false },
  '8a35022b': { resetsConsecutiveInvalid: true },
};

/** A bad argument or a value past a chain bound; the message says which. */
export class StatusRangeError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'StatusRangeError';
  }
}

/** The params made ready for `nextStatus`: parse, logs and thresholds, computed once. */
export interface PreparedStatusParams {
  readonly params: StatusParams;
  /** The four precomputed logs in units of 10^-12 (SPRTPrecomputedValues). */
  readonly logs: SprtLogs;
  /**
   * Why PrecomputeSPRTValues fails (a rate outside [0, 1]; the first in its order), else null. Then the
   * chain uses all-zero logs: the SPRTs never move. MsgUpdateParams fails with this error; at
   * genesis BeginBlock logs it and carries on with zeros, as `logs` does here.
   */
  readonly precomputeError: string | null;
  /** Smallest N with false_positive_rate^N < quick_failure_threshold (Infinity: none). */
  readonly quickFailureFrom: number;
  readonly invalidation: Sprt;
  readonly downtime: Sprt;
}

export interface SprtLogs {
  readonly invalidationLogFail: bigint;
  readonly invalidationLogPass: bigint;
  readonly inactiveLogFail: bigint;
  readonly inactiveLogPass: bigint;
}

/** One SPRT (calculations/sprt.go): its logs, and H as `llr × scale ≥ target` ⇔ LLR ≥ H. */
interface Sprt {
  readonly field: 'invalid_llr' | 'inactive_llr';
  readonly logFail: bigint;
  readonly logPass: bigint;
  readonly scale: bigint;
  readonly target: bigint;
}

/** A chain decimal: coefficient × 10^exponent, the coefficient an int64 (types.Decimal). */
interface ChainDecimal {
  readonly coef: bigint;
  readonly exp: number;
}

const DECIMAL_RE = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

/** NewFromString's reading: every written digit is kept ("0.10" is 10 × 10^-2). */
function parseDecimal(field: string, text: string): ChainDecimal {
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new StatusRangeError(`${field}: not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  return { coef: BigInt(`${m[1]}${m[2]}${frac}`), exp: -frac.length };
}

function parseChainDecimal(field: string, text: string): ChainDecimal {
  const { coef, exp } = parseDecimal(field, text);
  if (coef > MAX_INT64 || coef < -MAX_INT64 - 1n) {
    throw new StatusRangeError(`${field}: ${text} has more digits than the chain's int64 coefficient holds`);
  }
  return { coef, exp };
}

const LLR_DECIMALS = 12;

function sprtOf(field: Sprt['field'], logFail: bigint, logPass: bigint, h: ChainDecimal): Sprt {
  const k = h.exp + LLR_DECIMALS;
  return k >= 0
    ? { field, logFail, logPass, scale: 1n, target: h.coef * 10n ** BigInt(k) }
    : { field, logFail, logPass, scale: 10n ** BigInt(-k), target: h.coef };
}

/** Builds everything `nextStatus` needs from the params (once per params, a few ms at most). */
export function prepareStatusParams(params: StatusParams): PreparedStatusParams {
  const fpr = parseChainDecimal('false_positive_rate', params.falsePositiveRate);
  const qft = parseChainDecimal('quick_failure_threshold', params.quickFailureThreshold);
  const bpir = parseChainDecimal('bad_participant_invalidation_rate', params.badParticipantInvalidationRate);
  const invH = parseChainDecimal('invalidation_h_threshold', params.invalidationHThreshold);
  const bad = parseChainDecimal('downtime_bad_percentage', params.downtimeBadPercentage);
  const good = parseChainDecimal('downtime_good_percentage', params.downtimeGoodPercentage);
  const downH = parseChainDecimal('downtime_h_threshold', params.downtimeHThreshold);
  const precomputeError = precomputeErrorOf([
    ['bad_participant_invalidation_rate', params.badParticipantInvalidationRate, bpir],
    ['false_positive_rate', params.falsePositiveRate, fpr],
    ['downtime_bad_percentage', params.downtimeBadPercentage, bad],
    ['downtime_good_percentage', params.downtimeGoodPercentage, good],
  ]);
  const logs: SprtLogs =
    precomputeError !== null
      ? { invalidationLogFail: 0n, invalidationLogPass: 0n, inactiveLogFail: 0n, inactiveLogPass: 0n }
      : {
          invalidationLogFail: logLLROf(bpir, fpr, true),
          invalidationLogPass: logLLROf(bpir, fpr, false),
          inactiveLogFail: logLLROf(bad, good, true),
          inactiveLogPass: logLLROf(bad, good, false),
        };
  return {
    params,
    logs,
    precomputeError,
    quickFailureFrom: quickFailureFrom(fpr, qft),
    invalidation: sprtOf('invalid_llr', logs.invalidationLogFail, logs.invalidationLogPass, invH),
    downtime: sprtOf('inactive_llr', logs.inactiveLogFail, logs.inactiveLogPass, downH),
  };
}

function precomputeErrorOf(rates: readonly (readonly [string, string, ChainDecimal])[]): string | null {
  for (const [name, text, d] of rates) {
    // PrecomputeSPRTValues checks the four in this order and stops at the first one out of range.
    if (d.coef < 0n || cmpChainDecimal(d, { coef: 1n, exp: 0 }) > 0) return `${name} is ${text}, outside [0, 1]: the SPRT logs cannot be precomputed`;
  }
  return null;
}

function cmpChainDecimal(a: ChainDecimal, b: ChainDecimal): number {
  const e = Math.min(a.exp, b.exp);
  const x = a.coef * 10n ** BigInt(a.exp - e);
  const y = b.coef * 10n ** BigInt(b.exp - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Consecutive failures: probabilityOfConsecutiveFailures(FPR, N).LessThan(threshold)

/** Up to this N the boundary is checked with exact integer powers. */
const QUICK_FAILURE_EXACT_LIMIT = 10_000;
/** 60-digit logarithms for the boundary past that limit (decimal.js rounds ln and div correctly). */
const LOGS = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });

/**
 * The smallest N ≥ 0 with FPR^N < T as the chain evaluates it; Infinity when there is none.
 * FPR^N is exact on chain (shopspring's Pow with an integer exponent) and falls with N.
 */
function quickFailureFrom(fpr: ChainDecimal, t: ChainDecimal): number {
  const one: ChainDecimal = { coef: 1n, exp: 0 };
  const tPositive = t.coef > 0n;
  // Outside [0, 1] the probability is 0. shopspring's Pow gives 0 for 0^0 (its zero-value
  // Decimal), so a rate of exactly 0 also reads as 0, even for N = 0.
  if (fpr.coef <= 0n || cmpChainDecimal(fpr, one) > 0) return tPositive ? 0 : Infinity;
  if (cmpChainDecimal(fpr, one) === 0) return cmpChainDecimal(one, t) < 0 ? 0 : Infinity;
  if (!tPositive) return Infinity;
  if (cmpChainDecimal(one, t) < 0) return 0;
  // 0 < FPR < 1 and 0 < T ≤ 1: the answer is the smallest integer above ln T / ln FPR (≥ 1).
  const ratio = new LOGS(`${t.coef}e${t.exp}`).ln().div(new LOGS(`${fpr.coef}e${fpr.exp}`).ln());
  const above = ratio.floor().plus(1);
  if (above.gt(QUICK_FAILURE_EXACT_LIMIT)) {
    // FPR^N = T exactly needs a^N (FPR = a / 10^s) to fit T's 19-digit coefficient: impossible this
    // far out, so a ratio that close to an integer means the logarithms are not precise enough.
    if (ratio.minus(ratio.round()).abs().lt('1e-40')) throw new StatusRangeError('quick_failure_threshold: boundary too close to call');
    return above.gt(Number.MAX_SAFE_INTEGER) ? Infinity : above.toNumber();
  }
  // FPR^N < T  ⇔  a^N · 10^tDen < b · 10^(s·N)   (FPR = a / 10^s, T = b / 10^tDen)
  const a = fpr.coef;
  const s = BigInt(-fpr.exp);
  const b = t.coef * 10n ** BigInt(Math.max(0, t.exp));
  const tDen = 10n ** BigInt(Math.max(0, -t.exp));
  const below = (n: number): boolean => a ** BigInt(n) * tDen < b * 10n ** (s * BigInt(n));
  let n = above.toNumber();
  while (n > 1 && below(n - 1)) n--;
  while (!below(n)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// shopspring/decimal v1.4.0, the parts CalculateLogLLR uses, on a private decimal.js clone.
// Every operation below is exact (guarded) except where shopspring itself rounds: DivRound
// (half away from zero at a fixed number of decimals), Round (half away from zero), and two
// float64 steps of Ln: NumDigits' math.Log10 for coefficients up to 2^53 and the math.Log first
// guess of its Halley iteration. Those use the JS Math.log for Go's amd64 math.Log; the tests pin
// them against real shopspring output, and show the default and v0.2.5 logs do not depend on it.

const EXACT_DIGITS = 1000;
const SD = Decimal.clone({
  precision: EXACT_DIGITS,
  rounding: Decimal.ROUND_DOWN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
  minE: -9e15,
  maxE: 9e15,
});
type Dec = Decimal;

const ZERO = new SD(0);
const ONE = new SD(1);
const TWO = new SD(2);
const TENTH = new SD('0.1');
const pow10 = (k: number): Dec => new SD(`1e${k}`);
const LN10_14 = new SD('2.302585092994045');

function exactRangeError(): never {
  throw new StatusRangeError(`shopspring port: an intermediate value exceeds ${EXACT_DIGITS} digits`);
}

/** Power of ten of the lowest non-zero digit. */
const lowDigit = (x: Dec): number => x.e - x.sd() + 1;

function add(a: Dec, b: Dec): Dec {
  if (!a.isZero() && !b.isZero() && Math.max(a.e, b.e) + 2 - Math.min(lowDigit(a), lowDigit(b)) > EXACT_DIGITS) exactRangeError();
  return a.plus(b);
}

const sub = (a: Dec, b: Dec): Dec => add(a, b.neg());

function mul(a: Dec, b: Dec): Dec {
  if (a.sd() + b.sd() > EXACT_DIGITS) exactRangeError();
  return a.times(b);
}

/** shopspring DivRound: a / b rounded half away from zero to `places` decimals (QuoRem + compare 2r with b). */
function divRound(a: Dec, b: Dec, places: number): Dec {
  const scaled = mul(a, pow10(places));
  if (scaled.e - b.e + 2 > EXACT_DIGITS) exactRangeError();
  let q = scaled.divToInt(b);
  const r = sub(scaled, mul(q, b));
  if (mul(r.abs(), TWO).cmp(b.abs()) >= 0) q = a.s * b.s < 0 ? sub(q, ONE) : add(q, ONE);
  return mul(q, pow10(-places));
}

/** shopspring Round: half away from zero. */
const round = (x: Dec, places: number): Dec => x.toDecimalPlaces(places, SD.ROUND_HALF_UP);

/** shopspring ExpTaylor for precision ≥ 0. */
function expTaylor(d: Dec, precision: number): Dec {
  if (d.isZero()) return ONE;
  const epsilon = pow10(-(precision + 1));
  const divPrecision = precision + 1;
  const x = d.abs();
  let pow = x;
  let factorial = ONE;
  let result = ONE;
  for (let i = 1; ; ) {
    const step = divRound(pow, factorial, divPrecision);
    result = add(result, step);
    if (step.cmp(epsilon) < 0) break;
    pow = mul(pow, x);
    i++;
    factorial = mul(factorial, new SD(i));
  }
  if (d.isNegative()) result = divRound(ONE, result, precision + 1);
  return round(result, precision);
}

// Go's 1/Ln10, a constant expression rounded once to float64 (math/log10.go).
const GO_INV_LN10 = 0.43429448190325182;

/** Go's math.Log10 (math.Log(x) · (1/Ln10)), with the JS Math.log standing for math.Log. */
const goLog10 = (x: number): number => Math.log(x) * GO_INV_LN10;

const TWO_POW_53 = 2n ** 53n;

/**
 * shopspring NumDigits of a coefficient. Up to 2^53 it is int(math.Log10(|v|)) + 1, which Go's
 * float log10 gets wrong next to powers of ten (NumDigits(10^15) is 15); above, its bit-length
 * estimate is corrected to the true digit count.
 */
export function shopspringNumDigits(coef: bigint): number {
  const v = coef < 0n ? -coef : coef;
  if (v === 0n) return 1;
  if (v <= TWO_POW_53) return Math.trunc(goLog10(Number(v))) + 1;
  return v.toString().length;
}

/**
 * shopspring `NewFromString(text).Ln(12)` in units of 10^-12; null where it errors (zero or
 * negative). The representation matters: the range reduction uses NumDigits(coefficient) +
 * exponent, and NewFromString keeps every written digit ("0.10" is 10 × 10^-2).
 * `firstGuess` stands for Go's math.Log in the Halley start (tests perturb it).
 */
export function shopspringLn12(text: string, firstGuess: (z: number) => number = Math.log): bigint | null {
  const { coef, exp } = parseDecimal('ln argument', text);
  const ln = lnOf(coef, exp, firstGuess);
  return ln === null ? null : toUnits(ln);
}

const toUnits = (d: Dec): bigint => BigInt(mul(d, pow10(LLR_DECIMALS)).toFixed(0));

function lnOf(coef: bigint, exp: number, firstGuess: (z: number) => number): Dec | null {
  if (coef <= 0n) return null;
  const precision = 12;
  const calcPrecision = precision + 2;
  let z = new SD(`${coef}e${exp}`);
  let comp1 = sub(z, ONE);
  let reduceAdjust = ZERO;
  let powerSeries = comp1.abs().lte(TENTH);
  if (!powerSeries) {
    const expDelta = shopspringNumDigits(coef) + exp;
    z = mul(z, pow10(-expDelta));
    // ln10.withPrecision(14): shopspring keeps the prefixes value[:1+p] of its ln10 string for
    // p = 1, 2, 4, 8, 16, …; precision 14 picks p = 16: "2." and 15 decimals, truncated.
    reduceAdjust = mul(new SD(expDelta), LN10_14);
    comp1 = sub(z, ONE);
    if (comp1.abs().lte(TENTH)) powerSeries = true;
    else comp1 = new SD(String(firstGuess(z.toNumber())));
  }
  const epsilon = pow10(-calcPrecision);
  if (powerSeries) {
    let comp3 = divRound(comp1, add(comp1, TWO), calcPrecision);
    comp1 = add(comp3, comp3);
    let comp2 = comp1;
    for (let n = 1; ; n++) {
      comp2 = mul(mul(comp2, comp3), comp3);
      const term = divRound(comp2, new SD(2 * n + 1), calcPrecision);
      comp1 = add(comp1, term);
      if (term.abs().lte(epsilon)) break;
    }
  } else {
    let prevStep = ZERO;
    const maxIters = calcPrecision * 2 + 10;
    for (let i = 0; i < maxIters; i++) {
      const e = expTaylor(comp1, calcPrecision);
      const num = mul(sub(e, z), TWO);
      const step = divRound(num, add(e, z), calcPrecision);
      comp1 = sub(comp1, step);
      if (add(prevStep, step).isZero()) break;
      if (step.abs().lte(epsilon)) break;
      prevStep = step;
    }
  }
  return round(add(comp1, reduceAdjust), precision);
}

/** DivisionPrecision: shopspring's Div keeps 16 decimals. */
const DIV_PLACES = 16;

const toDec = (d: ChainDecimal): Dec => new SD(`${d.coef}e${d.exp}`);

/**
 * keeper/sprt_precompute.go CalculateLogLLR: ln(p1/p0) (fail) or ln((1−p1)/(1−p0)) (pass) at 12
 * decimals, in units of 10^-12; 0 where the chain returns 0 (a zero rate on the fail side, a rate
 * of 1 on the pass side, or a Div that rounds to 0, whose Ln error is ignored).
 */
export function calculateLogLLR(p1: string, p0: string, isFail: boolean): bigint {
  return logLLROf(parseChainDecimal('p1', p1), parseChainDecimal('p0', p0), isFail);
}

function logLLROf(p1: ChainDecimal, p0: ChainDecimal, isFail: boolean): bigint {
  const a = toDec(p1);
  const b = toDec(p0);
  let ratio: Dec;
  if (isFail) {
    if (a.isZero() || b.isZero()) return 0n;
    ratio = divRound(a, b, DIV_PLACES);
  } else {
    if (a.eq(ONE) || b.eq(ONE)) return 0n;
    ratio = divRound(sub(ONE, a), sub(ONE, b), DIV_PLACES);
  }
  // Div's result is Decimal{q·10^16, -16}: that coefficient is what Ln's NumDigits sees.
  const ln = lnOf(BigInt(mul(ratio, pow10(DIV_PLACES)).toFixed(0)), -DIV_PLACES, Math.log);
  return ln === null ? 0n : toUnits(ln);
}

// ---------------------------------------------------------------------------------------------
// The per-participant state and SetParticipant

/** What the status reads from a participant record (the chain's Participant / CurrentEpochStats). */
export interface StatusRecord {
  readonly status: Status;
  /** ConsecutiveInvalidInferences (int64 on chain). */
  readonly consecutiveInvalidInferences: number;
  /** CurrentEpochStats counters (uint64 on chain). */
  readonly inferenceCount: number;
  readonly missedRequests: number;
  readonly validatedInferences: number;
  readonly invalidatedInferences: number;
  /** CurrentEpochStats.InvalidLLR / InactiveLLR in units of 10^-12 (nil on chain reads as 0). */
  readonly invalidLLR: bigint;
  readonly inactiveLLR: bigint;
}

export type StatusReason = '' | 'already_set' | 'consecutive_failures' | 'statistical_invalidations' | 'downtime';

export interface StatusOutcome {
  /** False when the stats did not change: nothing was recomputed, the write keeps its own status. */
  readonly recomputed: boolean;
  readonly status: Status;
  /** ComputeStatus' reason; null when not recomputed. */
  readonly reason: StatusReason | null;
  readonly invalidLLR: bigint;
  readonly inactiveLLR: bigint;
  readonly consecutiveInvalidInferences: number;
  /**
   * The transition's side effects (participant_status.go): `invalidate` (SlashForInvalidStatus,
   * exclusion record for the effective epoch, EpochsCompleted × invalid_reputation_preserve,
   * removal from the epoch group) or `deactivate` (the same with the downtime slash and
   * downtime_reputation_preserve); null when the status did not change.
   */
  readonly effect: 'invalidate' | 'deactivate' | null;
}

function checkCount(field: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new StatusRangeError(`${field} must be a whole number ≥ 0, got ${v}`);
}

function checkLlr(field: string, v: bigint): void {
  if (v > MAX_INT64 || v < -MAX_INT64 - 1n) {
    throw new StatusRangeError(
      `${field} ${formatLlr(v)} does not fit the chain's int64 coefficient at 10^-12 (the chain would store a wrapped value)`,
    );
  }
}

/** The counters the deltas are taken from (the stored record's LLRs are never read). */
function checkCounters(r: StatusRecord): void {
  checkCount('inference_count', r.inferenceCount);
  checkCount('missed_requests', r.missedRequests);
  checkCount('validated_inferences', r.validatedInferences);
  checkCount('invalidated_inferences', r.invalidatedInferences);
}

/** calculations/status.go StatsHaveChanged, without ConfirmationPoCRatio (always nil here). */
export function statsHaveChanged(a: StatusRecord, b: StatusRecord): boolean {
  return (
    a.invalidatedInferences !== b.invalidatedInferences ||
    a.validatedInferences !== b.validatedInferences ||
    a.inferenceCount !== b.inferenceCount ||
    a.missedRequests !== b.missedRequests
  );
}

/** calculations/sprt.go UpdateCounts: LLR += failures·logFail + passes·logPass, unless neither is positive. */
function sprtUpdate(t: Sprt, llr: bigint, failures: number, passes: number): bigint {
  if (failures <= 0 && passes <= 0) return llr;
  const next = llr + (failures === 0 ? 0n : t.logFail * BigInt(failures)) + (passes === 0 ? 0n : t.logPass * BigInt(passes));
  checkLlr(t.field, next);
  return next;
}

/** sprt.go Decision() == Fail: LLR ≥ H (Pass and Undetermined both leave the status alone). */
const fails = (t: Sprt, llr: bigint): boolean => llr * t.scale >= t.target;

/**
 * The status `SetParticipant` stores for the record `next`, given the stored record before the
 * write (`prevStored`; undefined for a participant not stored yet, whose deltas are then 0 but
 * whose status is still computed). Deltas are next − prevStored per counter, as int64.
 */
export function nextStatus(
  prepared: PreparedStatusParams,
  prevStored: StatusRecord | undefined,
  next: StatusRecord,
  rules: StatusRules,
): StatusOutcome {
  checkCounters(next);
  checkCount('consecutive_invalid_inferences', next.consecutiveInvalidInferences);
  checkLlr('invalid_llr', next.invalidLLR);
  checkLlr('inactive_llr', next.inactiveLLR);
  if (prevStored !== undefined) {
    checkCounters(prevStored);
    if (!statsHaveChanged(prevStored, next)) {
      return {
        recomputed: false,
        status: next.status,
        reason: null,
        invalidLLR: next.invalidLLR,
        inactiveLLR: next.inactiveLLR,
        consecutiveInvalidInferences: next.consecutiveInvalidInferences,
        effect: null,
      };
    }
  }
  const old = prevStored ?? next;
  let status: Status = 'ACTIVE';
  let reason: StatusReason = '';
  let invalidLLR = next.invalidLLR;
  let inactiveLLR = next.inactiveLLR;
  if (next.status !== 'ACTIVE') {
    status = next.status;
    reason = 'already_set';
  } else if (next.consecutiveInvalidInferences >= prepared.quickFailureFrom) {
    status = 'INVALID';
    reason = 'consecutive_failures';
  } else {
    const inv = prepared.invalidation;
    const invalidated = next.invalidatedInferences - old.invalidatedInferences;
    invalidLLR = sprtUpdate(inv, invalidLLR, invalidated, next.validatedInferences - old.validatedInferences);
    if (fails(inv, invalidLLR)) {
      status = 'INVALID';
      reason = 'statistical_invalidations';
    } else {
      const down = prepared.downtime;
      inactiveLLR = sprtUpdate(down, inactiveLLR, next.missedRequests - old.missedRequests, next.inferenceCount - old.inferenceCount);
      if (fails(down, inactiveLLR)) {
        status = 'INACTIVE';
        reason = 'downtime';
      }
    }
  }
  const consecutiveInvalidInferences =
    rules.resetsConsecutiveInvalid && reason === 'consecutive_failures' ? 0 : next.consecutiveInvalidInferences;
  const effect =
    status === next.status ? null : status === 'INVALID' ? 'invalidate' : status === 'INACTIVE' ? 'deactivate' : null;
  return { recomputed: true, status, reason, invalidLLR, inactiveLLR, consecutiveInvalidInferences, effect };
}

/**
 * The record SettleAccounts writes for a member of the settled epoch (accountsettle.go:
 * CurrentEpochStats = NewCurrentEpochStats(), LLRs 0); pass it to `nextStatus` with the stored
 * record. Status and ConsecutiveInvalidInferences are kept.
 */
export function settlementReset<R extends StatusRecord>(r: R): R {
  return { ...r, inferenceCount: 0, missedRequests: 0, validatedInferences: 0, invalidatedInferences: 0, invalidLLR: 0n, inactiveLLR: 0n };
}

/**
 * The record the new epoch's start writes for each member of its active participants
 * (module.go moveUpcomingToEffectiveGroup): status ACTIVE and, from 8a35022b on,
 * ConsecutiveInvalidInferences 0. The stats are unchanged, so `nextStatus` keeps it as written.
 */
export function epochStartReset<R extends StatusRecord>(r: R, rules: StatusRules): R {
  return { ...r, status: 'ACTIVE', consecutiveInvalidInferences: rules.resetsConsecutiveInvalid ? 0 : r.consecutiveInvalidInferences };
}

/** An LLR as shopspring's String() prints Decimal{llr, -12}: trailing zeros dropped. */
export function formatLlr(llr: bigint): string {
  const neg = llr < 0n;
  const digits = (neg ? -llr : llr).toString().padStart(LLR_DECIMALS + 1, '0');
  const int = digits.slice(0, -LLR_DECIMALS);
  const frac = digits.slice(-LLR_DECIMALS).replace(/0+$/, '');
  return `${neg && llr !== 0n ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * Money and integer bounds. Every amount is an integer number of ngonka held as a `bigint`;
 * decimal.js is used only to read "<decimal> gonka" spellings, through a private clone so no
 * other code can change its precision or rounding.
 */
import { Decimal } from 'decimal.js';
import { quote, shown } from './text.js';

export const NGONKA_PER_GONKA = 1_000_000_000n;
export const MAX_INT64 = 9_223_372_036_854_775_807n;
export const MAX_UINT64 = 18_446_744_073_709_551_615n;
export const MAX_UINT32 = 4_294_967_295n;

/** The chain's bounds, by the name of the Go type that carries the value. */
export type Bound = 'int64' | 'uint64' | 'uint32';
export const BOUND_MAX: Readonly<Record<Bound, bigint>> = {
  int64: MAX_INT64,
  uint64: MAX_UINT64,
  uint32: MAX_UINT32,
};

/** Enough digits for any uint64 number of ngonka written in gonka, with no rounding at all. */
const D = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_DOWN, toExpNeg: -64, toExpPos: 64 });

export type AmountParse = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly message: string };

const AMOUNT_RE = /^([0-9][0-9_]*)(?:\.([0-9_]+))?(?:[ ]?(ngonka|gonka|GNK))?$/;

/**
 * The longest text read as an amount: a uint64 has 20 digits, and with "_" separators, a
 * fraction and a unit no real amount comes near this; a longer literal is refused before it is
 * read (turning megabytes of digits into a number took minutes).
 */
export const MAX_AMOUNT_TEXT = 100;

/**
 * Reads an amount from the source text of a YAML scalar (section 2 of the format):
 * `7000000000`, `7_000_000_000`, `"7000000000 ngonka"`, `"7 gonka"`, `"0.5GNK"`.
 * Hex, octal, exponents, signs and unit-less fractions are refused, as is anything that is not a
 * whole number of ngonka or that passes `bound`.
 */
export function parseAmount(text: string, bound: Bound): AmountParse {
  // The grammar has no blanks before or after an amount (a plain YAML scalar has none anyway).
  if (text.length > MAX_AMOUNT_TEXT) {
    return { ok: false, message: `amount too long: ${quote(text)} has ${text.length} characters (an amount has at most ${MAX_AMOUNT_TEXT})` };
  }
  if (text.startsWith('-')) return { ok: false, message: `amount must not be negative: ${shown(text)}` };
  const m = AMOUNT_RE.exec(text);
  if (!m) {
    return {
      ok: false,
      message: `not an amount: ${quote(text)} (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")`,
    };
  }
  const [, whole = '', frac, unit] = m;
  if (whole.endsWith('_') || whole.includes('__') || (frac !== undefined && (frac.startsWith('_') || frac.endsWith('_') || frac.includes('__')))) {
    return { ok: false, message: `misplaced "_" in amount ${quote(text)}` };
  }
  let value: bigint;
  if ((unit === 'gonka' || unit === 'GNK') && whole.length <= 30 && (frac === undefined || frac.length <= 9)) {
    // the common case, exact in bigints: at most 9 decimals are whole ngonka (what the general
    // path below computes in decimals, as tests/domain/money.test.ts checks)
    const f = frac === undefined ? '' : frac.replaceAll('_', '');
    value = BigInt(whole.replaceAll('_', '')) * NGONKA_PER_GONKA + BigInt(f.padEnd(9, '0'));
  } else if (unit === 'gonka' || unit === 'GNK') {
    const scaled = new D(`${whole.replaceAll('_', '')}.${(frac ?? '0').replaceAll('_', '')}`).times(
      NGONKA_PER_GONKA.toString(),
    );
    if (!scaled.isInteger()) {
      return { ok: false, message: `${text} is not a whole number of ngonka (1 gonka = 1000000000 ngonka)` };
    }
    value = BigInt(scaled.toFixed(0));
  } else {
    if (frac !== undefined) {
      return {
        ok: false,
        message: unit
          ? `${text} is a fraction of an ngonka; amounts are whole ngonka`
          : `${text} has no unit: a fraction needs one (write "${text} gonka")`,
      };
    }
    value = BigInt(whole.replaceAll('_', ''));
  }
  if (value > BOUND_MAX[bound]) {
    return { ok: false, message: `amount ${value} exceeds the ${bound} maximum ${BOUND_MAX[bound]}` };
  }
  return { ok: true, value };
}

/** Groups digits in threes: 1234567 → "1,234,567". */
export function groupDigits(n: bigint): string {
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString();
  const out = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${out}` : out;
}

/** ngonka → exact gonka text with no trailing zeros: 500400000000 → "500.4". */
export function formatGonka(n: bigint): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const whole = abs / NGONKA_PER_GONKA;
  const frac = abs % NGONKA_PER_GONKA;
  const fracText = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${groupDigits(whole)}${fracText}`;
}

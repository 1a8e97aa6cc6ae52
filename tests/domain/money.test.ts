import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { formatGonka, groupDigits, MAX_INT64, MAX_UINT64, parseAmount } from '../../src/domain/money.js';

describe('parseAmount', () => {
  test.each([
    ['7000000000', 7_000_000_000n],
    ['7_000_000_000', 7_000_000_000n],
    ['7000000000 ngonka', 7_000_000_000n],
    ['7 gonka', 7_000_000_000n],
    ['0.3 gonka', 300_000_000n],
    ['0.000000001 gonka', 1n],
    ['1.5GNK', 1_500_000_000n],
    ['18446744073709551615', MAX_UINT64],
    ['0', 0n],
  ])('%s is %s ngonka', (text, value) => {
    expect(parseAmount(text, 'uint64')).toEqual({ ok: true, value });
  });

  test.each([
    ['-5', 'amount must not be negative: -5'],
    ['-0', 'amount must not be negative: -0'],
    ['0.0000000001 gonka', '0.0000000001 gonka is not a whole number of ngonka (1 gonka = 1000000000 ngonka)'],
    ['0.3', '0.3 has no unit: a fraction needs one (write "0.3 gonka")'],
    ['1.5 ngonka', '1.5 ngonka is a fraction of an ngonka; amounts are whole ngonka'],
    ['1__000', 'misplaced "_" in amount "1__000"'],
    ['1000_', 'misplaced "_" in amount "1000_"'],
    [
      '0x10',
      'not an amount: "0x10" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")',
    ],
    ['18446744073709551616', 'amount 18446744073709551616 exceeds the uint64 maximum 18446744073709551615'],
  ])('%s is refused', (text, message) => {
    expect(parseAmount(text, 'uint64')).toEqual({ ok: false, message });
  });

  test.each([
    [' 5 gonka ', 'not an amount: " 5 gonka " (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")'],
    ['5 ', 'not an amount: "5 " (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")'],
    ['5  gonka', 'not an amount: "5  gonka" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")'],
    ['5\u00a0gonka', 'not an amount: "5\\u00a0gonka" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")'],
    ['5\u001b[2Kgonka', 'not an amount: "5\\u001b[2Kgonka" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")'],
    ['-\u00a05', 'amount must not be negative: -\\u00a05'],
  ])('%j is refused: the grammar has no blanks around an amount, and a message shows invisible characters', (text, message) => {
    expect(parseAmount(text, 'uint64')).toEqual({ ok: false, message });
  });

  test('an amount literal longer than any amount is refused at once, the message quoting only its start', () => {
    const digits = '9'.repeat(5_000_000);
    const r = parseAmount(digits, 'uint64');
    expect(r).toEqual({ ok: false, message: `amount too long: "${'9'.repeat(57)}..." has 5000000 characters (an amount has at most 100)` });
    expect(parseAmount(`0.${'0'.repeat(80)}1 gonka`, 'uint64').ok).toBe(false);
    expect(parseAmount(`1.${'0'.repeat(80)} gonka`, 'uint64')).toEqual({ ok: true, value: 1_000_000_000n });
  });

  test('the int64 bound is MaxInt64', () => {
    expect(parseAmount(MAX_INT64.toString(), 'int64')).toEqual({ ok: true, value: MAX_INT64 });
    expect(parseAmount((MAX_INT64 + 1n).toString(), 'int64')).toEqual({
      ok: false,
      message: 'amount 9223372036854775808 exceeds the int64 maximum 9223372036854775807',
    });
  });
});

test('formatting: thousands separators and exact gonka', () => {
  expect(groupDigits(1234567n)).toBe('1,234,567');
  expect(groupDigits(-1000n)).toBe('-1,000');
  expect(formatGonka(500_400_000_000n)).toBe('500.4');
  expect(formatGonka(1n)).toBe('0.000000001');
  expect(formatGonka(1_000_000_000_000n)).toBe('1,000');
  expect(formatGonka(-1_500_000_000n)).toBe('-1.5');
});

describe('parseAmount in gonka', () => {
  // the common spellings (up to 9 decimals) are read in bigints; decimal.js is the oracle here
  const Exact = Decimal.clone({ precision: 200 });
  test('reads every "<decimal> gonka" as the exact product with 10^9, or refuses it as a whole', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,32}$/),
        fc.option(fc.stringMatching(/^[0-9]{1,12}$/), { nil: undefined }),
        fc.constantFrom(' gonka', 'gonka', 'GNK', ' GNK'),
        (whole, frac, unit) => {
          const text = `${whole}${frac === undefined ? '' : `.${frac}`}${unit}`;
          const got = parseAmount(text, 'uint64');
          const exact = new Exact(`${whole}.${frac ?? '0'}`).times(1e9);
          if (!exact.isInteger()) expect(got.ok).toBe(false);
          else if (BigInt(exact.toFixed(0)) > MAX_UINT64) expect(got.ok).toBe(false);
          else expect(got).toEqual({ ok: true, value: BigInt(exact.toFixed(0)) });
        },
      ),
      { numRuns: 3000, seed: 15 },
    );
  });
});

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

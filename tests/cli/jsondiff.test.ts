/**
 * The golden-file diff: JSON paths with old → new values, arrays aligned so an inserted or
 * removed element reads as one change.
 */
import { describeChanges, diffJson, formatPath, isAmountPath } from '../../src/cli/render/jsondiff.js';

const lines = (a: Parameters<typeof diffJson>[0], b: Parameters<typeof diffJson>[1]): string[] => describeChanges(diffJson(a, b));

test('equal values have no differences, whatever the key order', () => {
  expect(diffJson({ a: [1, { x: '2', y: null }], b: true }, { b: true, a: [1, { y: null, x: '2' }] })).toEqual([]);
});

test('changed, added and removed keys, in key order, amounts in ngonka and gonka', () => {
  expect(
    lines(
      { bank: { alice: '5000000000', h1: '500400000000' }, participants: { h1: { weight: '100', coin_balance: '1' } }, memo: 'a' },
      { bank: { bob: '1', h1: '500300000000' }, participants: { h1: { weight: '200', coin_balance: '0' } }, memo: 'b' },
    ),
  ).toEqual([
    'bank.alice: removed 5000000000 (5 gonka)',
    'bank.bob: added 1 (0.000000001 gonka)',
    'bank.h1: 500400000000 (500.4 gonka) → 500300000000 (500.3 gonka)',
    'memo: "a" → "b"',
    'participants.h1.coin_balance: 1 (0.000000001 gonka) → 0 (0 gonka)',
    'participants.h1.weight: "100" → "200"',
  ]);
});

test('one element inserted in the middle of an array is one added element, not every later one changed', () => {
  const t = (step: number, memo: string): { step: number; memo: string } => ({ step, memo });
  const before = { transfers: [t(1, 'a'), t(2, 'b'), t(3, 'c'), t(4, 'd')] };
  const after = { transfers: [t(1, 'a'), t(2, 'b'), t(2, 'new'), t(3, 'c'), t(4, 'd')] };
  expect(lines(before, after)).toEqual(['transfers[2]: added {"memo":"new","step":2}']);
  expect(lines(after, before)).toEqual(['transfers[2]: removed {"memo":"new","step":2}']);
});

test('an element changed in place is diffed field by field, named by its new index', () => {
  const before = { transfers: [{ amount: '1', memo: 'x' }, { amount: '2', memo: 'y' }, { amount: '3', memo: 'z' }] };
  const after = { transfers: [{ amount: '0', memo: 'w' }, { amount: '1', memo: 'x' }, { amount: '2', memo: 'y' }, { amount: '4', memo: 'z' }] };
  expect(lines(before, after)).toEqual(['transfers[0]: added {"amount":"0","memo":"w"}', 'transfers[3].amount: 3 (0.000000003 gonka) → 4 (0.000000004 gonka)']);
});

test('a change of type, a change at the top, and keys that need quoting', () => {
  expect(lines({ a: { b: 1 } }, { a: [1] })).toEqual(['a: {"b":1} → [1]']);
  expect(lines(1, 'x')).toEqual(['(the whole document): 1 → "x"']);
  expect(formatPath(['bank', 'h.1'])).toBe('bank["h.1"]');
  expect(formatPath(['summaries', '1', 'h-1', 'claimed'])).toBe('summaries.1.h-1.claimed');
  expect(formatPath(['steps', 3, 'result'])).toBe('steps[3].result');
});

test('which values are amounts: bank, supply, surplus, violation sides and the coin fields; not weights or counts', () => {
  expect(isAmountPath(['bank', 'h1'])).toBe(true);
  expect(isAmountPath(['supply', 'minted'])).toBe(true);
  expect(isAmountPath(['surplus'])).toBe(true);
  expect(isAmountPath(['violations', 0, 'actual'])).toBe(true);
  expect(isAmountPath(['escrows', '1', 'amount'])).toBe(true);
  expect(isAmountPath(['settle_amounts', 'h1', 'reward_coins'])).toBe(true);
  expect(isAmountPath(['participants', 'h1', 'weight'])).toBe(false);
  expect(isAmountPath(['participants', 'h1', 'inference_count'])).toBe(false);
  expect(isAmountPath(['steps', 0, 'index'])).toBe(false);
  expect(isAmountPath(['escrows', '1', 'slots', 0])).toBe(false);
});

test('long lists stop after the limit with the number left', () => {
  const before = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]));
  const after = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i + 1]));
  const out = describeChanges(diffJson(before, after), 3);
  expect(out).toEqual(['k00: 0 → 1', 'k01: 1 → 2', 'k02: 2 → 3', '… and 22 more']);
});

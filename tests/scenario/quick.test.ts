/**
 * The quick field checks (quick.ts) against zod: on generated fields, valid and not, a quick
 * check either defers (undefined) or gives exactly zod's result; and it does not defer on the
 * plain spellings that big files use.
 */
import fc from 'fast-check';
import { MAX_INT64, MAX_UINT32, MAX_UINT64 } from '../../src/domain/money.js';
import type { EventType } from '../../src/domain/scenario.js';
import { quickEventFields } from '../../src/scenario/quick.js';
import { eventFieldSchemas } from '../../src/scenario/schema.js';
import type { Raw } from '../../src/scenario/source.js';

const QUICK_TYPES = ['run_inference', 'create_escrow', 'settle_escrow', 'transfer', 'claim_reward'] as const;

/** Integers near every bound the fields have, and a few spellings that are not plain integers. */
const integerish: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 24, arbitrary: fc.bigInt({ min: 0n, max: 10_000n }) },
  { weight: 1, arbitrary: fc.constantFrom(-1n, 0n, MAX_UINT32, MAX_UINT32 + 1n, MAX_INT64, MAX_INT64 + 1n, MAX_UINT64, MAX_UINT64 + 1n, 2n ** 70n) },
  { weight: 1, arbitrary: fc.constantFrom('7', '1_000', '5 gonka', '0.5 gonka', '-0', '0x10', '', ' 12 ', 'abc', '1e3') },
  // every amount spelling of the format, and some near misses (the quick path reads them as zod does, or defers)
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '200_000_000', '7 gonka', '7gonka', '0.5GNK', '0.5 GNK', '1.000000001 gonka', '1.0000000001 gonka', '1.0000000010 gonka', '12 ngonka',
      '1_000 ngonka', '1.5 ngonka', '1.5', '1__0', '1_', '_1', '1._5 gonka', '1.5_ gonka', '18446744073.709551615 gonka',
      '18446744073.709551616 gonka', '9223372036.854775807 gonka', '9223372036.854775808 gonka', '18_446_744_073_709_551_615',
      '4294967295', '4_294_967_296', '007', '0 gonka', ' 7 gonka', '7 gonka ', '7  gonka', `${'1'.repeat(31)} gonka`,
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
);
const nameish: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('alice', 'h1', 'user0001', 'host00007', 'inference', '') },
  { weight: 1, arbitrary: fc.constantFrom(12n, 0n, null, true) },
);
const textish: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('inf-1', 'x', '', '0') },
  { weight: 1, arbitrary: fc.constantFrom(7n, 0n, null, false) },
);
const listOf = (item: fc.Arbitrary<Raw>): fc.Arbitrary<Raw> =>
  fc.oneof({ weight: 4, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.oneof(item, fc.constant({})) });
const valueish: fc.Arbitrary<Raw> = fc.oneof(integerish, nameish, textish, fc.constantFrom('finished', 'expired', 'FINISHED'));

/** A map with some of `fields` (each from its arbitrary), sometimes with an extra key. */
function mapOf(fields: Record<string, fc.Arbitrary<Raw>>): fc.Arbitrary<Raw> {
  const keys = Object.keys(fields);
  return fc
    .tuple(
      fc.record(fields),
      fc.oneof(fc.constant(keys), fc.subarray(keys, { minLength: Math.max(0, keys.length - 2) })),
      fc.option(fc.tuple(fc.constantFrom('note', 'bogus', 'Amount', 'constructor', '__proto__'), valueish), { freq: 8 }),
    )
    .map(([values, keep, extra]) => {
      const out: Record<string, Raw> = {};
      for (const k of keys) if (keep.includes(k)) out[k] = (values as Record<string, Raw>)[k] as Raw;
      if (extra !== null) out[extra[0]] = extra[1];
      return out;
    });
}

const host = mapOf({
  slot: integerish,
  cost: integerish,
  missed: integerish,
  invalid: integerish,
  required_validations: integerish,
  completed_validations: integerish,
});

const FIELDS: Record<(typeof QUICK_TYPES)[number], fc.Arbitrary<Raw>> = {
  run_inference: mapOf({
    requester: nameish,
    executor: nameish,
    prompt_tokens: integerish,
    completion_tokens: integerish,
    max_tokens: integerish,
    price: integerish,
    id: textish,
    outcome: fc.constantFrom<Raw>('finished', 'expired', 'FINISHED', null, 1n),
  }),
  create_escrow: mapOf({ creator: nameish, amount: integerish, slots: listOf(nameish), id: integerish }),
  settle_escrow: mapOf({ escrow: integerish, settler: nameish, fees: integerish, nonce: integerish, hosts: listOf(host) }),
  transfer: mapOf({ from: nameish, to: nameish, amount: integerish }),
  claim_reward: mapOf({ participant: nameish, epoch: integerish }),
};

describe('quick event field checks', () => {
  test.each(QUICK_TYPES)('%s: undefined or exactly what zod reads', (type) => {
    let quick = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 8, arbitrary: FIELDS[type] }, valueish, fc.constant(null)), (fields) => {
        const got = quickEventFields(type, fields);
        if (got === undefined) return;
        quick++;
        const want = eventFieldSchemas[type].safeParse(fields);
        expect(want.success).toBe(true);
        // toEqual: an optional field zod leaves out is undefined here, which parseEvent reads the same
        expect(got).toEqual(want.data);
      }),
      { numRuns: 3000, seed: 20261127 },
    );
    // the generator reaches the quick path often enough for the comparison to mean something
    expect(quick).toBeGreaterThan(50);
  });

  test.each([
    ['run_inference', { requester: 'u', executor: 'h', prompt_tokens: 1n, completion_tokens: 2n, max_tokens: 5000n, outcome: 'expired' }],
    ['run_inference', { requester: 'u', executor: 'h', prompt_tokens: 1n, completion_tokens: 2n, price: 3n, id: 'inf-7' }],
    ['create_escrow', { creator: 'u', amount: 10n, slots: ['h1', 'h2'], id: 4n }],
    ['settle_escrow', { escrow: 2n, fees: 1n, nonce: 3n, settler: 'u', hosts: [{ slot: 0n, cost: 5n, missed: 1n, invalid: 0n, required_validations: 2n, completed_validations: 1n }] }],
    ['settle_escrow', { escrow: 2n, hosts: [] }],
    ['transfer', { from: 'a', to: 'b', amount: MAX_INT64 }],
    ['transfer', { from: 'a', to: 'b', amount: '7 gonka' }],
    ['create_escrow', { creator: 'u', amount: '200_000_000', slots: ['h1'] }],
    ['settle_escrow', { escrow: '1_000', fees: '0.5GNK', nonce: '12', hosts: [{ slot: '0', cost: '12 ngonka', missed: '1_0' }] }],
    ['claim_reward', { participant: 'h1', epoch: 3n }],
  ] as [EventType, Raw][])('%s %j is read without zod, as zod reads it', (type, fields) => {
    const got = quickEventFields(type, fields);
    expect(got).toBeDefined();
    expect(got).toEqual(eventFieldSchemas[type].safeParse(fields).data);
  });
});

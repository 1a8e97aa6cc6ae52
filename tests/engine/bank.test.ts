/**
 * Bank moves (src/engine/storage/bank.ts): `transferEachMutably` writes each balance once, but must be
 * exactly the sends one by one — same balances, same records in the same order, same error at
 * the same send, and a failure changes nothing (the transaction drops its draft).
 */
import fc from 'fast-check';
import { DEFAULT_PARAMS } from '../../src/domain/scenario.js';
import { MAX_INT64 } from '../../src/domain/money.js';
import { payEachMutably, transferAndBackMutably, transferEachMutably, transferMutably, type Send } from '../../src/engine/storage/bank.js';
import type { TxContext } from '../../src/engine/rules/ruleset.js';
import { vecForEach } from '../../src/engine/storage/pvec.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import { genesis, type ChainState, type Mutable } from '../../src/engine/storage/state.js';
import { transact } from '../../src/engine/storage/tx.js';

const NAMES = ['alice', 'bob', 'carol'];
const HOSTS = ['h1', 'h2'];
const EVERYONE = ['inference', 'gov', ...NAMES, ...HOSTS];

function start(balances: readonly bigint[]): { state: ChainState; ctx: () => TxContext } {
  const { world, state } = genesis(
    DEFAULT_PARAMS,
    NAMES.map((name, i) => ({ name, balance: balances[i] ?? 0n })),
    HOSTS.map((name, i) => ({ name, weight: 1n, balance: balances[NAMES.length + i] ?? 0n })),
  );
  const ctx = (): TxContext => ({ world, params: DEFAULT_PARAMS, rules: RULESETS.deferred, transfers: [], effects: [], decisions: [], trace: true, record: true, moves: 0, result: undefined });
  return { state, ctx };
}

/** The balances in account order, the transfers recorded, and the error text (if any). */
function outcome(state: ChainState, make: (draft: Mutable<ChainState>, ctx: TxContext) => void, ctx: TxContext): string {
  let error = '';
  let next = state;
  try {
    next = transact(state, (draft) => make(draft, ctx)).state;
  } catch (e) {
    error = (e as Error).message;
  }
  const balances: string[] = [];
  vecForEach(next.balances, (b, i) => balances.push(`${i}:${b}`));
  return JSON.stringify({ balances, transfers: ctx.transfers.map((t) => `${t.from}>${t.to}:${t.amount}:${t.memo}`), error });
}

/** Mostly small amounts (so that several sends succeed), some zero, some at the int64 edge. */
const amount = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1n, max: 50n }), weight: 6 },
  { arbitrary: fc.constant(0n), weight: 1 },
  { arbitrary: fc.bigInt({ min: MAX_INT64 - 60n, max: MAX_INT64 }), weight: 2 },
);
const balance = fc.oneof({ arbitrary: fc.bigInt({ min: 0n, max: 200n }), weight: 3 }, { arbitrary: fc.bigInt({ min: MAX_INT64 - 60n, max: MAX_INT64 }), weight: 1 });

describe('transferEachMutably', () => {
  it('is the sends one by one: same balances, records and error (property)', () => {
    fc.assert(
      fc.property(
        fc.array(balance, { minLength: EVERYONE.length - 2, maxLength: EVERYONE.length - 2 }),
        fc.constantFrom(...EVERYONE),
        fc.constantFrom(...EVERYONE),
        fc.array(fc.record({ amount, memo: fc.constantFrom('a', 'b') }), { maxLength: 8 }),
        (balances, from, to, sends) => {
          const { state, ctx } = start(balances);
          const batched = outcome(state, (d, c) => transferEachMutably(d, c, from, to, sends), ctx());
          const oneByOne = outcome(state, (d, c) => sends.forEach((s) => transferMutably(d, c, from, to, s.amount, s.memo)), ctx());
          expect(batched).toBe(oneByOne);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fails at the first send the balance cannot cover, and changes nothing then', () => {
    const { state, ctx } = start([100n]);
    const sends: Send[] = [
      { amount: 60n, memo: 'first' },
      { amount: 0n, memo: 'nothing' },
      { amount: 50n, memo: 'too much' },
    ];
    expect(outcome(state, (d, c) => transferEachMutably(d, c, 'alice', 'gov', sends.slice(0, 2)), ctx())).toBe(
      JSON.stringify({ balances: ['0:0', '1:60', '2:40', '3:0', '4:0', '5:0', '6:0'], transfers: ['alice>gov:60:first'], error: '' }),
    );
    expect(outcome(state, (d, c) => transferEachMutably(d, c, 'alice', 'gov', sends), ctx())).toBe(
      JSON.stringify({
        balances: ['0:0', '1:0', '2:100', '3:0', '4:0', '5:0', '6:0'],
        transfers: ['alice>gov:60:first'],
        error: 'spendable balance 40ngonka is smaller than 50ngonka: insufficient funds',
      }),
    );
  });

  it('lets a recipient reach MaxInt64 exactly, and not one more', () => {
    const { state, ctx } = start([100n, MAX_INT64 - 5n]);
    const sends = (amounts: bigint[]): Send[] => amounts.map((a) => ({ amount: a, memo: 'm' }));
    expect(JSON.parse(outcome(state, (d, c) => transferEachMutably(d, c, 'alice', 'bob', sends([2n, 3n])), ctx())).error).toBe('');
    expect(JSON.parse(outcome(state, (d, c) => transferEachMutably(d, c, 'alice', 'bob', sends([2n, 4n])), ctx())).error).toBe(
      `bank balance of bob would exceed max int64 (${MAX_INT64 + 1n} > ${MAX_INT64})`,
    );
  });
});

describe('transferAndBackMutably', () => {
  it('is the send and the send back one after the other: same balances, records and error (property)', () => {
    fc.assert(
      fc.property(
        fc.array(balance, { minLength: EVERYONE.length - 2, maxLength: EVERYONE.length - 2 }),
        fc.constantFrom(...EVERYONE),
        fc.constantFrom(...EVERYONE),
        amount,
        fc.nat({ max: 100 }),
        (balances, a, b, out, percent) => {
          const back = (out * BigInt(percent)) / 100n;
          const { state, ctx } = start(balances);
          const both = outcome(state, (d, c) => transferAndBackMutably(d, c, a, b, out, 'out', back, 'back'), ctx());
          const oneByOne = outcome(
            state,
            (d, c) => {
              transferMutably(d, c, a, b, out, 'out');
              transferMutably(d, c, b, a, back, 'back');
            },
            ctx(),
          );
          expect(both).toBe(oneByOne);
        },
      ),
      { numRuns: 500 },
    );
  });
});


describe('payEachMutably', () => {
  it('is the sends one by one: same balances, records, sum paid, hooks heard and error (property)', () => {
    fc.assert(
      fc.property(
        fc.array(balance, { minLength: EVERYONE.length - 2, maxLength: EVERYONE.length - 2 }),
        fc.constantFrom(...EVERYONE),
        fc.array(fc.record({ host: fc.constantFrom(...EVERYONE), amount }), { maxLength: 8 }),
        (balances, from, payouts) => {
          const { state, ctx } = start(balances);
          const heard: string[] = [];
          const batched = outcome(
            state,
            (d, c) => {
              const paid = payEachMutably(d, c, from, payouts, 'pay', (k) => heard.push(`${k}`));
              heard.push(`paid ${paid}`);
            },
            ctx(),
          );
          const expected: string[] = [];
          const oneByOne = outcome(
            state,
            (d, c) => {
              let paid = 0n;
              payouts.forEach((p, k) => {
                if (p.amount === 0n) return;
                expected.push(`${k}`);
                transferMutably(d, c, from, p.host, p.amount, 'pay');
                paid += p.amount;
              });
              expected.push(`paid ${paid}`);
            },
            ctx(),
          );
          expect(batched).toBe(oneByOne);
          expect(heard).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fails at the first payout the sender cannot cover, after the hook heard it', () => {
    // The inference module starts empty: the first send that moves anything fails.
    const { state, ctx } = start([]);
    const heard: number[] = [];
    const payouts = [
      { host: 'h1', amount: 0n },
      { host: 'h2', amount: 1n },
    ];
    expect(JSON.parse(outcome(state, (d, c) => payEachMutably(d, c, 'inference', payouts, 'pay', (k) => heard.push(k)), ctx())).error).toBe(
      'spendable balance 0ngonka is smaller than 1ngonka: insufficient funds',
    );
    expect(heard).toEqual([1]);
  });
});

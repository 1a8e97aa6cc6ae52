/**
 * Invariants (format section 6): supply, bounds and the surplus of the inference module, checked
 * after every event; running totals agree with a full recount.
 */
import { MAX_INT64 } from '../../src/domain/money.js';
import { advance, obligations, recount, supplyOf, surplusOf, type Totals } from '../../src/engine/replay/invariants.js';
import { runToJson, type Json } from '../../src/engine/replay/json.js';
import { vecSet } from '../../src/engine/storage/pvec.js';
import { applyEvent } from '../../src/engine/rules/reducers/index.js';
import { runScenario } from '../../src/engine/replay/run.js';
import type { ChainState } from '../../src/engine/storage/state.js';
import { aScenario, Chain, escrowParams, ev, GNK, hosts, type ScenarioSpec } from '../builders.js';

const base: ScenarioSpec = {
  params: { epochReward: 1000n * GNK, escrow: escrowParams({ minAmount: 1n }) },
  accounts: { alice: 20n * GNK, bob: GNK },
  participants: hosts(2),
};

/** The format's section-1 example, plus a cross-epoch settle, an inference, an exclusion and a sweep. */
const cleanItems = [
  ev.start(),
  ev.create('alice', 7n * GNK, ['h1', 'h1', 'h2']),
  ev.settle(1n, [{ slot: 0, cost: GNK / 10n }, { slot: 1, cost: GNK / 10n }, { slot: 2, cost: GNK / 5n, missed: 1 }], { fees: (3n * GNK) / 10n }),
  { event: ev.claim('h1', 1n), expectResult: 'does not match previous epoch' },
  ev.create('alice', 5n * GNK, ['h2']),
  ev.inference('bob', 'h1', 10n, 20n),
  ev.end(),
  ev.start(),
  ev.claim('h1', 1n),
  ev.settle(2n, [{ slot: 0, cost: GNK }]),
  ev.exclude('h2'),
  ev.inference('bob', 'h2', 1n, 1n),
  ev.end(),
  ev.start(['h1']),
  ev.end(),
  ev.transfer('alice', 'gov', 1n),
];

describe('surplus', () => {
  test('a transfer to `inference` by a user is a surplus violation naming the step, its line and the amounts', () => {
    const r = runScenario(aScenario({ ...base, items: [ev.start(), ev.transfer('alice', 'inference', 5n * GNK), ev.start()] }));
    expect(r.ok).toBe(false);
    expect(r.surplus).toBe(5n * GNK);
    expect(r.violations).toEqual([
      {
        step: 2,
        line: 12,
        event: 'transfer',
        invariant: 'surplus',
        message:
          'bank(inference) 5000000000 ≠ obligations 0 (escrows 0 + owed coin balances 0 + settle amounts 0): coins with no owner, surplus 5000000000',
        expected: 0n,
        actual: 5_000_000_000n,
      },
    ]);
    // the transfer itself succeeded as a transaction, and the replay went on
    expect(r.steps[1]).toMatchObject({ status: 'ok', event: 'transfer' });
    expect(r.steps[2]).toMatchObject({ status: 'error', error: 'cannot start epoch 2: epoch 1 has not ended' });
    const json = runToJson(r) as { readonly [key: string]: Json };
    expect(json.surplus).toBe('5000000000');
    expect(json.violations).toEqual([
      {
        step: 2,
        line: 12,
        event: 'transfer',
        invariant: 'surplus',
        message:
          'bank(inference) 5000000000 ≠ obligations 0 (escrows 0 + owed coin balances 0 + settle amounts 0): coins with no owner, surplus 5000000000',
        expected: '0',
        actual: '5000000000',
      },
    ]);
  });

  test('the message lists every kind of obligation', () => {
    const r = runScenario(
      aScenario({
        ...base,
        items: [
          ev.start(),
          ev.inference('bob', 'h1', 0n, 3n),
          ev.end(),
          ev.create('alice', 7n, ['h2']),
          ev.inference('bob', 'h2', 0n, 2n),
          ev.transfer('bob', 'inference', 1n),
        ],
      }),
    );
    expect(r.violations.map((v) => [v.step, v.line, v.invariant, v.message, v.actual])).toEqual([
      [
        6,
        16,
        'surplus',
        'bank(inference) 1000000005008 ≠ obligations 1000000005007 (escrows 7 + owed coin balances 2000 + settle amounts 1000000003000): coins with no owner, surplus 1',
        1n,
      ],
    ]);
  });

  test('a transfer out of `inference` leaves the module short: a negative surplus', () => {
    const r = runScenario(aScenario({ ...base, items: [ev.start(), ev.create('alice', 7n * GNK, ['h1']), ev.transfer('inference', 'bob', 1n)] }));
    expect(r.surplus).toBe(-1n);
    expect(r.violations).toEqual([
      {
        step: 3,
        line: 13,
        event: 'transfer',
        invariant: 'surplus',
        message:
          'bank(inference) 6999999999 ≠ obligations 7000000000 (escrows 7000000000 + owed coin balances 0 + settle amounts 0): owed more than held, surplus -1',
        expected: 0n,
        actual: -1n,
      },
    ]);
  });

  test('a failed event is not checked (it changed nothing)', () => {
    const r = runScenario(aScenario({ ...base, items: [{ event: ev.transfer('bob', 'inference', 2n * GNK), expectError: 'insufficient funds' }] }));
    expect(r.ok).toBe(true);
    expect(r.violations).toEqual([]);
  });
});

describe.each(['deferred', 'immediate'] as const)('a clean run (%s)', (rules) => {
  test('has no violation, surplus 0, Σ balances = genesis + minted, and the running totals equal a recount', () => {
    const r = runScenario(aScenario({ ...base, items: cleanItems }), { rules });
    expect(r.steps.filter((s) => s.status === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.violations).toEqual([]);
    expect(r.surplus).toBe(0n);
    expect(r.final.minted).toBe(3000n * GNK);
    expect(recount(r.final, r.world)).toEqual(r.totals);
    expect(r.totals.held).toBe(r.final.genesisSupply + r.final.minted);
    expect(r.totals.held).toBe(21n * GNK + 3000n * GNK);
  });

  test('after every event the totals that advance() carries equal recount()', () => {
    const c = new Chain(base, rules);
    let totals: Totals = recount(c.state, c.world);
    for (const item of cleanItems) {
      const event = 'event' in item ? item.event : item;
      const before = c.state;
      const outcome = applyEvent(before, event, c.env);
      if (!outcome.ok) throw new Error(outcome.error);
      const next = advance(totals, before, outcome.state, c.world);
      expect(next.breaches).toEqual([]);
      expect(next.totals).toEqual(recount(outcome.state, c.world));
      expect(surplusOf(next.totals)).toBe(0n);
      totals = next.totals;
      c.state = outcome.state;
    }
    expect(totals.escrows).toBe(0n);
    expect(obligations(totals)).toBe(totals.module);
  });
});

describe('advance() on hand-broken states', () => {
  const setBalance = (s: ChainState, index: number, value: bigint): ChainState => ({
    ...s,
    balances: vecSet(s.balances, index, value),
  });

  test('coins appearing from nowhere break supply (and the surplus when they land in `inference`)', () => {
    const c = new Chain(base);
    const after = setBalance(c.state, 0, 5n);
    const { breaches, totals } = advance(recount(c.state, c.world), c.state, after, c.world);
    expect(breaches).toEqual([
      {
        invariant: 'supply',
        message: `bank balances sum to ${21n * GNK + 5n} but genesis ${21n * GNK} + minted 0 − burned 0 = ${21n * GNK}`,
        expected: 21n * GNK,
        actual: 21n * GNK + 5n,
      },
      {
        invariant: 'surplus',
        message: 'bank(inference) 5 ≠ obligations 0 (escrows 0 + owed coin balances 0 + settle amounts 0): coins with no owner, surplus 5',
        expected: 0n,
        actual: 5n,
      },
    ]);
    expect(totals).toEqual(recount(after, c.world));
    expect(supplyOf(after)).toBe(21n * GNK);
  });

  test('a balance outside [0, MaxInt64] breaks bounds', () => {
    const c = new Chain(base);
    const alice = c.world.accountIndex.get('alice') as number;
    const bob = c.world.accountIndex.get('bob') as number;
    const negative = setBalance(setBalance(c.state, alice, -1n), bob, 20n * GNK + GNK + 1n);
    expect(advance(recount(c.state, c.world), c.state, negative, c.world).breaches).toEqual([
      { invariant: 'bounds', message: 'bank balance of alice is -1, outside [0, 9223372036854775807]', expected: 0n, actual: -1n },
    ]);
    const huge = setBalance(c.state, alice, MAX_INT64 + 1n);
    expect(advance(recount(c.state, c.world), c.state, huge, c.world).breaches[0]).toEqual({
      invariant: 'bounds',
      message: 'bank balance of alice is 9223372036854775808, outside [0, 9223372036854775807]',
      expected: MAX_INT64,
      actual: MAX_INT64 + 1n,
    });
  });
});

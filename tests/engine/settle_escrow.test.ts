/**
 * settle_escrow (format sections 3.1 and 6a) under both rulesets: the common checks and their
 * order, the fee split, and how each ruleset delivers the payouts (same epoch, cross epoch,
 * punished hosts, skipped_payout).
 */
import { MAX_INT64, MAX_UINT32, MAX_UINT64 } from '../../src/domain/money.js';
import type { RuleName } from '../../src/domain/scenario.js';
import { recount } from '../../src/engine/replay/invariants.js';
import { Chain, escrowParams, ev, expectSkippedInReplay, GNK, hosts, tr, type ScenarioSpec } from '../builders.js';
import fc from 'fast-check';
import { assignedPerSlot } from '../../src/engine/rules/payouts.js';

const RULES: RuleName[] = ['deferred', 'immediate'];
/** min_amount 1 so that small escrows such as the chain's 1000 ngonka are allowed. */
const small = escrowParams({ minAmount: 1n });
const spec = (over: ScenarioSpec = {}): ScenarioSpec => ({
  accounts: { alice: 100n * GNK, bob: 100n * GNK },
  participants: hosts(3),
  ...over,
  params: { escrow: small, epochReward: 1500n * GNK, ...over.params },
});
const tenth = GNK / 10n;
/** The format's example: 7 gonka over [h1, h1, h2], costs 0.1/0.1/0.2, fees 0.3 → h1 0.4, h2 0.3, refund 6.3. */
const example = {
  create: ev.create('alice', 7n * GNK, ['h1', 'h1', 'h2']),
  settle: ev.settle(
    1n,
    [
      { slot: 0, cost: tenth },
      { slot: 1, cost: tenth },
      { slot: 2, cost: 2n * tenth, missed: 1, invalid: 2 },
    ],
    { fees: 3n * tenth },
  ),
};

describe('settle_escrow: same epoch', () => {
  test('deferred: credits the ledgers, merges the stats, no bank transfer to hosts, refunds the rest', () => {
    const c = new Chain(spec(), 'deferred').run(ev.start(), example.create);
    const { transfers, result } = c.ok(example.settle);
    expect(result).toBeUndefined();
    expect(transfers).toEqual([tr('inference', 'alice', 6_300_000_000n, 'subnet_escrow_refund')]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 400_000_000n, earnedCoins: 400_000_000n, missedRequests: 0, invalidatedInferences: 0, inferenceCount: 0 });
    expect(c.p('h2')).toMatchObject({ coinBalance: 300_000_000n, earnedCoins: 300_000_000n, missedRequests: 1, invalidatedInferences: 2, inferenceCount: 0 });
    expect(c.bank('h1')).toBe(0n);
    expect(c.bank('h2')).toBe(0n);
    expect(c.bank('inference')).toBe(700_000_000n);
    expect(c.bank('alice')).toBe(99_300_000_000n);
    expect(c.escrow(1)?.settled).toBe(true);
    // ... and the work is paid with the reward after the epoch: 500 + 0.4 gonka (the format's example).
    c.run(ev.end(), ev.start(), ev.claim('h1', 1n));
    expect(c.bank('h1')).toBe(500_400_000_000n);
    expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 300_000_000n, rewardCoins: 500n * GNK });
    expect(c.summary(1, 'h2')).toEqual({
      earnedCoins: 300_000_000n,
      rewardedCoins: 500n * GNK,
      inferenceCount: 0,
      missedRequests: 1,
      invalidatedInferences: 2,
      claimed: false,
    });
  });

  test('immediate: pays every host by bank at once in slot order, then refunds; the ledger is untouched', () => {
    const c = new Chain(spec(), 'immediate').run(ev.start(), example.create);
    const { transfers } = c.ok(example.settle);
    expect(transfers).toEqual([
      tr('inference', 'h1', 400_000_000n, 'subnet_escrow_payment'),
      tr('inference', 'h2', 300_000_000n, 'subnet_escrow_payment'),
      tr('inference', 'alice', 6_300_000_000n, 'subnet_escrow_refund'),
    ]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 0n, earnedCoins: 0n, missedRequests: 0 });
    expect(c.p('h2')).toMatchObject({ coinBalance: 0n, earnedCoins: 0n, missedRequests: 0, invalidatedInferences: 0 });
    expect(c.bank('h1')).toBe(400_000_000n);
    expect(c.bank('h2')).toBe(300_000_000n);
    expect(c.bank('inference')).toBe(0n);
    expect(c.escrow(1)?.settled).toBe(true);
  });

  test.each(RULES)('%s: per-epoch host stats add every entry and count the escrow once per host', (rules) => {
    const c = new Chain(spec(), rules).run(ev.start(), example.create, example.settle);
    expect(c.hostStats(1, 'h1')).toEqual({ missed: 0, invalid: 0, cost: 200_000_000n, requiredValidations: 0, completedValidations: 0, escrowCount: 1 });
    expect(c.hostStats(1, 'h2')).toEqual({ missed: 1, invalid: 2, cost: 200_000_000n, requiredValidations: 0, completedValidations: 0, escrowCount: 1 });
    expect(c.hostStats(1, 'h3')).toBeUndefined();
    c.run(
      ev.create('alice', 7n * GNK, ['h2', 'h1']),
      ev.settle(2n, [{ slot: 0, cost: 5n, missed: 3, required: 4, completed: 2 }, { slot: 1, cost: 6n, invalid: 1 }]),
    );
    expect(c.hostStats(1, 'h1')).toEqual({ missed: 0, invalid: 1, cost: 200_000_006n, requiredValidations: 0, completedValidations: 0, escrowCount: 2 });
    expect(c.hostStats(1, 'h2')).toEqual({ missed: 4, invalid: 2, cost: 200_000_005n, requiredValidations: 4, completedValidations: 2, escrowCount: 2 });
  });

  test('deferred: the nonce rule sets inference_count (4 slots [H1,H1,H2,H2], nonce 20 → 5 assigned per slot)', () => {
    const c = new Chain(spec(), 'deferred').run(ev.start(), ev.create('alice', 1000n, ['h1', 'h1', 'h2', 'h2']));
    const { transfers } = c.ok(
      ev.settle(
        1n,
        [
          { slot: 0, cost: 0n, missed: 1, invalid: 2 },
          { slot: 1, cost: 0n, missed: 0, invalid: 1 },
          { slot: 2, cost: 0n, missed: 2, invalid: 0 },
          { slot: 3, cost: 0n, missed: 1, invalid: 1 },
        ],
        { nonce: 20n },
      ),
    );
    // zero payouts: nothing credited, everything refunded, but the stats are merged
    expect(transfers).toEqual([tr('inference', 'alice', 1000n, 'subnet_escrow_refund')]);
    expect(c.p('h1')).toMatchObject({ inferenceCount: 9, missedRequests: 1, invalidatedInferences: 3, coinBalance: 0n });
    expect(c.p('h2')).toMatchObject({ inferenceCount: 7, missedRequests: 3, invalidatedInferences: 1, coinBalance: 0n });
    c.ok(ev.end());
    expect(c.summary(1, 'h1')).toMatchObject({ inferenceCount: 9, missedRequests: 1, invalidatedInferences: 3 });
    expect(c.summary(1, 'h2')).toMatchObject({ inferenceCount: 7, missedRequests: 3, invalidatedInferences: 1 });
  });

  test('deferred: the nonce rule with nonce below a slot id counts 0 assigned for that slot', () => {
    // 3 slots, nonce 2: slot 0 first = 3 → 0; slot 1 → 1 + (2-1)/3 = 1; slot 2 → 1
    const c = new Chain(spec(), 'deferred').run(ev.start(), ev.create('alice', 1000n, ['h1', 'h2', 'h3']));
    c.ok(ev.settle(1n, [{ slot: 0, cost: 0n }, { slot: 1, cost: 0n }, { slot: 2, cost: 0n, missed: 1 }], { nonce: 2n }));
    expect(c.p('h1').inferenceCount).toBe(0);
    expect(c.p('h2').inferenceCount).toBe(1);
    expect(c.p('h3')).toMatchObject({ inferenceCount: 0, missedRequests: 1 });
  });

  test('deferred: without a nonce, missed and invalid are merged and inference_count is not touched', () => {
    const c = new Chain(spec(), 'deferred').run(ev.start(), ev.create('alice', 1000n, ['h1', 'h1', 'h2', 'h2']));
    c.ok(
      ev.settle(1n, [
        { slot: 0, cost: 0n, missed: 1, invalid: 2 },
        { slot: 1, cost: 0n, missed: 0, invalid: 1 },
        { slot: 2, cost: 0n, missed: 2, invalid: 0 },
        { slot: 3, cost: 0n, missed: 1, invalid: 1 },
      ]),
    );
    expect(c.p('h1')).toMatchObject({ inferenceCount: 0, missedRequests: 1, invalidatedInferences: 3 });
    expect(c.p('h2')).toMatchObject({ inferenceCount: 0, missedRequests: 3, invalidatedInferences: 1 });
  });

  test('immediate: the nonce changes no participant counter', () => {
    const c = new Chain(spec(), 'immediate').run(ev.start(), ev.create('alice', 1000n, ['h1', 'h1', 'h2', 'h2']));
    c.ok(ev.settle(1n, [{ slot: 0, cost: 0n, missed: 1, invalid: 2 }, { slot: 2, cost: 0n, missed: 2 }], { nonce: 20n }));
    expect(c.p('h1')).toMatchObject({ inferenceCount: 0, missedRequests: 0, invalidatedInferences: 0 });
    expect(c.hostStats(1, 'h1')).toMatchObject({ missed: 1, invalid: 2, escrowCount: 1 });
  });
});

describe('settle_escrow: the fee split (chain numbers)', () => {
  test.each(RULES)('%s: fees 403 over [h1,h1,h2,h3], amount 1000 → h1 202, h2 101, h3 100, refund 597', (rules) => {
    const c = new Chain(spec(), rules).run(ev.start(), ev.create('alice', 1000n, ['h1', 'h1', 'h2', 'h3']));
    const { transfers } = c.ok(
      ev.settle(1n, [0, 1, 2, 3].map((slot) => ({ slot, cost: 0n })), { fees: 403n }),
    );
    if (rules === 'immediate') {
      expect(transfers).toEqual([
        tr('inference', 'h1', 202n, 'subnet_escrow_payment'),
        tr('inference', 'h2', 101n, 'subnet_escrow_payment'),
        tr('inference', 'h3', 100n, 'subnet_escrow_payment'),
        tr('inference', 'alice', 597n, 'subnet_escrow_refund'),
      ]);
    } else {
      expect(transfers).toEqual([tr('inference', 'alice', 597n, 'subnet_escrow_refund')]);
      expect([c.p('h1').coinBalance, c.p('h2').coinBalance, c.p('h3').coinBalance]).toEqual([202n, 101n, 100n]);
    }
  });

  test.each(RULES)('%s: 16 hosts, cost 100 000 000 each, fees 200 000 000, amount 7 gonka → 112 500 000 each, refund 5 200 000 000', (rules) => {
    const names = Object.keys(hosts(16, 1n, 2));
    const c = new Chain(spec({ participants: hosts(16, 1n, 2) }), rules).run(ev.start(), ev.create('alice', 7n * GNK, names));
    const { transfers } = c.ok(
      ev.settle(1n, names.map((_, slot) => ({ slot, cost: 100_000_000n })), { fees: 200_000_000n }),
    );
    const refund = tr('inference', 'alice', 5_200_000_000n, 'subnet_escrow_refund');
    if (rules === 'immediate') {
      expect(transfers).toEqual([...names.map((h) => tr('inference', h, 112_500_000n, 'subnet_escrow_payment')), refund]);
    } else {
      expect(transfers).toEqual([refund]);
      for (const h of names) expect(c.p(h).coinBalance).toBe(112_500_000n);
    }
    expect(c.bank('alice')).toBe(100n * GNK - 1_800_000_000n);
  });

  test.each(RULES)('%s: the remainder goes to the first entries in MESSAGE order; delivery is in slot order', (rules) => {
    const c = new Chain(spec(), rules).run(ev.start(), ev.create('alice', 1000n, ['h1', 'h2', 'h3']));
    // fees 5 over 3 slots: 1 each, remainder 2 → the first two entries of the message: slot 2 then slot 0.
    const { transfers } = c.ok(
      ev.settle(1n, [{ slot: 2, cost: 10n }, { slot: 0, cost: 20n }, { slot: 1, cost: 30n }], { fees: 5n }),
    );
    const refund = tr('inference', 'alice', 935n, 'subnet_escrow_refund');
    if (rules === 'immediate') {
      expect(transfers).toEqual([
        tr('inference', 'h1', 22n, 'subnet_escrow_payment'),
        tr('inference', 'h2', 31n, 'subnet_escrow_payment'),
        tr('inference', 'h3', 12n, 'subnet_escrow_payment'),
        refund,
      ]);
    } else {
      expect(transfers).toEqual([refund]);
      expect([c.p('h1').coinBalance, c.p('h2').coinBalance, c.p('h3').coinBalance]).toEqual([22n, 31n, 12n]);
    }
  });

  test.each(RULES)('%s: a slot without an entry gets no fee share; its share is refunded', (rules) => {
    const c = new Chain(spec(), rules).run(ev.start(), ev.create('alice', 1000n, ['h1', 'h2']));
    const { transfers } = c.ok(ev.settle(1n, [{ slot: 1, cost: 0n }], { fees: 100n }));
    if (rules === 'immediate') {
      expect(transfers).toEqual([tr('inference', 'h2', 50n, 'subnet_escrow_payment'), tr('inference', 'alice', 950n, 'subnet_escrow_refund')]);
    } else {
      expect(transfers).toEqual([tr('inference', 'alice', 950n, 'subnet_escrow_refund')]);
      expect(c.p('h2').coinBalance).toBe(50n);
      expect(c.p('h1').coinBalance).toBe(0n);
    }
  });

  test.each(RULES)('%s: a settle that uses the whole amount refunds nothing (no zero transfer)', (rules) => {
    const c = new Chain(spec(), rules).run(ev.start(), ev.create('alice', 1000n, ['h1']));
    const { transfers } = c.ok(ev.settle(1n, [{ slot: 0, cost: 600n }], { fees: 400n }));
    expect(transfers).toEqual(rules === 'immediate' ? [tr('inference', 'h1', 1000n, 'subnet_escrow_payment')] : []);
  });

  test.each(RULES)('%s: a settle with no entries refunds the whole amount and marks the escrow settled', (rules) => {
    const c = new Chain(spec(), rules).run(ev.start(), ev.create('alice', 1000n, ['h1', 'h2']));
    const { transfers } = c.ok(ev.settle(1n, []));
    expect(transfers).toEqual([tr('inference', 'alice', 1000n, 'subnet_escrow_refund')]);
    expect(c.escrow(1)?.settled).toBe(true);
  });
});

describe('settle_escrow: cross epoch (deferred)', () => {
  test('after end_epoch in the same effective epoch, an unclaimed settle amount of X grows; no bank transfer', () => {
    const c = new Chain(spec(), 'deferred').run(ev.start(), example.create, ev.end());
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 500n * GNK });
    const { transfers } = c.ok(example.settle);
    expect(transfers).toEqual([tr('inference', 'alice', 6_300_000_000n, 'subnet_escrow_refund')]);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 400_000_000n, rewardCoins: 500n * GNK });
    expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 300_000_000n, rewardCoins: 500n * GNK });
    expect(c.summary(1, 'h1')).toEqual({ earnedCoins: 400_000_000n, rewardedCoins: 500n * GNK, inferenceCount: 0, missedRequests: 0, invalidatedInferences: 0, claimed: false });
    expect(c.summary(1, 'h2')).toEqual({ earnedCoins: 300_000_000n, rewardedCoins: 500n * GNK, inferenceCount: 0, missedRequests: 1, invalidatedInferences: 2, claimed: false });
    // the running ledger of the (ended) epoch is not touched
    expect(c.p('h1')).toMatchObject({ coinBalance: 0n, earnedCoins: 0n, missedRequests: 0 });
    expect(c.p('h2')).toMatchObject({ coinBalance: 0n, earnedCoins: 0n, missedRequests: 0 });
    expect(c.bank('h1')).toBe(0n);
  });

  test('an escrow created after end_epoch (for the ended epoch) also settles cross-epoch', () => {
    const c = new Chain(spec(), 'deferred').run(ev.start(), ev.end(), example.create);
    expect(c.escrow(1)?.epoch).toBe(1);
    c.ok(example.settle);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 400_000_000n, rewardCoins: 500n * GNK });
    expect(c.p('h1').coinBalance).toBe(0n);
  });

  test('at C = X + 1, unclaimed: work_coins and summary earned_coins grow, then the claim pays it all', () => {
    const c = new Chain(spec(), 'deferred').run(ev.start(), example.create, ev.end(), ev.start());
    const { transfers } = c.ok(example.settle);
    expect(transfers).toEqual([tr('inference', 'alice', 6_300_000_000n, 'subnet_escrow_refund')]);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 400_000_000n, rewardCoins: 500n * GNK });
    expect(c.summary(1, 'h1')?.earnedCoins).toBe(400_000_000n);
    expect(c.p('h1')).toMatchObject({ coinBalance: 0n, earnedCoins: 0n });
    const claim = c.ok(ev.claim('h1', 1n));
    expect(claim.transfers).toEqual([
      tr('inference', 'h1', 400_000_000n, 'work_coins:h1'),
      tr('inference', 'h1', 500n * GNK, 'reward_coins:h1'),
    ]);
  });

  test('at C = X + 1, after the claim: paid at once by bank (subnet_escrow_payment); summary earned_coins grows', () => {
    const c = new Chain(spec(), 'deferred').run(ev.start(), example.create, ev.end(), ev.start(), ev.claim('h1', 1n));
    expect(c.bank('h1')).toBe(500n * GNK);
    const { transfers } = c.ok(example.settle);
    expect(transfers).toEqual([
      tr('inference', 'h1', 400_000_000n, 'subnet_escrow_payment'),
      tr('inference', 'alice', 6_300_000_000n, 'subnet_escrow_refund'),
    ]);
    expect(c.bank('h1')).toBe(500_400_000_000n);
    expect(c.settleOf('h1')).toBeNull();
    expect(c.summary(1, 'h1')).toMatchObject({ earnedCoins: 400_000_000n, claimed: true });
    expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 300_000_000n, rewardCoins: 500n * GNK });
  });

  test('when the settle amount of X was replaced by a newer one, the payout is paid at once by bank', () => {
    // epoch 2 ends unclaimed: the epoch-1 settle amounts expire and are replaced; C = 2 = X + 1 still.
    const c = new Chain(spec(), 'deferred').run(ev.start(), example.create, ev.end(), ev.start(), ev.end());
    expect(c.settleOf('h1')?.epoch).toBe(2);
    const { transfers } = c.ok(example.settle);
    expect(transfers).toEqual([
      tr('inference', 'h1', 400_000_000n, 'subnet_escrow_payment'),
      tr('inference', 'h2', 300_000_000n, 'subnet_escrow_payment'),
      tr('inference', 'alice', 6_300_000_000n, 'subnet_escrow_refund'),
    ]);
    expect(c.settleOf('h1')).toEqual({ epoch: 2, workCoins: 0n, rewardCoins: 500n * GNK });
    expect(c.summary(1, 'h1')?.earnedCoins).toBe(400_000_000n);
    expect(c.summary(2, 'h1')?.earnedCoins).toBe(0n);
  });

  test('immediate: the same cross-epoch settle pays by bank and touches no settle amount or summary', () => {
    const c = new Chain(spec(), 'immediate').run(ev.start(), example.create, ev.end(), ev.start());
    const { transfers } = c.ok(example.settle);
    expect(transfers).toEqual([
      tr('inference', 'h1', 400_000_000n, 'subnet_escrow_payment'),
      tr('inference', 'h2', 300_000_000n, 'subnet_escrow_payment'),
      tr('inference', 'alice', 6_300_000_000n, 'subnet_escrow_refund'),
    ]);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 500n * GNK });
    expect(c.summary(1, 'h1')?.earnedCoins).toBe(0n);
    expect(c.summary(1, 'h2')?.missedRequests).toBe(0);
  });
});

describe('settle_escrow: punished hosts (cross epoch)', () => {
  // h2 punished by end_epoch, h3 excluded in epoch 1: both have rewarded_coins 0 for epoch 1.
  // Slots [h2, h1, h3]; each entry cost 1 gonka, fees 0.3 → 1.1 gonka per host. h1 claimed, so it is paid by bank.
  const slots = ['h2', 'h1', 'h3'];
  const setup = (rules: RuleName, skippedPayout: 'refund' | 'governance'): Chain =>
    new Chain(spec({ params: { epochReward: 900n * GNK, skippedPayout } }), rules).run(
      ev.start(),
      ev.create('alice', 6n * GNK, slots),
      ev.exclude('h3'),
      ev.end(['h2']),
      ev.start(),
      ev.claim('h1', 1n),
    );
  const settle = ev.settle(1n, [0, 1, 2].map((slot) => ({ slot, cost: GNK, missed: 1 })), { fees: 3n * tenth });
  const share = 1_100_000_000n;

  test('the punishment is recorded as rewarded_coins 0', () => {
    const c = setup('deferred', 'refund');
    expect(c.summary(1, 'h1')?.rewardedCoins).toBe(300n * GNK);
    expect(c.summary(1, 'h2')?.rewardedCoins).toBe(0n);
    expect(c.summary(1, 'h3')?.rewardedCoins).toBe(0n);
  });

  test('deferred, skipped_payout refund: punished shares return to the creator in the refund', () => {
    const c = setup('deferred', 'refund');
    const aliceBefore = c.bank('alice');
    const { transfers } = c.ok(settle);
    expect(transfers).toEqual([
      tr('inference', 'h1', share, 'subnet_escrow_payment'),
      tr('inference', 'alice', 6n * GNK - share, 'subnet_escrow_refund'),
    ]);
    expect(c.bank('alice') - aliceBefore).toBe(4_900_000_000n);
    expect(c.bank('h2')).toBe(0n);
    expect(c.bank('h3')).toBe(0n);
    expect(c.summary(1, 'h2')).toMatchObject({ earnedCoins: 0n, rewardedCoins: 0n });
    expect(c.summary(1, 'h3')).toMatchObject({ earnedCoins: 0n, rewardedCoins: 0n });
    expect(c.summary(1, 'h1')?.earnedCoins).toBe(share);
    expect(c.settleOf('h2')).toBeNull();
    expect(c.escrow(1)?.settled).toBe(true);
  });

  test('deferred, skipped_payout governance: one transfer to gov per punished host, in slot order; smaller refund', () => {
    const c = setup('deferred', 'governance');
    const govBefore = c.bank('gov');
    const { transfers } = c.ok(settle);
    expect(transfers).toEqual([
      tr('inference', 'gov', share, 'forfeited_work_coins_to_governance:epoch=1'),
      tr('inference', 'h1', share, 'subnet_escrow_payment'),
      tr('inference', 'gov', share, 'forfeited_work_coins_to_governance:epoch=1'),
      tr('inference', 'alice', 6n * GNK - 3n * share, 'subnet_escrow_refund'),
    ]);
    expect(c.bank('gov') - govBefore).toBe(2n * share);
    expect(c.summary(1, 'h2')?.earnedCoins).toBe(0n);
    expect(c.summary(1, 'h3')?.earnedCoins).toBe(0n);
  });

  test('deferred: a punished host with an unclaimed settle amount (work only) does not get the payout', () => {
    // h2 earned work in epoch 1 (so it has a settle amount) but was punished (reward 0).
    const c = new Chain(spec({ params: { epochReward: 900n * GNK } }), 'deferred').run(
      ev.start(),
      ev.inference('alice', 'h2', 0n, 1n, { price: 5n }),
      ev.create('alice', 1000n, ['h2']),
      ev.end(['h2']),
    );
    expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 5n, rewardCoins: 0n });
    const { transfers } = c.ok(ev.settle(1n, [{ slot: 0, cost: 10n }]));
    expect(transfers).toEqual([tr('inference', 'alice', 1000n, 'subnet_escrow_refund')]);
    expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 5n, rewardCoins: 0n });
    expect(c.summary(1, 'h2')?.earnedCoins).toBe(5n);
  });

  test.each(['refund', 'governance'] as const)('immediate (%s): punishment does not matter, every host is paid', (mode) => {
    const c = setup('immediate', mode);
    const { transfers } = c.ok(settle);
    expect(transfers).toEqual([
      tr('inference', 'h2', share, 'subnet_escrow_payment'),
      tr('inference', 'h1', share, 'subnet_escrow_payment'),
      tr('inference', 'h3', share, 'subnet_escrow_payment'),
      tr('inference', 'alice', 6n * GNK - 3n * share, 'subnet_escrow_refund'),
    ]);
  });

  test('deferred: an excluded host settled in the same epoch is credited; end_epoch then forfeits it', () => {
    const c = new Chain(spec(), 'deferred').run(ev.start(), ev.create('alice', 1000n, ['h1', 'h2']), ev.exclude('h2'));
    c.ok(ev.settle(1n, [{ slot: 0, cost: 10n }, { slot: 1, cost: 20n }]));
    expect(c.p('h2').coinBalance).toBe(20n);
    const { transfers } = c.ok(ev.end());
    expect(transfers).toContainEqual(tr('inference', 'gov', 20n, 'forfeited_work_coins_to_governance:epoch=1'));
  });
});

describe.each(RULES)('settle_escrow: errors (%s)', (rules) => {
  const started = (): Chain => new Chain(spec(), rules).run(ev.start(), ev.create('alice', 1000n, ['h1', 'h1', 'h2']));

  test('escrow not found', () => {
    const c = started();
    expect(c.fail(ev.settle(2n, []))).toBe('escrow 2 not found');
    expect(c.fail(ev.settle(0n, []))).toBe('escrow 0 not found');
    expect(new Chain(spec(), rules).fail(ev.settle(1n, []))).toBe('escrow 1 not found');
  });

  test('already settled', () => {
    const c = started().run(ev.settle(1n, []));
    expect(c.fail(ev.settle(1n, []))).toBe('escrow 1 already settled');
  });

  test('settler is not the creator', () => {
    expect(started().fail(ev.settle(1n, [], { settler: 'bob' }))).toBe('settler bob is not the escrow creator alice');
    expect(started().fail(ev.settle(1n, [], { settler: 'h1' }))).toBe('settler h1 is not the escrow creator alice');
  });

  test('the creator named as settler is accepted', () => {
    started().ok(ev.settle(1n, [], { settler: 'alice' }));
  });

  test('duplicate slot', () => {
    expect(started().fail(ev.settle(1n, [{ slot: 1, cost: 0n }, { slot: 0, cost: 0n }, { slot: 1, cost: 0n }]))).toBe(
      'duplicate host_stats slot_id 1',
    );
  });

  test('slot out of range', () => {
    expect(started().fail(ev.settle(1n, [{ slot: 0, cost: 0n }, { slot: 3, cost: 0n }]))).toBe('host_stats slot_id 3 out of range');
  });

  test('total cost overflow and total cost plus fees overflow (costs near 2^64 − 1)', () => {
    const c = started();
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: MAX_UINT64 }, { slot: 1, cost: 1n }]))).toBe('total cost overflow');
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: MAX_UINT64 - 1n }, { slot: 1, cost: 1n }], { fees: 1n }))).toBe(
      'total cost plus fees overflow',
    );
    expect(c.fail(ev.settle(1n, [], { fees: MAX_UINT64 }))).toBe('total debit 18446744073709551615 (cost 0 + fees 18446744073709551615) exceeds escrow amount 1000');
  });

  test('total debit exceeds the amount; exactly the amount is fine', () => {
    const c = started();
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: 500n }, { slot: 2, cost: 400n }], { fees: 101n }))).toBe(
      'total debit 1001 (cost 900 + fees 101) exceeds escrow amount 1000',
    );
    // debit exactly 1000: fees 100 over 3 slots → 33 each, remainder 1 to the first entry: slot 0 534, slot 2 433;
    // slot 1 has no entry, so its 33 come back.
    const { transfers } = c.ok(ev.settle(1n, [{ slot: 0, cost: 500n }, { slot: 2, cost: 400n }], { fees: 100n }));
    expect(transfers.at(-1)).toEqual(tr('inference', 'alice', 33n, 'subnet_escrow_refund'));
  });

  test('too late: C > X + 1', () => {
    const c = started().run(ev.end(), ev.start());
    const late = c.apply(ev.settle(1n, [])); // C = X + 1 is still fine
    expect(late.ok).toBe(true);
    c.run(ev.end());
    expect(c.apply(ev.settle(1n, [])).ok).toBe(true); // C = X + 1, ended
    c.run(ev.start());
    expect(c.fail(ev.settle(1n, []))).toBe(
      'devshard settlement only supports current or previous epoch: current epoch 3, escrow epoch 1',
    );
    // the escrow stays locked
    expect(c.escrow(1)?.settled).toBe(false);
    expect(recount(c.state, c.world).escrows).toBe(1000n);
  });

  test('fewer entries than the fee remainder', () => {
    const c = started();
    expect(c.fail(ev.settle(1n, [{ slot: 2, cost: 0n }], { fees: 5n }))).toBe('failed to allocate all remainder fees, 1 left');
    expect(c.fail(ev.settle(1n, [], { fees: 5n }))).toBe('failed to allocate all remainder fees, 2 left');
    c.ok(ev.settle(1n, [{ slot: 2, cost: 0n }, { slot: 0, cost: 0n }], { fees: 5n }));
  });

  test('each check comes before the next', () => {
    const c = started();
    const big = MAX_UINT64;
    // not found before anything else
    expect(c.fail(ev.settle(9n, [{ slot: 0, cost: 0n }, { slot: 0, cost: 0n }], { settler: 'bob' }))).toBe('escrow 9 not found');
    // settler before duplicate
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: 0n }, { slot: 0, cost: 0n }], { settler: 'bob' }))).toBe(
      'settler bob is not the escrow creator alice',
    );
    // duplicate before out of range, even when the out-of-range entry comes first in the message
    expect(c.fail(ev.settle(1n, [{ slot: 7, cost: 0n }, { slot: 0, cost: 0n }, { slot: 0, cost: 0n }]))).toBe(
      'duplicate host_stats slot_id 0',
    );
    // out of range before the cost sums
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: big }, { slot: 1, cost: big }, { slot: 3, cost: 0n }]))).toBe(
      'host_stats slot_id 3 out of range',
    );
    // cost overflow before plus-fees overflow
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: big }, { slot: 1, cost: big }], { fees: big }))).toBe('total cost overflow');
    // the sums before the epoch window, the window before the fee split
    c.run(ev.end(), ev.start(), ev.end(), ev.start());
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: 1001n }]))).toBe('total debit 1001 (cost 1001 + fees 0) exceeds escrow amount 1000');
    expect(c.fail(ev.settle(1n, [], { fees: 5n }))).toBe(
      'devshard settlement only supports current or previous epoch: current epoch 3, escrow epoch 1',
    );
    // already settled before settler
    const d = started().run(ev.settle(1n, []));
    expect(d.fail(ev.settle(1n, [], { settler: 'bob' }))).toBe('escrow 1 already settled');
  });

  test('a failed settle leaves the state unchanged and the replay goes on from the old state', () => {
    const error = expectSkippedInReplay(
      spec({
        items: [
          ev.start(),
          ev.create('alice', 1000n, ['h1', 'h2', 'h3']),
          ev.settle(1n, [{ slot: 0, cost: 10n }], { fees: 5n }),
          ev.settle(1n, [{ slot: 0, cost: 10n }, { slot: 1, cost: 20n }], { fees: 5n }),
          ev.end(),
        ],
      }),
      3,
      rules,
    );
    expect(error).toBe('failed to allocate all remainder fees, 1 left');
  });
});

describe('settle_escrow: nonce bounds (V0212 checks the engine adds; not in section 3.1)', () => {
  const started = (): Chain => new Chain(spec(), 'deferred').run(ev.start(), ev.create('alice', 1000n, ['h1', 'h1', 'h2', 'h2']));

  test('missed above the assigned count of its slot', () => {
    expect(started().fail(ev.settle(1n, [{ slot: 0, cost: 0n, missed: 6 }], { nonce: 20n }))).toBe(
      'slot 0 missed count 6 exceeds assigned per slot 5',
    );
    expect(started().fail(ev.settle(1n, [{ slot: 3, cost: 0n, missed: 1 }], { nonce: 2n }))).toBe(
      'slot 3 missed count 1 exceeds assigned per slot 0',
    );
  });

  test('invalid above the completed count of its slot', () => {
    expect(started().fail(ev.settle(1n, [{ slot: 1, cost: 0n, missed: 2, invalid: 4 }], { nonce: 20n }))).toBe(
      'slot 1 invalid count 4 exceeds completed per slot 3',
    );
  });
});

describe('settle_escrow: host stats never wrap', () => {
  test.each(RULES)('%s: missed counts summed past MaxUint32 fail the event', (rules) => {
    const c = new Chain(spec(), rules).run(ev.start(), ev.create('alice', 1000n, ['h1', 'h1']));
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: 1n, missed: Number(MAX_UINT32) }, { slot: 1, cost: 1n, missed: 1 }]))).toBe(
      'failed to aggregate host stats: missed overflow for h1',
    );
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: 0n, required: Number(MAX_UINT32) }, { slot: 1, cost: 0n, required: 1 }]))).toBe(
      'failed to aggregate host stats: required_validations overflow for h1',
    );
    c.ok(ev.settle(1n, [{ slot: 0, cost: 1n, missed: Number(MAX_UINT32) - 1 }, { slot: 1, cost: 1n, missed: 1 }]));
    expect(c.hostStats(1, 'h1')?.missed).toBe(Number(MAX_UINT32));
  });

  test('deferred: the cost of an epoch summed past MaxUint64 fails the event (refunded punished payouts, same epoch X)', () => {
    // h2 is punished in epoch 1 (epoch_reward 0 keeps `inference` empty); escrows of epoch 1 created after
    // its end pay h2 nothing (refund),
    // but their costs still add up in the host stats of (1, h2).
    const c = new Chain(
      spec({
        accounts: { alice: MAX_INT64 },
        params: { epochReward: 0n, escrow: escrowParams({ minAmount: 1n, maxAmount: MAX_UINT64 }) },
      }),
      'deferred',
    ).run(ev.start(), ev.end(['h2']));
    c.run(ev.create('alice', MAX_INT64, ['h2']), ev.settle(1n, [{ slot: 0, cost: MAX_INT64 }]));
    expect(c.bank('alice')).toBe(MAX_INT64);
    c.run(ev.create('alice', MAX_INT64, ['h2']), ev.settle(2n, [{ slot: 0, cost: MAX_INT64 }]));
    expect(c.hostStats(1, 'h2')?.cost).toBe(2n * MAX_INT64);
    c.run(ev.create('alice', MAX_INT64, ['h2']));
    expect(c.fail(ev.settle(3n, [{ slot: 0, cost: MAX_INT64 }]))).toBe('failed to aggregate host stats: cost overflow for h2');
  });
});

describe('settle_escrow: long messages (more than 16 slots and entries)', () => {
  // 20 slots over 5 hosts (slot s is h(s mod 5 + 1)), settled in reverse slot order.
  const slots = Array.from({ length: 20 }, (_, s) => `h${(s % 5) + 1}`);
  const longSpec = spec({ participants: hosts(5) });
  const all = Array.from({ length: 20 }, (_, k) => ({ slot: 19 - k, cost: 10n }));

  test('the fee remainder follows message order and each host is paid once for its four slots', () => {
    // fees 7 over 20 entries: share 0, +1 to the first seven entries (slots 19 … 13).
    const c = new Chain(longSpec, 'deferred').run(ev.start(), ev.create('alice', 1000n, slots));
    const { transfers } = c.ok(ev.settle(1n, all, { fees: 7n }));
    expect(['h1', 'h2', 'h3', 'h4', 'h5'].map((h) => c.p(h).coinBalance)).toEqual([41n, 41n, 41n, 42n, 42n]);
    expect(c.hostStats(1, 'h4')).toEqual({ missed: 0, invalid: 0, cost: 40n, requiredValidations: 0, completedValidations: 0, escrowCount: 1 });
    expect(transfers).toEqual([tr('inference', 'alice', 793n, 'subnet_escrow_refund')]);

    const i = new Chain(longSpec, 'immediate').run(ev.start(), ev.create('alice', 1000n, slots));
    expect(i.ok(ev.settle(1n, all, { fees: 7n })).transfers).toEqual([
      tr('inference', 'h1', 41n, 'subnet_escrow_payment'),
      tr('inference', 'h2', 41n, 'subnet_escrow_payment'),
      tr('inference', 'h3', 41n, 'subnet_escrow_payment'),
      tr('inference', 'h4', 42n, 'subnet_escrow_payment'),
      tr('inference', 'h5', 42n, 'subnet_escrow_payment'),
      tr('inference', 'alice', 793n, 'subnet_escrow_refund'),
    ]);
  });

  test('the first repeated slot id is reported, before an out-of-range one earlier in the message', () => {
    const c = new Chain(longSpec, 'deferred').run(ev.start(), ev.create('alice', 1000n, slots));
    const repeated = [...all.slice(0, 18), { slot: 12, cost: 1n }, { slot: 3, cost: 1n }];
    expect(c.fail(ev.settle(1n, repeated))).toBe('duplicate host_stats slot_id 12');
    expect(c.fail(ev.settle(1n, [{ slot: 25, cost: 1n }, ...all.slice(0, 17), { slot: 19, cost: 1n }]))).toBe('duplicate host_stats slot_id 19');
  });
});

describe('settle_escrow: atomicity', () => {
  test('immediate: a payment that fails half-way (bank balance above MaxInt64) undoes the payments before it', () => {
    const c = new Chain(
      spec({ participants: { h1: 100n, h2: { weight: 100n, balance: MAX_INT64 - 1n } } }),
      'immediate',
    ).run(ev.start(), ev.create('alice', 1000n, ['h1', 'h2']));
    expect(c.fail(ev.settle(1n, [{ slot: 0, cost: 10n }, { slot: 1, cost: 10n }]))).toBe(
      'bank balance of h2 would exceed max int64 (9223372036854775816 > 9223372036854775807)',
    );
    expect(c.bank('h1')).toBe(0n);
    expect(c.escrow(1)?.settled).toBe(false);
  });
});

describe('assignedPerSlot: the double fast path equals the bigint formula', () => {
  const exact = (nonce: bigint, slot: number, n: number): bigint => {
    const first = BigInt(slot === 0 ? n : slot);
    return nonce < first ? 0n : 1n + (nonce - first) / BigInt(n);
  };

  it('on random nonces, up to and past 2^53 (property)', () => {
    const near = fc.bigInt({ min: 2n ** 53n - 100_000n, max: 2n ** 53n + 100_000n });
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 2n ** 53n }), near, fc.bigInt({ min: 0n, max: MAX_UINT64 })),
        fc.integer({ min: 1, max: 100_000 }),
        fc.nat(),
        (nonce, n, s) => {
          const slot = s % n;
          expect(assignedPerSlot(nonce, slot, n)).toBe(exact(nonce, slot, n));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('at the edges', () => {
    expect(assignedPerSlot(2n ** 53n - 1n, 1, 3)).toBe(exact(2n ** 53n - 1n, 1, 3));
    expect(assignedPerSlot(2n ** 53n - 1n, 0, 7)).toBe(1n + (2n ** 53n - 1n - 7n) / 7n);
    expect(assignedPerSlot(2n, 3, 4)).toBe(0n);
    expect(assignedPerSlot(3n, 3, 4)).toBe(1n);
    expect(assignedPerSlot(MAX_UINT64, 0, 1)).toBe(MAX_UINT64);
  });
});

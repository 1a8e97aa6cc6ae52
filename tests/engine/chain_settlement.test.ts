/**
 * What the chain versions do around the account settlement and the participant records, with
 * the Go code each rule comes from:
 * - a failed SettleAccounts (keeper/accountsettle.go, module.go): logged, the epoch ends anyway;
 *   v0.2.12+ write nothing (a cache context), v0.2.11 keeps what was written before the failure;
 * - the transfer of an older settle amount that fails (keeper/settle_amount.go
 *   SetSettleAmountWithGovernanceTransfer): ignored before v0.2.12, swallowed from it;
 * - vesting of claimed coins (x/streamvesting AddVestedRewards, ProcessEpochUnlocks);
 * - the automatic participant status (keeper/participant_status.go UpdateParticipantStatus).
 */
import type { ChainEvent, RuleName } from '../../src/domain/scenario.js';
import { MAX_INT64, MAX_UINT64 } from '../../src/domain/money.js';
import { sealed, vecSet } from '../../src/engine/storage/pvec.js';
import type { TxOutcome } from '../../src/engine/rules/reducers/index.js';
import { exclusionsOf } from '../../src/engine/storage/queries.js';
import type { Decision } from '../../src/engine/trace.js';
import { Chain, escrowParams, ev, GNK, tr } from '../builders.js';

type Ok = Extract<TxOutcome, { ok: true }>;
const kinds = <K extends Decision['kind']>(o: Ok, kind: K): Extract<Decision, { kind: K }>[] =>
  o.decisions.filter((d): d is Extract<Decision, { kind: K }> => d.kind === kind);

/** Applies an event that must succeed as a transaction, keeps its state, and returns its outcome (no invariant check). */
function step(c: Chain, event: ChainEvent): Ok {
  const outcome = c.apply(event);
  if (!outcome.ok) throw new Error(`expected ${event.type} to succeed, it failed: ${outcome.error}`);
  c.state = outcome.state;
  return outcome;
}

describe('a failed account settlement', () => {
  // The epoch that crosses the subsidy cap: F = 100, cap 60. h2 is excluded, so governance gets the
  // unscaled (100 − 50) = 50 plus (60 − 30) = 30: 80, while only 60 are minted and the module holds
  // nothing else — the transfer fails (GetBitcoinSettleAmounts, accountsettle.go).
  const story = (rules: RuleName): Chain =>
    new Chain({ accounts: { alice: 1000n }, participants: { h1: 1n, h2: 1n }, params: { epochReward: 100n, standardRewardAmount: 60n } }, rules).run(
      ev.start(),
      ev.exclude('h2'),
    );

  test('v0.2.12: nothing of it is written, the epoch ends, and the step reports the chain\'s error', () => {
    const c = story('v0.2.12');
    const before = c.state;
    const outcome = step(c, ev.end());
    expect(outcome.transfers).toEqual([]);
    // the moves the failed settlement made (the mint) are not counted either
    expect(outcome.moves).toBe(0);
    expect(outcome.result).toBe('Unable to settle accounts: spendable balance 60ngonka is smaller than 80ngonka: insufficient funds');
    expect(kinds(outcome, 'settlement_failed')).toEqual([
      {
        kind: 'settlement_failed',
        epoch: 1,
        mode: 'atomic',
        error: 'spendable balance 60ngonka is smaller than 80ngonka: insufficient funds',
        stage: 'governance_remainder',
        minted: 0n,
      },
    ]);
    expect(kinds(outcome, 'divergence')).toEqual([]);
    expect(c.state.minted).toBe(0n);
    expect(c.state.balances).toBe(before.balances);
    expect(c.state.summaries).toBe(before.summaries);
    expect(c.state.epochEnded).toBe(true);
    // the next epoch starts, the cap is still unreached, and the same story fails the same way
    step(c, ev.start());
    step(c, ev.exclude('h2'));
    expect(step(c, ev.end()).result).toBe('Unable to settle accounts: spendable balance 60ngonka is smaller than 80ngonka: insufficient funds');
  });

  test('v0.2.11: no cache context — the mint stays, distributed to no one (settlement_partial), the ledgers are not reset', () => {
    const c = story('v0.2.11');
    const outcome = step(c, ev.end());
    expect(outcome.transfers).toEqual([tr('(mint)', 'inference', 60n, 'reward_distribution')]);
    expect(outcome.moves).toBe(1);
    expect(kinds(outcome, 'settlement_failed')[0]).toMatchObject({ mode: 'partial', stage: 'governance_remainder', minted: 60n });
    expect(kinds(outcome, 'divergence').map((d) => [d.id, d.amount])).toEqual([['settlement_partial', 60n]]);
    expect(c.state.minted).toBe(60n);
    expect(c.settleOf('h1')).toBeNull();
    expect(c.state.epochEnded).toBe(true);
  });

  test('deferred fails end_epoch as a transaction instead; a chain version ends the epoch (here: a bound of this model)', () => {
    const params = { epochReward: MAX_INT64, standardRewardAmount: MAX_UINT64 };
    const c = new Chain({ participants: { h1: 1n }, params }, 'deferred').run(ev.start());
    // the mint of MaxInt64 passes; the next epoch's would take the module past MaxInt64
    c.run(ev.end(), ev.start());
    expect(c.fail(ev.end())).toBe(`bank balance of inference would exceed max int64 (${2n * MAX_INT64} > ${MAX_INT64})`);
    const v = new Chain({ participants: { h1: 1n }, params }, 'v0.2.12').run(ev.start());
    step(v, ev.end());
    step(v, ev.start());
    expect(step(v, ev.end()).result).toBe(`Unable to settle accounts: bank balance of inference would exceed max int64 (${2n * MAX_INT64} > ${MAX_INT64})`);
  });
});

describe('an older settle amount the module cannot send to governance', () => {
  // h1 holds an unclaimed epoch-1 settle amount of 100. Before epoch 2 ends the module is drained
  // by editing the state (a shortfall other rules make, e.g. a debt written off); epoch 2 mints
  // 100, sends the excluded h2's 50 to governance, and has 50 left for h1's older 100.
  const story = (rules: RuleName): Chain => {
    const c = new Chain({ participants: { h1: 1n, h2: 1n }, params: { epochReward: 100n } }, rules).run(ev.start(['h1']), ev.end(), ev.start(), ev.exclude('h2'));
    c.state = { ...c.state, balances: sealed(vecSet(c.state.balances, 0, 0n)) };
    return c;
  };

  test('v0.2.12: swallowed — the new amount overwrites the old one, whose 100 stay with no owner (expired_claim_unsent)', () => {
    const c = story('v0.2.12');
    const outcome = step(c, ev.end());
    expect(kinds(outcome, 'expired_claim_failed')).toEqual([
      { kind: 'expired_claim_failed', name: 'h1', amount: 100n, error: 'spendable balance 50ngonka is smaller than 100ngonka: insufficient funds', outcome: 'overwritten' },
    ]);
    expect(kinds(outcome, 'divergence').map((d) => [d.id, d.amount])).toEqual([['expired_claim_unsent', 100n]]);
    expect(c.settleOf('h1')).toEqual({ epoch: 2, workCoins: 0n, rewardCoins: 50n });
  });

  test('v0.2.11: ignored — the old amount stays, the new one is not written (settle_amount_lost)', () => {
    const c = story('v0.2.11');
    const outcome = step(c, ev.end());
    expect(kinds(outcome, 'expired_claim_failed')[0]?.outcome).toBe('kept');
    expect(kinds(outcome, 'divergence').map((d) => [d.id, d.amount])).toEqual([['settle_amount_lost', 50n]]);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 100n });
  });

  test('deferred: the transaction fails', () => {
    expect(story('deferred').fail(ev.end())).toBe('spendable balance 50ngonka is smaller than 100ngonka: insufficient funds');
  });
});

describe('vesting of claimed coins (x/streamvesting)', () => {
  const story = (): Chain =>
    new Chain(
      {
        accounts: { alice: 10_000n },
        participants: { h1: 1n },
        params: { epochReward: 1000n, workVestingPeriod: 3n, rewardVestingPeriod: 2n, escrow: escrowParams({ minAmount: 1n }) },
      },
      'v0.2.12',
    ).run(ev.start(), ev.create('alice', 1000n, ['h1']), ev.settle(1n, [{ slot: 0, cost: 100n }]), ev.end(), ev.start());

  test('a claim pays into the vesting module: floor(amount / P) per epoch, the remainder on the first (AddVestedRewards)', () => {
    const c = story();
    const outcome = step(c, ev.claim('h1', 1n));
    expect(outcome.transfers).toEqual([
      tr('inference', 'streamvesting', 100n, 'work_coins:h1_vested'),
      tr('inference', 'streamvesting', 1000n, 'reward_coins:h1_vested'),
    ]);
    // work 100 over 3: 34, 33, 33; reward 1000 over 2: 500, 500; added entry by entry
    expect(c.p('h1').vesting).toEqual([534n, 533n, 33n]);
    expect([c.bank('h1'), c.bank('streamvesting')]).toEqual([0n, 1100n]);
  });

  test('each epoch end sends the first entry to the participant before the accounts are settled', () => {
    const c = story().run(ev.claim('h1', 1n));
    const unlock = step(c, ev.end());
    expect(unlock.transfers[0]).toEqual(tr('streamvesting', 'h1', 534n, 'vesting payment'));
    expect(unlock.transfers[1]).toEqual(tr('(mint)', 'inference', 1000n, 'reward_distribution'));
    expect(c.p('h1').vesting).toEqual([533n, 33n]);
    step(c, ev.start());
    step(c, ev.end());
    step(c, ev.start());
    step(c, ev.end());
    expect(c.p('h1').vesting).toEqual([]);
    expect([c.bank('h1'), c.bank('streamvesting')]).toEqual([1100n, 0n]);
  });

  test('a period of 0 (the chain default) pays liquid, and the scenario has no vesting account', () => {
    const c = new Chain({ participants: { h1: 1n }, params: { epochReward: 1000n } }, 'v0.2.12').run(ev.start(), ev.end(), ev.start());
    expect(step(c, ev.claim('h1', 1n)).transfers).toEqual([tr('inference', 'h1', 1000n, 'reward_coins:h1')]);
    expect(c.world.accounts).not.toContain('streamvesting');
  });
});

describe('the automatic participant status (chain versions)', () => {
  const expired = (executor: string): ChainEvent => ev.inference('dev', executor, 1n, 1n, { price: 1n, maxTokens: 1n, outcome: 'expired' });
  const spec = { accounts: { dev: GNK }, participants: { h1: 100n, h2: 100n }, params: { epochReward: 1000n } };

  test('downtime SPRT: from LLR 0 the 6th miss in a row makes a host INACTIVE, with an exclusion record (defaults: 0.2 / 0.1, H = 4)', () => {
    const c = new Chain(spec, 'v0.2.12').run(ev.start());
    for (let i = 0; i < 5; i++) step(c, expired('h2'));
    expect(c.p('h2').status).toBe('ACTIVE');
    // 5 × ln(2) = 3.465735902800 < 4; 6 × ln(2) = 4.158883083360 ≥ 4 (status_test.go TestDowntimeTriggersInactive)
    expect(c.p('h2').inactiveLLR).toBe(3_465_735_902_800n);
    const sixth = step(c, expired('h2'));
    expect(kinds(sixth, 'status_change')).toEqual([
      {
        kind: 'status_change',
        name: 'h2',
        from: 'ACTIVE',
        to: 'INACTIVE',
        reason: 'downtime',
        epoch: 1,
        invalidLLR: 0n,
        inactiveLLR: 4_158_883_083_360n,
        consecutiveInvalidInferences: 0,
      },
    ]);
    expect(exclusionsOf(c.state, 1)).toEqual(['h2']);
    const end = step(c, ev.end());
    expect(c.settleOf('h2')).toBeNull();
    // INACTIVE (and, with 6 misses of 6, also failing the downtime test): no reward, no work coins
    expect(kinds(end, 'member_settled').find((m) => m.name === 'h2')).toMatchObject({ reward: 0n, work: 0n });
    // the epoch's SPRT ratios start over at the settlement, the status at the next epoch's start
    expect(c.p('h2').inactiveLLR).toBe(0n);
    step(c, ev.start());
    expect(c.p('h2').status).toBe('ACTIVE');
  });

  test('off under deferred, and on under deferred with auto_status: chain', () => {
    const v1 = new Chain(spec, 'deferred').run(ev.start());
    for (let i = 0; i < 10; i++) step(v1, expired('h2'));
    expect(v1.p('h2').status).toBe('ACTIVE');
    const on = new Chain({ ...spec, params: { ...spec.params, autoStatus: 'chain' } }, 'deferred').run(ev.start());
    for (let i = 0; i < 6; i++) step(on, expired('h2'));
    expect(on.p('h2').status).toBe('INACTIVE');
  });

  test('invalidations count in a row; a passed validation resets the count', () => {
    const c = new Chain({ accounts: { dev: GNK }, participants: { h1: 100n, h2: 100n, h3: 100n }, params: { epochReward: 0n } }, 'newest').run(ev.start());
    step(c, ev.inference('dev', 'h1', 1n, 1n, { id: 'a', price: 1n }));
    step(c, ev.inference('dev', 'h1', 1n, 1n, { id: 'b', price: 1n }));
    step(c, ev.invalidate('a'));
    expect(c.p('h1').consecutiveInvalidInferences).toBe(1);
    step(c, ev.validate('b', 'h2'));
    expect(c.p('h1').consecutiveInvalidInferences).toBe(0);
  });
});

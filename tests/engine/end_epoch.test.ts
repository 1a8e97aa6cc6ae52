/**
 * end_epoch (format sections 3.2 and 6a): the reward pool and its cap, the weight share,
 * work coins and summaries, forfeits, replaced and swept settle amounts, and the transfer order.
 */
import { DEFAULT_PARAMS } from '../../src/domain/scenario.js';
import { endedEpochs } from '../../src/engine/storage/queries.js';
import { MAX_INT64 } from '../../src/domain/money.js';
import { decayedEpochReward, epochRewardPool, epochsSinceGenesis, fixedEpochReward } from '../../src/engine/rules/reward.js';
import { Chain, escrowParams, ev, expectSkippedInReplay, GNK, hosts, tr } from '../builders.js';

describe('reward pool: the chain formula', () => {
  test('decayedEpochReward is exact: k = 0, 1, 2, 100, 1000', () => {
    const initial = 285_000_000_000_000n;
    expect(decayedEpochReward(initial, 1n, 1n)).toBe(285_000_000_000_000n);
    expect(decayedEpochReward(initial, 1n, 2n)).toBe(284_864_657_146_472n);
    expect(decayedEpochReward(initial, 1n, 3n)).toBe(284_729_378_565_534n);
    expect(decayedEpochReward(initial, 1n, 101n)).toBe(271_778_984_842_800n);
    expect(decayedEpochReward(initial, 1n, 1001n)).toBe(177_237_241_092_541n);
    // k counts from genesis_epoch
    expect(decayedEpochReward(initial, 5n, 105n)).toBe(271_778_984_842_800n);
    expect(decayedEpochReward(1_000n, 1n, 2n)).toBe(999n);
  });

  // keeper/bitcoin_rewards_test.go TestFixedEpochRewardPrecise (identical at v0.2.11 bd1fd508,
  // v0.2.12 d8b8e907, 8a35022b): initial 285 000 000 000 000, decay rate -0.000475.
  test.each([
    [0n, 285_000_000_000_000n],
    [100n, 271_778_984_842_800n],
    [500n, 224_750_113_929_613n],
    [1000n, 177_237_241_092_541n],
    [1460n, 142_449_732_098_072n],
    [2920n, 71_199_740_964_254n],
    [5000n, 26_509_129_425_046n],
    [10000n, 2_465_733_132_890n],
  ])('TestFixedEpochRewardPrecise: %d epochs since genesis → %d', (n, expected) => {
    expect(fixedEpochReward(n, 285_000_000_000_000n, '-0.000475')).toEqual({ amount: expected });
  });

  test('CalculateFixedEpochReward: an initial reward of 0, n = 0, and n ≥ MaxInt32 (the caller then uses 0)', () => {
    expect(fixedEpochReward(5n, 0n, '-0.000475')).toEqual({ amount: 0n });
    expect(fixedEpochReward(0n, 7n, '-0.000001')).toEqual({ amount: 7n });
    expect(fixedEpochReward(2_147_483_646n, 1n, '0')).toEqual({ amount: 1n });
    expect(fixedEpochReward(2_147_483_647n, 1n, '0')).toEqual({ amount: 0n, error: 'exponent overflow: 2147483647' });
  });

  test('the other decay rates GetExponent knows: e^-0.000001 = 0.9999990000005, e^0 = 1', () => {
    // bitcoin_integration_test.go: 100 000 at -0.000001 decays (n = 10 below n = 0, n = 100 below n = 10)
    expect(fixedEpochReward(10n, 100_000n, '-0.000001').amount).toBe(99_999n);
    expect(fixedEpochReward(1n, 1_000_000_000n, '-0.000001').amount).toBe(999_999_000n);
    expect(fixedEpochReward(1000n, 285_000_000_000_000n, '0').amount).toBe(285_000_000_000_000n);
  });

  test('before genesis_epoch the uint64 subtraction wraps: "exponent overflow", no pool', () => {
    expect(epochsSinceGenesis(3n, 5n)).toBe(2n ** 64n - 2n);
    expect(epochsSinceGenesis(5n, 5n)).toBe(0n);
    expect(decayedEpochReward(285_000_000_000_000n, 5n, 3n)).toBe(0n);
    expect(epochRewardPool({ ...DEFAULT_PARAMS, genesisEpoch: 5n }, 3, 0n)).toEqual({
      pool: 0n,
      uncapped: 0n,
      source: 'formula',
      error: 'exponent overflow: 18446744073709551614',
    });
    expect(epochRewardPool({ ...DEFAULT_PARAMS, genesisEpoch: 5n }, 5, 0n).pool).toBe(285_000_000_000_000n);
  });

  test('end_epoch before genesis_epoch mints nothing and records the chain\'s error', () => {
    const c = new Chain({ participants: hosts(2), params: { genesisEpoch: 3n } }).run(ev.start());
    const outcome = c.apply(ev.end());
    if (!outcome.ok) throw new Error(outcome.error);
    expect(outcome.transfers).toEqual([]);
    expect(outcome.decisions.find((d) => d.kind === 'reward_pool')).toMatchObject({ pool: 0n, error: 'exponent overflow: 18446744073709551614' });
    c.ok(ev.end());
    expect(c.settleOf('h1')).toBeNull();
  });

  test('epochRewardPool: formula or epoch_reward, never past standard_reward_amount', () => {
    expect(epochRewardPool(DEFAULT_PARAMS, 1, 0n)).toEqual({ pool: 285_000_000_000_000n, uncapped: 285_000_000_000_000n, source: 'formula' });
    expect(epochRewardPool(DEFAULT_PARAMS, 101, 0n).pool).toBe(271_778_984_842_800n);
    expect(epochRewardPool({ ...DEFAULT_PARAMS, epochReward: 100n }, 101, 0n)).toEqual({ pool: 100n, uncapped: 100n, source: 'param' });
    const capped = { ...DEFAULT_PARAMS, epochReward: 100n, standardRewardAmount: 250n };
    expect(epochRewardPool(capped, 1, 0n).pool).toBe(100n);
    expect(epochRewardPool(capped, 3, 200n)).toEqual({ pool: 50n, uncapped: 100n, source: 'param' });
    expect(epochRewardPool(capped, 4, 250n).pool).toBe(0n);
    expect(epochRewardPool({ ...DEFAULT_PARAMS, standardRewardAmount: 285_000_000_000_010n }, 2, 285_000_000_000_000n).pool).toBe(10n);
  });

  test('with no epoch_reward, epoch 1 mints 285 000 000 000 000 and epoch 101 mints 271 778 984 842 800', () => {
    const c = new Chain({ participants: hosts(2) }).run(ev.start());
    const first = c.ok(ev.end());
    expect(first.transfers).toEqual([tr('(mint)', 'inference', 285_000_000_000_000n, 'reward_distribution')]);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 142_500_000_000_000n });
    for (let n = 2; n <= 100; n++) c.run(ev.start([]), ev.end());
    c.ok(ev.start());
    const last = c.ok(ev.end());
    expect(c.state.effectiveEpoch).toBe(101);
    expect(last.transfers).toEqual([tr('(mint)', 'inference', 271_778_984_842_800n, 'reward_distribution')]);
    expect(c.settleOf('h2')).toEqual({ epoch: 101, workCoins: 0n, rewardCoins: 135_889_492_421_400n });
  });
});

describe('end_epoch: rewards', () => {
  test('three equal weights share 100 ngonka: 33 each, 1 to governance', () => {
    const c = new Chain({ params: { epochReward: 100n }, participants: hosts(3) }).run(ev.start());
    const { transfers, result } = c.ok(ev.end());
    expect(result).toBeUndefined();
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 1n, 'bitcoin_reward_to_governance:epoch=1'),
    ]);
    for (const h of ['h1', 'h2', 'h3']) {
      expect(c.settleOf(h)).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 33n });
      expect(c.summary(1, h)).toEqual({ earnedCoins: 0n, rewardedCoins: 33n, inferenceCount: 0, missedRequests: 0, invalidatedInferences: 0, claimed: false });
    }
    expect(c.state.minted).toBe(100n);
    expect(c.bank('inference')).toBe(99n);
    expect(c.bank('gov')).toBe(1n);
    expect(c.state.epochEnded).toBe(true);
    expect(endedEpochs(c.state)).toEqual([1]);
    expect(c.state.effectiveEpoch).toBe(1);
  });

  test('unequal weights: floor(weight × F / W)', () => {
    const c = new Chain({ params: { epochReward: 100n }, participants: { h1: 1n, h2: 2n, h3: 3n } }).run(ev.start());
    const { transfers } = c.ok(ev.end());
    expect(transfers[1]).toEqual(tr('inference', 'gov', 1n, 'bitcoin_reward_to_governance:epoch=1'));
    expect([c.settleOf('h1')?.rewardCoins, c.settleOf('h2')?.rewardCoins, c.settleOf('h3')?.rewardCoins]).toEqual([16n, 33n, 50n]);
  });

  test('W counts every member, whatever its status; non-ACTIVE and punished members get 0', () => {
    const c = new Chain({ params: { epochReward: 100n }, participants: hosts(4) }).run(ev.start(), ev.exclude('h3', 'inactive'));
    const { transfers } = c.ok(ev.end(['h4']));
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 50n, 'bitcoin_reward_to_governance:epoch=1'),
    ]);
    expect(c.settleOf('h1')?.rewardCoins).toBe(25n);
    expect(c.settleOf('h3')).toBeNull();
    expect(c.settleOf('h4')).toBeNull();
    expect(c.summary(1, 'h3')?.rewardedCoins).toBe(0n);
    expect(c.summary(1, 'h4')?.rewardedCoins).toBe(0n);
  });

  test('non-members get no reward, no summary and keep their ledger', () => {
    const c = new Chain({ params: { epochReward: 100n }, participants: hosts(3) }).run(ev.start(['h1', 'h2']), ev.end());
    expect(c.settleOf('h1')?.rewardCoins).toBe(50n);
    expect(c.settleOf('h3')).toBeNull();
    expect(c.summary(1, 'h3')).toBeUndefined();
  });

  test('total weight 0 or an empty set: the whole pool goes to governance', () => {
    const c = new Chain({ params: { epochReward: 100n }, participants: { h1: 0n, h2: 0n } }).run(ev.start());
    expect(c.ok(ev.end()).transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 100n, 'bitcoin_reward_to_governance:epoch=1'),
    ]);
    expect(c.settleOf('h1')).toBeNull();
    const d = new Chain({ params: { epochReward: 100n }, participants: hosts(2) }).run(ev.start([]));
    expect(d.ok(ev.end()).transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 100n, 'bitcoin_reward_to_governance:epoch=1'),
    ]);
  });

  test('epoch_reward 0 mints nothing and moves nothing', () => {
    const c = new Chain({ params: { epochReward: 0n }, participants: hosts(2) }).run(ev.start());
    expect(c.ok(ev.end()).transfers).toEqual([]);
    expect(c.summary(1, 'h1')?.rewardedCoins).toBe(0n);
  });

  test('the lifetime cap limits the pool, rewards in the crossing epoch come from the capped pool, then nothing', () => {
    const c = new Chain({ params: { epochReward: 100n, standardRewardAmount: 250n }, participants: hosts(3) });
    c.run(ev.start(), ev.end(), ev.start(), ev.end(), ev.start());
    expect(c.state.minted).toBe(200n);
    const crossing = c.ok(ev.end());
    expect(crossing.transfers).toEqual([
      tr('(mint)', 'inference', 50n, 'reward_distribution'),
      tr('inference', 'gov', 2n, 'bitcoin_reward_to_governance:epoch=3'),
      tr('inference', 'gov', 33n, 'expired claim:h1'),
      tr('inference', 'gov', 33n, 'expired claim:h2'),
      tr('inference', 'gov', 33n, 'expired claim:h3'),
    ]);
    expect(c.settleOf('h1')).toEqual({ epoch: 3, workCoins: 0n, rewardCoins: 16n });
    expect(c.state.minted).toBe(250n);
    c.run(ev.start());
    c.run(ev.claim('h1', 3n), ev.claim('h2', 3n), ev.claim('h3', 3n));
    const after = c.ok(ev.end());
    expect(after.transfers).toEqual([]);
    expect(c.state.minted).toBe(250n);
    expect(c.summary(4, 'h1')?.rewardedCoins).toBe(0n);
  });

  test('the lifetime cap also limits the chain formula', () => {
    const c = new Chain({ params: { standardRewardAmount: 285_000_000_000_010n }, participants: hosts(2) });
    c.run(ev.start(), ev.end(), ev.start());
    expect(c.ok(ev.end()).transfers.slice(0, 1)).toEqual([tr('(mint)', 'inference', 10n, 'reward_distribution')]);
    expect(c.settleOf('h1')).toEqual({ epoch: 2, workCoins: 0n, rewardCoins: 5n });
  });
});

describe('end_epoch: work coins and summaries', () => {
  const spec = { params: { epochReward: 100n }, participants: hosts(3) };

  test('coin_balance becomes work coins; the summary takes the epoch counters; the ledger is reset', () => {
    const c = new Chain(spec).run(
      ev.start(),
      ev.inference('alice', 'h1', 0n, 3n, { price: 1n }),
      ev.inference('alice', 'h1', 0n, 4n, { price: 1n }),
      ev.inference('alice', 'h1', 0n, 4n, { price: 1n, outcome: 'expired' }),
    );
    c.ok(ev.end());
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 7n, rewardCoins: 33n });
    expect(c.summary(1, 'h1')).toEqual({ earnedCoins: 7n, rewardedCoins: 33n, inferenceCount: 2, missedRequests: 1, invalidatedInferences: 0, claimed: false });
    expect(c.p('h1')).toMatchObject({ coinBalance: 0n, earnedCoins: 0n, inferenceCount: 0, missedRequests: 0, invalidatedInferences: 0 });
    expect(c.bank('inference')).toBe(7n + 99n);
  });

  test('a punished member gets reward 0 but keeps its work coins', () => {
    const c = new Chain(spec).run(ev.start(), ev.inference('alice', 'h2', 0n, 9n, { price: 1n }));
    const { transfers } = c.ok(ev.end(['h2']));
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 34n, 'bitcoin_reward_to_governance:epoch=1'),
    ]);
    expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 9n, rewardCoins: 0n });
    expect(c.summary(1, 'h2')).toMatchObject({ earnedCoins: 9n, rewardedCoins: 0n });
    c.ok(ev.start());
    expect(c.ok(ev.claim('h2', 1n)).transfers).toEqual([tr('inference', 'h2', 9n, 'work_coins:h2')]);
  });

  test('a non-ACTIVE member forfeits its positive coin_balance to governance; summary earned 0; no settle amount', () => {
    const c = new Chain(spec).run(ev.start(), ev.inference('alice', 'h2', 0n, 9n, { price: 1n }), ev.exclude('h2', 'inactive'));
    const { transfers } = c.ok(ev.end());
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 34n, 'bitcoin_reward_to_governance:epoch=1'),
      tr('inference', 'gov', 9n, 'forfeited_work_coins_to_governance:epoch=1'),
    ]);
    expect(c.summary(1, 'h2')).toEqual({ earnedCoins: 0n, rewardedCoins: 0n, inferenceCount: 1, missedRequests: 0, invalidatedInferences: 0, claimed: false });
    expect(c.settleOf('h2')).toBeNull();
    expect(c.p('h2').coinBalance).toBe(0n);
  });

  test('an older unclaimed settle amount expires to governance when a new one replaces it', () => {
    const c = new Chain(spec).run(ev.start(), ev.end(), ev.start());
    const { transfers } = c.ok(ev.end());
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 1n, 'bitcoin_reward_to_governance:epoch=2'),
      tr('inference', 'gov', 33n, 'expired claim:h1'),
      tr('inference', 'gov', 33n, 'expired claim:h2'),
      tr('inference', 'gov', 33n, 'expired claim:h3'),
    ]);
    expect(c.settleOf('h1')).toEqual({ epoch: 2, workCoins: 0n, rewardCoins: 33n });
    expect(c.summary(1, 'h1')?.claimed).toBe(false);
  });

  test('a member with nothing this epoch keeps its older settle amount (no replacement)', () => {
    const c = new Chain(spec).run(ev.start(), ev.end(), ev.start());
    const { transfers } = c.ok(ev.end(['h1', 'h2', 'h3']));
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 100n, 'bitcoin_reward_to_governance:epoch=2'),
    ]);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 33n });
  });

  test('settle amounts older than N − 1 are swept to governance', () => {
    const c = new Chain(spec).run(ev.start(), ev.end(), ev.start(['h1']), ev.end(), ev.start(['h1']));
    expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 33n });
    const { transfers } = c.ok(ev.end());
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 100n, 'reward_distribution'),
      tr('inference', 'gov', 100n, 'expired claim:h1'),
      tr('inference', 'gov', 33n, 'expired:h2'),
      tr('inference', 'gov', 33n, 'expired:h3'),
    ]);
    expect(c.settleOf('h2')).toBeNull();
    expect(c.settleOf('h3')).toBeNull();
    expect(c.settleOf('h1')).toEqual({ epoch: 3, workCoins: 0n, rewardCoins: 100n });
  });

  test('transfer order: mint, governance remainder, forfeits, expired claims, sweeps (each in list order)', () => {
    const c = new Chain({ params: { epochReward: 600n }, accounts: { alice: GNK }, participants: hosts(6) });
    c.run(ev.start(), ev.end()); // 100 each for h1…h6, epoch 1
    c.run(ev.start(['h1', 'h2', 'h3', 'h4']), ev.end()); // 150 each for h1…h4 (their epoch-1 amounts expire)
    c.run(
      ev.start(['h1', 'h2', 'h3', 'h4']),
      ev.inference('alice', 'h4', 0n, 40n, { price: 1n }),
      ev.inference('alice', 'h2', 0n, 20n, { price: 1n }),
      ev.inference('alice', 'h1', 0n, 10n, { price: 1n }),
      ev.exclude('h4'),
      ev.exclude('h2', 'inactive'),
    );
    const { transfers } = c.ok(ev.end());
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 600n, 'reward_distribution'),
      tr('inference', 'gov', 300n, 'bitcoin_reward_to_governance:epoch=3'),
      tr('inference', 'gov', 20n, 'forfeited_work_coins_to_governance:epoch=3'),
      tr('inference', 'gov', 40n, 'forfeited_work_coins_to_governance:epoch=3'),
      tr('inference', 'gov', 150n, 'expired claim:h1'),
      tr('inference', 'gov', 150n, 'expired claim:h3'),
      tr('inference', 'gov', 100n, 'expired:h5'),
      tr('inference', 'gov', 100n, 'expired:h6'),
    ]);
    expect(c.settleOf('h1')).toEqual({ epoch: 3, workCoins: 10n, rewardCoins: 150n });
    // h2 and h4 got nothing in epoch 3, so their epoch-2 amounts (N − 1) stay
    expect(c.settleOf('h2')).toEqual({ epoch: 2, workCoins: 0n, rewardCoins: 150n });
    expect(c.settleOf('h4')).toEqual({ epoch: 2, workCoins: 0n, rewardCoins: 150n });
  });
});

describe('end_epoch: errors', () => {
  const spec = { params: { epochReward: 100n }, participants: hosts(3) };

  test('"no epoch to end" at epoch 0', () => {
    expect(new Chain(spec).fail(ev.end())).toBe('no epoch to end');
    expect(new Chain(spec).fail(ev.end(['h1']))).toBe('no epoch to end');
  });

  test('"epoch N already ended"', () => {
    const c = new Chain(spec).run(ev.start(), ev.end());
    expect(c.fail(ev.end())).toBe('epoch 1 already ended');
    c.run(ev.start(), ev.end());
    expect(c.fail(ev.end(['h9']))).toBe('epoch 2 already ended');
  });

  test('"participant X is not in epoch N" when punish names a non-member', () => {
    const c = new Chain(spec).run(ev.start(['h1', 'h3']));
    expect(c.fail(ev.end(['h1', 'h2']))).toBe('participant h2 is not in epoch 1');
    c.ok(ev.end(['h1']));
  });

  test('a mint that would push bank(inference) past MaxInt64 fails the whole event', () => {
    const c = new Chain({
      params: { epochReward: MAX_INT64, standardRewardAmount: 2n * MAX_INT64, escrow: escrowParams({ minAmount: 1n }) },
      participants: hosts(2),
    }).run(ev.start(), ev.create('alice', 7n, ['h1']));
    expect(c.fail(ev.end())).toBe('bank balance of inference would exceed max int64 (9223372036854775814 > 9223372036854775807)');
    expect(c.state.epochEnded).toBe(false);
  });

  test('a failed end leaves the state unchanged and the replay goes on from the old state', () => {
    const error = expectSkippedInReplay(
      { ...spec, items: [ev.start(['h1']), ev.end(['h2']), ev.end(), ev.start()] },
      2,
    );
    expect(error).toBe('participant h2 is not in epoch 1');
  });
});

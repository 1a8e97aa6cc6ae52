/**
 * The reward math of end_epoch (domain rules 2.10 steps 1–4): the decaying pool, power capping,
 * the downtime test, debt netting and the lifetime subsidy cap — under the v1 rulesets (no
 * capping, the capped pool, debt carried) and under the chain's reward math. Where the chain's
 * tests give numbers (bitcoin_rewards_test.go, bitcoin_rewards_cap_test.go, stats tests), they
 * are reproduced.
 */
import type { ChainEvent, Params } from '../../src/domain/scenario.js';
import { recount, surplusOf } from '../../src/engine/replay/invariants.js';
import { decayedEpochReward } from '../../src/engine/rules/reward.js';
import {
  CHAIN_REWARD_MATH,
  V1_REWARD_MATH,
  criticalMisses,
  exactDowntimeTest,
  epochRewards,
  powerCap,
  rewardMathOf,
  type MemberInput,
} from '../../src/engine/rules/rewardMath.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import type { Ruleset } from '../../src/engine/rules/ruleset.js';
import type { Decision } from '../../src/engine/trace.js';
import { Chain, ev, GNK, tr } from '../builders.js';
import { DEFAULT_PARAMS } from '../../src/domain/scenario.js';

const chainRules: Ruleset = { ...RULESETS.deferred, rewardMath: CHAIN_REWARD_MATH };
const kinds = <K extends Decision['kind']>(ds: readonly Decision[], kind: K): Extract<Decision, { kind: K }>[] =>
  ds.filter((d): d is Extract<Decision, { kind: K }> => d.kind === kind);

/** Applies an event that must succeed and keeps its state, whatever the surplus (chain reward math leaks). */
function loose(c: Chain, event: ChainEvent): { transfers: readonly { from: string; to: string; amount: bigint; memo: string }[]; decisions: readonly Decision[] } {
  const outcome = c.apply(event);
  if (!outcome.ok) throw new Error(`${event.type} failed: ${outcome.error}`);
  c.state = outcome.state;
  return outcome;
}

const member = (name: string, weight: bigint, over: Partial<MemberInput> = {}): MemberInput => ({
  name,
  weight,
  active: true,
  punished: false,
  coinBalance: 0n,
  inferenceCount: 0,
  missedRequests: 0,
  ...over,
});

describe('the epoch pool: floor(285 000 gonka × 0.9995251127946402^(N − 1)), exact', () => {
  test('epoch 10 and epoch 100', () => {
    expect(decayedEpochReward(285_000_000_000_000n, 1n, 10n)).toBe(283_784_225_569_431n);
    expect(decayedEpochReward(285_000_000_000_000n, 1n, 100n)).toBe(271_908_110_525_522n);
  });

  test('end_epoch mints exactly that at epochs 10 and 100', () => {
    const c = new Chain({ participants: { p1: 1000n, p2: 2000n, p3: 1000n } });
    const minted: bigint[] = [];
    for (let n = 1; n <= 100; n++) {
      c.ok(ev.start());
      const { transfers } = c.ok(ev.end());
      minted.push(transfers.find((t) => t.memo === 'reward_distribution')?.amount ?? 0n);
    }
    expect(minted[9]).toBe(283_784_225_569_431n);
    expect(minted[99]).toBe(271_908_110_525_522n);
  });
});

describe('power capping', () => {
  test('the chain test weights 1000/2000/1000: three members, 40%, the 2000 is capped at floor(0.4 × 2000 / 0.6) = 1333', () => {
    const cap = powerCap([1000n, 2000n, 1000n]);
    // sorted 1000, 1000, 2000: the 2000 (input position 1) is above 40% of (2000 below + 2000 × 1)
    expect(cap).toEqual({ members: 3, share: { num: 2n, den: 5n }, cap: 1333n, weights: [1000n, 1333n, 1000n], found: { index: 1, weight: 2000n, below: 2000n, rest: 1, selfCap: false } });
  });

  test('examples of bitcoin_rewards_cap_test.go (30% for four or more)', () => {
    expect(powerCap([100n, 200n, 300n, 400n]).weights).toEqual([100n, 200n, 225n, 225n]);
    expect(powerCap([10n, 10n, 10n, 970n]).weights).toEqual([10n, 10n, 10n, 12n]);
    expect(powerCap([...Array(9).fill(10n), 900n]).cap).toBe(38n);
    expect(powerCap([100n, 100n, 100n, 100n]).cap).toBeUndefined();
    expect(powerCap([1_000_000n, 2_000_000n, 3_000_000n, 4_000_000n]).weights).toEqual([1_000_000n, 2_000_000n, 2_250_000n, 2_250_000n]);
  });

  test('small networks: one member is never capped; two: 50%, the larger is capped at the smaller (item 30); three: 40%', () => {
    expect(powerCap([1000n]).cap).toBeUndefined();
    expect(powerCap([600n, 400n])).toMatchObject({ share: { num: 1n, den: 2n }, cap: 400n, weights: [400n, 400n] });
    expect(powerCap([500n, 500n]).cap).toBeUndefined();
    expect(powerCap([50n, 50n, 900n])).toMatchObject({ share: { num: 2n, den: 5n }, cap: 66n, weights: [50n, 50n, 66n] });
    expect(powerCap([700n, 200n, 100n]).weights).toEqual([200n, 200n, 100n]);
  });

  test('zero weights do not count as members (the newest chain code)', () => {
    expect(powerCap([0n, 600n, 400n, 0n])).toMatchObject({ members: 2, cap: 400n, weights: [0n, 400n, 400n, 0n] });
    expect(powerCap([0n, 0n, 900n]).cap).toBeUndefined();
  });

  test('at epoch 100 under the chain reward math: rewards from the capped weights over the FULL weight 4000; the cut goes to governance', () => {
    const r = epochRewards(DEFAULT_PARAMS, CHAIN_REWARD_MATH, 100, 0n, [member('p1', 1000n), member('p2', 2000n), member('p3', 1000n)], false);
    expect(r.minted).toBe(271_908_110_525_522n);
    expect(r.totalWeight).toBe(4000n);
    expect(r.rewards).toEqual([67_977_027_631_380n, 90_613_377_832_630n, 67_977_027_631_380n]);
    expect(r.toGovernance).toBe(45_340_677_430_132n);
    expect(r.minted - r.distributed).toBe(r.toGovernance);
    expect(kinds(r.decisions, 'power_cap')).toEqual([
      {
        kind: 'power_cap',
        epoch: 100,
        sharePercent: 40,
        members: 3,
        cap: 1333n,
        search: { name: 'p2', weight: 2000n, below: 2000n, rest: 1, selfCap: false },
        capped: [{ name: 'p2', weight: 2000n, capped: 1333n }],
      },
    ]);
  });

  test('the same through end_epoch: the chain ruleset caps, deferred does not unless params.power_capping is chain', () => {
    const spec = { participants: { p1: 1000n, p2: 2000n, p3: 1000n }, params: { epochReward: 4000n } };
    const capped = new Chain(spec, chainRules).run(ev.start());
    expect(capped.ok(ev.end()).transfers).toEqual([
      tr('(mint)', 'inference', 4000n, 'reward_distribution'),
      tr('inference', 'gov', 667n, 'bitcoin_reward_to_governance:epoch=1'),
    ]);
    expect(capped.settleOf('p2')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 1333n });
    const v1 = new Chain(spec).run(ev.start(), ev.end());
    expect(v1.settleOf('p2')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 2000n });
    expect(v1.bank('gov')).toBe(0n);
    const opted = new Chain({ ...spec, params: { ...spec.params, powerCapping: 'chain' } }).run(ev.start(), ev.end());
    expect(opted.settleOf('p2')?.rewardCoins).toBe(1333n);
    const off = new Chain({ ...spec, params: { ...spec.params, powerCapping: 'off' } }, chainRules).run(ev.start(), ev.end());
    expect(off.settleOf('p2')?.rewardCoins).toBe(2000n);
  });

  test('a non-ACTIVE member is not capped and not rewarded, but its weight stays in W', () => {
    const r = epochRewards({ ...DEFAULT_PARAMS, epochReward: 5000n }, CHAIN_REWARD_MATH, 1, 0n, [member('a', 1000n), member('b', 3000n), member('x', 1000n, { active: false })], false);
    // two ACTIVE members: 50%, b capped at 1000; W = 5000
    expect(r.rewards).toEqual([1000n, 1000n, 0n]);
    expect(r.noReward).toEqual([undefined, undefined, 'not_active']);
    expect(r.toGovernance).toBe(3000n);
  });

  test('rewardMathOf: the ruleset decides, params.power_capping overrides capping only', () => {
    expect(rewardMathOf(RULESETS.deferred, DEFAULT_PARAMS)).toEqual(V1_REWARD_MATH);
    expect(rewardMathOf(chainRules, DEFAULT_PARAMS)).toEqual(CHAIN_REWARD_MATH);
    expect(rewardMathOf(RULESETS.immediate, { ...DEFAULT_PARAMS, powerCapping: 'chain' })).toEqual({ ...V1_REWARD_MATH, powerCapping: true });
  });
});

describe('debt: a negative coin_balance netted against the reward', () => {
  // h1 (weight 1000) executes an inference of cost 200 that v (weight 0) validates, then it is
  // invalidated: h1 owes 100 (coin_balance −100), v keeps its share of 100.
  const withDebt = (params: Partial<Params>, rules: Ruleset | 'deferred'): Chain =>
    new Chain({ accounts: { dev: GNK }, participants: { h1: 1000n, v: 0n }, params }, rules).run(
      ev.start(),
      ev.inference('dev', 'h1', 100n, 100n, { id: 'a', price: 1n, maxTokens: 100n }),
      ev.validate('a', 'v'),
      ev.invalidate('a'),
    );

  test('the chain: debt 100 recovered from the reward goes to governance; the validator share stays owed (−100)', () => {
    const c = withDebt({ epochReward: 1000n * GNK }, chainRules);
    expect([c.p('h1').coinBalance, c.p('v').coinBalance]).toEqual([-100n, 100n]);
    const { transfers, decisions } = loose(c, ev.end());
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 1000n * GNK, 'reward_distribution'),
      tr('inference', 'gov', 100n, 'bitcoin_reward_to_governance:epoch=1'),
    ]);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 1000n * GNK - 100n });
    expect(c.settleOf('v')).toEqual({ epoch: 1, workCoins: 100n, rewardCoins: 0n });
    expect(c.p('h1').coinBalance).toBe(0n);
    expect(kinds(decisions, 'debt')).toEqual([{ kind: 'debt', name: 'h1', debt: 100n, reward: 1000n * GNK, recovered: 100n, mode: 'chain', remaining: 0n }]);
    expect(kinds(decisions, 'divergence').map((d) => [d.id, d.amount])).toEqual([['debt_written_off', -100n]]);
    expect(surplusOf(recount(c.state, c.world))).toBe(-100n);
  });

  test('the chain: a debt larger than the reward leaves no settle amount and is forgiven', () => {
    const c = withDebt({ epochReward: 60n }, chainRules);
    const { transfers, decisions } = loose(c, ev.end());
    expect(transfers).toEqual([tr('(mint)', 'inference', 60n, 'reward_distribution'), tr('inference', 'gov', 60n, 'bitcoin_reward_to_governance:epoch=1')]);
    expect(c.settleOf('h1')).toBeNull();
    expect(c.summary(1, 'h1')).toMatchObject({ earnedCoins: 0n, rewardedCoins: 0n });
    expect(c.p('h1').coinBalance).toBe(0n);
    expect(kinds(decisions, 'debt')).toEqual([{ kind: 'debt', name: 'h1', debt: 100n, reward: 60n, recovered: 60n, mode: 'chain', remaining: 40n }]);
    expect(surplusOf(recount(c.state, c.world))).toBe(-100n);
  });

  test('deferred (debt carried): the recovered 100 stays in the module and pays the validator; nothing is lost', () => {
    const c = withDebt({ epochReward: 1000n * GNK }, 'deferred');
    const { transfers } = c.ok(ev.end());
    expect(transfers).toEqual([tr('(mint)', 'inference', 1000n * GNK, 'reward_distribution')]);
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 1000n * GNK - 100n });
    expect(c.settleOf('v')).toEqual({ epoch: 1, workCoins: 100n, rewardCoins: 0n });
    expect(c.p('h1').coinBalance).toBe(0n);
  });

  test('deferred: a debt larger than the reward is netted as far as it goes and the rest stays owed', () => {
    const c = withDebt({ epochReward: 60n }, 'deferred');
    const { transfers } = c.ok(ev.end());
    expect(transfers).toEqual([tr('(mint)', 'inference', 60n, 'reward_distribution')]);
    expect(c.settleOf('h1')).toBeNull();
    expect(c.p('h1').coinBalance).toBe(-40n);
    // the next epoch nets the rest: reward 60 − 40
    c.run(ev.start(), ev.end());
    expect(c.settleOf('h1')).toEqual({ epoch: 2, workCoins: 0n, rewardCoins: 20n });
    expect(c.p('h1').coinBalance).toBe(0n);
    expect(surplusOf(recount(c.state, c.world))).toBe(0n);
  });
});

describe('the lifetime subsidy cap (standard_reward_amount)', () => {
  // Three members of weight 1, a pool of 1000 per epoch, a cap of 1500: epoch 2 crosses it.
  const spec = { participants: { a: 1n, b: 1n, c: 1n }, params: { epochReward: 1000n, standardRewardAmount: 1500n } };

  const claims = [ev.claim('a', 1n), ev.claim('b', 1n), ev.claim('c', 1n)];

  test('v1: the pool minted is what is left under the cap, rewards come from it', () => {
    const c = new Chain(spec).run(ev.start(), ev.end(), ev.start(), ...claims);
    expect(c.ok(ev.end()).transfers).toEqual([
      tr('(mint)', 'inference', 500n, 'reward_distribution'),
      tr('inference', 'gov', 2n, 'bitcoin_reward_to_governance:epoch=2'),
    ]);
    expect(c.settleOf('a')?.rewardCoins).toBe(166n);
    c.ok(ev.start());
    expect(c.ok(ev.end()).transfers).toEqual([]);
    expect(c.state.minted).toBe(1500n);
  });

  test("the chain: rewards from F scaled by floor(r × F' / F); governance gets the unscaled remainder too (item 28)", () => {
    const c = new Chain(spec, chainRules).run(ev.start(), ev.end(), ev.start(), ...claims);
    const { transfers, decisions } = loose(c, ev.end());
    // r = floor(1000 / 3) = 333 each, Σ 999, F − Σ = 1; reduced floor(333 × 500 / 1000) = 166 each; 1 + (500 − 498) = 3
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 500n, 'reward_distribution'),
      tr('inference', 'gov', 3n, 'bitcoin_reward_to_governance:epoch=2'),
    ]);
    expect(c.settleOf('a')?.rewardCoins).toBe(166n);
    expect(kinds(decisions, 'supply_cap')).toEqual([
      { kind: 'supply_cap', epoch: 2, pool: 1000n, left: 500n, rewardsBefore: 999n, rewardsAfter: 498n, governance: 3n, overTransfer: 1n },
    ]);
    expect(kinds(decisions, 'divergence').map((d) => [d.id, d.amount])).toEqual([['supply_cap_over_transfer', -1n]]);
    expect(surplusOf(recount(c.state, c.world))).toBe(-1n);
    // once the cap is reached nothing is minted, nothing goes to governance
    loose(c, ev.start());
    expect(loose(c, ev.end()).transfers).toEqual([]);
  });
});

describe('the downtime test', () => {
  test('critical values of the exact one-sided binomial test at α = 0.05', () => {
    // where the chain's tables agree (stats_table_test.go): p0 10%, n 20 → 4, n 500 → 61; n 70 → 11
    expect(criticalMisses(20, 100)).toBe(4);
    expect(criticalMisses(500, 100)).toBe(61);
    expect(criticalMisses(70, 100)).toBe(11);
    expect(criticalMisses(100, 400)).toBe(48);
    expect(criticalMisses(100, 500)).toBe(58);
    // where the chain's normal-approximation tables are stricter or looser than the exact test
    expect(criticalMisses(10, 100)).toBe(3); // chain table: 4
    expect(criticalMisses(100, 100)).toBe(15); // chain table: 14
    expect(criticalMisses(100, 50)).toBe(9); // chain table: 8
    expect(criticalMisses(100, 200)).toBe(27); // chain table: 26
    expect(criticalMisses(100, 300)).toBe(38); // chain table: 37
    expect(criticalMisses(990, 100)).toBe(115);
  });

  test('total 0 is never punished; above 990 requests the rate rule missed / total ≤ p0', () => {
    const r = exactDowntimeTest({ num: 1n, den: 10n }, [
      { inferenceCount: 0, missedRequests: 0 },
      { inferenceCount: 900, missedRequests: 100 },
      { inferenceCount: 899, missedRequests: 101 },
      { inferenceCount: 15, missedRequests: 5 },
    ]);
    expect(r.results).toEqual([
      { total: 0, missed: 0, passed: true, rule: 'untested' },
      { total: 1000, missed: 100, passed: true, rule: 'rate', allowed: 100 },
      { total: 1000, missed: 101, passed: false, rule: 'rate', allowed: 100 },
      // P(X ≥ 5) for X ~ Binomial(20, 0.1) = 0.043 < 0.05, P(X ≥ 4) = 0.133: at most 4 pass
      { total: 20, missed: 5, passed: false, rule: 'binomial', allowed: 4 },
    ]);
    expect(r).toMatchObject({ p0Permille: 100, governancePermille: 100, dynamic: false, skipped: false });
  });

  test('governance p0 is rounded up to a table value', () => {
    expect(exactDowntimeTest({ num: 15n, den: 100n }, []).governancePermille).toBe(200);
    expect(exactDowntimeTest({ num: 1n, den: 20n }, []).governancePermille).toBe(50);
    expect(exactDowntimeTest({ num: 1n, den: 2n }, []).governancePermille).toBe(500);
    expect(exactDowntimeTest({ num: 1n, den: 1000n }, []).governancePermille).toBe(50);
  });

  test('dynamic p0: ≥ 1000 requests from ≥ 5 members: table(baseline + 20‰), never below governance', () => {
    const five = (missed: number) => Array.from({ length: 5 }, () => ({ inferenceCount: 200 - missed, missedRequests: missed }));
    // 150 missed of 1000: baseline 150‰ + 20 = 170 → 200‰
    const r = exactDowntimeTest({ num: 1n, den: 10n }, five(30));
    expect(r).toMatchObject({ dynamic: true, baselinePermille: 150, p0Permille: 200, skipped: false });
    expect(r.results.every((x) => x.passed)).toBe(true);
    // a low baseline keeps governance's p0
    expect(exactDowntimeTest({ num: 3n, den: 10n }, five(2))).toMatchObject({ dynamic: true, baselinePermille: 10, p0Permille: 300 });
    // four members are not enough
    expect(exactDowntimeTest({ num: 1n, den: 10n }, five(30).slice(0, 4).map((m) => ({ ...m, inferenceCount: 300 })))).toMatchObject({ dynamic: false, p0Permille: 100 });
    // the outage circuit breaker: baseline 450‰ + 20 → 500‰, nobody is punished
    const outage = exactDowntimeTest({ num: 1n, den: 10n }, five(90));
    expect(outage).toMatchObject({ dynamic: true, baselinePermille: 450, p0Permille: 500, skipped: true });
    expect(outage.results.every((x) => x.passed && x.rule === 'untested')).toBe(true);
  });

  describe('in end_epoch (params.downtime_test: chain)', () => {
    // h2 misses 10 of 20 requests (the test allows 4 at p0 10%); h3 has no requests at all.
    const spec = { accounts: { dev: GNK }, participants: { h1: 100n, h2: 100n, h3: 100n }, params: { epochReward: 900n, downtimeTest: 'chain' as const } };
    const busy = (): Chain => {
      const c = new Chain(spec).run(ev.start());
      for (let i = 0; i < 20; i++) c.ok(ev.inference('dev', 'h1', 0n, 1n, { price: 1n, maxTokens: 1n }));
      for (let i = 0; i < 10; i++) c.ok(ev.inference('dev', 'h2', 0n, 1n, { price: 1n, maxTokens: 1n }));
      for (let i = 0; i < 10; i++) c.ok(ev.inference('dev', 'h2', 0n, 1n, { price: 1n, maxTokens: 1n, outcome: 'expired' }));
      return c;
    };

    test('without a punish list the test runs: h2 gets no reward (its share goes to governance), its work coins are paid', () => {
      const c = busy();
      const outcome = c.apply(ev.end());
      if (!outcome.ok) throw new Error(outcome.error);
      // The chain's table at p0 10%: the row for 20 requests allows 4 misses (stats_table.go, criticalValueTableP010).
      expect(kinds(outcome.decisions, 'downtime_test')[0]?.results).toEqual([
        { name: 'h1', total: 20, missed: 0, passed: true, rule: 'table', row: [20, 4] },
        { name: 'h2', total: 20, missed: 10, passed: false, rule: 'table', row: [20, 4] },
        { name: 'h3', total: 0, missed: 0, passed: true, rule: 'untested' },
      ]);
      c.ok(ev.end());
      expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 20n, rewardCoins: 300n });
      expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 10n, rewardCoins: 0n });
      expect(c.settleOf('h3')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 300n });
      expect(c.bank('gov')).toBe(300n);
    });

    test('an explicit punish list replaces the test, even an empty one', () => {
      const none = busy();
      none.ok({ type: 'end_epoch', punish: [], punishListed: true });
      expect(none.settleOf('h2')?.rewardCoins).toBe(300n);
      const listed = busy();
      listed.ok({ type: 'end_epoch', punish: ['h3'], punishListed: true });
      expect([listed.settleOf('h2')?.rewardCoins, listed.settleOf('h3')]).toEqual([300n, null]);
    });

    test('exact: an exact binomial test at the table p0, which at a row can decide otherwise (4 of 10 at 10%)', () => {
      const story = (mode: 'chain' | 'exact'): Chain => {
        const c = new Chain({ ...spec, params: { ...spec.params, downtimeTest: mode } }).run(ev.start());
        for (let i = 0; i < 6; i++) c.ok(ev.inference('dev', 'h2', 0n, 1n, { price: 1n, maxTokens: 1n }));
        for (let i = 0; i < 4; i++) c.ok(ev.inference('dev', 'h2', 0n, 1n, { price: 1n, maxTokens: 1n, outcome: 'expired' }));
        return c.run(ev.end());
      };
      // criticalValueTableP010's row {10, 4} passes 4 misses; P(X ≥ 4) for Binomial(10, 0.1) = 0.0128 < 0.05 fails them.
      expect(story('chain').settleOf('h2')?.rewardCoins).toBe(300n);
      expect(story('exact').settleOf('h2')?.rewardCoins).toBe(0n);
    });

    test('on by default under the chain versions, off under deferred and immediate', () => {
      const ended = (rules: 'v0.2.12' | 'deferred'): readonly Decision[] => {
        const c = new Chain({ ...spec, params: { epochReward: 900n } }, rules).run(ev.start());
        const outcome = c.apply(ev.end());
        if (!outcome.ok) throw new Error(outcome.error);
        return outcome.decisions;
      };
      expect(kinds(ended('v0.2.12'), 'downtime_test')).toHaveLength(1);
      expect(kinds(ended('deferred'), 'downtime_test')).toEqual([]);
    });

    test('governance p0 below one permille falls back to 10%; above 0.5 it is used directly (getDynamicP0)', () => {
      const p0 = (num: bigint, den: bigint): Extract<Decision, { kind: 'downtime_test' }> | undefined => {
        const c = new Chain({ ...spec, params: { ...spec.params, binomTestP0: { num, den } } }).run(ev.start());
        const outcome = c.apply(ev.end());
        if (!outcome.ok) throw new Error(outcome.error);
        return kinds(outcome.decisions, 'downtime_test')[0];
      };
      expect(p0(5n, 10_000n)).toMatchObject({ p0Permille: 100, governancePermille: 100 });
      expect(p0(6n, 10n)).toMatchObject({ p0Permille: undefined, p0: '0.6' });
    });

    test('off by default: no test, no decision', () => {
      const c = new Chain({ ...spec, params: { epochReward: 900n } }).run(ev.start());
      const outcome = c.apply(ev.end());
      if (!outcome.ok) throw new Error(outcome.error);
      expect(kinds(outcome.decisions, 'downtime_test')).toEqual([]);
    });
  });
});

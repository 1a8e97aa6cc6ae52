/**
 * The reward math of SettleAccounts (domain rules 2.10, steps 1–4): the pool, the members'
 * weights with power capping, the downtime test, each member's reward, debt netting and the
 * lifetime subsidy cap. Pure functions of their inputs, all bigint: the reducer (end_epoch) moves
 * the coins.
 *
 * Two variants, chosen by the ruleset (`Ruleset.rewardMath`) and `params.power_capping`:
 * - `V1_REWARD_MATH` (deferred, immediate): weights as given, the minted pool held under the cap
 *   with rewards computed from it, debt netted and the rest carried — every coin stays owned.
 * - `CHAIN_REWARD_MATH` (the chain versions): power capping, the chain's two-step cap scaling
 *   with its governance over-transfer, debt recovered into governance and the rest forgiven.
 */
import type { Fraction, Params } from '../../domain/scenario.js';
import { chainDowntimeTest, formatGoDecimal, goDecimalFromFraction } from './downtime.js';
import { txError } from '../errors.js';
import { epochRewardPool } from './reward.js';
import type { RewardMath, Ruleset } from './ruleset.js';
import type { Decision } from '../trace.js';

export const V1_REWARD_MATH: RewardMath = Object.freeze({ powerCapping: false, supplyCap: 'pool', debt: 'carry', downtimeTest: 'off' });
export const CHAIN_REWARD_MATH: RewardMath = Object.freeze({ powerCapping: true, supplyCap: 'chain', debt: 'chain', downtimeTest: 'chain' });

/** The reward math of a replay: the ruleset's, with `params.power_capping` overriding its capping. */
export function rewardMathOf(rules: Ruleset, params: Params): RewardMath {
  const base = rules.rewardMath ?? V1_REWARD_MATH;
  if (params.powerCapping === undefined && params.downtimeTest === undefined) return base;
  return {
    ...base,
    powerCapping: params.powerCapping === undefined ? base.powerCapping : params.powerCapping === 'chain',
    downtimeTest: params.downtimeTest ?? base.downtimeTest,
  };
}

// ---------------------------------------------------------------------------------------------
// Power capping (bitcoin_rewards.go ApplyPowerCappingForWeights / CalculateOptimalCap)

/** The maximum share of one member: 30%, raised to 100/50/40% when only 1/2/3 members hold weight. */
export function maxShare(members: number): Fraction {
  if (members <= 1) return { num: 1n, den: 1n };
  if (members === 2) return { num: 1n, den: 2n };
  if (members === 3) return { num: 2n, den: 5n };
  return { num: 3n, den: 10n };
}

export interface PowerCap {
  /** Members taking part: those with a positive effective weight. */
  readonly members: number;
  readonly share: Fraction;
  /** The cap, when one applies. */
  readonly cap: bigint | undefined;
  /** The weights after capping, in input order. */
  readonly weights: readonly bigint[];
  /**
   * The step of the search that set the cap: the input position of the first weight (ascending)
   * above its share, the weight, the sum of the weights below it, the number of members from it
   * up, and whether the cap is that weight itself (1 − share × rest ≤ 0).
   */
  readonly found?: { readonly index: number; readonly weight: bigint; readonly below: bigint; readonly rest: number; readonly selfCap: boolean };
}

/**
 * Caps the effective weights: over the positive ones sorted ascending, at the first k (from 0)
 * where w_k > share × (Σ_{i<k} w_i + w_k × (n − k)), cap = floor(share × Σ_{i<k} w_i / (1 −
 * share × (n − k))), or w_k when that denominator is ≤ 0; every weight above the cap is lowered
 * to it. Exact rationals: for the shares 3/10, 2/5, 1/2 the chain's 16-digit decimal division
 * gives the same integer part. With one positive weight, or a cap ≤ 0, nothing is capped.
 */
export function powerCap(effective: readonly bigint[]): PowerCap {
  // positions of the positive weights, sorted by weight (ties in input order)
  const order = effective.flatMap((w, i) => (w > 0n ? [i] : [])).sort((i, j) => {
    const a = effective[i] as bigint;
    const b = effective[j] as bigint;
    return a < b ? -1 : a > b ? 1 : i - j;
  });
  const n = order.length;
  const share = maxShare(n);
  const none: PowerCap = { members: n, share, cap: undefined, weights: effective };
  if (n <= 1) return none;
  const { num: a, den: b } = share;
  let before = 0n;
  for (let k = 0; k < n; k++) {
    const at = order[k] as number;
    const w = effective[at] as bigint;
    const rest = n - k;
    if (w * b > a * (before + w * BigInt(rest))) {
      const denominator = b - a * BigInt(rest);
      const cap = denominator <= 0n ? w : (a * before) / denominator;
      if (cap <= 0n) return none;
      return { members: n, share, cap, weights: effective.map((x) => (x > cap ? cap : x)), found: { index: at, weight: w, below: before, rest, selfCap: denominator <= 0n } };
    }
    before += w;
  }
  return none;
}

// ---------------------------------------------------------------------------------------------
// The downtime test (bitcoin_rewards.go getDynamicP0, accountsettle.go CheckAndPunishForDowntime)

/** The p0 values the chain has critical-value tables for, in permille. */
const TABLE_PERMILLE = [50, 100, 200, 300, 400, 500] as const;
const ceilToTable = (permille: number): number => TABLE_PERMILLE.find((t) => permille <= t) ?? 500;

export interface DowntimeStats {
  readonly inferenceCount: number;
  readonly missedRequests: number;
}

export interface DowntimeResult {
  readonly p0Permille: number;
  readonly governancePermille: number;
  readonly dynamic: boolean;
  readonly baselinePermille: number | undefined;
  readonly skipped: boolean;
  readonly results: readonly {
    readonly total: number;
    readonly missed: number;
    readonly passed: boolean;
    readonly rule: 'untested' | 'binomial' | 'rate';
    /** The most misses that pass (binomial: the critical value; rate: floor(total × p0)). */
    readonly allowed?: number;
  }[];
}

/**
 * The downtime test of every member. p0: governance's `binom_test_p0` rounded up to a table
 * value; dynamic p0 when Σ total requests ≥ 1000 and ≥ 5 members have requests: the baseline
 * floor(1000 × Σ missed / Σ total) ‰ + 20‰, at most 500‰, rounded up to a table value, never
 * below governance's; a table value of 500‰ skips the test (the outage circuit breaker).
 * Each member with total = inference_count + missed_requests > 0 passes when P(X ≥ missed) ≥ 0.05
 * for X ~ Binomial(total, p0), computed exactly (total ≤ 990), or when missed / total ≤ p0
 * (total > 990, the chain's rule). total == 0 always passes. The chain looks the critical values
 * up in tables built from a normal approximation (in steps of 10 up to 990), so at a boundary it
 * can decide differently from the exact test (e.g. p0 10%, 4 missed of 10: the exact tail is
 * 0.0128, punished here; the chain's table allows 4).
 */
export function exactDowntimeTest(governanceP0: Fraction, members: readonly DowntimeStats[]): DowntimeResult {
  const governancePermille = ceilToTable(Number((governanceP0.num * 1000n + governanceP0.den - 1n) / governanceP0.den));
  let total = 0n;
  let missed = 0n;
  let used = 0;
  for (const m of members) {
    const t = BigInt(m.inferenceCount) + BigInt(m.missedRequests);
    if (t === 0n) continue;
    total += t;
    missed += BigInt(m.missedRequests);
    used += 1;
  }
  let p0 = governancePermille;
  let dynamic = false;
  let baseline: number | undefined;
  let skipped = false;
  if (total >= 1000n && used >= 5) {
    dynamic = true;
    baseline = Number((missed * 1000n) / total);
    const selected = ceilToTable(Math.min(baseline + 20, 500));
    p0 = Math.max(selected, governancePermille);
    skipped = selected === 500;
  }
  const results = members.map((m) => {
    const t = m.inferenceCount + m.missedRequests;
    if (t === 0 || skipped) return { total: t, missed: m.missedRequests, passed: true, rule: 'untested' as const };
    const allowed = t > 990 ? Number((BigInt(t) * BigInt(p0)) / 1000n) : criticalMisses(t, p0);
    return { total: t, missed: m.missedRequests, passed: m.missedRequests <= allowed, rule: t > 990 ? ('rate' as const) : ('binomial' as const), allowed };
  });
  return { p0Permille: p0, governancePermille, dynamic, baselinePermille: baseline, skipped, results };
}

const criticalCache = new Map<string, number>();

/**
 * The most misses out of `n` that pass the one-sided binomial test at α = 0.05 with
 * p0 = `permille` / 1000: the largest m with P(X ≥ m) ≥ 0.05, i.e. 20 × Σ_{i≥m} C(n,i) a^i b^(n−i)
 * ≥ 1000^n with a = permille, b = 1000 − permille (exact integers; memoised per (n, p0)).
 */
export function criticalMisses(n: number, permille: number): number {
  const key = `${n}:${permille}`;
  const known = criticalCache.get(key);
  if (known !== undefined) return known;
  const a = BigInt(permille);
  const b = 1000n - a;
  const whole = 1000n ** BigInt(n);
  // Terms from i = n down: C(n, i) a^i b^(n−i), built from C(n, n) = 1 by C(n, i−1) = C(n, i) × i / (n − i + 1).
  let binomial = 1n;
  let tail = 0n;
  let critical = 0;
  for (let i = n; i >= 0; i--) {
    if (i < n) binomial = (binomial * BigInt(i + 1)) / BigInt(n - i);
    tail += binomial * a ** BigInt(i) * b ** BigInt(n - i);
    if (20n * tail >= whole) {
      critical = i;
      break;
    }
  }
  criticalCache.set(key, critical);
  return critical;
}

// ---------------------------------------------------------------------------------------------
// The rewards of one epoch

export type NoReward = 'punished' | 'not_active' | 'zero_weight' | 'zero_pool';

export interface MemberInput {
  readonly name: string;
  /** The member's (full) weight in the active set. */
  readonly weight: bigint;
  readonly active: boolean;
  /** Listed in end_epoch's `punish`. */
  readonly punished: boolean;
  readonly coinBalance: bigint;
  readonly inferenceCount: number;
  readonly missedRequests: number;
}

export interface EpochRewards {
  /** What is minted. */
  readonly minted: bigint;
  /** The epoch's pool before the lifetime cap. */
  readonly uncapped: bigint;
  readonly source: 'param' | 'formula';
  /** The formula's error when it gave no pool (logged on chain; the pool is 0). */
  readonly poolError?: string | undefined;
  /** W: the full weight of every member. */
  readonly totalWeight: bigint;
  /** Each member's reward coins, after debt and the cap. */
  readonly rewards: readonly bigint[];
  readonly noReward: readonly (NoReward | undefined)[];
  readonly distributed: bigint;
  /** The `bitcoin_reward_to_governance` transfer. */
  readonly toGovernance: bigint;
  /** Each member's coin_balance after the settlement when it was negative (carry: the unrecovered debt; chain: 0). */
  readonly debtAfter: readonly bigint[];
  /** What each member's reward recovered of its debt (0 without a debt). */
  readonly recovered: readonly bigint[];
  readonly decisions: readonly Decision[];
}

/**
 * Steps 1–4 of SettleAccounts(N) for the members of epoch N, in list order. `downtime`: end_epoch
 * lists no `punish`, so the reward math's downtime test (if any) decides who is punished.
 */
export function epochRewards(
  params: Params,
  math: RewardMath,
  epoch: number,
  mintedSoFar: bigint,
  members: readonly MemberInput[],
  downtime: boolean,
): EpochRewards {
  const decisions: Decision[] = [];
  const { pool: cappedPool, uncapped, source, error: poolError } = epochRewardPool(params, epoch, mintedSoFar);
  const cap = params.standardRewardAmount;
  const capReached = mintedSoFar >= cap;
  // The pool the rewards are computed from: the capped one (v1), or F itself (chain; 0 once the cap is reached).
  const pool = math.supplyCap === 'pool' ? cappedPool : capReached ? 0n : uncapped;
  const totalWeight = members.reduce((sum, m) => sum + m.weight, 0n);

  // 2. Effective weights (ACTIVE members), power capping over the positive ones.
  let weights = members.map((m) => (m.active ? m.weight : 0n));
  if (math.powerCapping) {
    const capped = powerCap(weights);
    decisions.push({
      kind: 'power_cap',
      epoch,
      sharePercent: Number((capped.share.num * 100n) / capped.share.den),
      members: capped.members,
      cap: capped.cap,
      ...(capped.found === undefined
        ? {}
        : {
            search: {
              name: (members[capped.found.index] as MemberInput).name,
              weight: capped.found.weight,
              below: capped.found.below,
              rest: capped.found.rest,
              selfCap: capped.found.selfCap,
            },
          }),
      capped: members.flatMap((m, i) => {
        const before = weights[i] as bigint;
        const after = capped.weights[i] as bigint;
        return after < before ? [{ name: m.name, weight: before, capped: after }] : [];
      }),
    });
    weights = [...capped.weights];
  }

  // 3. Downtime: the explicit punish list, or the test.
  let punished = members.map((m) => m.punished);
  if (downtime && math.downtimeTest === 'chain') {
    const test = chainDowntimeTest(goDecimalFromFraction(params.binomTestP0), members);
    // The chain's Go code panics (its decimal exponent leaves int32) or the exact value is past what
    // epochsim computes: no settlement can come out of it.
    if (!test.ok) {
      const participant = (members[test.member] as MemberInput).name;
      throw txError('DOWNTIME_TEST_FAILED', { participant, detail: test.error.message }, `downtime test of ${participant}: ${test.error.message}`);
    }
    decisions.push({
      kind: 'downtime_test',
      epoch,
      mode: 'chain',
      p0Permille: test.permille,
      p0: test.direct ? formatGoDecimal(test.p0) : undefined,
      governancePermille: test.governancePermille,
      dynamic: test.dynamic,
      baselinePermille: test.baselinePermille === undefined ? undefined : Number(test.baselinePermille),
      skipped: test.skipPunishment,
      results: test.members.map((r, i) => ({
        name: (members[i] as MemberInput).name,
        total: r.total,
        missed: r.missed,
        passed: r.passed,
        rule: r.rule,
        ...(r.row === undefined ? {} : { row: r.row }),
        ...(r.pValue === undefined ? {} : { pValue: r.pValue }),
        // the rate rule: missed × den ≤ total × num, so at most floor(total × num / den) misses pass
        ...(r.rate === undefined ? {} : { allowed: Number((BigInt(r.total) * BigInt(r.rate.num)) / BigInt(r.rate.den)) }),
      })),
    });
    punished = test.members.map((r) => !r.passed);
  } else if (downtime && math.downtimeTest === 'exact') {
    const test = exactDowntimeTest(params.binomTestP0, members);
    decisions.push({
      kind: 'downtime_test',
      epoch,
      mode: 'exact',
      p0Permille: test.p0Permille,
      governancePermille: test.governancePermille,
      dynamic: test.dynamic,
      baselinePermille: test.baselinePermille,
      skipped: test.skipped,
      results: test.results.map((r, i) => ({ name: (members[i] as MemberInput).name, ...r })),
    });
    punished = test.results.map((r) => !r.passed);
  }

  // 4. Rewards: floor(weight × F / W), W the full weight of every member.
  const noReward = members.map((m, i): NoReward | undefined => {
    if (punished[i]) return 'punished';
    if (!m.active) return 'not_active';
    if ((weights[i] as bigint) <= 0n) return 'zero_weight';
    if (pool === 0n) return 'zero_pool';
    return undefined;
  });
  const rewards = members.map((_, i) => (noReward[i] === undefined ? ((weights[i] as bigint) * pool) / totalWeight : 0n));

  // Debt: a negative coin_balance is netted against the reward.
  let recoveredTotal = 0n;
  const recoveredOf = members.map(() => 0n);
  const debtAfter = members.map((m, i) => {
    if (m.coinBalance >= 0n) return 0n;
    const debt = -m.coinBalance;
    const reward = rewards[i] as bigint;
    const recovered = reward >= debt ? debt : reward;
    recoveredOf[i] = recovered;
    rewards[i] = reward - recovered;
    recoveredTotal += recovered;
    const remaining = debt - recovered;
    decisions.push({ kind: 'debt', name: m.name, debt, reward, recovered, mode: math.debt, remaining });
    if (math.debt === 'chain') {
      decisions.push({
        kind: 'divergence',
        amount: -debt,
        id: 'debt_written_off',
        data: { participant: m.name, debt, recovered, forgiven: remaining },
      });
      return 0n;
    }
    return -remaining;
  });
  let distributed = rewards.reduce((a, b) => a + b, 0n);
  // chain: recovered debt is part of the governance remainder; carry: it stays in the module.
  let toGovernance = pool - distributed - (math.debt === 'carry' ? recoveredTotal : 0n);
  let minted = pool;

  // The epoch that crosses the lifetime cap (chain): scale each reward by F' / F.
  if (math.supplyCap === 'chain' && !capReached && mintedSoFar + uncapped > cap) {
    const left = cap - mintedSoFar;
    const before = distributed;
    for (let i = 0; i < rewards.length; i++) rewards[i] = ((rewards[i] as bigint) * left) / uncapped;
    distributed = rewards.reduce((a, b) => a + b, 0n);
    const overTransfer = toGovernance;
    toGovernance = overTransfer + (left - distributed);
    minted = left;
    decisions.push({ kind: 'supply_cap', epoch, pool: uncapped, left, rewardsBefore: before, rewardsAfter: distributed, governance: toGovernance, overTransfer });
    if (overTransfer > 0n) {
      decisions.push({
        kind: 'divergence',
        amount: -overTransfer,
        id: 'supply_cap_over_transfer',
        data: { epoch, minted: left, scaledRest: left - distributed, overTransfer },
      });
    }
  }
  return { minted, uncapped, source, poolError, totalWeight, rewards, noReward, distributed, toGovernance, debtAfter, recovered: recoveredOf, decisions };
}

/**
 * `explain` for end_epoch: the reward pool, power capping, the downtime test, each member's
 * reward and work coins (debt netted, work coins forfeited or stranded), where the rest of the
 * pool goes, the epoch that crosses the lifetime cap, and expired claims — all from the
 * decisions SettleAccounts recorded (reward_pool, power_cap, downtime_test, member_settled, debt,
 * supply_cap).
 */
import { groupDigits } from '../../domain/money.js';
import type { DecayRate, EventOf, Fraction } from '../../domain/scenario.js';
import { participantOf } from '../../engine/storage/queries.js';
import { rewardMathOf } from '../../engine/rules/rewardMath.js';
import { listWords, money, plural } from './layout.js';
import { decisionsOf, percentOfPermille, rulesetOf, type DecisionOf, type EventView, type StepContext, type Text } from './prose.js';

/** What end_epoch asked. */
export function askedEndEpoch(e: EventOf<'end_epoch'>, current: number, ctx: StepContext): string {
  if (current === 0) return 'End the running epoch (none has started yet).';
  const downtime = rewardMathOf(rulesetOf(ctx), ctx.replay.scenario.params).downtimeTest !== 'off';
  if (e.punish.length > 0) return `End epoch ${current}: settle its accounts, punishing ${listWords([...e.punish])} (failed the downtime test).`;
  if (downtime && e.punishListed === true) {
    return `End epoch ${current}: settle its accounts, punishing no one (the scenario lists punish, so the chain's downtime test does not run).`;
  }
  if (downtime) return `End epoch ${current}: settle its accounts; the chain's downtime test decides who is punished.`;
  return `End epoch ${current}: settle its accounts.`;
}

/** An exact fraction as a decimal when it has one within 6 places (1/10 → "0.1"), else "num/den". */
function fraction(f: Fraction): string {
  for (let places = 0; places <= 6; places++) {
    const scale = 10n ** BigInt(places);
    if ((f.num * scale) % f.den === 0n) {
      const digits = ((f.num * scale) / f.den).toString().padStart(places + 1, '0');
      return places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
    }
  }
  return `${f.num}/${f.den}`;
}

const NO_REWARD: Partial<Record<string, (n: number, status: string, tested: boolean) => string>> = {
  punished: (n, _s, tested) => `punished in epoch ${n} (failed ${tested ? "the chain's" : 'the'} downtime test): reward 0`,
  not_active: (_n, status) => `status ${status}, not ACTIVE: reward 0`,
  zero_weight: () => 'weight 0: reward 0',
  zero_pool: () => 'the pool is 0: reward 0',
};

/** Power capping, with the step that sets the cap worked out from the weights. */
function powerCapText(d: DecisionOf<'power_cap'>, t: Text): void {
  const share = `${d.sharePercent}%`;
  const who = `${plural(d.members, 'member holds', 'members hold')} weight`;
  const limit = d.sharePercent === 100 ? 'so nothing is capped' : `so no one may count for more than ${share} of the effective weight`;
  if (d.cap === undefined || d.capped.length === 0) {
    t.para(`Power capping: ${who}, ${limit}${d.sharePercent === 100 ? '' : '; no weight is above its share, so nothing is capped'}.`);
    return;
  }
  // The step of the chain's search that set the cap (recorded by the reward math).
  const f = d.search;
  const why =
    f === undefined
      ? `The cap is ${groupDigits(d.cap)}`
      : `Sorted by weight, ${f.name}'s ${groupDigits(f.weight)} is the first above ${share} of (the ${groupDigits(f.below)} below it + ` +
        `${groupDigits(f.weight)} × ${f.rest} ${f.rest === 1 ? 'member' : 'members'} from it up), so the cap is ` +
        (f.selfCap
          ? `that weight itself, ${groupDigits(f.weight)} (1 − ${share} × ${f.rest} is not positive)`
          : `floor(${share} × ${groupDigits(f.below)} / (1 − ${share} × ${f.rest})) = ${groupDigits(d.cap)}`);
  const cut = d.capped.map((c) => `${c.name} ${groupDigits(c.weight)} → ${groupDigits(c.capped)}`);
  t.para(
    `Power capping: ${who}, ${limit}. ${why}: ${listWords(cut)}. W stays the full weight, so what the cap cuts ` +
      'from a reward goes to governance.',
  );
}

function downtimeText(d: DecisionOf<'downtime_test'>, p0Param: Fraction, t: Text): void {
  const governance = percentOfPermille(d.governancePermille);
  const chain = d.mode === 'chain';
  const test = chain
    ? "The chain's downtime test decides who is punished (it runs at every settlement of the chain versions; params.downtime_test)."
    : 'An exact binomial downtime test decides who is punished (params.downtime_test: exact).';
  let how: string;
  if (d.p0Permille === undefined) {
    how =
      `Governance's binom_test_p0, ${d.p0 ?? fraction(p0Param)}, is above 50%: the chain uses it directly, with no dynamic p0 and no ` +
      'circuit breaker, and computes the exact p-value at 16 decimal places (calculations/stats.go BinomialPValue).';
  } else if (d.dynamic) {
    const total = d.results.reduce((s, r) => s + r.total, 0);
    const used = d.results.filter((r) => r.total > 0).length;
    const baseline = d.baselinePermille ?? 0;
    how =
      `The epoch has ${groupDigits(BigInt(total))} requests from ${used} members (at least 1,000 from 5), so p0 is dynamic: ` +
      `the miss rate, ${percentOfPermille(baseline)}, plus 2%, rounded up to the chain's table (5, 10, 20, 30, 40, 50%), ` +
      `never below governance's binom_test_p0 (${fraction(p0Param)}, ${governance} in the table): p0 = ${percentOfPermille(d.p0Permille)}.`;
  } else {
    const fallback = chain && d.governancePermille === 100 && fraction(p0Param) !== '0.1' && p0Param.num * 1000n < p0Param.den ? ' (below one permille the chain falls back to 10%)' : '';
    how = `p0 is governance's binom_test_p0, ${fraction(p0Param)}, rounded up to the chain's table (5, 10, 20, 30, 40, 50%): ${percentOfPermille(d.p0Permille)}${fallback}.`;
  }
  if (d.skipped) {
    t.para(`${test} ${how} At 50% the chain's outage circuit breaker skips the test: nobody is punished.`);
    return;
  }
  t.para(
    `${test} ${how} A member with requests (inferences + missed) passes when ` +
      (chain
        ? "its misses are within the chain's critical value for its requests (the table rows are 2–10, then every 10 up to 990; the requests are rounded down to a row):"
        : 'P(X ≥ missed) ≥ 0.05 for X ~ Binomial(requests, p0):'),
  );
  for (const r of d.results) {
    if (r.rule === 'untested' || r.rule === 'skipped') {
      t.bullet(`${r.name}: no requests → not tested.`);
      continue;
    }
    const requests = `${r.total - r.missed} ${r.total - r.missed === 1 ? 'inference' : 'inferences'} + ${r.missed} missed = ${plural(r.total, 'request')}`;
    const verdict = r.passed ? 'passes' : 'fails: punished, reward 0';
    switch (r.rule) {
      case 'rate': {
        t.bullet(`${r.name}: ${requests}; above 990 requests the chain compares the miss rate with p0: at most ${groupDigits(BigInt(r.allowed ?? 0))} may be missed → ${verdict}.`);
        break;
      }
      case 'table':
        t.bullet(
          r.row === undefined
            ? `${r.name}: ${requests}; below the table's first row (2 requests) a member always passes → ${verdict}.`
            : `${r.name}: ${requests}; table row ${r.row[0]} allows ${plural(r.row[1], 'miss', 'misses')} → ${verdict}.`,
        );
        break;
      case 'exact':
        t.bullet(`${r.name}: ${requests}; p-value ${r.pValue ?? '?'} ${r.passed ? '≥' : '<'} 0.05 → ${verdict}.`);
        break;
      case 'error':
        t.bullet(`${r.name}: ${requests}; the chain's test errs, and the reward is kept.`);
        break;
      default: {
        const allowed = r.allowed ?? 0;
        t.bullet(`${r.name}: ${requests}; at most ${allowed} may be missed (P(X ≥ ${allowed + 1}) < 0.05) → ${verdict}.`);
      }
    }
  }
}

/** The per-epoch factor of each decay rate (types/params.go GetExponent). */
const DECAY_FACTOR_TEXT: Readonly<Record<DecayRate, string>> = { '-0.000475': '0.9995251127946402', '-0.000001': '0.9999990000005', '0': '1' };

export function explainEndEpoch(view: EventView, ctx: StepContext, t: Text): void {
  const { before } = view;
  const world = ctx.world;
  const pool = decisionsOf(view.decisions, 'reward_pool')[0];
  if (!pool) return;
  const n = pool.epoch;
  const params = ctx.replay.scenario.params;
  const capping = decisionsOf(view.decisions, 'power_cap')[0];
  const downtime = decisionsOf(view.decisions, 'downtime_test')[0];
  const supply = decisionsOf(view.decisions, 'supply_cap')[0];
  const debts = decisionsOf(view.decisions, 'debt');
  const members = decisionsOf(view.decisions, 'member_settled');
  const factor = DECAY_FACTOR_TEXT[params.decayRate];
  const source =
    pool.source === 'param'
      ? `${money(pool.uncapped ?? pool.pool)} (params.epoch_reward)`
      : pool.error !== undefined
        ? `0: the chain's formula counts ${n} − ${params.genesisEpoch} epochs since genesis_epoch in uint64, and its ` +
          `"${pool.error}" error makes the chain use 0 (keeper/bitcoin_rewards.go CalculateParticipantBitcoinRewards)`
        : `the chain's formula, floor(${money(params.initialEpochReward)} × ${factor}^(${n} − ${params.genesisEpoch})) = ${money(pool.uncapped ?? pool.pool)}`;
  const cap =
    pool.uncapped === undefined || supply !== undefined
      ? ''
      : ` The lifetime cap (standard_reward_amount ${money(params.standardRewardAmount)}, ${money(before.minted)} minted so far) cuts it to ${money(pool.pool)}.`;
  const minted = supply === undefined ? 'F is minted' : `Only F' = ${money(pool.pool)} is minted`;
  const memo = supply === undefined ? 'reward_distribution' : 'reward_distribution; the epoch crosses the lifetime cap, see below';
  const weight = capping !== undefined && capping.capped.length > 0 ? 'capped weight' : 'weight';
  t.para(
    `Epoch ${n} is settled. Its reward pool F is ${source}.${cap} ${minted} into the inference module ` +
      `(${memo}) and shared by weight over the whole active set (W = ${pool.totalWeight}): each ACTIVE, ` +
      `unpunished member with weight gets floor(${weight} × F / W).`,
  );
  if (capping) powerCapText(capping, t);
  if (supply) {
    t.para(
      `Epoch ${n} crosses the lifetime subsidy cap (standard_reward_amount ${money(params.standardRewardAmount)}, ` +
        `${money(before.minted)} minted before), so F' = cap − minted = ${money(supply.left)}. The chain computes the rewards ` +
        `from F (${money(supply.rewardsBefore)} in all) and scales each by F'/F, floor(r × ${money(supply.left)} / ` +
        `${money(supply.pool)}), to ${money(supply.rewardsAfter)}. Governance gets (F − Σ rewards) + (F' − Σ scaled) = ` +
        `${money(supply.overTransfer)} + ${money(supply.left - supply.rewardsAfter)} = ${money(supply.governance)}` +
        (supply.overTransfer > 0n
          ? `: the unscaled ${money(supply.overTransfer)} is more than was minted for it (GetBitcoinSettleAmounts: a known divergence).`
          : '.'),
    );
  }

  if (downtime) {
    downtimeText(downtime, params.binomTestP0, t);
    t.para('Then each member is settled:');
  }

  for (const m of members) {
    const p = participantOf(before, world, m.name);
    const parts: string[] = [];
    const why = m.noReward === undefined ? undefined : NO_REWARD[m.noReward];
    const debt = debts.find((d) => d.name === m.name);
    if (m.noReward !== undefined) {
      parts.push(why ? why(n, p?.status ?? 'ACTIVE', downtime !== undefined) : `reward 0 (${m.noReward})`);
      if (debt) parts.push(`none of its debt of ${money(debt.debt)} is recovered`);
    } else if (debt && supply === undefined) {
      parts.push(`reward ${money(m.reward + debt.recovered)} less ${money(debt.recovered)} recovered of its debt of ${money(debt.debt)} = ${money(m.reward)}`);
    } else if (debt) {
      parts.push(
        `reward ${money(debt.reward)} from F less ${money(debt.recovered)} recovered of its debt of ${money(debt.debt)} = ` +
          `${money(debt.reward - debt.recovered)}, scaled by F'/F to ${money(m.reward)}`,
      );
    } else {
      parts.push(`reward ${money(m.reward)}`);
    }
    const stranded = m.stranded ?? 0n;
    if (m.work > 0n) parts.push(`work coins ${money(m.work)} (its coin_balance)`);
    else if (m.forfeited === 0n && stranded === 0n) parts.push('no work coins');
    if (m.forfeited > 0n) {
      parts.push(`its ${money(m.forfeited)} of owed work coins is forfeited to governance (forfeited_work_coins_to_governance:epoch=${n})`);
    }
    if (stranded > 0n) {
      parts.push(
        `its ${money(stranded)} of owed work coins are zeroed and stay in the inference module with no owner ` +
          '(gonka-ai/gonka #1746: a known divergence)',
      );
    }
    let tail: string;
    if (m.reward + m.work > 0n) {
      tail = `settle amount for epoch ${n}: ${money(m.reward + m.work)}, claimable during epoch ${n + 1}`;
    } else {
      const held = p?.settle;
      tail = `nothing to settle, so no settle amount is written${held ? ` (its epoch-${held.epoch} one stays)` : ''}`;
    }
    const capped = capping?.capped.find((c) => c.name === m.name);
    const weightText = `weight ${m.weight} of ${pool.totalWeight}${capped ? `, capped to ${capped.capped}` : ''}`;
    t.bullet(`${m.name} (${weightText}): ${parts.join('; ')} → ${tail}.${debt ? ` ${debtText(debt, n)}` : ''}`);
  }

  governanceText(pool, capping, supply, debts, t);
  for (const tr of view.transfers) {
    if (tr.memo.startsWith('expired claim:')) {
      const name = tr.memo.slice('expired claim:'.length);
      const old = participantOf(before, world, name)?.settle;
      t.bullet(
        `${name}'s unclaimed settle amount of epoch ${old?.epoch ?? '?'} (${money(tr.amount)}) expires to governance: its new epoch-${n} record replaces it (expired claim:${name}).`,
      );
    } else if (tr.memo.startsWith('expired:')) {
      const name = tr.memo.slice('expired:'.length);
      const old = participantOf(before, world, name)?.settle;
      t.bullet(
        `${name}'s unclaimed settle amount of epoch ${old?.epoch ?? '?'} (${money(tr.amount)}) is older than epoch ${n - 1} and is swept to governance (expired:${name}).`,
      );
    }
  }
  t.para(
    `Epoch ${n} has now ended but stays the effective epoch until the next start_epoch; its settle amounts can be claimed only during epoch ${n + 1}.`,
  );
}

/** Where a netted debt's recovered part goes and what becomes of the rest. */
function debtText(d: DecisionOf<'debt'>, n: number): string {
  const recovered = d.recovered > 0n;
  if (d.mode === 'carry') {
    const kept = recovered ? `The ${money(d.recovered)} recovered stay in the inference module, where they back the shares its validators keep` : '';
    const rest =
      d.remaining > 0n
        ? `the other ${money(d.remaining)} stay owed: its coin_balance starts the next epoch at ${money(-d.remaining)}`
        : 'its coin_balance resets to 0';
    return recovered ? `${kept}; ${rest}.` : `${rest.charAt(0).toUpperCase()}${rest.slice(1)}.`;
  }
  const gone = recovered ? `The ${money(d.recovered)} recovered go to governance with the rest of F` : 'Nothing is recovered';
  const rest = d.remaining > 0n ? `; the other ${money(d.remaining)} are forgiven as its coin_balance resets to 0` : '';
  return (
    `${gone}${rest}, while the validators' shares the debt stood for stay owed: the inference module is ` +
    `${money(d.debt)} short (CalculateParticipantBitcoinRewards: a known divergence of the chain's math at the end of epoch ${n}).`
  );
}

function governanceText(
  pool: DecisionOf<'reward_pool'>,
  capping: DecisionOf<'power_cap'> | undefined,
  supply: DecisionOf<'supply_cap'> | undefined,
  debts: readonly DecisionOf<'debt'>[],
  t: Text,
): void {
  const n = pool.epoch;
  const memo = `bitcoin_reward_to_governance:epoch=${n}`;
  if (supply) {
    t.bullet(`Rewards come to ${money(pool.distributed)} after scaling; governance gets ${money(pool.governance ?? pool.pool - pool.distributed)} (${memo}), as worked out above.`);
    return;
  }
  if (pool.pool === 0n) {
    t.bullet('The pool is 0: nothing is minted and no one is rewarded.');
    return;
  }
  const rest = pool.pool - pool.distributed;
  const governance = pool.governance ?? rest;
  const recovered = debts.filter((d) => d.recovered > 0n);
  const debtors = listWords(recovered.map((d) => d.name));
  const recoveredTotal = recovered.reduce((s, d) => s + d.recovered, 0n);
  const cut = capping !== undefined && capping.capped.length > 0 ? ', what power capping cut included' : '';
  if (recovered.length > 0 && recovered[0]?.mode === 'carry') {
    const gov = governance > 0n ? `${money(governance)} goes to governance (${memo})` : 'nothing goes to governance';
    t.bullet(
      `Rewards come to ${money(pool.distributed)}. Of the ${money(rest)} left of F, the ${money(recoveredTotal)} recovered from ` +
        `${debtors}'s debt stay in the inference module to back the validators' shares, and ${gov}.`,
    );
    return;
  }
  if (recovered.length > 0) {
    t.bullet(
      `Rewards come to ${money(pool.distributed)}; the rest of F, ${money(governance)}, goes to governance (${memo}), the ` +
        `${money(recoveredTotal)} recovered from ${debtors}'s debt${cut === '' ? '' : ' and what power capping cut'} included.`,
    );
    return;
  }
  t.bullet(
    governance > 0n
      ? `Rewards come to ${money(pool.distributed)}; the rest of F, ${money(governance)}, goes to governance (${memo})${cut}.`
      : `Rewards come to all of F, ${money(pool.distributed)}: nothing is left for governance.`,
  );
}

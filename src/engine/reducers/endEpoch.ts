import { mintMutably, transferEachMutably, transferMutably, type Send } from '../bank.js';
import { TxError } from '../errors.js';
import { participantIndexOf, rewriteParticipantsMutably, updateParticipantMutably } from '../ledger.js';
import { vecForEach, vecOf, vecSet } from '../pvec.js';
import { activeSetOf, participantAt } from '../queries.js';
import { epochRewards, rewardMathOf } from '../rewardMath.js';
import { copyParticipant, GOV, INFERENCE_MODULE, type ActiveSet, type ParticipantState, type Summary } from '../state.js';
import { divergence } from '../payouts.js';
import { DIVERGENCE_SOURCES } from '../versions.js';
import type { CaseReducer } from './types.js';

/**
 * SettleAccounts(N): mint the epoch's reward pool, share it by weight, turn each member's owed
 * work coins into its settle amount, write the performance summaries, and expire old claims
 * (format section 3.2). The effective epoch stays N until the next start_epoch.
 */
export const endEpoch: CaseReducer<'end_epoch'> = (draft, event, ctx) => {
  const n = draft.effectiveEpoch;
  if (n === 0) throw new TxError('no epoch to end');
  if (draft.epochEnded) throw new TxError(`epoch ${n} already ended`);
  const { world } = ctx;
  const set = activeSetOf(draft, n) as ActiveSet;
  const punished = new Set<number>();
  for (const name of event.punish) {
    const index = participantIndexOf(world, name);
    if (!set.isMember[index]) throw new TxError(`participant ${name} is not in epoch ${n}`);
    punished.add(index);
  }

  // 1–3. The pool, the weights (power capping, downtime) and each member's reward: floor(weight × F / W),
  // W the full weight of the whole set; debt netted; the lifetime cap (rewardMath.ts).
  const members = set.members.map((index) => ({ index, before: participantAt(draft, index) }));
  const settled = epochRewards(
    ctx.params,
    rewardMathOf(ctx.rules, ctx.params),
    n,
    draft.minted,
    members.map(({ index, before }, i) => ({
      name: world.participants[index] as string,
      weight: set.weights[i] as bigint,
      active: before.status === 'ACTIVE',
      punished: punished.has(index),
      coinBalance: before.coinBalance,
      inferenceCount: before.inferenceCount,
      missedRequests: before.missedRequests,
    })),
    ctx.params.downtimeTest === 'chain' && event.punishListed !== true,
  );
  const { minted: pool, rewards, noReward, distributed } = settled;
  if (ctx.trace) ctx.decisions.push({
    kind: 'reward_pool',
    epoch: n,
    pool,
    source: settled.source,
    error: settled.poolError,
    uncapped: settled.uncapped === pool ? undefined : settled.uncapped,
    totalWeight: set.totalWeight,
    distributed,
    governance: settled.toGovernance === pool - distributed ? undefined : settled.toGovernance,
  });
  // The reward math's decisions may include divergences (debt written off): those always count.
  for (const d of settled.decisions) if (ctx.trace || d.kind === 'divergence') ctx.decisions.push(d);

  // Mint, then the undistributed rest goes to governance.
  mintMutably(draft, ctx, pool, 'reward_distribution');
  transferMutably(draft, ctx, INFERENCE_MODULE, GOV, settled.toGovernance, `bitcoin_reward_to_governance:epoch=${n}`);

  // 4. Work coins and summaries; a non-ACTIVE member's owed coins are forfeited to governance
  // (or, under the versions before the fix of #1746, zeroed and stranded in the module).
  const summaries: (Summary | null)[] = world.participants.map(() => null);
  const strands = ctx.rules.nonActiveWorkCoins === 'strand';
  const work = members.map(({ index, before }, i) => {
    const owed = before.coinBalance;
    const active = before.status === 'ACTIVE';
    const name = world.participants[index] as string;
    if (owed > 0n && !active && !strands) {
      transferMutably(draft, ctx, INFERENCE_MODULE, GOV, owed, `forfeited_work_coins_to_governance:epoch=${n}`);
    }
    const w = owed > 0n && active ? owed : 0n;
    if (ctx.trace) ctx.decisions.push({
      kind: 'member_settled',
      name,
      weight: set.weights[i] as bigint,
      reward: rewards[i] as bigint,
      work: w,
      noReward: noReward[i],
      forfeited: owed > 0n && !active && !strands ? owed : 0n,
      ...(owed > 0n && !active && strands ? { stranded: owed } : {}),
    });
    if (owed > 0n && !active && strands) {
      divergence(
        ctx,
        'work_coins_stranded',
        owed,
        DIVERGENCE_SOURCES.workCoinsStranded,
        `${name} is ${before.status} at the end of epoch ${n}: its ${owed} ngonka of work coins are zeroed and stay in the inference module with no owner`,
      );
    }
    summaries[index] = Object.freeze({
      earnedCoins: w,
      rewardedCoins: rewards[i] as bigint,
      inferenceCount: before.inferenceCount,
      missedRequests: before.missedRequests,
      invalidatedInferences: before.invalidatedInferences,
      claimed: false,
    });
    return w;
  });
  draft.summaries = vecSet(draft.summaries, n, vecOf(summaries));

  // 5. Reset the ledgers; a new settle amount replaces (and expires) an older unclaimed one.
  // Every member's record changes, so the vector is rebuilt once rather than written per member.
  // The new records, by participant index.
  const reset: (ParticipantState | undefined)[] = new Array<ParticipantState | undefined>(world.participants.length);
  const expiredClaims: Send[] = [];
  members.forEach(({ index, before }, i) => {
    const workCoins = work[i] as bigint;
    const rewardCoins = rewards[i] as bigint;
    const replaces = workCoins + rewardCoins > 0n;
    if (replaces && before.settle !== null) {
      const old = before.settle.workCoins + before.settle.rewardCoins;
      expiredClaims.push({ amount: old, memo: `expired claim:${world.participants[index]}` });
    }
    const p = copyParticipant(before);
    // A debt beyond the reward: forgiven (chain) or still owed (deferred, immediate; see rewardMath.ts).
    p.coinBalance = settled.debtAfter[i] as bigint;
    p.earnedCoins = 0n;
    p.inferenceCount = 0;
    p.missedRequests = 0;
    p.invalidatedInferences = 0;
    p.validatedInferences = 0;
    if (replaces) p.settle = Object.freeze({ epoch: n, workCoins, rewardCoins });
    reset[index] = Object.freeze(p);
  });
  transferEachMutably(draft, ctx, INFERENCE_MODULE, GOV, expiredClaims);
  rewriteParticipantsMutably(draft, (p, index) => reset[index] ?? p);

  // 6. Sweep every settle amount older than the previous epoch.
  const stale: number[] = [];
  vecForEach(draft.participants, (p, index) => {
    if (p.settle !== null && p.settle.epoch < n - 1) stale.push(index);
  });
  const expired: Send[] = stale.map((index) => {
    const settle = participantAt(draft, index).settle as NonNullable<ReturnType<typeof participantAt>['settle']>;
    return { amount: settle.workCoins + settle.rewardCoins, memo: `expired:${world.participants[index]}` };
  });
  transferEachMutably(draft, ctx, INFERENCE_MODULE, GOV, expired);
  for (const index of stale) {
    updateParticipantMutably(draft, index, (p) => {
      p.settle = null;
    });
  }
  draft.epochEnded = true;
};

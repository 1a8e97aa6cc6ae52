import { mintMutably, transferMutably } from '../bank.js';
import { TxError } from '../errors.js';
import { participantIndexOf, updateParticipantMutably } from '../ledger.js';
import { vecForEach, vecOf, vecSet } from '../pvec.js';
import { activeSetOf, participantAt } from '../queries.js';
import { epochRewardPool } from '../reward.js';
import { GOV, INFERENCE_MODULE, setVecOfState, vecOfState, type ActiveSet, type Summary } from '../state.js';
import type { Decision } from '../trace.js';
import type { CaseReducer } from './types.js';

type NoReward = Extract<Decision, { kind: 'member_settled' }>['noReward'];

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

  // 1–2. The pool and each member's reward: floor(weight × F / W), W over the whole set.
  const { pool, uncapped, source } = epochRewardPool(ctx.params, n, draft.minted);
  const members = set.members.map((index) => ({ index, before: participantAt(draft, index) }));
  const noReward = members.map(({ index, before }, i): NoReward | undefined => {
    if (punished.has(index)) return 'punished';
    if (before.status !== 'ACTIVE') return 'not_active';
    if ((set.weights[i] as bigint) <= 0n) return 'zero_weight';
    if (pool === 0n) return 'zero_pool';
    return undefined;
  });
  const rewards = members.map((_, i) =>
    noReward[i] === undefined ? ((set.weights[i] as bigint) * pool) / set.totalWeight : 0n,
  );
  const distributed = rewards.reduce((a, b) => a + b, 0n);
  ctx.decisions.push({
    kind: 'reward_pool',
    epoch: n,
    pool,
    source,
    uncapped: uncapped === pool ? undefined : uncapped,
    totalWeight: set.totalWeight,
    distributed,
  });

  // 3. Mint, then the undistributed rest goes to governance.
  mintMutably(draft, ctx, pool, 'reward_distribution');
  transferMutably(draft, ctx, INFERENCE_MODULE, GOV, pool - distributed, `bitcoin_reward_to_governance:epoch=${n}`);

  // 4. Work coins and summaries; a non-ACTIVE member's owed coins are forfeited to governance.
  const summaries: (Summary | null)[] = world.participants.map(() => null);
  const work = members.map(({ index, before }, i) => {
    const owed = before.coinBalance;
    const active = before.status === 'ACTIVE';
    if (owed > 0n && !active) {
      transferMutably(draft, ctx, INFERENCE_MODULE, GOV, owed, `forfeited_work_coins_to_governance:epoch=${n}`);
    }
    const w = owed > 0n && active ? owed : 0n;
    ctx.decisions.push({
      kind: 'member_settled',
      name: world.participants[index] as string,
      weight: set.weights[i] as bigint,
      reward: rewards[i] as bigint,
      work: w,
      noReward: noReward[i],
      forfeited: owed > 0n && !active ? owed : 0n,
    });
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
  setVecOfState(draft, 'summaries', vecSet(vecOfState(draft, 'summaries'), n, vecOf(summaries)));

  // 5. Reset the ledgers; a new settle amount replaces (and expires) an older unclaimed one.
  members.forEach(({ index, before }, i) => {
    const workCoins = work[i] as bigint;
    const rewardCoins = rewards[i] as bigint;
    const replaces = workCoins + rewardCoins > 0n;
    if (replaces && before.settle !== null) {
      const old = before.settle.workCoins + before.settle.rewardCoins;
      transferMutably(draft, ctx, INFERENCE_MODULE, GOV, old, `expired claim:${world.participants[index]}`);
    }
    updateParticipantMutably(draft, index, (p) => {
      p.coinBalance = 0n;
      p.earnedCoins = 0n;
      p.inferenceCount = 0;
      p.missedRequests = 0;
      p.invalidatedInferences = 0;
      if (replaces) p.settle = { epoch: n, workCoins, rewardCoins };
    });
  });

  // 6. Sweep every settle amount older than the previous epoch.
  const stale: number[] = [];
  vecForEach(vecOfState(draft, 'participants'), (p, index) => {
    if (p.settle !== null && p.settle.epoch < n - 1) stale.push(index);
  });
  for (const index of stale) {
    const settle = participantAt(draft, index).settle as NonNullable<ReturnType<typeof participantAt>['settle']>;
    transferMutably(draft, ctx, INFERENCE_MODULE, GOV, settle.workCoins + settle.rewardCoins, `expired:${world.participants[index]}`);
    updateParticipantMutably(draft, index, (p) => {
      p.settle = null;
    });
  }
  draft.epochEnded = true;
};

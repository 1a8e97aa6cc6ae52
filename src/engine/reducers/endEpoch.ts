import { mintMutably, transferMutably } from '../bank.js';
import { TxError } from '../errors.js';
import { participantAt } from '../ledger.js';
import { vecForEach } from '../pvec.js';
import { epochRewardPool } from '../reward.js';
import { draftParticipants, GOV, INFERENCE_MODULE, type ChainState } from '../state.js';
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
  const set = draft.activeSets[n] as ChainState['activeSets'][number];
  const punished = new Set<number>();
  for (const name of event.punish) {
    const index = world.participantIndex.get(name) as number;
    if (!set.isMember[index]) throw new TxError(`participant ${name} is not in epoch ${n}`);
    punished.add(index);
  }

  // 1–2. The pool and each member's reward: floor(weight × F / W), W over the whole set.
  const pool = epochRewardPool(ctx.params, n, draft.minted);
  const rewards = set.members.map((index, i) => {
    const weight = set.weights[i] as bigint;
    const p = participantAt(draft, index);
    if (p.status !== 'ACTIVE' || punished.has(index) || weight <= 0n || set.totalWeight === 0n) return 0n;
    return (weight * pool) / set.totalWeight;
  });
  const distributed = rewards.reduce((a, b) => a + b, 0n);

  // 3. Mint, then the undistributed rest goes to governance.
  mintMutably(draft, ctx, pool, 'reward_distribution');
  transferMutably(draft, ctx, INFERENCE_MODULE, GOV, pool - distributed, `bitcoin_reward_to_governance:epoch=${n}`);

  // 4. Work coins and summaries; a non-ACTIVE member's owed coins are forfeited to governance.
  const work: bigint[] = [];
  set.members.forEach((index, i) => {
    const p = participantAt(draft, index);
    const owed = p.coinBalance;
    const active = p.status === 'ACTIVE';
    if (owed > 0n && !active) {
      transferMutably(draft, ctx, INFERENCE_MODULE, GOV, owed, `forfeited_work_coins_to_governance:epoch=${n}`);
    }
    const w = owed > 0n && active ? owed : 0n;
    work.push(w);
    p.summaries[n] = {
      earnedCoins: w,
      rewardedCoins: rewards[i] as bigint,
      inferenceCount: p.inferenceCount,
      missedRequests: p.missedRequests,
      invalidatedInferences: p.invalidatedInferences,
      claimed: false,
    };
    p.coinBalance = 0n;
    p.earnedCoins = 0n;
    p.inferenceCount = 0;
    p.missedRequests = 0;
    p.invalidatedInferences = 0;
  });

  // 5. A new settle amount replaces (and expires) an older unclaimed one.
  set.members.forEach((index, i) => {
    const workCoins = work[i] as bigint;
    const rewardCoins = rewards[i] as bigint;
    if (workCoins + rewardCoins === 0n) return;
    const p = participantAt(draft, index);
    const name = world.participants[index] as string;
    if (p.settle !== null) {
      transferMutably(draft, ctx, INFERENCE_MODULE, GOV, p.settle.workCoins + p.settle.rewardCoins, `expired claim:${name}`);
    }
    p.settle = { epoch: n, workCoins, rewardCoins };
  });

  // 6. Sweep every settle amount older than the previous epoch.
  const stale: number[] = [];
  vecForEach(draftParticipants(draft), (p, index) => {
    if (p.settle !== null && p.settle.epoch < n - 1) stale.push(index);
  });
  for (const index of stale) {
    const p = participantAt(draft, index);
    const settle = p.settle as NonNullable<typeof p.settle>;
    transferMutably(draft, ctx, INFERENCE_MODULE, GOV, settle.workCoins + settle.rewardCoins, `expired:${world.participants[index]}`);
    p.settle = null;
  }
  draft.epochEnded = true;
  draft.endedEpochs.push(n);
};

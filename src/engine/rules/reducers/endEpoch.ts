import { MAX_INT64 } from '../../../domain/money.js';
import { mintMutably, transferEachMutably, transferMutably, type Send } from '../../storage/bank.js';
import type { TxContext } from '../ruleset.js';
import { TxError, txError } from '../../errors.js';
import { participantIndexOf, rewriteParticipantsMutably, updateParticipantMutably } from '../../storage/ledger.js';
import { vecForEach, vecOf, vecSet } from '../../storage/pvec.js';
import { activeSetOf, participantAt } from '../../storage/queries.js';
import { epochRewards, rewardMathOf, type EpochRewards } from '../rewardMath.js';
import { copyParticipant, GOV, INFERENCE_MODULE, type ActiveSet, type ChainState, type Mutable, type ParticipantState, type SettleAmount, type Summary } from '../../storage/state.js';
import { divergence } from '../payouts.js';
import { checkpointOf } from '../../storage/tx.js';
import type { Decision } from '../../trace.js';
import { unlockVestingMutably } from '../vesting.js';
import type { CaseReducer } from './types.js';

type Stage = Extract<Decision, { kind: 'settlement_failed' }>['stage'];

interface Member {
  readonly index: number;
  readonly before: ParticipantState;
  /** Its weight in the active set. */
  readonly weight: bigint;
}

/**
 * SettleAccounts(N): mint the epoch's reward pool, share it by weight, turn each member's owed
 * work coins into its settle amount, write the performance summaries, and expire old claims
 * (format section 3.2). The effective epoch stays N until the next start_epoch.
 *
 * The writes come in the chain's order (keeper/accountsettle.go SettleAccounts at v0.2.11
 * bd1fd508, v0.2.12 d8b8e907 and gonka-ai/gonka 9fef02cd): mint, the undistributed reward to
 * governance, (newest) the forfeited work coins' total to governance, each member's reset and
 * summary, each member's settle amount (an older one first to governance), then the sweep of
 * settle amounts older than the previous epoch. When a write fails, `Ruleset.settlement` says
 * what stays: v1 fails the transaction; the chain versions end the epoch all the same, keeping
 * what was written before the failure (before v0.2.12) or nothing (v0.2.12+, a cache context).
 */
export const endEpoch: CaseReducer<'end_epoch'> = (draft, event, ctx) => {
  const n = draft.effectiveEpoch;
  if (n === 0) throw txError('NO_EPOCH_TO_END', {}, 'no epoch to end');
  if (draft.epochEnded) throw txError('EPOCH_ALREADY_ENDED', { epoch: n }, `epoch ${n} already ended`);
  const { world } = ctx;
  const set = activeSetOf(draft, n) as ActiveSet;
  const punished = new Set<number>();
  for (const name of event.punish) {
    const index = participantIndexOf(world, name);
    if (!set.isMember[index]) throw txError('NOT_IN_EPOCH', { participant: name, epoch: n }, `participant ${name} is not in epoch ${n}`);
    punished.add(index);
  }
  // The vesting module's unlocks come first (module.go: streamvesting AdvanceEpoch before SettleAccounts).
  unlockVestingMutably(draft, ctx);
  const decisionsBefore = ctx.decisions.length;
  const transfersBefore = ctx.transfers.length;
  const movesBefore = ctx.moves;
  const effectsBefore = ctx.effects.length;

  // 1–3. The pool, the weights (power capping, downtime) and each member's reward: floor(weight × F / W),
  // W the full weight of the whole set; debt netted; the lifetime cap (rewardMath.ts).
  const members: Member[] = set.members.map((index, i) => ({ index, before: participantAt(draft, index), weight: set.weights[i] as bigint }));
  const settled = epochRewards(
    ctx.params,
    rewardMathOf(ctx.rules, ctx.params),
    n,
    draft.minted,
    members.map(({ index, before, weight }) => ({
      name: world.participants[index] as string,
      weight,
      active: before.status === 'ACTIVE',
      punished: punished.has(index),
      coinBalance: before.coinBalance,
      inferenceCount: before.inferenceCount,
      missedRequests: before.missedRequests,
    })),
    event.punishListed !== true,
  );
  if (ctx.trace) ctx.decisions.push({
    kind: 'reward_pool',
    epoch: n,
    pool: settled.minted,
    source: settled.source,
    error: settled.poolError,
    uncapped: settled.uncapped === settled.minted ? undefined : settled.uncapped,
    totalWeight: set.totalWeight,
    distributed: settled.distributed,
    governance: settled.toGovernance === settled.minted - settled.distributed ? undefined : settled.toGovernance,
  });
  // The reward math's decisions may include divergences (debt written off): those always count.
  for (const d of settled.decisions) if (ctx.trace || d.kind === 'divergence') ctx.decisions.push(d);

  const mode = ctx.rules.settlement;
  const restore = mode === 'atomic' ? checkpointOf(draft) : undefined;
  const progress = { stage: 'reward_amount' as Stage, minted: 0n };
  try {
    settleMembers(draft, ctx, n, members, settled, progress);
  } catch (error) {
    if (mode === 'tx_error' || !(error instanceof TxError)) throw error;
    // The chain logs the error (and, from v0.2.12, emits epoch_error) and the epoch ends anyway.
    restore?.();
    if (mode === 'atomic') {
      ctx.transfers.length = transfersBefore;
      ctx.moves = movesBefore;
      ctx.effects.length = effectsBefore;
    }
    // What the failed settlement did not do does not count: its divergences go.
    const kept = ctx.decisions.slice(decisionsBefore).filter((d) => d.kind !== 'divergence');
    ctx.decisions.length = decisionsBefore;
    if (ctx.trace) ctx.decisions.push(...kept);
    const minted = mode === 'partial' ? progress.minted : 0n;
    ctx.decisions.push({ kind: 'settlement_failed', epoch: n, mode, error: error.message, stage: progress.stage, minted });
    if (minted > 0n) {
      divergence(ctx, minted, { id: 'settlement_partial', data: { epoch: n, minted, error: error.message } });
    }
    ctx.result = `Unable to settle accounts: ${error.message}`;
    draft.epochEnded = true;
    return;
  }
  sweepOldSettleAmounts(draft, ctx, n);
  draft.epochEnded = true;
};

/** Steps 1–13 of SettleAccounts: everything a failure can undo (v0.2.12+'s cache context). */
function settleMembers(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  n: number,
  members: readonly Member[],
  settled: EpochRewards,
  progress: { stage: Stage; minted: bigint },
): void {
  const { world } = ctx;
  const { minted: pool, rewards, noReward } = settled;
  // GetBitcoinSettleAmounts returns the pool as an int64: above MaxInt64 it reads as negative.
  if (pool > MAX_INT64) throw txError('NEGATIVE_REWARD_AMOUNT', { pool }, 'negative reward amount');
  const rule = ctx.rules.nonActiveWorkCoins;
  // newest: totalForfeitedWorkCoins, computed before any write.
  let forfeitedTotal = 0n;
  if (rule === 'governance_total') {
    for (const { before } of members) {
      if (before.status === 'ACTIVE' || before.coinBalance <= 0n) continue;
      if (before.coinBalance > MAX_INT64 - forfeitedTotal) throw txError('FORFEIT_TOTAL_OVERFLOW', {}, 'forfeited work coin total exceeds int64');
      forfeitedTotal += before.coinBalance;
    }
  }

  // Mint, then the undistributed rest goes to governance, then (newest) the forfeited total.
  progress.stage = 'mint';
  mintMutably(draft, ctx, pool, 'reward_distribution');
  progress.minted = pool;
  progress.stage = 'governance_remainder';
  transferMutably(draft, ctx, INFERENCE_MODULE, GOV, settled.toGovernance, `bitcoin_reward_to_governance:epoch=${n}`);
  if (forfeitedTotal > 0n) {
    progress.stage = 'forfeited_total';
    transferMutably(draft, ctx, INFERENCE_MODULE, GOV, forfeitedTotal, `forfeited_work_coins_to_governance:epoch=${n}`);
  }

  // 4. Work coins and summaries; a non-ACTIVE member's owed coins are forfeited to governance
  // (or, under the versions before the fix of #1746, zeroed and stranded in the module).
  progress.stage = 'forfeited_work_coins';
  const summaries: (Summary | null)[] = world.participants.map(() => null);
  const strands = rule === 'strand';
  const work = members.map(({ index, before, weight }, i) => {
    const owed = before.coinBalance;
    const active = before.status === 'ACTIVE';
    const name = world.participants[index] as string;
    const forfeits = owed > 0n && !active && !strands;
    if (forfeits && rule === 'governance') {
      transferMutably(draft, ctx, INFERENCE_MODULE, GOV, owed, `forfeited_work_coins_to_governance:epoch=${n}`);
    }
    const w = owed > 0n && active ? owed : 0n;
    if (ctx.trace) ctx.decisions.push({
      kind: 'member_settled',
      name,
      weight,
      reward: rewards[i] as bigint,
      work: w,
      noReward: noReward[i],
      forfeited: forfeits ? owed : 0n,
      ...(owed > 0n && !active && strands ? { stranded: owed } : {}),
    });
    if (owed > 0n && !active && strands) {
      divergence(ctx, owed, { id: 'work_coins_stranded', data: { participant: name, status: before.status, epoch: n, coins: owed } });
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
  const replacing: { readonly at: number; readonly old: SettleAmount; readonly next: SettleAmount }[] = [];
  const newSettle = new Array<SettleAmount | null>(members.length).fill(null);
  members.forEach(({ before }, i) => {
    const workCoins = work[i] as bigint;
    const rewardCoins = rewards[i] as bigint;
    if (workCoins + rewardCoins === 0n) return;
    const next = Object.freeze({ epoch: n, workCoins, rewardCoins });
    newSettle[i] = next;
    if (before.settle !== null) replacing.push({ at: i, old: before.settle, next });
  });
  const expiredClaims: Send[] = replacing.map(({ at, old }) => ({
    amount: old.workCoins + old.rewardCoins,
    memo: `expired claim:${world.participants[(members[at] as Member).index]}`,
  }));
  // The chain's transfer of an older settle amount: v1 fails the transaction when the module
  // cannot make it; before v0.2.12 the error is ignored and the new amount is not written;
  // from v0.2.12 it is logged and the new amount overwrites the old one.
  /** Members whose older settle amount is overwritten without its transfer (v0.2.12+). */
  const unsent = new Set<number>();
  const onRefused = ctx.rules.settlement === 'tx_error' ? undefined : (k: number, error: TxError): 'skip' => {
    const { at, old, next } = replacing[k] as (typeof replacing)[number];
    const name = world.participants[(members[at] as Member).index] as string;
    const amount = old.workCoins + old.rewardCoins;
    const kept = ctx.rules.settlement === 'partial';
    if (ctx.trace) ctx.decisions.push({ kind: 'expired_claim_failed', name, amount, error: error.message, outcome: kept ? 'kept' : 'overwritten' });
    if (kept) {
      newSettle[at] = old;
      const lost = next.workCoins + next.rewardCoins;
      divergence(ctx, lost, {
        id: 'settle_amount_lost',
        data: { participant: name, unclaimed: amount, unclaimedEpoch: old.epoch, epoch: n, lost, error: error.message },
      });
    } else {
      unsent.add(at);
      divergence(ctx, amount, {
        id: 'expired_claim_unsent',
        data: { participant: name, unclaimed: amount, unclaimedEpoch: old.epoch, epoch: n, error: error.message },
      });
    }
    return 'skip';
  };
  transferEachMutably(draft, ctx, INFERENCE_MODULE, GOV, expiredClaims, onRefused);
  const reset: (ParticipantState | undefined)[] = new Array<ParticipantState | undefined>(world.participants.length);
  members.forEach(({ index, before }, i) => {
    const name = world.participants[index] as string;
    recordResetEffects(ctx, name, n, before, settled.debtAfter[i] as bigint, settled.recovered[i] as bigint, rule);
    const next = newSettle[i] as SettleAmount | null;
    // The settle amounts: an older one replaced (sent, or overwritten unsent), the new one written.
    if (before.settle !== null && next !== null && next !== before.settle) {
      const old = before.settle;
      if (ctx.record) ctx.effects.push({ kind: 'settle', participant: name, op: unsent.has(i) ? 'overwritten' : 'replaced', epoch: old.epoch, work: old.workCoins, reward: old.rewardCoins });
    }
    if (ctx.record && next !== null && next !== before.settle) ctx.effects.push({ kind: 'settle', participant: name, op: 'written', epoch: n, work: next.workCoins, reward: next.rewardCoins });
    const p = copyParticipant(before);
    // A debt beyond the reward: forgiven (chain) or still owed (deferred, immediate; see rewardMath.ts).
    p.coinBalance = settled.debtAfter[i] as bigint;
    p.earnedCoins = 0n;
    p.inferenceCount = 0;
    p.missedRequests = 0;
    p.invalidatedInferences = 0;
    p.validatedInferences = 0;
    // CurrentEpochStats = NewCurrentEpochStats(): the SPRT ratios start over with the epoch.
    p.invalidLLR = 0n;
    p.inactiveLLR = 0n;
    if (next !== null) p.settle = next;
    reset[index] = Object.freeze(p);
  });
  rewriteParticipantsMutably(draft, (p, index) => reset[index] ?? p);
}

/**
 * The ledger effects of resetting a member's coin_balance and earned_coins at the end of epoch
 * `n`: owed coins become the settle amount's work coins (or go to governance, or stay stranded,
 * for a non-ACTIVE member); a debt is partly recovered from the reward and the rest either stays
 * owed (v1) or is forgiven (chain).
 */
function recordResetEffects(
  ctx: TxContext,
  name: string,
  n: number,
  before: ParticipantState,
  after: bigint,
  recovered: bigint,
  rule: 'governance' | 'governance_total' | 'strand',
): void {
  const owed = before.coinBalance;
  if (owed > 0n) {
    const reason = before.status === 'ACTIVE' ? 'epoch_settled' : rule === 'strand' ? 'stranded' : 'forfeited';
    if (ctx.record) ctx.effects.push({ kind: 'ledger', participant: name, field: 'coin_balance', delta: -owed, reason, epoch: n });
  } else if (owed < 0n) {
    if (ctx.record && recovered > 0n) ctx.effects.push({ kind: 'ledger', participant: name, field: 'coin_balance', delta: recovered, reason: 'debt_recovered', epoch: n });
    const forgiven = after - owed - recovered;
    if (ctx.record && forgiven > 0n) ctx.effects.push({ kind: 'ledger', participant: name, field: 'coin_balance', delta: forgiven, reason: 'debt_forgiven', epoch: n });
  }
  if (ctx.record && before.earnedCoins !== 0n) ctx.effects.push({ kind: 'ledger', participant: name, field: 'earned_coins', delta: -before.earnedCoins, reason: 'epoch_settled', epoch: n });
}

/**
 * 14. Every settle amount older than the previous epoch goes to governance and is deleted
 * (TransferOldSettleAmountsToGovernance). The chain version stops at the first transfer the
 * module cannot make and only logs it (the rest wait for a later epoch); v1 fails the transaction.
 */
function sweepOldSettleAmounts(draft: Mutable<ChainState>, ctx: TxContext, n: number): void {
  const { world } = ctx;
  const stale: number[] = [];
  vecForEach(draft.participants, (p, index) => {
    if (p.settle !== null && p.settle.epoch < n - 1) stale.push(index);
  });
  const expired: Send[] = stale.map((index) => {
    const settle = participantAt(draft, index).settle as SettleAmount;
    return { amount: settle.workCoins + settle.rewardCoins, memo: `expired:${world.participants[index]}` };
  });
  let swept = stale.length;
  const onRefused = ctx.rules.settlement === 'tx_error' ? undefined : (k: number, error: TxError): 'stop' => {
    swept = k;
    if (ctx.trace) {
      const name = world.participants[stale[k] as number] as string;
      ctx.decisions.push({ kind: 'sweep_stopped', name, amount: (expired[k] as Send).amount, error: error.message });
    }
    return 'stop';
  };
  transferEachMutably(draft, ctx, INFERENCE_MODULE, GOV, expired, onRefused);
  for (const index of stale.slice(0, swept)) {
    const settle = participantAt(draft, index).settle as SettleAmount;
    if (ctx.record) ctx.effects.push({ kind: 'settle', participant: world.participants[index] as string, op: 'swept', epoch: settle.epoch, work: settle.workCoins, reward: settle.rewardCoins });
    updateParticipantMutably(draft, index, (p) => {
      p.settle = null;
    });
  }
}

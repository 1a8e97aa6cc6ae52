import { txError } from '../../errors.js';
import { participantIndexOf, putSummaryMutably, updateParticipantMutably } from '../../storage/ledger.js';
import { divergence } from '../payouts.js';
import { balanceOf, isActiveIn, participantAt, summaryOf } from '../../storage/queries.js';
import { copySummary, INFERENCE_MODULE } from '../../storage/state.js';
import type { Decision } from '../../trace.js';
import { payClaimMutably } from '../vesting.js';
import type { CaseReducer } from './types.js';

type ClaimOutcome = Extract<Decision, { kind: 'claim' }>['outcome'];

export const CLAIM_RESULTS = {
  epochMismatch: "Can't validate claim, current epoch group does not match previous epoch",
  noRewards: 'No rewards for this address',
  wrongEpoch: 'No rewards for this block height',
  claimed: 'Rewards claimed successfully',
  /** Before v0.2.12, when the module cannot pay the work coins: the record is deleted unpaid. */
  workUnpaid: 'Insufficient funds for paying participant for work! Unpaid settlement',
  /** Before v0.2.12, when the module cannot pay the reward after the work: the record is deleted. */
  rewardUnpaid: 'Work paid, but rewards failed.',
  /** v0.2.12+: nothing is paid and the record is kept. */
  workRetry: 'Insufficient funds for paying participant for work, claim can be retried',
  rewardRetry: 'Reward payment failed, claim can be retried',
} as const;

/**
 * MsgClaimRewards: only the permission check is a transaction error; every other outcome is a
 * successful transaction with a result text, as on chain (format section 3.3).
 */
export const claimReward: CaseReducer<'claim_reward'> = (draft, event, ctx) => {
  const { participant: name } = event;
  const current = draft.effectiveEpoch;
  if (!isActiveIn(draft, ctx.world, current, name) && !isActiveIn(draft, ctx.world, current - 1, name)) {
    throw txError('NOT_ACTIVE', { participant: name, epoch: current }, 'participant is not active');
  }
  const index = participantIndexOf(ctx.world, name);
  const settle = participantAt(draft, index).settle;
  const answer = (outcome: ClaimOutcome, result: string): void => {
    if (ctx.trace) ctx.decisions.push({ kind: 'claim', name, epoch: event.epoch, outcome, claimable: current - 1, heldEpoch: settle?.epoch });
    ctx.result = result;
  };
  if (current === 0 || event.epoch !== BigInt(current - 1)) return answer('too_early_or_late', CLAIM_RESULTS.epochMismatch);
  if (settle === null) return answer('nothing', CLAIM_RESULTS.noRewards);
  if (BigInt(settle.epoch) !== event.epoch) return answer('other_epoch', CLAIM_RESULTS.wrongEpoch);
  if (settle.workCoins + settle.rewardCoins === 0n) return answer('empty', CLAIM_RESULTS.noRewards);
  /** Deletes the record (`op` says whether it was paid or lost) and marks the summary claimed. */
  const finish = (op: 'claimed' | 'lost'): void => {
    if (ctx.record) ctx.effects.push({ kind: 'settle', participant: name, op, epoch: settle.epoch, work: settle.workCoins, reward: settle.rewardCoins });
    const summary = summaryOf(draft, settle.epoch, index);
    if (summary) {
      const claimed = copySummary(summary);
      claimed.claimed = true;
      putSummaryMutably(draft, ctx.world, settle.epoch, index, claimed);
    }
    updateParticipantMutably(draft, index, (p) => {
      p.settle = null;
    });
  };
  // When the module cannot pay (only after a shortfall) the version rulesets answer as their
  // chain did; the v1 rulesets let the bank fail the transaction.
  if (ctx.rules.claims !== 'tx_error') {
    const held = balanceOf(draft, ctx.world, INFERENCE_MODULE);
    const workShort = held < settle.workCoins;
    if (workShort || held - settle.workCoins < settle.rewardCoins) {
      if (ctx.rules.claims === 'atomic') {
        return answer('retry', workShort ? CLAIM_RESULTS.workRetry : CLAIM_RESULTS.rewardRetry);
      }
      if (!workShort) payClaimMutably(draft, ctx, name, settle.workCoins, `work_coins:${name}`, ctx.params.workVestingPeriod);
      const lost = workShort ? settle.workCoins + settle.rewardCoins : settle.rewardCoins;
      finish('lost');
      divergence(ctx, lost, { id: 'claim_lost', data: { participant: name, epoch: settle.epoch, part: workShort ? 'work' : 'reward', unpaid: lost } });
      return answer(workShort ? 'work_unpaid' : 'reward_unpaid', workShort ? CLAIM_RESULTS.workUnpaid : CLAIM_RESULTS.rewardUnpaid);
    }
  }
  payClaimMutably(draft, ctx, name, settle.workCoins, `work_coins:${name}`, ctx.params.workVestingPeriod);
  payClaimMutably(draft, ctx, name, settle.rewardCoins, `reward_coins:${name}`, ctx.params.rewardVestingPeriod);
  finish('claimed');
  answer('paid', CLAIM_RESULTS.claimed);
};

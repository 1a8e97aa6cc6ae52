/**
 * The words of the known divergences: where each comes from and one sentence that tells what
 * happened, with names and amounts. The reducers record a divergence as data (trace.ts
 * DivergenceDetail); the JSON document, explain and fuzz word it here. Pure.
 */
import type { DivergenceDetail, DivergenceId } from '../engine/trace.js';

/** The chain issue, review point or version each known divergence comes from. */
export const DIVERGENCE_SOURCES: Readonly<Record<DivergenceId, string>> = {
  fees_kept: 'FEESTAY (gonka-ai/gonka f9d5d01): the refund is amount − (payouts + fees), so the fees have no owner; fixed by the per-slot fee split',
  payout_trapped: 'gonka-ai/gonka PR #1000 review, must-fix: totalPayout is counted before the participant lookup',
  work_coins_stranded: "gonka-ai/gonka #1746: a non-ACTIVE participant's work coins are zeroed at settlement without moving the coins",
  prune_remainder:
    'unsettled-escrow pruning (subnet_pruning.go / devshard_pruning.go): integer division, the remainder stays in the module; PR #1357 (closed) proposed a creator refund',
  claim_lost: 'ClaimRewards before v0.2.12 is not atomic: a failed payment deletes the settle amount unpaid (v0.2.12 made it atomic)',
  debt_written_off:
    'keeper/bitcoin_rewards.go CalculateParticipantBitcoinRewards (8a35022b): a debt is recovered from the reward into the governance remainder; SettleAccounts resets the coin balance, forgiving the rest',
  supply_cap_over_transfer:
    'keeper/bitcoin_rewards.go GetBitcoinSettleAmounts (8a35022b): the epoch that crosses the subsidy cap scales the rewards but sends governance the unscaled undistributed part too',
  settlement_partial:
    'SettleAccounts before v0.2.12 has no cache context (keeper/accountsettle.go @ bd1fd508): a failure after MintRewardCoins keeps the mint; module.go only logs the error',
  settle_amount_lost:
    'SettleAccounts before v0.2.12 ignores the error of SetSettleAmountWithGovernanceTransfer (keeper/accountsettle.go, settle_amount.go @ bd1fd508): a failed expired-claim transfer skips the new settle amount after the coin balance was reset',
  expired_claim_unsent:
    'SetSettleAmountWithGovernanceTransfer from v0.2.12 logs a failed expired-claim transfer and writes the new settle amount over the old one (keeper/settle_amount.go @ d8b8e907)',
};

/** What happened, in one sentence with names and amounts (ngonka). */
export function divergenceMessage(d: DivergenceDetail): string {
  switch (d.id) {
    case 'fees_kept': {
      const { fees, escrow, creator } = d.data;
      return `the ${fees} ngonka of fees of escrow ${escrow} are not paid to the hosts and not refunded to ${creator}: they stay in the inference module`;
    }
    case 'payout_trapped': {
      const { host, payout, escrow, creator } = d.data;
      return (
        `${host} has no participant record ("not found"), but its payout of ${payout} ngonka from escrow ${escrow} ` +
        `was already counted in totalPayout: no one is credited and ${creator}'s refund is ${payout} ngonka short`
      );
    }
    case 'work_coins_stranded': {
      const { participant, status, epoch, coins } = d.data;
      return `${participant} is ${status} at the end of epoch ${epoch}: its ${coins} ngonka of work coins are zeroed and stay in the inference module with no owner`;
    }
    case 'prune_remainder': {
      const { escrow, epoch, amount, creator, sent, per, shares, remainder } = d.data;
      return (
        `unsettled escrow ${escrow} of epoch ${epoch} (${amount} ngonka from ${creator}) is pruned: ` +
        `${sent} ngonka go to its ${shares} ${per === 'slot' ? 'slots' : 'unique hosts'}, ${creator} gets nothing back and ${remainder} ngonka stay in the inference module`
      );
    }
    case 'claim_lost': {
      const { participant, epoch, part, unpaid } = d.data;
      return (
        `the inference module cannot pay ${participant}'s ${part === 'work' ? 'work coins' : 'reward coins'} for epoch ${epoch}: ` +
        `its settle amount is deleted with ${unpaid} ngonka unpaid`
      );
    }
    case 'debt_written_off': {
      const { participant, debt, recovered, forgiven } = d.data;
      return (
        `${participant}'s debt of ${debt} ngonka: ${recovered} recovered from its reward went to governance and ${forgiven} ` +
        `was forgiven, while the validators' shares it stood for stay owed — the module is ${debt} ngonka short`
      );
    }
    case 'supply_cap_over_transfer': {
      const { epoch, minted, scaledRest, overTransfer } = d.data;
      return (
        `epoch ${epoch} crosses the subsidy cap: ${minted} ngonka are minted, but governance gets the unscaled ` +
        `undistributed ${overTransfer} on top of ${scaledRest}, ${overTransfer} ngonka more than was minted for it`
      );
    }
    case 'settlement_partial': {
      const { epoch, minted, error } = d.data;
      return (
        `the settlement of epoch ${epoch} failed after its ${minted} ngonka were minted ("${error}"): nothing of it is ` +
        'distributed, and the coins stay in the inference module with no owner'
      );
    }
    case 'settle_amount_lost': {
      const { participant, unclaimed, unclaimedEpoch, epoch, lost, error } = d.data;
      return (
        `the module cannot send ${participant}'s unclaimed ${unclaimed} ngonka of epoch ${unclaimedEpoch} to governance ("${error}"), so its ` +
        `settle amount of epoch ${epoch} (${lost} ngonka) is not written while its coin balance is reset: no one owns those coins`
      );
    }
    case 'expired_claim_unsent': {
      const { participant, unclaimed, unclaimedEpoch, epoch, error } = d.data;
      return (
        `the module cannot send ${participant}'s unclaimed ${unclaimed} ngonka of epoch ${unclaimedEpoch} to governance ("${error}"): the ` +
        `epoch-${epoch} settle amount overwrites it and the ${unclaimed} ngonka stay in the inference module with no owner`
      );
    }
  }
}

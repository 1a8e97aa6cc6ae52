import { txError } from '../../errors.js';
import { participantIndexOf, updateParticipantMutably } from '../../storage/ledger.js';
import { vecSet } from '../../storage/pvec.js';
import { participantAt } from '../../storage/queries.js';
import { type ActiveSet } from '../../storage/state.js';
import { pruneEscrowsOf } from '../pruning.js';
import { autoStatusRules } from '../autoStatus.js';
import type { CaseReducer } from './types.js';

/**
 * Effective epoch N → N+1 (SetNewValidators): applies weight overrides, fixes the active set of
 * N+1 in list order with its weights, and resets every member to ACTIVE.
 */
export const startEpoch: CaseReducer<'start_epoch'> = (draft, event, ctx) => {
  const current = draft.effectiveEpoch;
  const next = current + 1;
  if (current >= 1 && !draft.epochEnded) {
    throw txError('EPOCH_NOT_ENDED', { next, current }, `cannot start epoch ${next}: epoch ${current} has not ended`);
  }
  const { world } = ctx;
  for (const [name, weight] of event.weights) {
    updateParticipantMutably(draft, participantIndexOf(world, name), (p) => {
      p.weight = weight;
    });
  }
  const isMember = world.participants.map(() => event.active === undefined);
  for (const name of event.active ?? []) isMember[participantIndexOf(world, name)] = true;
  const members: number[] = [];
  const weights: bigint[] = [];
  let totalWeight = 0n;
  isMember.forEach((member, index) => {
    if (!member) return;
    const p = participantAt(draft, index);
    // moveUpcomingToEffectiveGroup: ACTIVE, and from 8a35022b ConsecutiveInvalidInferences 0.
    const resetCount = p.consecutiveInvalidInferences > 0 && autoStatusRules(ctx)?.resetsConsecutiveInvalid === true;
    if (p.status !== 'ACTIVE' || resetCount) {
      updateParticipantMutably(draft, index, (q) => {
        q.status = 'ACTIVE';
        if (resetCount) q.consecutiveInvalidInferences = 0;
      });
    }
    members.push(index);
    weights.push(p.weight);
    totalWeight += p.weight;
  });
  const set: ActiveSet = Object.freeze({ members: Object.freeze(members), weights: Object.freeze(weights), totalWeight, isMember: Object.freeze(isMember) });
  draft.activeSets = vecSet(draft.activeSets, next, set);
  draft.effectiveEpoch = next;
  draft.epochEnded = false;
  // The chain's EndBlock prunes the devshard escrows of epoch next − 2 (version rulesets only).
  pruneEscrowsOf(draft, ctx, next - 2);
};

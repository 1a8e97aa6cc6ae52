import { txError } from '../../errors.js';
import { participantIndexOf, updateParticipantMutably } from '../../storage/ledger.js';
import { vecSet } from '../../storage/pvec.js';
import { exclusionsOf, isActiveIn } from '../../storage/queries.js';
import type { CaseReducer } from './types.js';

/**
 * A participant turns INVALID or INACTIVE for the rest of the effective epoch, and an
 * `ExcludedParticipant` record is kept for that epoch. Its owed work coins are then forfeited
 * when the epoch is settled.
 */
export const excludeParticipant: CaseReducer<'exclude_participant'> = (draft, event, ctx) => {
  const { participant: name } = event;
  const epoch = draft.effectiveEpoch;
  if (!isActiveIn(draft, ctx.world, epoch, name)) throw txError('NOT_ACTIVE', { participant: name, epoch: epoch }, 'participant is not active');
  const excluded = exclusionsOf(draft, epoch);
  if (excluded.includes(name)) throw txError('ALREADY_EXCLUDED', { participant: name, epoch }, `participant ${name} already excluded in epoch ${epoch}`);
  updateParticipantMutably(draft, participantIndexOf(ctx.world, name), (p) => {
    p.status = event.reason === 'invalid' ? 'INVALID' : 'INACTIVE';
  });
  draft.exclusions = vecSet(draft.exclusions, epoch, Object.freeze([...excluded, name]));
};

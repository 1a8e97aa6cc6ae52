import { TxError } from '../errors.js';
import { isActiveIn, participantNamed } from '../ledger.js';
import type { CaseReducer } from './types.js';

/**
 * A participant turns INVALID or INACTIVE for the rest of the effective epoch, and an
 * `ExcludedParticipant` record is kept for that epoch. Its owed work coins are then forfeited
 * when the epoch is settled.
 */
export const excludeParticipant: CaseReducer<'exclude_participant'> = (draft, event, ctx) => {
  const { participant: name } = event;
  const epoch = draft.effectiveEpoch;
  if (!isActiveIn(draft, ctx.world, epoch, name)) throw new TxError('participant is not active');
  const excluded = (draft.exclusions[epoch] ??= []);
  if (excluded.includes(name)) throw new TxError(`participant ${name} already excluded in epoch ${epoch}`);
  participantNamed(draft, ctx.world, name).status = event.reason === 'invalid' ? 'INVALID' : 'INACTIVE';
  excluded.push(name);
};

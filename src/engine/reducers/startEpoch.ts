import { castDraft } from 'immer';
import { TxError } from '../errors.js';
import { participantAt } from '../ledger.js';
import type { ActiveSet } from '../state.js';
import type { CaseReducer } from './types.js';

/**
 * Effective epoch N → N+1 (SetNewValidators): applies weight overrides, fixes the active set of
 * N+1 in list order with its weights, and resets every member to ACTIVE.
 */
export const startEpoch: CaseReducer<'start_epoch'> = (draft, event, ctx) => {
  const current = draft.effectiveEpoch;
  const next = current + 1;
  if (current >= 1 && !draft.epochEnded) {
    throw new TxError(`cannot start epoch ${next}: epoch ${current} has not ended`);
  }
  const { world } = ctx;
  for (const [name, weight] of event.weights) {
    participantAt(draft, world.participantIndex.get(name) as number).weight = weight;
  }
  const isMember = world.participants.map(() => event.active === undefined);
  for (const name of event.active ?? []) isMember[world.participantIndex.get(name) as number] = true;
  const members: number[] = [];
  const weights: bigint[] = [];
  let totalWeight = 0n;
  isMember.forEach((member, index) => {
    if (!member) return;
    const p = participantAt(draft, index);
    p.status = 'ACTIVE';
    members.push(index);
    weights.push(p.weight);
    totalWeight += p.weight;
  });
  const set: ActiveSet = { members, weights, totalWeight, isMember };
  draft.activeSets[next] = castDraft(set);
  draft.effectiveEpoch = next;
  draft.epochEnded = false;
};

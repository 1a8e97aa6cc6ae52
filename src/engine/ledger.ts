/**
 * Writes to participants, summaries and other vectors of a draft. Each helper path-copies the
 * vector it changes and replaces it on the draft; a record is changed by `edit` (a frozen
 * copy), so reducers still write `p.coinBalance += x`.
 */
import type { Draft } from 'immer';
import { MAX_INT64, MAX_UINT64 } from '../domain/money.js';
import { TxError } from './errors.js';
import { sparseVec, vecForEach, vecGet, vecOf, vecSet } from './pvec.js';
import { participantAt } from './queries.js';
import { edit } from './tx.js';
import {
  copyParticipant,
  setVecOfState,
  vecOfState,
  type ChainState,
  type ParticipantState,
  type Summary,
  type World,
} from './state.js';

export function participantIndexOf(world: World, name: string): number {
  const index = world.participantIndex.get(name);
  if (index === undefined) throw new Error(`internal: ${name} is not a participant`);
  return index;
}

/** Applies `recipe` to one participant record. */
export function updateParticipantMutably(
  draft: Draft<ChainState>,
  index: number,
  recipe: (p: Draft<ParticipantState>) => void,
): void {
  const next = edit(participantAt(draft, index), recipe, copyParticipant);
  setVecOfState(draft, 'participants', vecSet(vecOfState(draft, 'participants'), index, next));
}

/**
 * Replaces every participant record by `next(record, index)` in one rebuild of the vector: for
 * changes to most participants at once (end_epoch), O(participants) instead of a path copy each.
 */
export function rewriteParticipantsMutably(
  draft: Draft<ChainState>,
  next: (p: ParticipantState, index: number) => ParticipantState,
): void {
  const all: ParticipantState[] = [];
  vecForEach(vecOfState(draft, 'participants'), (p, index) => {
    all[index] = next(p, index);
  });
  setVecOfState(draft, 'participants', vecOf(all));
}

/** Writes the performance summary of (`epoch`, participant `index`). */
export function putSummaryMutably(
  draft: Draft<ChainState>,
  world: World,
  epoch: number,
  index: number,
  summary: Summary,
): void {
  const all = vecOfState(draft, 'summaries');
  const byParticipant = vecGet(all, epoch) ?? sparseVec<Summary>(world.participants.length);
  setVecOfState(draft, 'summaries', vecSet(all, epoch, vecSet(byParticipant, index, Object.freeze(summary))));
}

/** Credits owed work coins, with the chain's overflow checks (PR #1000 `processParticipantPayment`). */
export function creditLedgerMutably(p: Draft<ParticipantState>, name: string, amount: bigint): void {
  const balance = p.coinBalance + amount;
  if (balance > MAX_INT64) throw new TxError(`participant balance overflow for ${name}`);
  const earned = p.earnedCoins + amount;
  if (earned > MAX_UINT64) throw new TxError(`participant earned coins overflow for ${name}`);
  p.coinBalance = balance;
  p.earnedCoins = earned;
}

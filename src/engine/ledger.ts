/**
 * Participant and active-set lookups on a draft, and the ledger credit that on-chain inference
 * pay and same-epoch devshard pay share (`coin_balance += p`, `earned_coins += p`).
 */
import type { Draft } from 'immer';
import { MAX_INT64, MAX_UINT64 } from '../domain/money.js';
import { TxError } from './errors.js';
import { vecGet } from './pvec.js';
import { draftParticipants, type ChainState, type ParticipantState, type World } from './state.js';

type AnyState = ChainState | Draft<ChainState>;

export function participantIndex(world: World, name: string): number | undefined {
  return world.participantIndex.get(name);
}

/** True when `name` is a participant in the active set of `epoch`. */
export function isActiveIn(state: AnyState, world: World, epoch: number, name: string): boolean {
  const index = world.participantIndex.get(name);
  if (index === undefined) return false;
  return state.activeSets[epoch]?.isMember[index] === true;
}

export function participantAt(draft: Draft<ChainState>, index: number): Draft<ParticipantState> {
  const p = vecGet(draftParticipants(draft), index);
  if (!p) throw new Error(`internal: no participant at index ${index}`);
  return p;
}

export function participantNamed(draft: Draft<ChainState>, world: World, name: string): Draft<ParticipantState> {
  const index = world.participantIndex.get(name);
  if (index === undefined) throw new Error(`internal: ${name} is not a participant`);
  return participantAt(draft, index);
}

/** Credits owed work coins, with the chain's overflow checks (PR #1000 `processParticipantPayment`). */
export function creditLedgerMutably(p: Draft<ParticipantState>, name: string, amount: bigint): void {
  if (p.coinBalance + amount > MAX_INT64) throw new TxError(`participant balance overflow for ${name}`);
  if (p.earnedCoins + amount > MAX_UINT64) throw new TxError(`participant earned coins overflow for ${name}`);
  p.coinBalance += amount;
  p.earnedCoins += amount;
}

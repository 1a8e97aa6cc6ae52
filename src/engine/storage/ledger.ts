/**
 * Writes to participants, summaries and other vectors of a draft. Each helper path-copies the
 * vector it changes and replaces it on the draft; a record is changed by `edit` (a frozen
 * copy), so reducers still write `p.coinBalance += x`.
 */
import { MAX_INT64, MAX_UINT64 } from '../../domain/money.js';
import type { TxContext } from '../rules/ruleset.js';
import type { Effect, LedgerReason } from '../effects.js';
import { txError } from '../errors.js';
import { sparseVec, vecForEach, vecGet, vecOf, vecSet, vecSetMany } from './pvec.js';
import { participantAt } from './queries.js';
import {
  copyParticipant,
  sameParticipant,
  type ChainState,
  type Mutable,
  type ParticipantState,
  type Summary,
  type World,
} from './state.js';

export function participantIndexOf(world: World, name: string): number {
  const index = world.participantIndex.get(name);
  if (index === undefined) throw new Error(`internal: ${name} is not a participant`);
  return index;
}

/**
 * Applies `recipe` to a writable copy of one participant record and stores the copy, frozen
 * (records are never written in place).
 */
export function updateParticipantMutably(
  draft: Mutable<ChainState>,
  index: number,
  recipe: (p: Mutable<ParticipantState>) => void,
): void {
  const before = participantAt(draft, index);
  const p = copyParticipant(before);
  recipe(p);
  storeParticipantMutably(draft, index, before, p);
}

/**
 * Stores `p`, a writable copy of the record `before` at `index` that the caller has changed,
 * frozen; the record stays as it was when nothing changed (as immer would keep it). For a hot
 * caller that edits the copy itself rather than through a recipe (a closure per call).
 */
export function storeParticipantMutably(draft: Mutable<ChainState>, index: number, before: ParticipantState, p: Mutable<ParticipantState>): void {
  if (sameParticipant(before, p)) return;
  draft.participants = vecSet(draft.participants, index, frozenRecord(before, p));
}

/**
 * `updateParticipantMutably` of each participant of `indexes` in turn — `recipe(p, k)` for the
 * k-th, in order — with the records written in one pass (vecSetMany: the trie's shared nodes are
 * copied once, not once per participant). The indexes must differ; a list that repeats one is
 * updated one by one, so each recipe still sees what the previous ones wrote.
 */
export function updateParticipantsMutably(
  draft: Mutable<ChainState>,
  indexes: readonly number[],
  recipe: (p: Mutable<ParticipantState>, k: number) => void,
): void {
  if (repeats(indexes)) {
    for (let k = 0; k < indexes.length; k++) updateParticipantMutably(draft, indexes[k] as number, (p) => recipe(p, k));
    return;
  }
  const records = new Array<ParticipantState | undefined>(indexes.length);
  for (let k = 0; k < indexes.length; k++) {
    const before = participantAt(draft, indexes[k] as number);
    const p = copyParticipant(before);
    recipe(p, k);
    records[k] = sameParticipant(before, p) ? undefined : frozenRecord(before, p);
  }
  draft.participants = vecSetMany(draft.participants, indexes, records);
}

/** True when some index appears twice (the lists are a settlement's hosts: short). */
function repeats(indexes: readonly number[]): boolean {
  for (let i = 1; i < indexes.length; i++) {
    for (let j = 0; j < i; j++) if (indexes[j] === indexes[i]) return true;
  }
  return false;
}

/** A changed record, frozen with a settle amount its recipe assigned (so no one writes into it later). */
function frozenRecord(before: ParticipantState, p: Mutable<ParticipantState>): ParticipantState {
  if (p.settle !== before.settle && p.settle !== null) Object.freeze(p.settle);
  return Object.freeze(p);
}

/**
 * Replaces every participant record by `next(record, index)` in one rebuild of the vector: for
 * changes to most participants at once (end_epoch), O(participants) instead of a path copy each.
 */
export function rewriteParticipantsMutably(
  draft: Mutable<ChainState>,
  next: (p: ParticipantState, index: number) => ParticipantState,
): void {
  const all: ParticipantState[] = [];
  vecForEach(draft.participants, (p, index) => {
    all[index] = next(p, index);
  });
  draft.participants = vecOf(all);
}

/**
 * Writes the performance summaries of `epoch`: `summaries[k]` for participant `indexes[k]`, none
 * where it is undefined (one write of the epoch's vector).
 */
export function putSummariesMutably(
  draft: Mutable<ChainState>,
  world: World,
  epoch: number,
  indexes: readonly number[],
  summaries: readonly (Summary | undefined)[],
): void {
  const all = draft.summaries;
  const before = vecGet(all, epoch) ?? sparseVec<Summary>(world.participants.length);
  for (const summary of summaries) if (summary !== undefined) Object.freeze(summary);
  const byParticipant = vecSetMany(before, indexes, summaries);
  if (byParticipant !== before) draft.summaries = vecSet(all, epoch, byParticipant);
}

/** Writes the performance summary of (`epoch`, participant `index`). */
export function putSummaryMutably(draft: Mutable<ChainState>, world: World, epoch: number, index: number, summary: Summary): void {
  putSummariesMutably(draft, world, epoch, [index], [summary]);
}

/** Where a ledger credit comes from: the effect's reason and its escrow or inference. */
export interface LedgerCause {
  readonly reason: LedgerReason;
  readonly escrow?: number;
  readonly inference?: string;
}

/**
 * Credits owed work coins (coin_balance and earned_coins), with the chain's overflow checks (PR
 * #1000 `processParticipantPayment`, v0.2.12 `AddToCoinBalance`), and records both as effects.
 */
export function creditLedgerMutably(ctx: TxContext, p: Mutable<ParticipantState>, name: string, amount: bigint, cause: LedgerCause): void {
  const balance = p.coinBalance + amount;
  if (balance > MAX_INT64) throw txError('LEDGER_OVERFLOW', { participant: name, field: 'coin_balance', direction: 'above' }, `participant balance overflow for ${name}`);
  const earned = p.earnedCoins + amount;
  if (earned > MAX_UINT64) throw txError('LEDGER_OVERFLOW', { participant: name, field: 'earned_coins', direction: 'above' }, `participant earned coins overflow for ${name}`);
  p.coinBalance = balance;
  p.earnedCoins = earned;
  if (!ctx.record) return;
  ctx.effects.push(ledgerEffect(name, 'coin_balance', amount, cause));
  ctx.effects.push(ledgerEffect(name, 'earned_coins', amount, cause));
}

/**
 * The ledger effect of a credit, its cause's fields last. Written out per cause rather than as
 * `{ …, ...cause }`: a spread after other fields takes V8's slow copy (about 50 ns against 20 ns
 * for the literal, twice per credit of every inference and settlement).
 */
function ledgerEffect(participant: string, field: 'coin_balance' | 'earned_coins', delta: bigint, cause: LedgerCause): Effect {
  const { reason, escrow, inference } = cause;
  if (inference === undefined) {
    return escrow === undefined ? { kind: 'ledger', participant, field, delta, reason } : { kind: 'ledger', participant, field, delta, reason, escrow };
  }
  return escrow === undefined ? { kind: 'ledger', participant, field, delta, reason, inference } : { kind: 'ledger', participant, field, delta, reason, escrow, inference };
}

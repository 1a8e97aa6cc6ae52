/**
 * The reducer table and the one function that applies an event as a transaction.
 */
import type { ChainEvent, EventType, Params } from '../../../domain/scenario.js';
import { applyAutoStatusMutably, autoStatusRules } from '../autoStatus.js';
import type { Transfer, TxContext } from '../ruleset.js';
import { failureOf, TxError, type FailureData } from '../../errors.js';
import type { Effect } from '../../effects.js';
import type { Ruleset } from '../ruleset.js';
import { transact, type TxMechanism, type Written } from '../../storage/tx.js';
import type { Decision } from '../../trace.js';
import type { ChainState, Mutable, World } from '../../storage/state.js';
import { claimReward } from './claimReward.js';
import { createEscrow } from './createEscrow.js';
import { endEpoch } from './endEpoch.js';
import { excludeParticipant } from './excludeParticipant.js';
import { expireInference } from './expireInference.js';
import { finishInference } from './finishInference.js';
import { invalidateInference } from './invalidateInference.js';
import { runInference } from './runInference.js';
import { settleEscrow } from './settleEscrow.js';
import { startEpoch } from './startEpoch.js';
import { startInference } from './startInference.js';
import { transfer } from './transfer.js';
import type { CaseReducer } from './types.js';
import { validateInference } from './validateInference.js';

/** Every event type maps to its reducer: a missing or misspelt key does not compile. */
export const REDUCERS: { readonly [T in EventType]: CaseReducer<T> } = {
  start_epoch: startEpoch,
  run_inference: runInference,
  create_escrow: createEscrow,
  settle_escrow: settleEscrow,
  exclude_participant: excludeParticipant,
  end_epoch: endEpoch,
  claim_reward: claimReward,
  transfer,
  start_inference: startInference,
  finish_inference: finishInference,
  validate_inference: validateInference,
  invalidate_inference: invalidateInference,
  expire_inference: expireInference,
};

export type TxOutcome =
  | {
      readonly ok: true;
      readonly state: ChainState;
      /** Which indexes of which vectors the event wrote (lets the invariants skip the walks). */
      readonly written: Written;
      /** The bank moves, in order (none listed when the env does not record them: see `moves`). */
      readonly transfers: readonly Transfer[];
      /** How many bank moves the event made (as many as `transfers` lists when they are recorded). */
      readonly moves: number;
      /** Every movement of value, in order (effects.ts); empty when the env does not record them. */
      readonly effects: readonly Effect[];
      readonly decisions: readonly Decision[];
      /** The result text of a message that answers with one (claim_reward; end_epoch when the account settlement failed). */
      readonly result: string | undefined;
    }
  | {
      readonly ok: false;
      /** The chain's message. */
      readonly error: string;
      /** The same failure as data: its code, data and the chain's wrapping prefixes. */
      readonly failure: FailureData;
      readonly decisions: readonly Decision[];
    };

export interface Env {
  readonly world: World;
  readonly rules: Ruleset;
  readonly params: Params;
  /** How a transaction drafts the state (tx.ts); both give the same states. Default `copy`. */
  readonly tx?: TxMechanism | undefined;
  /** Record every decision (default true); false records only divergences (see TxContext.trace). */
  readonly trace?: boolean | undefined;
  /** Build the transfer records and effects (default true); false only counts the moves (see TxContext.record). */
  readonly record?: boolean | undefined;
}

/** The recipe of an event's transaction (one function for every event: no closure per event). */
function reduce(draft: Mutable<ChainState>, event: ChainEvent, ctx: TxContext, before: ChainState): void {
  (REDUCERS[event.type] as CaseReducer<EventType>)(draft, event as never, ctx);
  // Every participant the message wrote gets the chain's automatic status (autoStatus.ts).
  const status = autoStatusRules(ctx);
  if (status !== undefined) applyAutoStatusMutably(draft, before, ctx, status);
}

/**
 * Applies one event as a transaction. On a TxError the draft is discarded (tx.ts), so the returned
 * failure carries no state: the caller keeps the state it had, exactly as a failed Cosmos tx.
 */
export function applyEvent(state: ChainState, event: ChainEvent, env: Env): TxOutcome {
  const ctx: TxContext = {
    world: env.world,
    params: env.params,
    rules: env.rules,
    transfers: [],
    effects: [],
    decisions: [],
    trace: env.trace ?? true,
    record: env.record ?? true,
    moves: 0,
    result: undefined,
  };
  try {
    const next = transact(state, reduce, env.tx, event, ctx);
    return { ok: true, state: next.state, written: next.written, transfers: ctx.transfers, moves: ctx.moves, effects: ctx.effects, decisions: ctx.decisions, result: ctx.result };
  } catch (error) {
    // The decisions taken before the failure stay available to explain it; the state does not.
    if (error instanceof TxError) {
      const failure = failureOf(error);
      return { ok: false, error: error.message, failure, decisions: ctx.decisions };
    }
    throw error;
  }
}

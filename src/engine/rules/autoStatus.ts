/**
 * The chain's automatic participant status, applied where the chain applies it: every
 * `SetParticipant` recomputes it from what the write changed (status.ts). A message writes each
 * participant once, at its end, so epochsim recomputes once per participant per event, after the
 * reducer, from the record before the event and the record it left. A change to INVALID or
 * INACTIVE has the side effects that decide who is paid: the status (no work coins and no reward
 * at the end of the epoch) and an exclusion record for the effective epoch (which newest's
 * settlement reads); the collateral slash and the reputation cut are out of scope.
 */
import type { Params } from '../../domain/scenario.js';
import type { TxContext } from './ruleset.js';
import { txError } from '../errors.js';
import { vecForEach, vecGet, vecSet, writtenSince } from '../storage/pvec.js';
import { exclusionsOf } from '../storage/queries.js';
import { copyParticipant, type ChainState, type Mutable, type ParticipantState } from '../storage/state.js';
import { nextStatus, prepareStatusParams, STATUS_RULES, StatusRangeError, type PreparedStatusParams } from './status.js';
import type { StatusRules } from './ruleset.js';

const prepared = new WeakMap<Params, PreparedStatusParams>();

/** The params made ready once per replay (their logs take a few milliseconds to compute). */
function preparedOf(params: Params): PreparedStatusParams {
  let p = prepared.get(params);
  if (p === undefined) {
    p = prepareStatusParams(params.validation);
    prepared.set(params, p);
  }
  return p;
}

/** The status rules a replay uses: the ruleset's, unless `params.auto_status` says otherwise. */
export function autoStatusRules(ctx: Pick<TxContext, 'rules' | 'params'>): StatusRules | undefined {
  const setting = ctx.params.autoStatus;
  if (setting === 'off') return undefined;
  if (setting === 'chain') return ctx.rules.autoStatus ?? STATUS_RULES['8a35022b'];
  return ctx.rules.autoStatus;
}

/**
 * Recomputes the status of every participant the event wrote (after its reducer, inside the
 * transaction). `before` is the state the event started from.
 */
export function applyAutoStatusMutably(draft: Mutable<ChainState>, before: ChainState, ctx: TxContext, rules: StatusRules): void {
  if (draft.participants === before.participants) return;
  const written = writtenSince(before.participants, draft.participants);
  const changed: number[] = [];
  if (written === null) {
    vecForEach(draft.participants, (p, index) => {
      if (vecGet(before.participants, index) !== p) changed.push(index);
    });
  } else {
    for (const index of written) if (vecGet(before.participants, index) !== vecGet(draft.participants, index)) changed.push(index);
  }
  if (changed.length === 0) return;
  const params = preparedOf(ctx.params);
  for (const index of changed) {
    const was = vecGet(before.participants, index) as ParticipantState;
    const is = vecGet(draft.participants, index) as ParticipantState;
    let outcome: ReturnType<typeof nextStatus>;
    try {
      outcome = nextStatus(params, was, is, rules);
    } catch (error) {
      // A log-likelihood ratio past int64 (millions of misses in one write): the chain would wrap it.
      if (error instanceof StatusRangeError) throw txError('STATUS_OUT_OF_RANGE', { detail: error.message }, `participant status out of range: ${error.message}`);
      throw error;
    }
    if (!outcome.recomputed) continue;
    const name = ctx.world.participants[index] as string;
    if (
      outcome.status !== is.status ||
      outcome.invalidLLR !== is.invalidLLR ||
      outcome.inactiveLLR !== is.inactiveLLR ||
      outcome.consecutiveInvalidInferences !== is.consecutiveInvalidInferences
    ) {
      const p = copyParticipant(is);
      p.status = outcome.status;
      p.invalidLLR = outcome.invalidLLR;
      p.inactiveLLR = outcome.inactiveLLR;
      p.consecutiveInvalidInferences = outcome.consecutiveInvalidInferences;
      draft.participants = vecSet(draft.participants, index, Object.freeze(p));
    }
    if (outcome.effect === null) continue;
    const epoch = draft.effectiveEpoch;
    const excluded = exclusionsOf(draft, epoch);
    if (epoch >= 1 && !excluded.includes(name)) draft.exclusions = vecSet(draft.exclusions, epoch, Object.freeze([...excluded, name]));
    if (ctx.trace) {
      ctx.decisions.push({
        kind: 'status_change',
        name,
        from: is.status,
        to: outcome.status,
        // A status that changed was decided by one of the three rules (never `already_set`).
        reason: outcome.reason as 'consecutive_failures' | 'statistical_invalidations' | 'downtime',
        epoch,
        invalidLLR: outcome.invalidLLR,
        inactiveLLR: outcome.inactiveLLR,
        consecutiveInvalidInferences: is.consecutiveInvalidInferences,
      });
    }
  }
}

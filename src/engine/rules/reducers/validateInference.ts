import { MAX_INT64 } from '../../../domain/money.js';
import { addCount } from '../../storage/counters.js';
import { txError } from '../../errors.js';
import { inferenceOf, putInferenceMutably, shareWork } from '../../storage/inferences.js';
import { participantIndexOf, updateParticipantMutably } from '../../storage/ledger.js';
import { isActiveIn } from '../../storage/queries.js';
import type { TxContext } from '../ruleset.js';
import type { CaseReducer } from './types.js';

const MIN_INT64 = -MAX_INT64 - 1n;

/** Adds `amount` (either sign) to a coin_balance, within int64, and records it. */
export function adjustBalanceMutably(ctx: TxContext, p: { coinBalance: bigint }, name: string, amount: bigint, reason: 'work_share' | 'invalidation', inference: string): void {
  const next = p.coinBalance + amount;
  if (next > MAX_INT64) throw txError('LEDGER_OVERFLOW', { participant: name, field: 'coin_balance', direction: 'above' }, `participant balance overflow for ${name}`);
  if (next < MIN_INT64) throw txError('LEDGER_OVERFLOW', { participant: name, field: 'coin_balance', direction: 'below' }, `participant balance underflow for ${name}`);
  p.coinBalance = next;
  if (ctx.record) ctx.effects.push({ kind: 'ledger', participant: name, field: 'coin_balance', delta: amount, reason, inference });
}

/**
 * MsgValidation, its money effect (domain rules 2.5): checks in the chain's order — the
 * validator is in the active set of the effective or the previous epoch; the inference exists;
 * an INVALIDATED one is left alone (success); it must be completed (start and finish processed,
 * not expired); the executor cannot validate its own inference; the validator must be a member of
 * the inference's epoch; one validation per validator. A validation arriving when the effective
 * epoch is past the inference's epoch + 1 is ignored (success).
 *
 * Passed: status VALIDATED, the executor's validated_inferences + 1, and — only while the
 * inference's epoch is the effective one and not yet settled — its actual_cost is re-split among
 * the executor, the validators who already shared and this one by the chain's ShareWork:
 * floor(cost / k) each, the remainder to the executor, on coin_balance only (not earned_coins). Failed: the chain would
 * open an invalidation vote, which is out of scope; the validation is only recorded
 * (`invalidate_inference` is the vote's outcome).
 */
export const validateInference: CaseReducer<'validate_inference'> = (draft, event, ctx) => {
  const { id, validator, passed } = event;
  const current = draft.effectiveEpoch;
  if (!isActiveIn(draft, ctx.world, current, validator) && !isActiveIn(draft, ctx.world, current - 1, validator)) {
    throw txError('NOT_ACTIVE', { participant: validator, epoch: current }, 'participant is not active');
  }
  const inference = inferenceOf(draft, id);
  if (inference === undefined) throw txError('INFERENCE_NOT_FOUND', { inference: id }, 'inference with id not found');
  const base = { kind: 'inference_validation', id, validator, passed, inferenceEpoch: inference.epoch, cost: inference.actualCost } as const;
  if (inference.status === 'INVALIDATED') {
    if (ctx.trace) ctx.decisions.push({ ...base, outcome: 'already_invalidated' });
    return;
  }
  if (!inference.started || !inference.finished || inference.status === 'EXPIRED') {
    throw txError('INFERENCE_NOT_FINISHED', { inference: id, status: inference.status, started: inference.started, finished: inference.finished }, 'inference not finished');
  }
  if (inference.executor === validator) throw txError('OWN_INFERENCE', { inference: id, validator }, 'participant cannot validate own inference');
  if (!isActiveIn(draft, ctx.world, inference.epoch, validator)) throw txError('VALIDATOR_NOT_IN_EPOCH', { validator, epoch: inference.epoch }, 'participant not found');
  if (inference.validations.includes(validator)) throw txError('DUPLICATE_VALIDATION', { inference: id, validator }, 'duplicate validation');
  if (current > inference.epoch + 1) {
    if (ctx.trace) ctx.decisions.push({ ...base, outcome: 'late' });
    return;
  }
  const validations = [...inference.validations, validator];
  if (!passed) {
    if (ctx.trace) ctx.decisions.push({ ...base, outcome: 'failed' });
    putInferenceMutably(draft, { ...inference, validations });
    return;
  }
  const executor = inference.executor;
  updateParticipantMutably(draft, participantIndexOf(ctx.world, executor), (p) => {
    p.validatedInferences = addCount(p.validatedInferences, 1, 'validated_inferences', executor);
    // msg_server_validation.go: a passed validation resets ConsecutiveInvalidInferences.
    p.consecutiveInvalidInferences = 0;
  });
  const beforeClaims = inference.epoch === current && !draft.epochEnded;
  if (!beforeClaims) {
    if (ctx.trace) ctx.decisions.push({ ...base, outcome: inference.epoch === current ? 'epoch_settled' : 'other_epoch' });
    putInferenceMutably(draft, { ...inference, status: 'VALIDATED', validations });
    return;
  }
  // ShareWork's entries always sum to zero for a non-negative cost (inferences.ts).
  const adjustments = shareWork([executor, ...inference.validatedBy], [validator], inference.actualCost);
  if (ctx.trace) ctx.decisions.push({ ...base, outcome: 'shared', adjustments });
  for (const { name, amount } of adjustments) {
    if (amount === 0n) continue;
    updateParticipantMutably(draft, participantIndexOf(ctx.world, name), (p) => adjustBalanceMutably(ctx, p, name, amount, 'work_share', id));
  }
  putInferenceMutably(draft, { ...inference, status: 'VALIDATED', validatedBy: [...inference.validatedBy, validator], validations });
};

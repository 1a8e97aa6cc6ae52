import { transferMutably } from '../../storage/bank.js';
import { addCount } from '../../storage/counters.js';
import { txError } from '../../errors.js';
import { inferenceOf, putInferenceMutably } from '../../storage/inferences.js';
import { participantAt } from '../../storage/queries.js';
import { participantIndexOf, updateParticipantMutably } from '../../storage/ledger.js';
import { INFERENCE_MODULE } from '../../storage/state.js';
import { adjustBalanceMutably } from './validateInference.js';
import type { CaseReducer } from './types.js';

/**
 * MsgInvalidateInference, the outcome of an invalidation vote (domain rules 2.6): the inference
 * must exist and be completed; an already INVALIDATED one is left alone (success). Status
 * INVALIDATED and the executor's invalidated_inferences + 1. Only while the inference's epoch is
 * the effective one and not yet settled: actual_cost goes back to the requester
 * (`invalidated_inference:<id>`), then it is debited from the executor's coin_balance alone —
 * validators keep their shares, so the executor can go negative (debt, netted at the end of the
 * epoch). After that: status only.
 */
export const invalidateInference: CaseReducer<'invalidate_inference'> = (draft, event, ctx) => {
  const { id } = event;
  const inference = inferenceOf(draft, id);
  if (inference === undefined) throw txError('INFERENCE_NOT_FOUND', { inference: id }, 'inference with id not found');
  const { executor, requester } = inference;
  const base = { kind: 'inference_invalidation', id, executor, requester } as const;
  if (inference.status === 'INVALIDATED') {
    if (ctx.trace) ctx.decisions.push({ ...base, outcome: 'already_invalidated', amount: 0n });
    return;
  }
  if (!inference.started || !inference.finished || inference.status === 'EXPIRED') {
    throw txError('INFERENCE_NOT_FINISHED', { inference: id, status: inference.status, started: inference.started, finished: inference.finished }, 'inference not finished');
  }
  const current = draft.effectiveEpoch;
  const index = participantIndexOf(ctx.world, executor);
  updateParticipantMutably(draft, index, (p) => {
    p.invalidatedInferences = addCount(p.invalidatedInferences, 1, 'invalidated_inferences', executor);
    // msg_server_invalidate_inference.go: ConsecutiveInvalidInferences + 1 (the automatic status reads it).
    p.consecutiveInvalidInferences = addCount(p.consecutiveInvalidInferences, 1, 'consecutive_invalid_inferences', executor);
  });
  putInferenceMutably(draft, { ...inference, status: 'INVALIDATED' });
  if (inference.epoch !== current || draft.epochEnded) {
    if (ctx.trace) ctx.decisions.push({ ...base, outcome: inference.epoch === current ? 'epoch_settled' : 'other_epoch', amount: 0n });
    return;
  }
  const amount = inference.actualCost;
  transferMutably(draft, ctx, INFERENCE_MODULE, requester as string, amount, `invalidated_inference:${id}`);
  updateParticipantMutably(draft, index, (p) => adjustBalanceMutably(ctx, p, executor, -amount, 'invalidation', id));
  if (ctx.trace) ctx.decisions.push({ ...base, outcome: 'refunded', amount, executorBalance: participantAt(draft, index).coinBalance });
};

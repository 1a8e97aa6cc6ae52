import { transferMutably } from '../../storage/bank.js';
import { addCount } from '../../storage/counters.js';
import { txError } from '../../errors.js';
import { inferenceOf, putInferenceMutably } from '../../storage/inferences.js';
import { participantIndexOf, updateParticipantMutably } from '../../storage/ledger.js';
import { INFERENCE_MODULE } from '../../storage/state.js';
import type { CaseReducer } from './types.js';

/**
 * The EndBlock expiry of a timed-out inference (domain rules 2.4), as an event: a STARTED
 * inference becomes EXPIRED, its whole escrow goes back to the requester
 * (`expired_inference:<id>`) and the executor's missed_requests + 1. Only start_inference
 * registers a timeout, so only a STARTED inference can expire.
 */
export const expireInference: CaseReducer<'expire_inference'> = (draft, event, ctx) => {
  const { id } = event;
  const inference = inferenceOf(draft, id);
  if (inference === undefined) throw txError('INFERENCE_NOT_FOUND', { inference: id }, 'inference with id not found');
  if (inference.status !== 'STARTED') throw txError('INFERENCE_NOT_STARTED', { inference: id, status: inference.status }, `inference ${id} is ${inference.status}: only a STARTED inference expires`);
  const { executor } = inference;
  const requester = inference.requester as string;
  if (ctx.trace) ctx.decisions.push({ kind: 'inference_expiry', id, requester, executor, refund: inference.escrow });
  if (ctx.record) ctx.effects.push({ kind: 'inference_escrow', inference: id, requester, op: 'released', amount: inference.escrow });
  transferMutably(draft, ctx, INFERENCE_MODULE, requester, inference.escrow, `expired_inference:${id}`);
  updateParticipantMutably(draft, participantIndexOf(ctx.world, executor), (p) => {
    p.missedRequests = addCount(p.missedRequests, 1, 'missed_requests', executor);
  });
  putInferenceMutably(draft, { ...inference, status: 'EXPIRED', actualCost: 0n });
};

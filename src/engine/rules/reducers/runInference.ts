import { addCount } from '../../storage/counters.js';
import { txError } from '../../errors.js';
import { checkTokenLimit, creditExecutorMutably, escrowAndRefundMutably, inferenceOf, priced, putInferenceMutably, NO_NAMES } from '../../storage/inferences.js';
import { updateParticipantMutably } from '../../storage/ledger.js';
import { activeIndexOf } from '../../storage/queries.js';
import type { CaseReducer } from './types.js';

const AUTO_ID = /^inf-([0-9]+)$/;

/**
 * An on-chain inference, StartInference and FinishInference in one step: the escrow
 * `(max_tokens + prompt_tokens) × price` moves requester → inference; a finished inference
 * credits the executor `min(cost, escrow)` and refunds the rest; an expired one refunds it all
 * and counts a missed request. The inference is recorded (FINISHED or EXPIRED), so the
 * validation messages can name it.
 */
export const runInference: CaseReducer<'run_inference'> = (draft, event, ctx) => {
  const { executor, requester } = event;
  const executorIndex = activeIndexOf(draft, ctx.world, draft.effectiveEpoch, executor);
  if (executorIndex < 0) throw txError('NOT_ACTIVE', { participant: executor, epoch: draft.effectiveEpoch }, 'participant is not active');
  checkTokenLimit(event.maxTokens, 'max_tokens');
  checkTokenLimit(event.promptTokens, 'prompt_token_count');
  checkTokenLimit(event.completionTokens, 'completion_token_count');
  const price = event.price ?? ctx.params.tokenPrice;
  const escrow = priced(event.maxTokens + event.promptTokens, price, 'escrow amount');
  const cost = priced(event.promptTokens + event.completionTokens, price, 'inference cost');

  let id: string;
  if (event.id === undefined) {
    // The next automatic id that no explicit id has taken.
    let n = draft.inferenceSeq + 1;
    id = `inf-${n}`;
    while (inferenceOf(draft, id) !== undefined) id = `inf-${++n}`;
    draft.inferenceSeq = n;
  } else {
    id = event.id;
    const auto = AUTO_ID.exec(id);
    if (inferenceOf(draft, id) !== undefined || (auto && BigInt(auto[1] as string) <= BigInt(draft.inferenceSeq))) {
      throw txError('INFERENCE_ID_TAKEN', { inference: id }, `inference id ${id} already exists`);
    }
  }
  const expired = event.outcome === 'expired';
  const pay = expired ? 0n : cost < escrow ? cost : escrow;
  // The escrow is locked and what is not paid goes back at once: two sends, one balance write.
  escrowAndRefundMutably(draft, ctx, requester, escrow, id, escrow - pay, expired ? `expired_inference:${id}` : `inference_refund:${id}`);

  putInferenceMutably(draft, {
    id,
    requester,
    executor,
    price,
    promptTokens: event.promptTokens,
    maxTokens: event.maxTokens,
    completionTokens: event.completionTokens,
    started: true,
    finished: !expired,
    status: expired ? 'EXPIRED' : 'FINISHED',
    escrow,
    // As start then finish: the raw cost, above the escrow when completion exceeds max_tokens.
    actualCost: expired ? 0n : cost,
    epoch: draft.effectiveEpoch,
    validatedBy: NO_NAMES,
    validations: NO_NAMES,
  });
  if (expired) {
    updateParticipantMutably(draft, executorIndex, (p) => {
      p.missedRequests = addCount(p.missedRequests, 1, 'missed_requests', executor);
    });
    return;
  }
  creditExecutorMutably(draft, ctx, executor, pay, id, executorIndex);
};

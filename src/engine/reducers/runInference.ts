import { MAX_INT64 } from '../../domain/money.js';
import { transferMutably } from '../bank.js';
import { addCount } from '../counters.js';
import { TxError } from '../errors.js';
import { creditLedgerMutably, participantIndexOf, updateParticipantMutably } from '../ledger.js';
import { isActiveIn } from '../queries.js';
import { INFERENCE_MODULE } from '../state.js';
import type { CaseReducer } from './types.js';

export const MAX_ALLOWED_TOKENS = 1_000_000n;
const AUTO_ID = /^inf-([0-9]+)$/;

/**
 * An on-chain inference, StartInference and FinishInference in one step: the escrow
 * `(max_tokens + prompt_tokens) × price` moves requester → inference; a finished inference
 * credits the executor `min(cost, escrow)` and refunds the rest; an expired one refunds it all
 * and counts a missed request.
 */
export const runInference: CaseReducer<'run_inference'> = (draft, event, ctx) => {
  const { executor, requester } = event;
  if (!isActiveIn(draft, ctx.world, draft.effectiveEpoch, executor)) throw new TxError('participant is not active');
  if (event.maxTokens > MAX_ALLOWED_TOKENS) {
    throw new TxError(`max_tokens exceeds limit (${event.maxTokens} > ${MAX_ALLOWED_TOKENS})`);
  }
  if (event.promptTokens > MAX_ALLOWED_TOKENS) {
    throw new TxError(`prompt_token_count exceeds limit (${event.promptTokens} > ${MAX_ALLOWED_TOKENS})`);
  }
  if (event.completionTokens > MAX_ALLOWED_TOKENS) {
    throw new TxError(`completion_token_count exceeds limit (${event.completionTokens} > ${MAX_ALLOWED_TOKENS})`);
  }
  const price = event.price ?? ctx.params.tokenPrice;
  const escrow = (event.maxTokens + event.promptTokens) * price;
  if (escrow > MAX_INT64) throw new TxError('escrow amount out of range');
  const cost = (event.promptTokens + event.completionTokens) * price;
  if (cost > MAX_INT64) throw new TxError('inference cost out of range');

  let id: string;
  if (event.id === undefined) {
    // The next automatic id that no explicit id has taken.
    let n = draft.inferenceSeq + 1;
    while (draft.explicitInferenceIds[`inf-${n}`]) n += 1;
    id = `inf-${n}`;
    draft.inferenceSeq = n;
  } else {
    id = event.id;
    const auto = AUTO_ID.exec(id);
    if (draft.explicitInferenceIds[id] || (auto && BigInt(auto[1] as string) <= BigInt(draft.inferenceSeq))) {
      throw new TxError(`inference id ${id} already exists`);
    }
    draft.explicitInferenceIds[id] = true;
  }
  try {
    transferMutably(draft, ctx, requester, INFERENCE_MODULE, escrow, `escrow for inferenceId:${id}`);
  } catch (error) {
    if (error instanceof TxError && error.message.endsWith('insufficient funds')) {
      throw new TxError('requester cannot pay for inference');
    }
    throw error;
  }

  const index = participantIndexOf(ctx.world, executor);
  if (event.outcome === 'expired') {
    transferMutably(draft, ctx, INFERENCE_MODULE, requester, escrow, `expired_inference:${id}`);
    updateParticipantMutably(draft, index, (p) => {
      p.missedRequests = addCount(p.missedRequests, 1, 'missed_requests', executor);
    });
    return;
  }
  const pay = cost < escrow ? cost : escrow;
  updateParticipantMutably(draft, index, (p) => {
    if (pay > 0n) creditLedgerMutably(p, executor, pay);
    p.inferenceCount = addCount(p.inferenceCount, 1, 'inference_count', executor);
  });
  transferMutably(draft, ctx, INFERENCE_MODULE, requester, escrow - pay, `inference_refund:${id}`);
};

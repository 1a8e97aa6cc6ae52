import { transferMutably } from '../../storage/bank.js';
import { txError } from '../../errors.js';
import { checkTokenLimit, creditExecutorMutably, inferenceOf, priced, putInferenceMutably, NO_NAMES } from '../../storage/inferences.js';
import { isActiveIn } from '../../storage/queries.js';
import { INFERENCE_MODULE } from '../../storage/state.js';
import type { CaseReducer } from './types.js';

/**
 * MsgFinishInference (domain rules 2.3), in the chain's order of checks: the executor is in the
 * active set of the effective or the previous epoch; token counts; not already finish-processed;
 * not expired; if start came first, the executor must be the one it assigned. Start came first:
 * the executor is credited min(cost, escrow) — an overrun is not charged — and the rest of the
 * escrow is refunded (`inference_refund:<id>`); actual_cost keeps the raw cost, above the escrow
 * when the finish reports more tokens than the start reserved (inference_state.go, v0.2.11 to
 * 8a35022b), and validation sharing and invalidation refunds use it. Finish first: the inference is recorded with its
 * tokens and the price locked now; no coins move until start_inference.
 */
export const finishInference: CaseReducer<'finish_inference'> = (draft, event, ctx) => {
  const { id, executor } = event;
  const current = draft.effectiveEpoch;
  if (!isActiveIn(draft, ctx.world, current, executor) && !isActiveIn(draft, ctx.world, current - 1, executor)) {
    throw txError('NOT_ACTIVE', { participant: executor, epoch: current }, 'participant is not active');
  }
  checkTokenLimit(event.promptTokens, 'prompt_token_count');
  checkTokenLimit(event.completionTokens, 'completion_token_count');
  const existing = inferenceOf(draft, id);
  if (existing?.finished) throw txError('INFERENCE_ALREADY_PROCESSED', { inference: id, step: 'finish' }, 'inference has already finished processed');
  if (existing?.status === 'EXPIRED') throw txError('INFERENCE_ALREADY_PROCESSED', { inference: id, step: 'expired' }, 'inference has already expired');

  if (existing === undefined) {
    const price = ctx.params.tokenPrice;
    const cost = priced(event.promptTokens + event.completionTokens, price, 'inference cost');
    if (ctx.trace) ctx.decisions.push({ kind: 'inference_finish', id, executor, cost, mode: 'record' });
    putInferenceMutably(draft, {
      id,
      requester: undefined,
      executor,
      price,
      promptTokens: event.promptTokens,
      maxTokens: 0n,
      completionTokens: event.completionTokens,
      started: false,
      finished: true,
      status: 'FINISHED',
      escrow: 0n,
      actualCost: 0n,
      epoch: 0,
      validatedBy: NO_NAMES,
      validations: NO_NAMES,
    });
    return;
  }

  // Start came first: it holds the escrow.
  if (existing.executor !== executor) {
    throw txError('EXECUTOR_MISMATCH', { inference: id, start: existing.executor, finish: executor, by: 'finish' }, `executor mismatch: finish.executed_by=${executor} start.assigned_to=${existing.executor}`);
  }
  const promptTokens = event.promptTokens === 0n ? existing.promptTokens : event.promptTokens;
  const cost = priced(promptTokens + event.completionTokens, existing.price, 'inference cost');
  const escrow = existing.escrow;
  const pay = cost < escrow ? cost : escrow;
  if (ctx.trace) ctx.decisions.push({ kind: 'inference_finish', id, executor, cost, mode: 'pay', escrow, pay, refund: escrow - pay });
  if (ctx.record) ctx.effects.push({ kind: 'inference_escrow', inference: id, requester: existing.requester as string, op: 'released', amount: escrow });
  transferMutably(draft, ctx, INFERENCE_MODULE, existing.requester as string, escrow - pay, `inference_refund:${id}`);
  creditExecutorMutably(draft, ctx, executor, pay, id);
  putInferenceMutably(draft, {
    ...existing,
    promptTokens,
    completionTokens: event.completionTokens,
    finished: true,
    status: 'FINISHED',
    // calculations/inference_state.go ProcessFinishInference keeps the raw cost as ActualCost
    // while the executor is paid at most the escrow; sharing and invalidation then use it.
    actualCost: cost,
    epoch: current,
  });
};

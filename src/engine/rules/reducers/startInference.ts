import { DEFAULT_MAX_TOKENS } from '../../../domain/scenario.js';
import { txError } from '../../errors.js';
import {
  checkTokenLimit,
  creditExecutorMutably,
  escrowFromRequesterMutably,
  inferenceOf,
  NO_NAMES,
  priced,
  putInferenceMutably,
} from '../../storage/inferences.js';
import { isActiveIn } from '../../storage/queries.js';
import type { CaseReducer } from './types.js';

/**
 * MsgStartInference (domain rules 2.2), in the chain's order of checks: the executor is in the
 * active set of the effective epoch (the chain checks its transfer agent, which v1 does not
 * model); token counts; not already start-processed; if finish came first, the executor and the
 * price must match what it recorded. Start first: the escrow (max_tokens + prompt) × price moves
 * requester → inference and the inference is STARTED. Finish came first: the requester pays
 * exactly min(cost, escrow) and the executor is credited with it at once; nothing is refunded.
 */
export const startInference: CaseReducer<'start_inference'> = (draft, event, ctx) => {
  const { id, requester, executor } = event;
  if (!isActiveIn(draft, ctx.world, draft.effectiveEpoch, executor)) throw txError('NOT_ACTIVE', { participant: executor, epoch: draft.effectiveEpoch }, 'participant is not active');
  checkTokenLimit(event.maxTokens, 'max_tokens');
  checkTokenLimit(event.promptTokens, 'prompt_token_count');
  const existing = inferenceOf(draft, id);
  if (existing?.started) throw txError('INFERENCE_ALREADY_PROCESSED', { inference: id, step: 'start' }, 'inference has already start processed');
  const maxTokens = event.maxTokens === 0n ? DEFAULT_MAX_TOKENS : event.maxTokens;

  if (existing === undefined) {
    const price = event.price ?? ctx.params.tokenPrice;
    const escrow = priced(maxTokens + event.promptTokens, price, 'escrow amount');
    if (ctx.trace) ctx.decisions.push({ kind: 'inference_start', id, requester, executor, price, mode: 'escrow', escrowFormula: escrow });
    escrowFromRequesterMutably(draft, ctx, requester, escrow, id);
    if (ctx.record) ctx.effects.push({ kind: 'inference_escrow', inference: id, requester, op: 'held', amount: escrow });
    putInferenceMutably(draft, {
      id,
      requester,
      executor,
      price,
      promptTokens: event.promptTokens,
      maxTokens,
      completionTokens: 0n,
      started: true,
      finished: false,
      status: 'STARTED',
      escrow,
      actualCost: 0n,
      epoch: 0,
      validatedBy: NO_NAMES,
      validations: NO_NAMES,
    });
    return;
  }

  // Finish came first: it recorded the executor, the tokens and the price.
  if (existing.executor !== executor) {
    throw txError('EXECUTOR_MISMATCH', { inference: id, start: executor, finish: existing.executor, by: 'start' }, `executor mismatch: start.assigned_to=${executor} finish.executed_by=${existing.executor}`);
  }
  if (event.price !== undefined && event.price !== existing.price) {
    throw txError('PRICE_MISMATCH', { inference: id, start: event.price, finish: existing.price }, `price mismatch: start=${event.price} finish=${existing.price}`);
  }
  const price = existing.price;
  const promptTokens = existing.promptTokens === 0n ? event.promptTokens : existing.promptTokens;
  const escrowFormula = priced(maxTokens + event.promptTokens, price, 'escrow amount');
  const cost = priced(promptTokens + existing.completionTokens, price, 'inference cost');
  const pay = cost < escrowFormula ? cost : escrowFormula;
  if (ctx.trace) ctx.decisions.push({ kind: 'inference_start', id, requester, executor, price, mode: 'pay', escrowFormula, cost, pay });
  escrowFromRequesterMutably(draft, ctx, requester, pay, id);
  creditExecutorMutably(draft, ctx, executor, pay, id);
  putInferenceMutably(draft, {
    ...existing,
    requester,
    promptTokens,
    maxTokens,
    started: true,
    escrow: pay,
    actualCost: pay,
    epoch: draft.effectiveEpoch,
  });
};

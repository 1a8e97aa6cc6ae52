/**
 * `explain` for the on-chain inference lifecycle: start_inference, finish_inference,
 * validate_inference, invalidate_inference and expire_inference — what each message asked, the
 * rule that applied (from the inference_* decisions), and why a refused one was refused.
 */
import { groupDigits } from '../../domain/money.js';
import type { ChainEvent, Scenario } from '../../domain/scenario.js';
import { DEFAULT_MAX_TOKENS } from '../../domain/scenario.js';
import { inferenceOf } from '../../engine/storage/inferences.js';
import type { ChainState, InferenceRecord } from '../../engine/storage/state.js';
import type { FailureData } from '../../engine/errors.js';
import { listWords, money, plural } from './layout.js';
import { decisionsOf, stepBefore, type EventView, type StepContext, type Text } from './prose.js';

type LifecycleEvent = Extract<ChainEvent, { type: 'start_inference' | 'finish_inference' | 'validate_inference' | 'invalidate_inference' | 'expire_inference' }>;

export function isLifecycle(e: ChainEvent): e is LifecycleEvent {
  return (
    e.type === 'start_inference' ||
    e.type === 'finish_inference' ||
    e.type === 'validate_inference' ||
    e.type === 'invalidate_inference' ||
    e.type === 'expire_inference'
  );
}

const perToken = (price: bigint): string => `${groupDigits(price)} ngonka per token`;
const tokens = (n: bigint, kind: string): string => `${groupDigits(n)} ${kind} ${n === 1n ? 'token' : 'tokens'}`;
/** A change of a coin balance with its sign: "+33 ngonka", "-16 ngonka". */
const signed = (n: bigint): string => (n > 0n ? `+${money(n)}` : money(n));

/** What the message asked. */
export function askedLifecycle(e: LifecycleEvent, before: ChainState, scenario: Scenario): string {
  switch (e.type) {
    case 'start_inference': {
      const recorded = inferenceOf(before, e.id);
      const price = e.price ?? recorded?.price ?? scenario.params.tokenPrice;
      const max = e.maxTokens === 0n ? `max_tokens not set (the chain's default, ${groupDigits(DEFAULT_MAX_TOKENS)})` : `max_tokens ${groupDigits(e.maxTokens)}`;
      return `${e.requester} starts inference ${e.id} with ${e.executor} as executor: ${tokens(e.promptTokens, 'prompt')}, ${max}, at ${perToken(price)}.`;
    }
    case 'finish_inference': {
      const recorded = inferenceOf(before, e.id);
      if (e.promptTokens === 0n && recorded !== undefined) {
        return `${e.executor} reports inference ${e.id} finished: ${tokens(e.completionTokens, 'completion')} (the prompt count, ${groupDigits(recorded.promptTokens)}, is start's).`;
      }
      return `${e.executor} reports inference ${e.id} finished: ${groupDigits(e.promptTokens)} prompt and ${tokens(e.completionTokens, 'completion')}.`;
    }
    case 'validate_inference':
      return `${e.validator} validates inference ${e.id}: ${e.passed ? 'passed' : 'failed'}.`;
    case 'invalidate_inference':
      return `The invalidation vote on inference ${e.id} ends: the inference is invalid.`;
    case 'expire_inference':
      return `Inference ${e.id} times out (the chain's expiry at the end of a block).`;
  }
}

/** The step that started (or recorded) inference `id`, by any message. */
function stepOf(ctx: StepContext, id: string, what: 'start' | 'finish' | 'validation', validator?: string): number | undefined {
  return stepBefore(ctx, (v) => {
    const e = v.item.event;
    if (what === 'start' && e.type === 'run_inference') return (e.id ?? transferId(v)) === id;
    if (what === 'start' && e.type === 'start_inference') return e.id === id;
    if (what === 'finish' && e.type === 'run_inference') return (e.id ?? transferId(v)) === id;
    if (what === 'finish' && e.type === 'finish_inference') return e.id === id;
    if (what === 'validation' && e.type === 'validate_inference') return e.id === id && e.validator === validator;
    return false;
  })?.item.index;
}

function transferId(v: EventView): string | undefined {
  const lock = v.transfers.find((t) => t.memo.startsWith('escrow for inferenceId:'));
  return lock?.memo.slice('escrow for inferenceId:'.length);
}

const atStep = (step: number | undefined): string => (step === undefined ? '' : ` (step ${step})`);

function costWords(r: InferenceRecord): string {
  return `(prompt ${groupDigits(r.promptTokens)} + completion ${groupDigits(r.completionTokens)}) × ${groupDigits(r.price)} ngonka`;
}

/** The rule that applied to a successful lifecycle message. */
export function explainLifecycle(view: EventView, ctx: StepContext, t: Text): void {
  const e = view.item.event;
  const { before, after } = view;
  if (!isLifecycle(e)) return;
  const record = inferenceOf(after, e.id);
  for (const d of decisionsOf(view.decisions, 'inference_start')) {
    if (d.mode === 'escrow') {
      const r = record as InferenceRecord;
      t.para(
        `Start came first. The escrow, (max_tokens ${groupDigits(r.maxTokens)} + prompt ${groupDigits(r.promptTokens)}) × ` +
          `${groupDigits(d.price)} ngonka = ${money(d.escrowFormula)}, moves from ${d.requester} to the inference module ` +
          `(escrow for inferenceId:${d.id}). It stays locked there, shown as ${d.requester}'s escrowed coins, until ` +
          `finish_inference pays ${d.executor} out of it or the inference expires. Inference ${d.id} is STARTED.`,
      );
    } else {
      const r = record as InferenceRecord;
      const cost = d.cost ?? 0n;
      const pay = d.pay ?? 0n;
      const maxTokens = e.type === 'start_inference' && e.maxTokens !== 0n ? e.maxTokens : DEFAULT_MAX_TOKENS;
      const prompt = e.type === 'start_inference' ? e.promptTokens : r.promptTokens;
      t.para(
        `Finish came first${atStep(stepOf(ctx, d.id, 'finish'))} and recorded the tokens and the price, ${perToken(d.price)}; ` +
          `start now settles the inference at once. ${d.executor}'s pay is min(cost, escrow): the cost ${costWords(r)} = ` +
          `${money(cost)}, the escrow (max_tokens ${groupDigits(maxTokens)} + prompt ${groupDigits(prompt)}) × ` +
          `${groupDigits(d.price)} ngonka = ${money(d.escrowFormula)}. So ${d.requester} pays exactly ${money(pay)} ` +
          `(escrow for inferenceId:${d.id}) and ${d.executor} is credited with it on its ledger (coin_balance and ` +
          `earned_coins; inference_count + 1); nothing is left to refund. Inference ${d.id} is FINISHED, in epoch ` +
          `${r.epoch}.`,
      );
    }
  }
  for (const d of decisionsOf(view.decisions, 'inference_finish')) {
    const r = record as InferenceRecord;
    if (d.mode === 'record') {
      t.para(
        `Finish came first: inference ${d.id} is recorded as FINISHED with its tokens and the price locked now, ` +
          `${perToken(r.price)} (params.token_price): a cost of ${costWords(r)} = ${money(d.cost)}. No coins move: ` +
          `the requester is not known until start_inference, which then pays exactly min(cost, escrow).`,
      );
      continue;
    }
    const escrow = d.escrow ?? 0n;
    const pay = d.pay ?? 0n;
    const refund = d.refund ?? 0n;
    const requester = r.requester ?? 'the requester';
    const over = d.cost > escrow ? `, more than the escrow, so ${d.executor} is paid the escrow, ${money(pay)} (an overrun is not charged),` : ',';
    t.para(
      `Start came first${atStep(stepOf(ctx, d.id, 'start'))} and holds an escrow of ${money(escrow)}. The cost, ` +
        `${costWords(r)} = ${money(d.cost)}${over} is credited to ${d.executor}'s ledger (coin_balance and earned_coins; ` +
        `inference_count + 1)` +
        (refund > 0n
          ? `, and the rest of the escrow, ${money(refund)}, is refunded to ${requester} (inference_refund:${d.id}).`
          : '; nothing is left to refund.') +
        ` ${d.executor} is paid through the settle amount written when the epoch ends. Inference ${d.id} is FINISHED, in ` +
        `epoch ${r.epoch}.` +
        (d.cost > escrow
          ? ` Its actual_cost stays the raw ${money(d.cost)} (calculations/inference_state.go): validators share that, and an ` +
            `invalidation refunds all of it to ${requester} and debits it from ${d.executor}.`
          : ''),
    );
  }
  for (const d of decisionsOf(view.decisions, 'inference_validation')) explainValidation(d, before, after, t);
  for (const d of decisionsOf(view.decisions, 'inference_invalidation')) {
    const was = inferenceOf(before, d.id);
    const x = was?.epoch ?? 0;
    switch (d.outcome) {
      case 'refunded': {
        const validators = was?.validatedBy ?? [];
        const keep =
          validators.length === 0
            ? 'no validator shared the pay'
            : validators.length === 1
              ? `the validator who shared the pay, ${validators[0]}, keeps its share`
              : `the validators who shared the pay (${listWords([...validators])}) keep their shares`;
        const balance = d.executorBalance ?? 0n;
        const owes =
          balance < 0n
            ? `${d.executor}'s coin_balance is now ${money(balance)}: a debt of ${money(-balance)} it owes the module, netted against its reward when epoch ${x} ends.`
            : `${d.executor}'s coin_balance is now ${money(balance)}.`;
        t.para(
          `The vote passed while epoch ${x}, the inference's epoch, is running and not yet settled: its actual cost, ` +
            `${money(d.amount)}, goes back from the inference module to ${d.requester ?? 'the requester'} ` +
            `(invalidated_inference:${d.id}) and is debited from the executor ${d.executor}'s coin_balance alone — ` +
            `${keep}. ${owes} Inference ${d.id} is INVALIDATED; ${d.executor}'s invalidated_inferences + 1.`,
        );
        break;
      }
      case 'epoch_settled':
      case 'other_epoch': {
        const why = tooLateBecause(d.outcome, d.id, x, before.effectiveEpoch);
        t.para(
          `Too late for a refund: ${why}, so no coins move — ${d.executor} keeps the pay. Inference ${d.id} is only marked ` +
            `INVALIDATED, and ${d.executor}'s invalidated_inferences goes up by 1.`,
        );
        break;
      }
      case 'already_invalidated':
        t.para(`Inference ${d.id} is already INVALIDATED: the message changes nothing (a successful transaction).`);
        break;
    }
  }
  for (const d of decisionsOf(view.decisions, 'inference_expiry')) {
    t.para(
      `Inference ${d.id} was STARTED and has timed out: its whole escrow, ${money(d.refund)}, goes back to ${d.requester} ` +
        `(expired_inference:${d.id}), and ${d.executor} counts a missed request (missed_requests + 1); it earns nothing. ` +
        `Inference ${d.id} is EXPIRED and can no longer be finished.`,
    );
  }
}

/** Why a validation or an invalidation no longer moves coins: its epoch is settled, or past. */
function tooLateBecause(outcome: 'epoch_settled' | 'other_epoch', id: string, x: number, current: number): string {
  return outcome === 'epoch_settled'
    ? `epoch ${x}, the inference's epoch, has already been settled`
    : `inference ${id} is from epoch ${x} and the chain is in epoch ${current}`;
}

function explainValidation(
  d: Extract<EventView['decisions'][number], { kind: 'inference_validation' }>,
  before: ChainState,
  after: ChainState,
  t: Text,
): void {
  const was = inferenceOf(before, d.id);
  const executor = was?.executor ?? 'the executor';
  const x = d.inferenceEpoch;
  switch (d.outcome) {
    case 'shared': {
      const workers = [executor, ...(was?.validatedBy ?? []), d.validator];
      const k = BigInt(workers.length);
      const share = d.cost / k;
      const remainder = d.cost % k;
      const rest = workers.slice(1);
      const who = `the executor ${executor}, then ${listWords(rest)}`;
      const split =
        `floor(${money(d.cost)} / ${k}) = ${money(share)} each` +
        (remainder > 0n ? `, and the remainder, ${money(remainder)}, to the executor` : ', with no remainder');
      const changes = (d.adjustments ?? []).filter((a) => a.amount !== 0n).map((a) => `${a.name} ${signed(a.amount)}`);
      const net = (d.adjustments ?? []).reduce((sum, a) => sum + a.amount, 0n);
      t.para(
        `${d.validator}'s validation passed while epoch ${x}, the inference's epoch, is running and not yet settled, so ` +
          `${d.validator} joins the pay of inference ${d.id}: its cost of ${money(d.cost)} is split among ${plural(workers.length, 'worker')} ` +
          `(${who}), ${split}. Only coin_balance moves (earned_coins stays the executor's): ${listWords(changes)}.` +
          (net === 0n
            ? ''
            : ` The chain's ShareWork does not re-split the old remainder, so the changes add up to ${signed(net)} instead of 0.`) +
          ` Inference ${d.id} is VALIDATED; ${executor}'s validated_inferences + 1.`,
      );
      break;
    }
    case 'epoch_settled':
    case 'other_epoch': {
      const why = tooLateBecause(d.outcome, d.id, x, after.effectiveEpoch);
      t.para(
        `The validation passed, but ${why}: the pay is no longer re-split and no coins move. Inference ${d.id} is only ` +
          `marked VALIDATED, and ${executor}'s validated_inferences goes up by 1.`,
      );
      break;
    }
    case 'late':
      t.para(
        `Inference ${d.id} is from epoch ${x} and the chain is already in epoch ${before.effectiveEpoch}, past epoch ${x + 1}: ` +
          'the validation is ignored (a successful transaction that changes nothing).',
      );
      break;
    case 'already_invalidated':
      t.para(`Inference ${d.id} is already INVALIDATED: the validation is ignored (a successful transaction that changes nothing).`);
      break;
    case 'failed':
      t.para(
        `The validation failed. On chain a failed validation opens an invalidation vote, which epochsim does not model: ` +
          `the validation is only recorded (so a second one from ${d.validator} is a duplicate), and invalidate_inference ` +
          `stands for the vote's outcome. No coins move.`,
      );
      break;
  }
}

/** Why a lifecycle message was refused (from its failure's code and data), or undefined for a code this does not word. */
export function lifecycleFailure(view: EventView, ctx: StepContext, f: FailureData): string | undefined {
  const e = view.item.event;
  if (!isLifecycle(e)) return undefined;
  const before = view.before;
  const current = before.effectiveEpoch;
  const record = inferenceOf(before, e.id);
  const world = ctx.world;
  switch (f.code) {
    case 'INFERENCE_NOT_FOUND':
      return `There is no inference ${e.id}: no start_inference, finish_inference or run_inference has used that id.`;
    case 'INFERENCE_ALREADY_PROCESSED':
      if (f.data.step === 'expired') {
        return `Inference ${e.id} expired${atStep(stepBefore(ctx, (v) => v.item.event.type === 'expire_inference' && v.item.event.id === e.id)?.item.index)}: an expired inference cannot be finished, and its escrow is already back with its requester.`;
      }
      return f.data.step === 'start'
        ? `Inference ${e.id} was already started${atStep(stepOf(ctx, e.id, 'start'))}: each inference is started once.`
        : `Inference ${e.id} was already finished${atStep(stepOf(ctx, e.id, 'finish'))}: each inference is finished once.`;
    case 'EXECUTOR_MISMATCH': {
      // `by` is the message that found the mismatch; the other one named the executor first
      const theirs = f.data.by === 'start' ? f.data.finish : f.data.start;
      const mine = f.data.by === 'start' ? f.data.start : f.data.finish;
      const other = f.data.by === 'start' ? 'finish_inference' : 'start_inference';
      return `${other} named ${theirs} as the executor of inference ${e.id}, so ${mine} cannot ${e.type === 'start_inference' ? 'start' : 'finish'} it: both messages must name the same executor.`;
    }
    case 'PRICE_MISMATCH':
      return `finish_inference locked the price at ${perToken(f.data.finish)}; a start_inference with another price (${groupDigits(f.data.start)}) is refused.`;
    case 'OWN_INFERENCE':
      return `${f.data.validator} executed inference ${e.id}: an executor cannot validate its own inference.`;
    case 'DUPLICATE_VALIDATION':
      return `${f.data.validator} already validated inference ${e.id}${atStep(stepOf(ctx, e.id, 'validation', f.data.validator))}: each validator validates an inference once.`;
    case 'INFERENCE_NOT_FINISHED': {
      const state = record === undefined ? 'unknown' : record.status === 'EXPIRED' ? 'EXPIRED' : !record.started ? 'finished but not yet started' : 'STARTED, not yet finished';
      return `Inference ${e.id} is ${state}: only a completed inference (started and finished, not expired) can be ${e.type === 'invalidate_inference' ? 'invalidated' : 'validated'}.`;
    }
    case 'VALIDATOR_NOT_IN_EPOCH':
      return `${f.data.validator} was not in the active set of epoch ${f.data.epoch}, the inference's epoch: only its members can validate it.`;
    case 'INFERENCE_NOT_STARTED':
      return `Inference ${e.id} is ${f.data.status}: only a STARTED inference (started, not finished) holds an escrow that can time out.`;
    case 'NOT_ACTIVE': {
      const who = f.data.participant;
      const role = e.type === 'validate_inference' ? 'validate' : e.type === 'start_inference' ? 'be assigned an inference' : 'finish an inference';
      const sets = e.type === 'start_inference' ? `the active set of epoch ${current}` : `the active set of epoch ${current} or of epoch ${current - 1}`;
      return world.participantIndex.has(who) ? `${who} is not in ${sets}: only a member can ${role}.` : `${who} is an account, not a participant: only a member of ${sets} can ${role}.`;
    }
    case 'REQUESTER_CANNOT_PAY': {
      if (e.type !== 'start_inference') return undefined;
      const lock = view.decisions.find((d) => d.kind === 'inference_start');
      return `${f.data.requester} holds ${money(f.data.balance)}, less than it must lock${lock?.kind === 'inference_start' ? ` (${money(lock.mode === 'pay' ? (lock.pay ?? 0n) : lock.escrowFormula)})` : ''}.`;
    }
    case 'TOKEN_LIMIT':
      return `Token counts are limited to ${groupDigits(f.data.limit)} per message.`;
    default:
      return undefined;
  }
}

/**
 * The on-chain inference store and the arithmetic the inference messages share.
 *
 * Records sit in hash buckets (FNV-1a of the id, 2^15 buckets) of a PVec, path-copied like every
 * other vector: recording or updating one inference copies three trie nodes and one bucket (a few
 * records), whatever the number of inferences. The lifecycle order
 * is not kept: nothing needs it (run --json does not list inferences).
 */
import { MAX_INT64 } from '../domain/money.js';
import { transferAndBackMutably, transferMutably } from './bank.js';
import type { TxContext } from './context.js';
import { addCount } from './counters.js';
import { creditLedgerMutably, participantIndexOf, updateParticipantMutably } from './ledger.js';
import { TxError } from './errors.js';
import { vecForEach, vecGet, vecSet } from './pvec.js';
import { INFERENCE_BUCKETS, INFERENCE_MODULE, type ChainState, type InferenceRecord, type Mutable } from './state.js';

/** A committed state or a draft: a draft's writable root reads as a ChainState. */
type AnyState = ChainState;

/** `MaxAllowedTokens`: the chain's cap on every token count of a message. */
export const MAX_ALLOWED_TOKENS = 1_000_000n;

/** 32-bit FNV-1a over the UTF-16 code units, folded onto the bucket range. */
function bucketOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (INFERENCE_BUCKETS - 1);
}

export function inferenceOf(state: AnyState, id: string): InferenceRecord | undefined {
  const bucket = vecGet(state.inferences, bucketOf(id));
  if (bucket === undefined) return undefined;
  for (const r of bucket) if (r.id === id) return r;
  return undefined;
}

/** Visits every inference (in bucket order, not in the order they appeared). */
export function forEachInference(state: AnyState, visit: (r: InferenceRecord) => void): void {
  vecForEach(state.inferences, (bucket) => {
    for (const r of bucket) visit(r);
  });
}

/** An empty list shared by new records (validated_by, validations). */
export const NO_NAMES: readonly string[] = Object.freeze([]);

/** Writes a record (frozen, not copied): a new id is added to its bucket, a known one replaced. */
export function putInferenceMutably(draft: Mutable<ChainState>, record: InferenceRecord): void {
  const frozen = Object.freeze(record);
  const all = draft.inferences;
  const b = bucketOf(record.id);
  const bucket = vecGet(all, b);
  let next: InferenceRecord[];
  if (bucket === undefined) next = [frozen];
  else {
    const at = bucket.findIndex((r) => r.id === record.id);
    next = [...bucket];
    if (at < 0) next.push(frozen);
    else next[at] = frozen;
  }
  draft.inferences = vecSet(all, b, next);
}

/** Σ escrow held by the inferences of one bucket. */
export const heldInBucket = (bucket: readonly InferenceRecord[] | undefined): bigint => {
  let sum = 0n;
  for (const r of bucket ?? []) sum += heldEscrow(r);
  return sum;
};

/** Escrow still held for an inference: its escrow while STARTED (started, not yet finished). */
export const heldEscrow = (r: InferenceRecord | undefined): bigint => (r?.status === 'STARTED' ? r.escrow : 0n);

/** `(tokens) × price` within int64, else the chain's overflow text. */
export function priced(tokens: bigint, price: bigint, what: 'escrow amount' | 'inference cost'): bigint {
  const amount = tokens * price;
  if (amount > MAX_INT64) throw new TxError(`${what} out of range`);
  return amount;
}

export function checkTokenLimit(value: bigint, field: 'max_tokens' | 'prompt_token_count' | 'completion_token_count'): void {
  if (value > MAX_ALLOWED_TOKENS) throw new TxError(`${field} exceeds limit (${value} > ${MAX_ALLOWED_TOKENS})`);
}

/** One worker's coin_balance change when a validator joins the pay of an inference. */
export interface WorkAdjustment {
  readonly name: string;
  readonly amount: bigint;
}

/**
 * Work sharing (`calculations/share_work.go`): with k workers — the executor first, then the
 * validators who already shared, then the new validator — each holds floor(cost / k) and the
 * executor also the remainder. Returns each worker's change from the split among k − 1 to the
 * split among k, in worker order, zero changes left out; the changes always sum to 0.
 *
 * `chainRounding` reproduces the chain's ShareWork exactly, which is not always zero-sum: when
 * the new remainder is 0 it takes from the executor only old share − new share, so the executor
 * keeps the old remainder (cost 100 from 3 to 4 workers: −8, −8, −8, +25, sum +1); and it never
 * gives the executor a positive change (cost 7 from 3 to 4 workers: the executor should go from
 * 3 to 4, the chain leaves it at 3: −1, −1, +1, sum −1). The default keeps the sum at 0.
 */
export function shareWork(workers: readonly string[], joining: string, cost: bigint, chainRounding = false): WorkAdjustment[] {
  const k = BigInt(workers.length + 1);
  const oldCount = BigInt(workers.length);
  const oldShare = cost / oldCount;
  const oldRemainder = cost % oldCount;
  const newShare = cost / k;
  const newRemainder = cost % k;
  const out: WorkAdjustment[] = [];
  workers.forEach((name, i) => {
    const before = oldShare + (i === 0 ? oldRemainder : 0n);
    const after = newShare + (i === 0 ? newRemainder : 0n);
    if (!chainRounding) {
      if (before !== after) out.push({ name, amount: after - before });
      return;
    }
    const deduct = i === 0 && newRemainder === 0n ? oldShare - newShare : before - after;
    if (deduct > 0n) out.push({ name, amount: -deduct });
  });
  out.push({ name: joining, amount: newShare });
  return out;
}

/** Locks `amount` from the requester (memo `escrow for inferenceId:<id>`), with the chain's text when short. */
export function escrowFromRequesterMutably(draft: Mutable<ChainState>, ctx: TxContext, requester: string, amount: bigint, id: string): void {
  requesterPays(() => transferMutably(draft, ctx, requester, INFERENCE_MODULE, amount, escrowMemo(id)));
}

/**
 * `escrowFromRequesterMutably` and then `refund` of it back to the requester with `refundMemo`:
 * the two sends of an inference started and finished in one step, both recorded, the balances
 * written once.
 */
export function escrowAndRefundMutably(draft: Mutable<ChainState>, ctx: TxContext, requester: string, amount: bigint, id: string, refund: bigint, refundMemo: string): void {
  requesterPays(() => transferAndBackMutably(draft, ctx, requester, INFERENCE_MODULE, amount, escrowMemo(id), refund, refundMemo));
}

const escrowMemo = (id: string): string => `escrow for inferenceId:${id}`;

/** Runs a send from the requester, turning the bank's "insufficient funds" into the chain's text. */
function requesterPays(send: () => void): void {
  try {
    send();
  } catch (error) {
    if (error instanceof TxError && error.message.endsWith('insufficient funds')) throw new TxError('requester cannot pay for inference');
    throw error;
  }
}

/** The executor is paid for a completed inference: coin_balance and earned_coins + pay, inference_count + 1. */
export function creditExecutorMutably(draft: Mutable<ChainState>, ctx: TxContext, executor: string, pay: bigint): void {
  updateParticipantMutably(draft, participantIndexOf(ctx.world, executor), (p) => {
    if (pay > 0n) creditLedgerMutably(p, executor, pay);
    p.inferenceCount = addCount(p.inferenceCount, 1, 'inference_count', executor);
  });
}

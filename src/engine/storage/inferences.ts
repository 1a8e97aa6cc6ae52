/**
 * The on-chain inference store and the arithmetic the inference messages share.
 *
 * Records sit in 2^15 hash buckets of a PVec, path-copied like every other vector: recording or
 * updating one inference copies three trie nodes and one bucket (a few records), whatever the
 * number of inferences. The lifecycle order is not kept: nothing needs it (run --json does not
 * list inferences).
 */
import { MAX_INT64 } from '../../domain/money.js';
import { transferAndBackMutably, transferMutably } from './bank.js';
import type { TxContext } from '../rules/ruleset.js';
import { addCount } from './counters.js';
import { creditLedgerMutably, participantIndexOf, storeParticipantMutably } from './ledger.js';
import { participantAt } from './queries.js';
import { TxError, txError } from '../errors.js';
import { vecForEach, vecGet, vecSet } from './pvec.js';
import { copyParticipant, INFERENCE_BUCKETS, INFERENCE_MODULE, type ChainState, type InferenceRecord, type Mutable } from './state.js';

/** A committed state or a draft: a draft's writable root reads as a ChainState. */
type AnyState = ChainState;

/** `MaxAllowedTokens`: the chain's cap on every token count of a message. */
export const MAX_ALLOWED_TOKENS = 1_000_000n;

const I = 0x69;
const N = 0x6e;
const F = 0x66;
const DASH = 0x2d;
const ZERO = 0x30;

/**
 * The bucket of an id. An id spelt `inf-<digits>` (every automatic id, and an explicit one spelt
 * like them) goes by its number modulo the bucket count: consecutive inferences fill the 32
 * buckets of one trie leaf before the next, so each leaf is copied 32 times in a row and all but
 * the last copy die young. Hashed, every inference copied a different leaf of the 1 024, each
 * copy lived until that leaf's next inference, a thousand inferences later, and the garbage
 * collector moved most of them at least once: about a tenth of a replay's time (the replay
 * took 0.86–0.89× with this, alternating fresh processes; docs/explanation/performance.md). Any
 * other id: 32-bit FNV-1a over its UTF-16 code units, folded onto the bucket range.
 */
export function bucketOf(id: string): number {
  if (id.length > 4 && id.charCodeAt(0) === I && id.charCodeAt(1) === N && id.charCodeAt(2) === F && id.charCodeAt(3) === DASH) {
    let n = 0;
    let i = 4;
    for (; i < id.length; i++) {
      const digit = id.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) break;
      // (the residue of the number so far: it stays below the bucket count, so exact)
      n = (n * 10 + digit) & (INFERENCE_BUCKETS - 1);
    }
    if (i === id.length) return n;
  }
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
    // A copy with the record in place of the one with its id, or added at the end (a plain loop:
    // a bucket holds a record or two, and findIndex would take a closure per write).
    next = bucket.slice();
    let at = 0;
    while (at < next.length && (next[at] as InferenceRecord).id !== record.id) at++;
    next[at] = frozen;
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
  if (amount > MAX_INT64) throw txError('AMOUNT_OUT_OF_RANGE', { what, amount }, `${what} out of range`);
  return amount;
}

export function checkTokenLimit(value: bigint, field: 'max_tokens' | 'prompt_token_count' | 'completion_token_count'): void {
  if (value > MAX_ALLOWED_TOKENS) throw txError('TOKEN_LIMIT', { field, value, limit: MAX_ALLOWED_TOKENS }, `${field} exceeds limit (${value} > ${MAX_ALLOWED_TOKENS})`);
}

/** One worker's coin_balance change when validators join the pay of an inference. */
export interface WorkAdjustment {
  readonly name: string;
  readonly amount: bigint;
}

/**
 * Work sharing, as `calculations/share_work.go` `ShareWork` computes it since gonka-ai/gonka #206
 * (167e5385, 2025-07-18; unchanged at v0.2.11 bd1fd508, v0.2.12 d8b8e907 and 8a35022b). The
 * existing workers (the executor first, then the validators who already shared) are taken to
 * hold an equal split of `cost` with the remainder on the executor; they move to an equal split
 * over existing + joining workers, the new remainder again on the executor (only when it is
 * positive). An existing worker whose share does not change gets no entry; every joining worker
 * gets an entry of `cost / total`, zero included. Finally, if the entries do not sum to zero,
 * the executor's entry is corrected by the total. Go int64 arithmetic: `/` truncates toward
 * zero and `%` takes the dividend's sign, as bigint's do.
 *
 * For cost ≥ 0 (an inference's actual_cost always is) the entries sum to zero before the
 * correction, so it never fires; for a negative cost the executor always has an entry for it
 * to correct (tests/engine/sharework.test.ts checks both by property).
 */
export function shareWork(existing: readonly string[], joining: readonly string[], cost: bigint): WorkAdjustment[] {
  const total = BigInt(existing.length + joining.length);
  if (total === 0n) return [];
  const newShare = cost / total;
  const newRemainder = cost % total;
  const out: { name: string; amount: bigint }[] = [];
  if (existing.length === 0) {
    joining.forEach((name, i) => out.push({ name, amount: newShare + (i === 0 ? newRemainder : 0n) }));
    return out;
  }
  const oldShare = cost / BigInt(existing.length);
  const oldRemainder = cost % BigInt(existing.length);
  let sum = 0n;
  existing.forEach((name, i) => {
    const current = oldShare + (i === 0 ? oldRemainder : 0n);
    const target = newShare + (i === 0 && newRemainder > 0n ? newRemainder : 0n);
    const deduct = current - target;
    if (deduct === 0n) return;
    out.push({ name, amount: -deduct });
    sum -= deduct;
  });
  for (const name of joining) {
    out.push({ name, amount: newShare });
    sum += newShare;
  }
  if (sum !== 0n) {
    const first = out.find((a) => a.name === existing[0]);
    if (first !== undefined) first.amount -= sum;
  }
  return out;
}

/** Locks `amount` from the requester (memo `escrow for inferenceId:<id>`), with the chain's text when short. */
export function escrowFromRequesterMutably(draft: Mutable<ChainState>, ctx: TxContext, requester: string, amount: bigint, id: string): void {
  try {
    transferMutably(draft, ctx, requester, INFERENCE_MODULE, amount, escrowMemo(id));
  } catch (error) {
    throw requesterError(error);
  }
}

/**
 * `escrowFromRequesterMutably` and then `refund` of it back to the requester with `refundMemo`:
 * the two sends of an inference started and finished in one step, both recorded, the balances
 * written once.
 */
export function escrowAndRefundMutably(draft: Mutable<ChainState>, ctx: TxContext, requester: string, amount: bigint, id: string, refund: bigint, refundMemo: string): void {
  try {
    transferAndBackMutably(draft, ctx, requester, INFERENCE_MODULE, amount, escrowMemo(id), refund, refundMemo);
  } catch (error) {
    throw requesterError(error);
  }
}

const escrowMemo = (id: string): string => `escrow for inferenceId:${id}`;

/**
 * What a failed send from the requester fails with: the bank's "insufficient funds" in the
 * chain's text, anything else as it is. (Inline try/catch at each send rather than a wrapper
 * taking the send as a closure: one closure per inference.)
 */
function requesterError(error: unknown): unknown {
  if (error instanceof TxError && error.code === 'INSUFFICIENT_FUNDS') {
    const { account, balance, amount } = (error as TxError<'INSUFFICIENT_FUNDS'>).data;
    return txError('REQUESTER_CANNOT_PAY', { requester: account, amount, balance }, 'requester cannot pay for inference');
  }
  return error;
}

/**
 * The executor (participant `index`, looked up when not given) is paid for a completed
 * inference: coin_balance and earned_coins + pay, inference_count + 1.
 */
export function creditExecutorMutably(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  executor: string,
  pay: bigint,
  inference: string,
  index: number = participantIndexOf(ctx.world, executor),
): void {
  const before = participantAt(draft, index);
  const p = copyParticipant(before);
  if (pay > 0n) creditLedgerMutably(ctx, p, executor, pay, { reason: 'inference', inference });
  p.inferenceCount = addCount(p.inferenceCount, 1, 'inference_count', executor);
  storeParticipantMutably(draft, index, before, p);
}

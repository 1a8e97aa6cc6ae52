/**
 * Bank moves on a draft. Every move is checked against the chain's bounds (no balance below 0 or
 * above MaxInt64) and recorded with its memo; a zero amount moves nothing and records nothing.
 */
import { MAX_INT64 } from '../../domain/money.js';
import type { HostPayout, TxContext } from '../rules/ruleset.js';
import { TxError, txError } from '../errors.js';
import { vecGet, vecSet, vecSet2, vecSetMany } from './pvec.js';
import { INFERENCE_MODULE, MINT, type ChainState, type Mutable, type World } from './state.js';

function indexOf(world: World, account: string): number {
  const index = world.accountIndex.get(account);
  if (index === undefined) throw new Error(`internal: unknown account ${account}`);
  return index;
}

/** The sender's balance after spending `amount`, or the bank's refusal when it is short. */
function spent(account: string, balance: bigint, amount: bigint): bigint {
  if (balance < amount) {
    throw txError('INSUFFICIENT_FUNDS', { account, balance, amount }, `spendable balance ${balance}ngonka is smaller than ${amount}ngonka: insufficient funds`);
  }
  return balance - amount;
}

/** `to`'s balance after receiving `amount`, or the bank's refusal above MaxInt64. */
function received(to: string, balance: bigint, amount: bigint): bigint {
  const next = balance + amount;
  if (next > MAX_INT64) throw txError('BALANCE_OVERFLOW', { account: to, balance: next }, `bank balance of ${to} would exceed max int64 (${next} > ${MAX_INT64})`);
  return next;
}

/** Records a bank move: counts it, and lists it in the transfers (the JSON's) and in the effects when they are recorded. */
function recordMutably(ctx: TxContext, from: string, to: string, amount: bigint, memo: string): void {
  ctx.moves++;
  if (!ctx.record) return;
  ctx.transfers.push({ from, to, amount, memo });
  ctx.effects.push({ kind: 'bank', from, to, amount, memo });
}

function creditMutably(draft: Mutable<ChainState>, world: World, to: string, amount: bigint): void {
  const index = indexOf(world, to);
  const balances = draft.balances;
  draft.balances = vecSet(balances, index, received(to, vecGet(balances, index) ?? 0n, amount));
}

/** Sends `amount` from one account to another, as `SendCoins` with a memo does on chain. */
export function transferMutably(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  from: string,
  to: string,
  amount: bigint,
  memo: string,
): void {
  if (amount < 0n) throw new Error(`internal: negative transfer ${amount}`);
  if (amount === 0n) return;
  const fromIndex = indexOf(ctx.world, from);
  const toIndex = indexOf(ctx.world, to);
  const balances = draft.balances;
  const left = spent(from, vecGet(balances, fromIndex) ?? 0n, amount);
  if (toIndex === fromIndex) {
    // A send to oneself moves nothing; the bank still checks the balance and records it.
    recordMutably(ctx, from, to, amount, memo);
    return;
  }
  const got = received(to, vecGet(balances, toIndex) ?? 0n, amount);
  // Both balances in one pass: they share the trie nodes above their leaves.
  draft.balances = vecSet2(balances, fromIndex, left, toIndex, got);
  recordMutably(ctx, from, to, amount, memo);
}

/**
 * Sends `out` from `a` to `b` and then `back` from `b` to `a` (at most `out`), exactly as two
 * `transferMutably` calls would — both checked, both recorded, in that order — but writes the two
 * balances once. For an inference that locks its escrow and refunds the unused part in one step.
 */
export function transferAndBackMutably(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  a: string,
  b: string,
  out: bigint,
  outMemo: string,
  back: bigint,
  backMemo: string,
): void {
  if (back < 0n || back > out) throw new Error(`internal: ${back} back of ${out}`);
  const aIndex = indexOf(ctx.world, a);
  const bIndex = indexOf(ctx.world, b);
  if (aIndex === bIndex) {
    transferMutably(draft, ctx, a, b, out, outMemo);
    transferMutably(draft, ctx, b, a, back, backMemo);
    return;
  }
  if (out === 0n) return;
  const balances = draft.balances;
  const aLeft = spent(a, vecGet(balances, aIndex) ?? 0n, out);
  const bGot = received(b, vecGet(balances, bIndex) ?? 0n, out);
  recordMutably(ctx, a, b, out, outMemo);
  // The send back cannot fail: b holds at least `out` ≥ `back`, and a gets back no more than it had.
  if (back > 0n) recordMutably(ctx, b, a, back, backMemo);
  draft.balances = vecSet2(balances, aIndex, aLeft + back, bIndex, bGot - back);
}

/** One send of `transferEachMutably`. */
export interface Send {
  readonly amount: bigint;
  readonly memo: string;
}

/**
 * Makes `sends` from one account to another in order, exactly as that many `transferMutably`
 * calls would — each checked against the balances the earlier ones left, each recorded — but
 * writes the two balances once. For the hundreds of module → governance sends of an end_epoch,
 * where a write per send copied the same trie path each time.
 *
 * A send that cannot be made fails the transaction, unless `onRefused` is given: then it is
 * not made, `onRefused` hears which one and why, and answers whether to go on with the next
 * (`skip`) or make no more (`stop`) — for the chain's loops that only log a failed send.
 */
export function transferEachMutably(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  from: string,
  to: string,
  sends: readonly Send[],
  onRefused?: (index: number, error: TxError) => 'skip' | 'stop',
): void {
  const fromIndex = indexOf(ctx.world, from);
  const toIndex = indexOf(ctx.world, to);
  const balances = draft.balances;
  let balance = vecGet(balances, fromIndex) ?? 0n;
  let got = vecGet(balances, toIndex) ?? 0n;
  let moved = false;
  for (let i = 0; i < sends.length; i++) {
    const { amount, memo } = sends[i] as Send;
    if (amount < 0n) throw new Error(`internal: negative transfer ${amount}`);
    if (amount === 0n) continue;
    let left: bigint;
    let next: bigint;
    try {
      left = spent(from, balance, amount);
      next = toIndex !== fromIndex ? received(to, got, amount) : got;
    } catch (error) {
      if (onRefused === undefined || !(error instanceof TxError)) throw error;
      if (onRefused(i, error) === 'stop') break;
      continue;
    }
    if (toIndex !== fromIndex) {
      got = next;
      balance = left;
      moved = true;
    }
    recordMutably(ctx, from, to, amount, memo);
  }
  if (moved) draft.balances = vecSet2(balances, fromIndex, balance, toIndex, got);
}

/**
 * Pays each of `payouts` from `from` in order (a zero amount skipped), exactly as that many
 * `transferMutably` calls with `memo` would — each checked against the balances the earlier ones
 * left, each recorded; `before(k)` hears each send just before it is made — but writes the
 * balances once (vecSetMany): the module's leaf and the nodes above it are copied once per
 * settlement rather than once per host. Returns the sum paid.
 */
export function payEachMutably(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  from: string,
  payouts: readonly HostPayout[],
  memo: string,
  before?: (k: number) => void,
): bigint {
  const fromIndex = indexOf(ctx.world, from);
  const balances = draft.balances;
  // The balances this makes, by index (the sender's first): short lists, scanned.
  const indexes: number[] = [fromIndex];
  const values: bigint[] = [vecGet(balances, fromIndex) ?? 0n];
  let paid = 0n;
  for (let k = 0; k < payouts.length; k++) {
    const { host: to, amount } = payouts[k] as HostPayout;
    if (amount === 0n) continue;
    before?.(k);
    if (amount < 0n) throw new Error(`internal: negative transfer ${amount}`);
    const toIndex = indexOf(ctx.world, to);
    const left = spent(from, values[0] as bigint, amount);
    if (toIndex !== fromIndex) {
      const at = indexes.indexOf(toIndex);
      const got = received(to, at < 0 ? (vecGet(balances, toIndex) ?? 0n) : (values[at] as bigint), amount);
      values[0] = left;
      if (at < 0) {
        indexes.push(toIndex);
        values.push(got);
      } else values[at] = got;
    }
    recordMutably(ctx, from, to, amount, memo);
    paid += amount;
  }
  if (indexes.length > 1) draft.balances = vecSetMany(balances, indexes, values);
  return paid;
}

/** Mints new coins into the inference module (`reward_distribution` on chain). */
export function mintMutably(draft: Mutable<ChainState>, ctx: TxContext, amount: bigint, memo: string): void {
  if (amount === 0n) return;
  creditMutably(draft, ctx.world, INFERENCE_MODULE, amount);
  draft.minted += amount;
  recordMutably(ctx, MINT, INFERENCE_MODULE, amount, memo);
}

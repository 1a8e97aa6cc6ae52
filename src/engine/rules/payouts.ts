/**
 * Helpers the rulesets share when they deliver a settlement's payouts: the nonce-derived slot
 * bound, the settle-window decision, the stats merge into a host's current epoch, guarded bank
 * moves for paths where the chain only logs a failed send, and divergence records.
 */
import type { HostStatInput } from '../../domain/scenario.js';
import { transferMutably } from '../storage/bank.js';
import type { TxContext } from './ruleset.js';
import { addCount } from '../storage/counters.js';
import { TxError } from '../errors.js';
import { participantIndexOf, updateParticipantMutably } from '../storage/ledger.js';
import type { EscrowMemos } from './ruleset.js';
import type { ChainState, Escrow, Mutable } from '../storage/state.js';
import type { Decision, DivergenceDetail } from '../trace.js';

export const SUBNET_PAYMENT_MEMO = 'subnet_escrow_payment';
export const DEVSHARD_PAYMENT_MEMO = 'devshard_escrow_payment';

/** The memos of every ruleset before v0.2.12 (the v1 rulesets too). */
export const SUBNET_MEMOS: EscrowMemos = {
  lock: 'subnet_escrow_lock',
  refund: 'subnet_escrow_refund',
  unsettledDistribution: 'subnet_escrow_unsettled_distribution',
};

/** v0.2.12 renamed subnets to devshards, memos included. */
export const DEVSHARD_MEMOS: EscrowMemos = {
  lock: 'devshard_escrow_lock',
  refund: 'devshard_escrow_refund',
  unsettledDistribution: 'devshard_escrow_unsettled_distribution',
};

/** The V0212 per-slot bound from the nonce: `1 + floor((nonce − first) / n)`, 0 before `first`. */
export function assignedPerSlot(nonce: bigint, slot: number, slotCount: number): bigint {
  const exact = assignedPerSlotExact(nonce, slot, slotCount);
  if (exact !== undefined) return BigInt(exact);
  return 1n + (nonce - BigInt(slot === 0 ? slotCount : slot)) / BigInt(slotCount);
}

/**
 * `assignedPerSlot` as a double while the nonce is below 2^53: then every value on the way is an
 * integer under 2^53 and double arithmetic is exact (and allocates no bigints, which the
 * per-entry checks did by the dozen). Undefined above.
 */
export function assignedPerSlotExact(nonce: bigint, slot: number, slotCount: number): number | undefined {
  if (nonce > MAX_EXACT) return undefined;
  const first = slot === 0 ? slotCount : slot;
  const n = Number(nonce);
  return n < first ? 0 : 1 + Math.floor((n - first) / slotCount);
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

export function windowDecision(
  draft: Mutable<ChainState>,
  escrow: Escrow,
  mode: Extract<Decision, { kind: 'settle_window' }>['mode'],
): Decision {
  return {
    kind: 'settle_window',
    escrow: escrow.id,
    escrowEpoch: escrow.epoch,
    current: draft.effectiveEpoch,
    escrowEpochEnded: draft.effectiveEpoch > escrow.epoch || draft.epochEnded,
    mode,
  };
}

/** Records a known divergence of a chain version (see trace.ts); the runner sums them. */
export function divergence(ctx: TxContext, amount: bigint, detail: DivergenceDetail): void {
  if (amount !== 0n) ctx.decisions.push({ kind: 'divergence', amount, ...detail });
}

/**
 * v0.2.12+ (`AggregateDevshardHostStatsIntoCurrentEpochStats`): merges the entries of the given
 * hosts into their current epoch stats — `missed_requests += missed`,
 * `invalidated_inferences += invalid`, `inference_count += assigned − missed` and
 * `validated_inferences += assigned − missed − invalid` (the settle's nonce bounds have already
 * checked both differences; a message without a nonce is nonce 0: nothing is assigned).
 */
export function mergeNonceStats(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  slots: readonly string[],
  entries: readonly HostStatInput[],
  nonce: bigint,
  hosts: ReadonlySet<string>,
): void {
  interface Sum {
    missed: number;
    invalid: number;
    completed: number;
    validated: number;
  }
  const merged = new Map<string, Sum>();
  for (const entry of entries) {
    const host = slots[entry.slot] as string;
    if (!hosts.has(host)) continue;
    const sum = merged.get(host) ?? { missed: 0, invalid: 0, completed: 0, validated: 0 };
    sum.missed = addCount(sum.missed, entry.missed, 'missed_requests', host);
    sum.invalid = addCount(sum.invalid, entry.invalid, 'invalidated_inferences', host);
    const completed = assignedPerSlot(nonce, entry.slot, slots.length) - BigInt(entry.missed);
    sum.completed = addCount(sum.completed, Number(completed), 'inference_count', host);
    sum.validated = addCount(sum.validated, Number(completed - BigInt(entry.invalid)), 'validated_inferences', host);
    merged.set(host, sum);
  }
  for (const [host, sum] of merged) {
    updateParticipantMutably(draft, participantIndexOf(ctx.world, host), (p) => {
      p.missedRequests = addCount(p.missedRequests, sum.missed, 'missed_requests', host);
      p.invalidatedInferences = addCount(p.invalidatedInferences, sum.invalid, 'invalidated_inferences', host);
      p.inferenceCount = addCount(p.inferenceCount, sum.completed, 'inference_count', host);
      p.validatedInferences = addCount(p.validatedInferences, sum.validated, 'validated_inferences', host);
    });
  }
}

/** A bank send whose failure fails the message with the chain's wrapper text (`prefix: cause`). */
export function transferOrFail(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  from: string,
  to: string,
  amount: bigint,
  memo: string,
  prefix: string,
): void {
  try {
    transferMutably(draft, ctx, from, to, amount, memo);
  } catch (error) {
    if (error instanceof TxError) throw error.wrapped(prefix);
    throw error;
  }
}

/**
 * A bank send where the chain only logs a failure (pruning): sends when the sender can pay and
 * the recipient stays within MaxInt64, and otherwise moves nothing. Returns whether it sent.
 */
export function trySend(
  draft: Mutable<ChainState>,
  ctx: TxContext,
  from: string,
  to: string,
  amount: bigint,
  memo: string,
): boolean {
  // transferMutably checks both bounds before it writes anything, so a refused send leaves the
  // draft as it was.
  try {
    transferMutably(draft, ctx, from, to, amount, memo);
    return true;
  } catch (error) {
    if (error instanceof TxError) return false;
    throw error;
  }
}

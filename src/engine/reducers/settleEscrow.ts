import { MAX_UINT32, MAX_UINT64 } from '../../domain/money.js';
import { transferMutably } from '../bank.js';
import { addCount } from '../counters.js';
import { TxError } from '../errors.js';
import { sparseVec, vecGet, vecSet } from '../pvec.js';
import { escrowOf, hostStatsOf } from '../queries.js';
import { assignedPerSlot, type HostPayout } from '../rules.js';
import { INFERENCE_MODULE, setVecOfState, vecOfState, type HostEpochStats } from '../state.js';
import type { CaseReducer } from './types.js';

/**
 * MsgSettleSubnetEscrow: the checks and fee split every ruleset shares (format section 3.1),
 * then the ruleset delivers the payouts, the creator gets the rest back, and the host stats of
 * the escrow's epoch add every entry.
 */
export const settleEscrow: CaseReducer<'settle_escrow'> = (draft, event, ctx) => {
  const id = event.escrow;
  const escrow = id >= 1n && id <= BigInt(vecOfState(draft, 'escrows').size) ? escrowOf(draft, Number(id)) : undefined;
  if (!escrow) throw new TxError(`escrow ${id} not found`);
  if (escrow.settled) throw new TxError(`escrow ${id} already settled`);
  const settler = event.settler ?? escrow.creator;
  if (settler !== escrow.creator) throw new TxError(`settler ${settler} is not the escrow creator ${escrow.creator}`);

  const slots = escrow.slots;
  const n = slots.length;
  const seen = new Set<number>();
  for (const entry of event.hosts) {
    if (seen.has(entry.slot)) throw new TxError(`duplicate host_stats slot_id ${entry.slot}`);
    seen.add(entry.slot);
  }
  for (const entry of event.hosts) {
    if (entry.slot >= n) throw new TxError(`host_stats slot_id ${entry.slot} out of range`);
  }
  if (event.nonce !== undefined) {
    for (const entry of event.hosts) {
      const assigned = assignedPerSlot(event.nonce, entry.slot, n);
      if (BigInt(entry.missed) > assigned) {
        throw new TxError(`slot ${entry.slot} missed count ${entry.missed} exceeds assigned per slot ${assigned}`);
      }
      const completed = assigned - BigInt(entry.missed);
      if (BigInt(entry.invalid) > completed) {
        throw new TxError(`slot ${entry.slot} invalid count ${entry.invalid} exceeds completed per slot ${completed}`);
      }
    }
  }
  let totalCost = 0n;
  for (const entry of event.hosts) {
    totalCost += entry.cost;
    if (totalCost > MAX_UINT64) throw new TxError('total cost overflow');
  }
  const fees = event.fees;
  const debit = totalCost + fees;
  if (debit > MAX_UINT64) throw new TxError('total cost plus fees overflow');
  if (debit > escrow.amount) {
    throw new TxError(`total debit ${debit} (cost ${totalCost} + fees ${fees}) exceeds escrow amount ${escrow.amount}`);
  }
  const current = draft.effectiveEpoch;
  const x = escrow.epoch;
  if (current !== x && current !== x + 1) {
    throw new TxError(
      `devshard settlement only supports current or previous epoch: current epoch ${current}, escrow epoch ${x}`,
    );
  }

  // Fee split: floor(fees / n) per entry, the remainder +1 each to the first entries in message order.
  const share = fees / BigInt(n);
  let remainder = fees % BigInt(n);
  const byHost = new Map<string, bigint>();
  const bonusSlots: number[] = [];
  for (const entry of event.hosts) {
    let amount = entry.cost + share;
    if (remainder > 0n) {
      amount += 1n;
      remainder -= 1n;
      bonusSlots.push(entry.slot);
    }
    const host = slots[entry.slot] as string;
    byHost.set(host, (byHost.get(host) ?? 0n) + amount);
  }
  ctx.decisions.push({ kind: 'fee_split', fees, slots: n, share, remainder: fees % BigInt(n), bonusSlots });
  if (remainder > 0n) throw new TxError(`failed to allocate all remainder fees, ${remainder} left`);
  const payouts: HostPayout[] = [];
  const listed = new Set<string>();
  for (const host of slots) {
    if (listed.has(host) || !byHost.has(host)) continue;
    listed.add(host);
    payouts.push({ host, amount: byHost.get(host) as bigint });
  }

  const { paid, forfeited } = ctx.rules.deliverPayouts(draft, ctx, {
    escrow,
    payouts,
    entries: event.hosts,
    nonce: event.nonce,
  });
  const refund = escrow.amount - paid - forfeited;
  ctx.decisions.push({ kind: 'refund', creator: escrow.creator, amount: refund, paid, forfeited });
  transferMutably(draft, ctx, INFERENCE_MODULE, escrow.creator, refund, 'subnet_escrow_refund');

  // Host stats of epoch X: every entry adds up (uint32 counters, uint64 cost) and each host
  // counts this escrow once; summed per host first so each record is written once.
  const sums = new Map<string, HostEpochStats>();
  for (const entry of event.hosts) {
    const host = slots[entry.slot] as string;
    const index = ctx.world.participantIndex.get(host) as number;
    const before = sums.get(host) ?? hostStatsOf(draft, x, index);
    const add32 = (a: number, b: number, field: string): number => {
      const sum = a + b;
      if (BigInt(sum) > MAX_UINT32) throw new TxError(`failed to aggregate host stats: ${field} overflow for ${host}`);
      return sum;
    };
    const cost = (before?.cost ?? 0n) + entry.cost;
    if (cost > MAX_UINT64) throw new TxError(`failed to aggregate host stats: cost overflow for ${host}`);
    sums.set(host, {
      missed: add32(before?.missed ?? 0, entry.missed, 'missed'),
      invalid: add32(before?.invalid ?? 0, entry.invalid, 'invalid'),
      cost,
      requiredValidations: add32(before?.requiredValidations ?? 0, entry.requiredValidations, 'required_validations'),
      completedValidations: add32(before?.completedValidations ?? 0, entry.completedValidations, 'completed_validations'),
      escrowCount: sums.has(host) ? (before as HostEpochStats).escrowCount : addCount(before?.escrowCount ?? 0, 1, 'escrow_count', host),
    });
  }
  let stats = vecGet(vecOfState(draft, 'hostStats'), x) ?? sparseVec<HostEpochStats>(ctx.world.participants.length);
  for (const [host, sum] of sums) stats = vecSet(stats, ctx.world.participantIndex.get(host) as number, Object.freeze(sum));
  setVecOfState(draft, 'hostStats', vecSet(vecOfState(draft, 'hostStats'), x, stats));
  setVecOfState(draft, 'escrows', vecSet(vecOfState(draft, 'escrows'), escrow.id - 1, Object.freeze({ ...escrow, settled: true })));
};

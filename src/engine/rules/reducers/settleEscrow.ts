import { MAX_UINT32, MAX_UINT64 } from '../../../domain/money.js';
import type { EventOf, HostStatInput } from '../../../domain/scenario.js';
import { transferMutably } from '../../storage/bank.js';
import type { TxContext } from '../ruleset.js';
import { addCount } from '../../storage/counters.js';
import { txError, type HostStatField, type TxError } from '../../errors.js';
import { assignedPerSlotExact, divergence, transferOrFail, windowDecision } from '../payouts.js';
import { sparseVec, vecGet, vecSet, vecSetMany } from '../../storage/pvec.js';
import { escrowOf } from '../../storage/queries.js';
import { assignedPerSlot } from '../registry.js';
import type { HostPayout } from '../ruleset.js';
import { copyEscrow, INFERENCE_MODULE, type ChainState, type Escrow, type HostEpochStats, type Mutable, type World } from '../../storage/state.js';
import type { CaseReducer } from './types.js';

const TWO_64 = MAX_UINT64 + 1n;
const UINT32_LIMIT = Number(MAX_UINT32);

/**
 * Adds two uint32 host-stat counters. Both are exact in a double, and so is their sum; v0.2.11's
 * counters wrap silently at 2^32, later versions fail.
 */
function add32(a: number, b: number, v0211: boolean, field: HostStatField, host: string): number {
  const sum = a + b;
  if (sum <= UINT32_LIMIT) return sum;
  if (v0211) return sum - (UINT32_LIMIT + 1);
  throw txError('HOST_STATS_OVERFLOW', { host, field, stored: BigInt(a), adding: BigInt(b) }, `failed to aggregate host stats: ${field} overflow for ${host}`);
}

/** The V0212 bounds of one entry: missed ≤ assigned, invalid ≤ assigned − missed. */
function nonceBounds(entry: HostStatInput, nonce: bigint, n: number): void {
  // Below 2^53 the bounds are exact doubles; above, bigints.
  const assigned = assignedPerSlotExact(nonce, entry.slot, n) ?? assignedPerSlot(nonce, entry.slot, n);
  if (entry.missed > assigned) {
    throw txError('MISSED_EXCEEDS_ASSIGNED', { slot: entry.slot, missed: entry.missed, assigned: BigInt(assigned) }, `slot ${entry.slot} missed count ${entry.missed} exceeds assigned per slot ${assigned}`);
  }
  const completed = typeof assigned === 'number' ? assigned - entry.missed : assigned - BigInt(entry.missed);
  if (entry.invalid > completed) {
    throw txError('INVALID_EXCEEDS_COMPLETED', { slot: entry.slot, invalid: entry.invalid, completed: BigInt(completed) }, `slot ${entry.slot} invalid count ${entry.invalid} exceeds completed per slot ${completed}`);
  }
}

/** `DevshardMaxNonce` (keeper/devshard_settlement.go, v0.2.12; a param defaulting to it later). */
export const DEVSHARD_MAX_NONCE = 20_000n;

/** After the cost sum: Σcost + fees within uint64 and the escrow amount (the checked versions). */
function checkDebit(totalCost: bigint, fees: bigint, amount: bigint): void {
  const debit = totalCost + fees;
  if (debit > MAX_UINT64) throw txError('SUM_OVERFLOW', { sum: 'cost_plus_fees' }, 'total cost plus fees overflow');
  if (debit > amount) {
    throw txError('DEBIT_EXCEEDS_ESCROW', { debit, cost: totalCost, fees, amount }, `total debit ${debit} (cost ${totalCost} + fees ${fees}) exceeds escrow amount ${amount}`);
  }
}

/** Σcost, failing "total cost overflow" past uint64. */
function checkedCostSum(hosts: readonly HostStatInput[]): bigint {
  let totalCost = 0n;
  for (const entry of hosts) {
    totalCost += entry.cost;
    if (totalCost > MAX_UINT64) throw txError('SUM_OVERFLOW', { sum: 'cost' }, 'total cost overflow');
  }
  return totalCost;
}

/**
 * The position of the first entry whose slot id repeats an earlier entry's, in message order, or
 * -1. A short message (the usual case) is scanned pairwise rather than through a Set; a long
 * one (more than 16 entries) through a Set, as the scan would be quadratic.
 */
function firstRepeat(entries: readonly HostStatInput[]): number {
  if (entries.length <= 16) {
    for (let i = 1; i < entries.length; i++) {
      const slot = (entries[i] as HostStatInput).slot;
      for (let j = 0; j < i; j++) if ((entries[j] as HostStatInput).slot === slot) return i;
    }
    return -1;
  }
  const seen = new Set<number>();
  for (let i = 0; i < entries.length; i++) {
    const slot = (entries[i] as HostStatInput).slot;
    if (seen.has(slot)) return i;
    seen.add(slot);
  }
  return -1;
}

const duplicate = (entry: HostStatInput): TxError => txError('DUPLICATE_SLOT', { slot: entry.slot }, `duplicate host_stats slot_id ${entry.slot}`);

/**
 * The hosts of an escrow's slots: each host once, in the order of its first slot, with its
 * participant index (negative for an address without a participant record), and for each slot
 * the position of its host. The settlement sums per host
 * by position (arrays), not by name (Maps).
 */
interface SlotHosts {
  /** How many hosts: the first `count` entries of `names` and `indexes` (sized for a host per slot). */
  readonly count: number;
  readonly names: readonly string[];
  readonly indexes: readonly number[];
  readonly of: readonly number[];
}

function slotHosts(slots: readonly string[], world: World): SlotHosts {
  // Sized for a host per slot, of which the first `count` are used: a list grown by push starts
  // with room for 17, which for the few hosts of a settlement was most of what it allocated.
  const names = new Array<string>(slots.length);
  const indexes = new Array<number>(slots.length);
  const of = new Array<number>(slots.length);
  let count = 0;
  // Few slots: a scan of the hosts so far; many: a Map (the scan would be quadratic).
  const byIndex = slots.length > 16 ? new Map<number, number>() : undefined;
  for (let slot = 0; slot < slots.length; slot++) {
    const name = slots[slot] as string;
    // An address with no participant record (a chain-version what-if, rules.ts) gets a negative
    // key of its own: −1 − its account index.
    const index = world.participantIndex.get(name) ?? -1 - (world.accountIndex.get(name) as number);
    let at = -1;
    if (byIndex === undefined) {
      for (let k = 0; k < count; k++) {
        if (indexes[k] === index) {
          at = k;
          break;
        }
      }
    } else at = byIndex.get(index) ?? -1;
    if (at < 0) {
      at = count++;
      names[at] = name;
      indexes[at] = index;
      byIndex?.set(index, at);
    }
    of[slot] = at;
  }
  return { count, names, indexes, of };
}

function checkWindow(draft: Mutable<ChainState>, ctx: TxContext, escrow: Escrow): void {
  if (!ctx.rules.settle.epochWindow) return;
  const current = draft.effectiveEpoch;
  const x = escrow.epoch;
  if (current !== x && current !== x + 1) {
    // The decision is kept with the failure, so an explanation can say which window was missed.
    if (ctx.trace) ctx.decisions.push(windowDecision(draft, escrow, 'outside'));
    throw txError(
      'SETTLE_WINDOW',
      { escrow: escrow.id, escrowEpoch: x, current },
      `devshard settlement only supports current or previous epoch: current epoch ${current}, escrow epoch ${x}`,
    );
  }
}

/** The v1 order (scenario-format 3.1): duplicates, slot range, nonce bounds, sums, epoch window. */
function checkInV1Order(draft: Mutable<ChainState>, ctx: TxContext, event: EventOf<'settle_escrow'>, escrow: Escrow, fees: bigint): bigint {
  const n = escrow.slots.length;
  const repeat = firstRepeat(event.hosts);
  if (repeat >= 0) throw duplicate(event.hosts[repeat] as HostStatInput);
  for (const entry of event.hosts) {
    if (entry.slot >= n) throw txError('SLOT_OUT_OF_RANGE', { slot: entry.slot, slots: n }, `host_stats slot_id ${entry.slot} out of range`);
  }
  if (event.nonce !== undefined) {
    for (const entry of event.hosts) nonceBounds(entry, event.nonce, n);
  }
  const costSum = checkedCostSum(event.hosts);
  checkDebit(costSum, fees, escrow.amount);
  checkWindow(draft, ctx, escrow);
  return costSum;
}

/**
 * The chain's order: its verifier (VerifySubnetSettlement / VerifyDevshardSettlement) walks the
 * entries in message order — a duplicate slot; from v0.2.12 the slot range and the nonce bounds;
 * the cost sum — then checks the debit; then (v0.2.12+) the epoch window and the participants.
 * The subnet-era slot range is checked while the fees are split.
 */
function checkInChainOrder(draft: Mutable<ChainState>, ctx: TxContext, event: EventOf<'settle_escrow'>, escrow: Escrow, fees: bigint): bigint {
  const rules = ctx.rules.settle;
  const devshard = rules.checkOrder === 'devshard';
  // A message without a nonce carries nonce 0 on chain.
  const nonce = event.nonce ?? 0n;
  if (devshard && nonce > DEVSHARD_MAX_NONCE) throw txError('NONCE_TOO_LARGE', { nonce, max: DEVSHARD_MAX_NONCE }, `nonce ${nonce} exceeds maximum ${DEVSHARD_MAX_NONCE}`);
  const n = escrow.slots.length;
  const repeat = firstRepeat(event.hosts);
  const wrapping = rules.sums === 'wrapping';
  let totalCost = 0n;
  let wrapped = false;
  for (let i = 0; i < event.hosts.length; i++) {
    const entry = event.hosts[i] as HostStatInput;
    if (i === repeat) throw duplicate(entry);
    if (devshard) {
      if (entry.slot >= n) throw txError('SLOT_OUT_OF_RANGE', { slot: entry.slot, slots: n }, `slot ${entry.slot} out of range for slot count ${n}`);
      nonceBounds(entry, nonce, n);
    }
    // v0.2.11 adds the costs unchecked: a uint64 that wraps.
    totalCost += entry.cost;
    if (wrapping && totalCost >= TWO_64) {
      totalCost %= TWO_64;
      wrapped = true;
    }
    else if (totalCost > MAX_UINT64) throw txError('SUM_OVERFLOW', { sum: 'cost' }, 'total cost overflow');
  }
  if (wrapping) {
    if (totalCost > escrow.amount) throw txError('COST_EXCEEDS_ESCROW', { cost: totalCost, amount: escrow.amount, wrapped }, `total cost ${totalCost} exceeds escrow amount ${escrow.amount}`);
  } else checkDebit(totalCost, fees, escrow.amount);
  checkWindow(draft, ctx, escrow);
  if (rules.requireParticipants) {
    for (const host of [...new Set(escrow.slots)].sort()) {
      if (!ctx.world.participantIndex.has(host)) throw txError('PARTICIPANT_NOT_FOUND', { participant: host }, `participant ${host} not found`);
    }
  }
  return totalCost;
}

/**
 * MsgSettleSubnetEscrow (MsgSettleDevshardEscrow from v0.2.12): the checks and fee split the
 * rulesets share (format section 3.1; the ruleset's `settle` rules say where versions differ),
 * then the ruleset delivers the payouts, the creator gets the rest back, and the host stats of
 * the escrow's epoch add every entry.
 */
export const settleEscrow: CaseReducer<'settle_escrow'> = (draft, event, ctx) => {
  const id = event.escrow;
  // Compared as a double (no bigint made per settlement): exact for every id up to the escrow
  // count, and rounding keeps a larger id above it and a non-positive one below 1.
  const at = Number(id);
  const escrow = at >= 1 && at <= draft.escrows.size ? escrowOf(draft, at) : undefined;
  if (!escrow) throw txError('ESCROW_NOT_FOUND', { escrow: id }, `escrow ${id} not found`);
  if (escrow.settled) throw txError('ESCROW_ALREADY_SETTLED', { escrow: escrow.id }, `escrow ${id} already settled`);
  const settler = event.settler ?? escrow.creator;
  if (settler !== escrow.creator) throw txError('NOT_ESCROW_CREATOR', { settler, creator: escrow.creator }, `settler ${settler} is not the escrow creator ${escrow.creator}`);

  const rules = ctx.rules.settle;
  const slots = escrow.slots;
  const n = slots.length;
  // v0.2.11's message has no fees field; fees-kept checks the fees but pays them to no one.
  const fees = rules.fees === 'ignored' ? 0n : event.fees;
  if (ctx.trace && rules.fees === 'ignored' && event.fees > 0n) ctx.decisions.push({ kind: 'fees_ignored', fees: event.fees });
  const costSum = rules.checkOrder === 'v1' ? checkInV1Order(draft, ctx, event, escrow, fees) : checkInChainOrder(draft, ctx, event, escrow, fees);
  const x = escrow.epoch;

  // Fee split: floor(fees / n) per entry, the remainder +1 each to the first entries in message order.
  const split = rules.fees === 'split' ? fees : 0n;
  const slotCount = BigInt(n);
  const share = split / slotCount;
  let remainder = split % slotCount;
  const hosts = slotHosts(slots, ctx.world);
  const amounts: (bigint | undefined)[] = new Array<bigint | undefined>(hosts.count);
  // The slots given a remainder unit, for the decision (only listed when decisions are traced).
  const bonusSlots: number[] | undefined = ctx.trace ? [] : undefined;
  for (const entry of event.hosts) {
    if (entry.slot >= n) throw txError('SLOT_OUT_OF_RANGE', { slot: entry.slot, slots: n }, `host_stats slot_id ${entry.slot} out of range`);
    let amount = entry.cost + share;
    if (remainder > 0n) {
      amount += 1n;
      remainder -= 1n;
      bonusSlots?.push(entry.slot);
    }
    const at = hosts.of[entry.slot] as number;
    // (a host's first entry is its amount as it is: no bigint addition)
    const earlier = amounts[at];
    const sum = earlier === undefined ? amount : earlier + amount;
    // v0.2.11 adds up each host's costs unchecked: a uint64 that wraps.
    amounts[at] = rules.sums === 'wrapping' ? sum % TWO_64 : sum;
  }
  if (bonusSlots !== undefined) ctx.decisions.push({ kind: 'fee_split', fees: split, slots: n, share, remainder: split % slotCount, bonusSlots });
  if (remainder > 0n) throw txError('FEE_REMAINDER_LEFT', { left: remainder, entries: event.hosts.length }, `failed to allocate all remainder fees, ${remainder} left`);
  // One payout per host with an entry, in the order of its first slot.
  // Counted first, so that each list is made at its size (not grown by push, nor cut to it).
  let paying = 0;
  for (let at = 0; at < hosts.count; at++) if (amounts[at] !== undefined) paying++;
  const payouts = new Array<HostPayout>(paying);
  const indexes = new Array<number>(paying);
  const payoutOfHost: number[] = new Array<number>(hosts.count);
  paying = 0;
  for (let at = 0; at < hosts.count; at++) {
    const amount = amounts[at];
    if (amount === undefined) continue;
    payoutOfHost[at] = paying;
    payouts[paying] = { host: hosts.names[at] as string, amount };
    indexes[paying] = hosts.indexes[at] as number;
    paying++;
  }
  const entryPayout: number[] = new Array<number>(event.hosts.length);
  for (let i = 0; i < event.hosts.length; i++) entryPayout[i] = payoutOfHost[hosts.of[(event.hosts[i] as HostStatInput).slot] as number] as number;

  // The chain's later guards ("total payout %d exceeds escrow amount %d", payouts or refunds
  // above MaxInt64) cannot fire here: an escrow's amount came from a bank balance (≤ MaxInt64)
  // and the sum checks bound every payout by it. v0.2.11's wrapped sums are the exception.
  // The escrow's coins leave the creator's escrowed bucket: to the hosts, back to the creator, or nowhere.
  if (ctx.record) ctx.effects.push({ kind: 'escrow', escrow: escrow.id, creator: escrow.creator, op: 'released', amount: escrow.amount });
  const delivered = ctx.rules.deliverPayouts(draft, ctx, {
    escrow,
    payouts,
    indexes,
    entries: event.hosts,
    entryPayout,
    nonce: event.nonce,
    costSum,
  });
  const { paid, forfeited } = delivered;
  const trapped = delivered.trapped ?? 0n;
  const kept = rules.fees === 'kept' ? fees : 0n;
  if (kept > 0n) divergence(ctx, kept, { id: 'fees_kept', data: { escrow: escrow.id, creator: escrow.creator, fees: kept } });
  const refund = escrow.amount - paid - forfeited - trapped - kept;
  if (ctx.trace) ctx.decisions.push({
    kind: 'refund',
    creator: escrow.creator,
    amount: refund,
    paid,
    forfeited,
    ...(trapped > 0n ? { trapped } : {}),
    ...(kept > 0n ? { kept } : {}),
  });
  if (rules.wrapBankErrors) {
    transferOrFail(draft, ctx, INFERENCE_MODULE, escrow.creator, refund, ctx.rules.memos.refund, 'failed to refund creator');
  } else {
    transferMutably(draft, ctx, INFERENCE_MODULE, escrow.creator, refund, ctx.rules.memos.refund);
  }

  // Host stats of epoch X: every entry adds up (uint32 counters, uint64 cost) and each host
  // counts this escrow once; summed per host first so each record is written once.
  const sums: (HostEpochStats | undefined)[] = new Array<HostEpochStats | undefined>(payouts.length);
  const v0211 = rules.hostStats === 'v0211';
  // Epoch X's records, looked up once for every entry (and written back once below).
  const statsOfEpoch = vecGet(draft.hostStats, x);
  for (let i = 0; i < event.hosts.length; i++) {
    const entry = event.hosts[i] as HostStatInput;
    const at = entryPayout[i] as number;
    // Host stats are kept per participant: an address without a record has none here.
    if ((indexes[at] as number) < 0) continue;
    const host = (payouts[at] as HostPayout).host;
    const counted = sums[at];
    const before = counted ?? (statsOfEpoch && vecGet(statsOfEpoch, indexes[at] as number));
    const cost = (before?.cost ?? 0n) + entry.cost;
    if (cost > MAX_UINT64) {
      throw txError(
        'HOST_STATS_OVERFLOW',
        { host, field: 'cost', stored: before?.cost ?? 0n, adding: entry.cost },
        v0211 ? 'failed to aggregate host stats: cost overflow aggregating subnet host stats' : `failed to aggregate host stats: cost overflow for ${host}`,
      );
    }
    sums[at] = {
      missed: add32(before?.missed ?? 0, entry.missed, v0211, 'missed', host),
      invalid: add32(before?.invalid ?? 0, entry.invalid, v0211, 'invalid', host),
      cost,
      requiredValidations: add32(before?.requiredValidations ?? 0, entry.requiredValidations, v0211, 'required_validations', host),
      completedValidations: add32(before?.completedValidations ?? 0, entry.completedValidations, v0211, 'completed_validations', host),
      escrowCount: counted !== undefined ? counted.escrowCount : addCount(before?.escrowCount ?? 0, 1, 'escrow_count', host),
    };
  }
  for (const sum of sums) if (sum !== undefined) Object.freeze(sum);
  const stats = statsOfEpoch ?? sparseVec<HostEpochStats>(ctx.world.participants.length);
  draft.hostStats = vecSet(draft.hostStats, x, vecSetMany(stats, indexes, sums));
  const closed = copyEscrow(escrow);
  closed.settled = true;
  draft.escrows = vecSet(draft.escrows, escrow.id - 1, Object.freeze(closed));
};

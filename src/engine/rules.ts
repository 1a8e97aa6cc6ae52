/**
 * Rulesets: the values the reducers consult where chain versions differ. v1 has two, which
 * differ only in how a devshard settlement delivers each host's payout; later versions of the
 * chain become more `Ruleset` values without touching every reducer.
 */
import type { Draft } from 'immer';
import type { HostStatInput, RuleName } from '../domain/scenario.js';
import { transferMutably } from './bank.js';
import type { TxContext } from './context.js';
import { creditLedgerMutably, participantIndexOf, putSummaryMutably, updateParticipantMutably } from './ledger.js';
import { participantAt, summaryOf } from './queries.js';
import { addCount } from './counters.js';
import { GOV, INFERENCE_MODULE, type ChainState, type Escrow, type Summary } from './state.js';
import type { Decision } from './trace.js';

/** One host's aggregated payout of a settlement (all its slots), in slot order of first slot. */
export interface HostPayout {
  readonly host: string;
  readonly amount: bigint;
}

export interface Settlement {
  readonly escrow: Escrow;
  /** Unique hosts in slot order, with their aggregated payouts (zero payouts included). */
  readonly payouts: readonly HostPayout[];
  /** The settle message's host entries, in message order. */
  readonly entries: readonly HostStatInput[];
  readonly nonce: bigint | undefined;
}

/** What left the escrow for the hosts' sake: paid (bank or ledger) and forfeited to governance. */
export interface Delivered {
  readonly paid: bigint;
  readonly forfeited: bigint;
}

export interface Ruleset {
  readonly name: RuleName;
  /** One line for `--help` and the report. */
  readonly summary: string;
  /** Delivers every host payout of a settlement; the caller refunds the rest to the creator. */
  readonly deliverPayouts: (draft: Draft<ChainState>, ctx: TxContext, s: Settlement) => Delivered;
}

export const SUBNET_PAYMENT_MEMO = 'subnet_escrow_payment';

/** The V0212 per-slot bound from the nonce: `1 + floor((nonce − first) / n)`, 0 before `first`. */
export function assignedPerSlot(nonce: bigint, slot: number, slotCount: number): bigint {
  const first = BigInt(slot === 0 ? slotCount : slot);
  return nonce < first ? 0n : 1n + (nonce - first) / BigInt(slotCount);
}

function windowDecision(draft: Draft<ChainState>, escrow: Escrow, mode: 'same_epoch' | 'cross_epoch' | 'immediate'): Decision {
  return {
    kind: 'settle_window',
    escrow: escrow.id,
    escrowEpoch: escrow.epoch,
    current: draft.effectiveEpoch,
    escrowEpochEnded: draft.effectiveEpoch > escrow.epoch || draft.epochEnded,
    mode,
  };
}

/** Mode A (FEESPLIT): every host is paid by bank at once. */
const immediate: Ruleset = {
  name: 'immediate',
  summary: 'hosts are paid by bank transfer at settlement (the chain before PR #1000)',
  deliverPayouts(draft, ctx, s) {
    ctx.decisions.push(windowDecision(draft, s.escrow, 'immediate'));
    let paid = 0n;
    for (const { host, amount } of s.payouts) {
      if (amount === 0n) continue;
      ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'bank' });
      transferMutably(draft, ctx, INFERENCE_MODULE, host, amount, SUBNET_PAYMENT_MEMO);
      paid += amount;
    }
    return { paid, forfeited: 0n };
  },
};

/** Mode B′: PR #1000 as settled in its review (format section 3.1). */
const deferred: Ruleset = {
  name: 'deferred',
  summary: 'hosts are credited on their ledger and claim after the epoch ends (PR #1000 as settled in review)',
  deliverPayouts(draft, ctx, s) {
    const { world } = ctx;
    const x = s.escrow.epoch;
    const slots = s.escrow.slots;
    const indexOfSlot = (slot: number): number => participantIndexOf(world, slots[slot] as string);
    let paid = 0n;
    let forfeited = 0n;
    const sameEpoch = draft.effectiveEpoch === x && !draft.epochEnded;
    ctx.decisions.push(windowDecision(draft, s.escrow, sameEpoch ? 'same_epoch' : 'cross_epoch'));
    if (sameEpoch) {
      // Same epoch: like on-chain inference pay — ledger credit and current epoch stats, for
      // every host entry (zero payout or not), summed per host so each record is written once.
      const merged = new Map<string, { missed: number; invalid: number; completed: number }>();
      for (const entry of s.entries) {
        const host = slots[entry.slot] as string;
        const sum = merged.get(host) ?? { missed: 0, invalid: 0, completed: 0 };
        sum.missed = addCount(sum.missed, entry.missed, 'missed_requests', host);
        sum.invalid = addCount(sum.invalid, entry.invalid, 'invalidated_inferences', host);
        if (s.nonce !== undefined) {
          const completed = assignedPerSlot(s.nonce, entry.slot, slots.length) - BigInt(entry.missed);
          sum.completed = addCount(sum.completed, Number(completed), 'inference_count', host);
        }
        merged.set(host, sum);
      }
      for (const { host, amount } of s.payouts) {
        const sum = merged.get(host) as { missed: number; invalid: number; completed: number };
        updateParticipantMutably(draft, participantIndexOf(world, host), (p) => {
          p.missedRequests = addCount(p.missedRequests, sum.missed, 'missed_requests', host);
          p.invalidatedInferences = addCount(p.invalidatedInferences, sum.invalid, 'invalidated_inferences', host);
          p.inferenceCount = addCount(p.inferenceCount, sum.completed, 'inference_count', host);
          if (amount > 0n) creditLedgerMutably(p, host, amount);
        });
        if (amount > 0n) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'ledger' });
        paid += amount;
      }
      return { paid, forfeited };
    }
    // Cross epoch: the host's performance summary of epoch X decides.
    const currentSummary = (index: number): Summary | undefined => summaryOf(draft, x, index);
    const punished = (index: number): boolean => {
      const summary = currentSummary(index);
      return summary === undefined || summary.rewardedCoins === 0n;
    };
    for (const { host, amount } of s.payouts) {
      if (amount === 0n) continue;
      const index = participantIndexOf(world, host);
      const held = participantAt(draft, index).settle;
      const facts = { host, amount, rewardInX: currentSummary(index)?.rewardedCoins, settleEpoch: held?.epoch };
      if (punished(index)) {
        ctx.decisions.push({ kind: 'host_payout', ...facts, route: ctx.params.skippedPayout });
        if (ctx.params.skippedPayout === 'governance') {
          transferMutably(draft, ctx, INFERENCE_MODULE, GOV, amount, `forfeited_work_coins_to_governance:epoch=${x}`);
          forfeited += amount;
        }
        continue;
      }
      const settle = held;
      ctx.decisions.push({ kind: 'host_payout', ...facts, route: settle !== null && settle.epoch === x ? 'settle_amount' : 'bank' });
      if (settle !== null && settle.epoch === x) {
        updateParticipantMutably(draft, index, (p) => {
          (p.settle as NonNullable<typeof p.settle>).workCoins += amount;
        });
      } else {
        transferMutably(draft, ctx, INFERENCE_MODULE, host, amount, SUBNET_PAYMENT_MEMO);
      }
      const summary = currentSummary(index) as Summary;
      putSummaryMutably(draft, world, x, index, { ...summary, earnedCoins: summary.earnedCoins + amount });
      paid += amount;
    }
    for (const entry of s.entries) {
      const index = indexOfSlot(entry.slot);
      if (punished(index)) continue;
      const host = slots[entry.slot] as string;
      const summary = currentSummary(index) as Summary;
      putSummaryMutably(draft, world, x, index, {
        ...summary,
        missedRequests: addCount(summary.missedRequests, entry.missed, 'missed_requests', host),
        invalidatedInferences: addCount(summary.invalidatedInferences, entry.invalid, 'invalidated_inferences', host),
      });
    }
    return { paid, forfeited };
  },
};

export const RULESETS: Readonly<Record<RuleName, Ruleset>> = { deferred, immediate };

export const DEFAULT_RULES: RuleName = 'deferred';

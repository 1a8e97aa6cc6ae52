/**
 * The rulesets: the values the reducers consult where chain versions differ. The two v1 rulesets
 * (`deferred`, `immediate`) differ only in how a devshard settlement delivers each host's
 * payout; the six chain versions (versions.ts) also differ in fees, sums and checks, memos,
 * end-of-epoch stranding, claims and escrow pruning. Every difference is a field of the
 * `Ruleset` value; reducers consult it and never branch on a ruleset's name.
 */
import type { HostStatInput, RuleName } from '../../domain/scenario.js';
import { payEachMutably, transferMutably } from '../storage/bank.js';
import type { HostPayout, Ruleset, SettleRules } from './ruleset.js';
import { creditLedgerMutably, putSummariesMutably, updateParticipantMutably, updateParticipantsMutably } from '../storage/ledger.js';
import { assignedPerSlot, assignedPerSlotExact, SUBNET_MEMOS, SUBNET_PAYMENT_MEMO, windowDecision } from './payouts.js';
import { participantAt, summaryOf } from '../storage/queries.js';
import { addCount } from '../storage/counters.js';
import { copySummary, GOV, INFERENCE_MODULE, type Mutable, type Summary } from '../storage/state.js';
import { feesKept, feesSplit, newest, pr1000, v0211, v0212 } from './versions.js';

export { assignedPerSlot } from './payouts.js';

export { SUBNET_MEMOS, SUBNET_PAYMENT_MEMO } from './payouts.js';

/** The v1 behaviour around a settlement's delivery (scenario-format.md). */
const V1_SETTLE: SettleRules = {
  checkOrder: 'v1',
  sums: 'checked',
  fees: 'split',
  epochWindow: true,
  requireParticipants: false,
  hostStats: 'checked',
  wrapBankErrors: false,
};

const V1_COMMON = {
  reportsDivergences: false,
  unregisteredSlots: false,
  memos: SUBNET_MEMOS,
  creatorNotAllowed: 'address is not allowed to create subnet escrows for subnets',
  settle: V1_SETTLE,
  nonActiveWorkCoins: 'governance',
  settlement: 'tx_error',
  claims: 'tx_error',
  pruning: 'none',
} as const;

/** Mode A (FEESPLIT): every host is paid by bank at once. */
const immediate: Ruleset = {
  ...V1_COMMON,
  name: 'immediate',
  deliverPayouts(draft, ctx, s) {
    if (ctx.trace) ctx.decisions.push(windowDecision(draft, s.escrow, 'immediate'));
    const decide = ctx.trace
      ? (k: number) => {
          const { host, amount } = s.payouts[k] as HostPayout;
          ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'bank' });
        }
      : undefined;
    // One bank send per host with a payout, the balances written once.
    const paid = payEachMutably(draft, ctx, INFERENCE_MODULE, s.payouts, SUBNET_PAYMENT_MEMO, decide);
    return { paid, forfeited: 0n };
  },
};

/** Mode B′: PR #1000 as settled in its review (format section 3.1). */
const deferred: Ruleset = {
  ...V1_COMMON,
  name: 'deferred',
  deliverPayouts(draft, ctx, s) {
    const { world } = ctx;
    const x = s.escrow.epoch;
    const slots = s.escrow.slots;
    let paid = 0n;
    let forfeited = 0n;
    const sameEpoch = draft.effectiveEpoch === x && !draft.epochEnded;
    if (ctx.trace) ctx.decisions.push(windowDecision(draft, s.escrow, sameEpoch ? 'same_epoch' : 'cross_epoch'));
    if (sameEpoch) {
      // Same epoch: like on-chain inference pay — ledger credit and current epoch stats, for
      // every host entry (zero payout or not), summed per host so each record is written once.
      const hosts = s.payouts.length;
      const missed = new Array<number>(hosts).fill(0);
      const invalid = new Array<number>(hosts).fill(0);
      const completed = new Array<number>(hosts).fill(0);
      for (let i = 0; i < s.entries.length; i++) {
        const entry = s.entries[i] as HostStatInput;
        const at = s.entryPayout[i] as number;
        const host = (s.payouts[at] as HostPayout).host;
        missed[at] = addCount(missed[at] as number, entry.missed, 'missed_requests', host);
        invalid[at] = addCount(invalid[at] as number, entry.invalid, 'invalidated_inferences', host);
        if (s.nonce !== undefined) {
          const exact = assignedPerSlotExact(s.nonce, entry.slot, slots.length);
          const done = exact !== undefined ? exact - entry.missed : Number(assignedPerSlot(s.nonce, entry.slot, slots.length) - BigInt(entry.missed));
          completed[at] = addCount(completed[at] as number, done, 'inference_count', host);
        }
      }
      // Every host's record in one write of the participants' trie; host by host, in order.
      const cause = { reason: 'settlement', escrow: s.escrow.id } as const;
      updateParticipantsMutably(draft, s.indexes, (p, at) => {
        const { host, amount } = s.payouts[at] as HostPayout;
        p.missedRequests = addCount(p.missedRequests, missed[at] as number, 'missed_requests', host);
        p.invalidatedInferences = addCount(p.invalidatedInferences, invalid[at] as number, 'invalidated_inferences', host);
        p.inferenceCount = addCount(p.inferenceCount, completed[at] as number, 'inference_count', host);
        if (amount > 0n) creditLedgerMutably(ctx, p, host, amount, cause);
        if (amount > 0n && ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'ledger' });
        paid += amount;
      });
      return { paid, forfeited };
    }
    // Cross epoch: the host's performance summary of epoch X decides. By payout position: each
    // host's summary as it was, and the writable copy this settlement makes of it (at most one,
    // changed in place; all are written once at the end).
    const hosts = s.payouts.length;
    const before: (Summary | undefined)[] = new Array<Summary | undefined>(hosts);
    for (let at = 0; at < hosts; at++) before[at] = summaryOf(draft, x, s.indexes[at] as number);
    const changed: (Mutable<Summary> | undefined)[] = new Array<Mutable<Summary> | undefined>(hosts);
    /** The host's summary of epoch X as this settlement leaves it so far; undefined when punished. */
    const rewarded = (at: number): Summary | undefined => {
      const summary = changed[at] ?? before[at];
      return summary === undefined || summary.rewardedCoins === 0n ? undefined : summary;
    };
    const writable = (at: number, summary: Summary): Mutable<Summary> => (changed[at] ??= copySummary(summary));
    for (let at = 0; at < hosts; at++) {
      const { host, amount } = s.payouts[at] as HostPayout;
      if (amount === 0n) continue;
      const index = s.indexes[at] as number;
      const settle = participantAt(draft, index).settle;
      const summary = rewarded(at);
      if (summary === undefined) {
        if (ctx.trace) {
          const rewardInX = (changed[at] ?? before[at])?.rewardedCoins;
          ctx.decisions.push({ kind: 'host_payout', host, amount, rewardInX, settleEpoch: settle?.epoch, route: ctx.params.skippedPayout });
        }
        if (ctx.params.skippedPayout === 'governance') {
          transferMutably(draft, ctx, INFERENCE_MODULE, GOV, amount, `forfeited_work_coins_to_governance:epoch=${x}`);
          forfeited += amount;
        }
        continue;
      }
      const toSettleAmount = settle !== null && settle.epoch === x;
      if (ctx.trace) {
        ctx.decisions.push({ kind: 'host_payout', host, amount, rewardInX: summary.rewardedCoins, settleEpoch: settle?.epoch, route: toSettleAmount ? 'settle_amount' : 'bank' });
      }
      if (toSettleAmount) {
        updateParticipantMutably(draft, index, (p) => {
          p.settle = { epoch: settle.epoch, workCoins: settle.workCoins + amount, rewardCoins: settle.rewardCoins };
        });
        if (ctx.record) ctx.effects.push({ kind: 'settle', participant: host, op: 'added', epoch: settle.epoch, work: amount, reward: 0n });
      } else {
        transferMutably(draft, ctx, INFERENCE_MODULE, host, amount, SUBNET_PAYMENT_MEMO);
      }
      writable(at, summary).earnedCoins += amount;
      paid += amount;
    }
    for (let i = 0; i < s.entries.length; i++) {
      const entry = s.entries[i] as HostStatInput;
      const at = s.entryPayout[i] as number;
      const summary = rewarded(at);
      if (summary === undefined) continue;
      const host = (s.payouts[at] as HostPayout).host;
      const counted = writable(at, summary);
      counted.missedRequests = addCount(counted.missedRequests, entry.missed, 'missed_requests', host);
      counted.invalidatedInferences = addCount(counted.invalidatedInferences, entry.invalid, 'invalidated_inferences', host);
    }
    putSummariesMutably(draft, world, x, s.indexes, changed);
    return { paid, forfeited };
  },
};

export const RULESETS: Readonly<Record<RuleName, Ruleset>> = {
  deferred,
  immediate,
  'v0.2.11': v0211,
  'fees-kept': feesKept,
  'fees-split': feesSplit,
  'pr-1000': pr1000,
  'v0.2.12': v0212,
  newest,
};

export const DEFAULT_RULES: RuleName = 'deferred';

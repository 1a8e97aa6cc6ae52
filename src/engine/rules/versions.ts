/**
 * The chain's released and proposed versions as rulesets, known bugs included (the version
 * labels are those of `gonka-rules.md`): v0.2.11 (V0211), fees-kept (FEESTAY), fees-split
 * (FEESPLIT), pr-1000 (PR1000 as coded), v0.2.12 (V0212) and newest (NEWEST). Where a version
 * leaks or traps value the delivery records a known divergence with its amount (trace.ts); the
 * runner reports those as findings, and the surplus invariant checks that nothing else leaks.
 */
import { MAX_INT64 } from '../../domain/money.js';
import type { TxContext } from './ruleset.js';
import { txError } from '../errors.js';
import { creditLedgerMutably, participantIndexOf, updateParticipantMutably } from '../storage/ledger.js';
import {
  DEVSHARD_MEMOS,
  DEVSHARD_PAYMENT_MEMO,
  divergence,
  mergeNonceStats,
  SUBNET_MEMOS,
  SUBNET_PAYMENT_MEMO,
  transferOrFail,
  windowDecision,
} from './payouts.js';
import { exclusionsOf, isActiveIn, summaryOf } from '../storage/queries.js';
import { CHAIN_REWARD_MATH } from './rewardMath.js';
import { STATUS_RULES } from './status.js';
import type { Delivered, HostPayout, Ruleset, SettleRules, Settlement } from './ruleset.js';
import { GOV, INFERENCE_MODULE, type ChainState, type Mutable } from '../storage/state.js';
import type { PayoutReason } from '../trace.js';


/** Mode A (v0.2.11, fees-kept, fees-split): every host is paid by bank at once. */
function payAtOnce(word: 'cost' | 'payout'): Ruleset['deliverPayouts'] {
  return (draft, ctx, s) => {
    if (ctx.trace) ctx.decisions.push(windowDecision(draft, s.escrow, 'immediate'));
    let paid = 0n;
    for (const { host, amount } of s.payouts) {
      if (amount === 0n) continue;
      // GetCoins(int64(amount)): an amount above MaxInt64 reads as negative.
      if (amount > MAX_INT64) throw txError('PAYOUT_OUT_OF_RANGE', { host, amount, costSum: s.costSum }, `invalid ${word} amount: negative coin balance`);
      if (ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'bank' });
      transferOrFail(draft, ctx, INFERENCE_MODULE, host, amount, SUBNET_PAYMENT_MEMO, `failed to pay validator ${host}`);
      paid += amount;
    }
    return { paid, forfeited: 0n };
  };
}

/**
 * Mode B as coded in PR #1000 (Doog-bot534/gonka 1f890784, msg_server_settle_subnet_escrow.go):
 * each host's *current* ledger is credited, whatever the epoch. The host is looked up with
 * `GetParticipant`, which finds every registered participant whatever its status or active set;
 * only an address with no participant record is "not found" — its payout was already added to
 * totalPayout, so it is neither credited nor refunded.
 */
function creditCurrentLedger(draft: Mutable<ChainState>, ctx: TxContext, s: Settlement): Delivered {
  if (ctx.trace) ctx.decisions.push(windowDecision(draft, s.escrow, 'ledger_any_epoch'));
  let paid = 0n;
  let trapped = 0n;
  for (let at = 0; at < s.payouts.length; at++) {
    const { host, amount } = s.payouts[at] as HostPayout;
    if (amount === 0n) continue;
    const index = s.indexes[at] as number;
    if (index < 0) {
      if (ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'trapped', reason: 'not_found' });
      divergence(ctx, amount, { id: 'payout_trapped', data: { host, payout: amount, escrow: s.escrow.id, creator: s.escrow.creator } });
      trapped += amount;
      continue;
    }
    if (ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'ledger', reason: 'found' });
    updateParticipantMutably(draft, index, (p) => creditLedgerMutably(ctx, p, host, amount, { reason: 'settlement', escrow: s.escrow.id }));
    paid += amount;
  }
  return { paid, forfeited: 0n, trapped };
}

/**
 * Mode C (v0.2.12, PRs #1069 and #1087) and, with `newest`, Mode D: a host is credited on its
 * ledger only in its own epoch while it is in the active set (newest: and while that epoch is
 * not yet settled); every other payout is paid at once. Newest also forfeits the payouts of
 * hosts excluded in epoch X to governance, in one transfer made before the payments.
 */
function devshardDelivery(newestRules: boolean): Ruleset['deliverPayouts'] {
  return (draft, ctx, s) => {
    if (ctx.trace) ctx.decisions.push(windowDecision(draft, s.escrow, 'per_host'));
    const c = draft.effectiveEpoch;
    const x = s.escrow.epoch;
    const reasonOf = (host: string): PayoutReason => {
      if (x !== c) return 'other_epoch';
      if (newestRules && summaryOf(draft, c, participantIndexOf(ctx.world, host)) !== undefined) return 'epoch_settled';
      if (!isActiveIn(draft, ctx.world, c, host)) return 'not_in_active_set';
      return 'same_epoch';
    };
    const same = new Set([...new Set(s.escrow.slots)].filter((host) => reasonOf(host) === 'same_epoch'));
    const excluded = new Set(newestRules ? exclusionsOf(draft, x) : []);
    let forfeited = 0n;
    for (const { host, amount } of s.payouts) if (excluded.has(host)) forfeited += amount;
    if (forfeited > 0n) {
      transferOrFail(
        draft,
        ctx,
        INFERENCE_MODULE,
        GOV,
        forfeited,
        `forfeited_work_coins_to_governance:epoch=${x}`,
        'failed to transfer forfeited work coins to governance',
      );
    }
    let paid = 0n;
    for (const { host, amount } of s.payouts) {
      if (amount === 0n) continue;
      if (excluded.has(host)) {
        if (ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'forfeited', reason: 'excluded' });
        continue;
      }
      const reason = reasonOf(host);
      if (reason === 'same_epoch') {
        if (ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'ledger', reason });
        updateParticipantMutably(draft, participantIndexOf(ctx.world, host), (p) => creditLedgerMutably(ctx, p, host, amount, { reason: 'settlement', escrow: s.escrow.id }));
      } else {
        if (ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'bank', reason });
        transferOrFail(draft, ctx, INFERENCE_MODULE, host, amount, DEVSHARD_PAYMENT_MEMO, `failed to pay validator ${host}`);
      }
      paid += amount;
    }
    mergeNonceStats(draft, ctx, s.escrow.slots, s.entries, s.nonce ?? 0n, same);
    return { paid, forfeited };
  };
}

/** Settlement checks of the subnet era (v0.2.11 and its successors before v0.2.12). */
const SUBNET_SETTLE: SettleRules = {
  checkOrder: 'subnet',
  sums: 'checked',
  fees: 'split',
  epochWindow: false,
  requireParticipants: false,
  hostStats: 'v0211',
  wrapBankErrors: true,
};

const DEVSHARD_SETTLE: SettleRules = {
  checkOrder: 'devshard',
  sums: 'checked',
  fees: 'split',
  epochWindow: true,
  requireParticipants: true,
  hostStats: 'checked',
  wrapBankErrors: true,
};


/** What every ruleset of the subnet era shares besides its settlement. */
const SUBNET_ERA = {
  reportsDivergences: true,
  unregisteredSlots: true,
  autoStatus: STATUS_RULES['v0.2.11'],
  rewardMath: CHAIN_REWARD_MATH,
  memos: SUBNET_MEMOS,
  creatorNotAllowed: 'address is not allowed to create subnet escrows for subnets',
  nonActiveWorkCoins: 'strand',
  settlement: 'partial',
  claims: 'partial',
  pruning: 'per_host',
} as const;


export const v0211: Ruleset = {
  ...SUBNET_ERA,
  name: 'v0.2.11',
  settle: { ...SUBNET_SETTLE, sums: 'wrapping', fees: 'ignored' },
  deliverPayouts: payAtOnce('cost'),
};

export const feesKept: Ruleset = {
  ...SUBNET_ERA,
  name: 'fees-kept',
  settle: { ...SUBNET_SETTLE, fees: 'kept' },
  deliverPayouts: payAtOnce('cost'),
};

export const feesSplit: Ruleset = {
  ...SUBNET_ERA,
  name: 'fees-split',
  settle: SUBNET_SETTLE,
  deliverPayouts: payAtOnce('payout'),
};

export const pr1000: Ruleset = {
  ...SUBNET_ERA,
  name: 'pr-1000',
  settle: SUBNET_SETTLE,
  deliverPayouts: creditCurrentLedger,
};

export const v0212: Ruleset = {
  name: 'v0.2.12',
  reportsDivergences: true,
  unregisteredSlots: true,
  autoStatus: STATUS_RULES['v0.2.12'],
  rewardMath: CHAIN_REWARD_MATH,
  memos: DEVSHARD_MEMOS,
  creatorNotAllowed: 'address is not allowed to create devshard escrows for devshards',
  settle: DEVSHARD_SETTLE,
  deliverPayouts: devshardDelivery(false),
  nonActiveWorkCoins: 'strand',
  settlement: 'atomic',
  claims: 'atomic',
  pruning: 'per_host',
};

export const newest: Ruleset = {
  ...v0212,
  name: 'newest',
  deliverPayouts: devshardDelivery(true),
  autoStatus: STATUS_RULES['8a35022b'],
  nonActiveWorkCoins: 'governance_total',
  pruning: 'per_slot',
};

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

/** The chain issue, review point or version each known divergence comes from. */
export const DIVERGENCE_SOURCES = {
  feesKept: 'FEESTAY (gonka-ai/gonka f9d5d01): the refund is amount − (payouts + fees), so the fees have no owner; fixed by the per-slot fee split',
  payoutTrapped: 'gonka-ai/gonka PR #1000 review, must-fix: totalPayout is counted before the participant lookup',
  workCoinsStranded: 'gonka-ai/gonka #1746: a non-ACTIVE participant\'s work coins are zeroed at settlement without moving the coins',
  pruneRemainder:
    'unsettled-escrow pruning (subnet_pruning.go / devshard_pruning.go): integer division, the remainder stays in the module; PR #1357 (closed) proposed a creator refund',
  claimLost: 'ClaimRewards before v0.2.12 is not atomic: a failed payment deletes the settle amount unpaid (v0.2.12 made it atomic)',
  settlementPartial:
    'SettleAccounts before v0.2.12 has no cache context (keeper/accountsettle.go @ bd1fd508): a failure after MintRewardCoins keeps the mint; module.go only logs the error',
  settleAmountLost:
    'SettleAccounts before v0.2.12 ignores the error of SetSettleAmountWithGovernanceTransfer (keeper/accountsettle.go, settle_amount.go @ bd1fd508): a failed expired-claim transfer skips the new settle amount after the coin balance was reset',
  expiredClaimUnsent:
    'SetSettleAmountWithGovernanceTransfer from v0.2.12 logs a failed expired-claim transfer and writes the new settle amount over the old one (keeper/settle_amount.go @ d8b8e907)',
} as const;

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
      divergence(
        ctx,
        'payout_trapped',
        amount,
        DIVERGENCE_SOURCES.payoutTrapped,
        `${host} has no participant record ("not found"), but its payout of ${amount} ngonka from escrow ${s.escrow.id} ` +
          `was already counted in totalPayout: no one is credited and ${s.escrow.creator}'s refund is ${amount} ngonka short`,
      );
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

const LINES = {
  bankAtOnce:
    'settlement pays every host at once by bank (subnet_escrow_payment), whatever the epoch: no ledger credit, no cross-epoch rule, params.skipped_payout unused',
  subnetChecks:
    'settlement checks in the chain\'s order (VerifySubnetSettlement: per entry a duplicate slot and the cost sum, then the debit; the slot range while the fees are split); no nonce bounds and no epoch-window check: an escrow is pruned when the effective epoch reaches X + 2, so a later settle fails with "escrow %d not found"',
  pruneHost: (memo: string): string =>
    `an unsettled escrow is pruned when the effective epoch reaches X + 2: floor(amount / unique hosts) to each unique host in slot order (${memo}); the creator gets nothing; the remainder stays in the module [known divergence]`,
  strand: 'end of epoch: a non-ACTIVE member\'s positive work coins are zeroed and stay in the module (gonka-ai/gonka #1746) [known divergence]',
  claimsPartial:
    'claims are not atomic: when the module cannot pay the work coins the record is deleted unpaid; when it cannot pay the reward the work stays paid and the record is deleted [known divergence; needs a module shortfall]',
  claimsAtomic: 'claims are atomic: when the module cannot pay, nothing is paid and the record is kept ("… claim can be retried")',
  devshardNames:
    'devshard names: memos devshard_escrow_lock, devshard_escrow_payment, devshard_escrow_refund, devshard_escrow_unsettled_distribution; "address is not allowed to create devshard escrows for devshards"',
  devshardChecks:
    'settlement checks in the chain\'s order: VerifyDevshardSettlement (a nonce above 20 000; per entry a duplicate slot, the slot range "slot %d out of range for slot count %d", the nonce bounds and the cost sum; then the debit), the epoch window, then every slot address must be a participant ("participant %s not found")',
  chainMath:
    'end of epoch: the chain\'s reward math — power capping; the downtime test at every settlement (the chain\'s tables, dynamic p0; params.downtime_test); a debt recovered into governance and the rest forgiven; the cap-crossing epoch\'s over-transfer',
  autoStatus:
    'the chain\'s automatic participant status at every participant write (SPRTs over invalidations and misses, consecutive invalidations; params.auto_status): an INVALID or INACTIVE host gets no work coins and no reward when the epoch is settled',
  settlementPartial:
    'a failed account settlement is logged and the epoch ends anyway; with no cache context, what was written before the failure stays (a kept mint is a known divergence); a failed expired-claim transfer loses the new settle amount [known divergence]',
  settlementAtomic:
    'a failed account settlement is logged (epoch_error) and the epoch ends anyway; it ran in a cache context, so nothing of it is written and the coin balances are settled later; a failed expired-claim transfer is swallowed and the old amount overwritten [known divergence]',
  unregisteredBank:
    'a slot may name an address with no participant record (a what-if: the chain samples slots from the epoch group); it is paid by bank like any host',
  unregisteredFails: 'a slot may name an address with no participant record (a what-if): the settlement fails "participant %s not found"',
  nonceStats:
    'a same-epoch host\'s current stats add the nonce-derived counts: inference_count += assigned − missed, validated_inferences += assigned − missed − invalid; a message without a nonce is nonce 0, so nothing is assigned and any miss fails the settlement',
} as const;

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

const V0211_SOURCE = 'gonka-ai/gonka "Upgrade v0.2.11 (#813)" @ bd1fd5083af80e4c8b50596becd15b042c36f0d7 (2026-03-20)';

export const v0211: Ruleset = {
  ...SUBNET_ERA,
  name: 'v0.2.11',
  summary: 'the first subnet escrow (V0211): hosts paid by bank at once, cost only, unchecked sums',
  version: { label: 'V0211', sources: [V0211_SOURCE] },
  differences: [
    LINES.bankAtOnce,
    'cost only: the message has no fees field, so a scenario\'s fees are ignored (each host gets its costs; the fees come back in the refund)',
    'sums unchecked as coded: Σcost and each host\'s payout wrap at 2^64 ("total cost %d exceeds escrow amount %d" shows the wrapped sum); a payout above MaxInt64 fails "invalid cost amount: negative coin balance"; host-stat counters wrap at 2^32',
    LINES.subnetChecks,
    LINES.pruneHost('subnet_escrow_unsettled_distribution'),
    LINES.strand,
    LINES.claimsPartial,
    LINES.settlementPartial,
    LINES.chainMath,
    LINES.autoStatus,
    LINES.unregisteredBank,
  ],
  settle: { ...SUBNET_SETTLE, sums: 'wrapping', fees: 'ignored' },
  deliverPayouts: payAtOnce('cost'),
};

export const feesKept: Ruleset = {
  ...SUBNET_ERA,
  name: 'fees-kept',
  summary: 'FEESTAY: fees checked but kept in the module with no owner; hosts paid their costs by bank',
  version: {
    label: 'FEESTAY',
    sources: ['gonka-ai/gonka @ f9d5d01a5a6ffb109bf0c4d572052cfd16643729 (msg_server_settle_subnet_escrow.go)', `otherwise as V0211: ${V0211_SOURCE}`],
  },
  differences: [
    LINES.bankAtOnce,
    'fees are checked (Σcost + fees ≤ amount) but paid to no one: hosts get their costs, the refund is amount − (payouts + fees) and the fees stay in the module [known divergence]',
    LINES.subnetChecks,
    LINES.pruneHost('subnet_escrow_unsettled_distribution'),
    LINES.strand,
    LINES.claimsPartial,
    LINES.settlementPartial,
    LINES.chainMath,
    LINES.autoStatus,
    LINES.unregisteredBank,
  ],
  settle: { ...SUBNET_SETTLE, fees: 'kept' },
  deliverPayouts: payAtOnce('cost'),
};

export const feesSplit: Ruleset = {
  ...SUBNET_ERA,
  name: 'fees-split',
  summary: 'FEESPLIT: fees split per slot and hosts paid by bank at once (settles as `immediate`)',
  version: {
    label: 'FEESPLIT',
    sources: [
      'kaitakuai/gonka @ f7a9d0a86eb498ca3da202c8d0b4253264cfd1f6 (msg_server_settle_subnet_escrow.go, subnet_settlement.go)',
      `otherwise as V0211: ${V0211_SOURCE}`,
    ],
  },
  differences: [
    `${LINES.bankAtOnce}; the fees are split per slot (the settlement of \`immediate\`)`,
    LINES.subnetChecks,
    LINES.pruneHost('subnet_escrow_unsettled_distribution'),
    LINES.strand,
    LINES.claimsPartial,
    LINES.settlementPartial,
    LINES.chainMath,
    LINES.autoStatus,
    LINES.unregisteredBank,
  ],
  settle: SUBNET_SETTLE,
  deliverPayouts: payAtOnce('payout'),
};

export const pr1000: Ruleset = {
  ...SUBNET_ERA,
  name: 'pr-1000',
  summary: 'PR #1000 as coded: ledger credit with no epoch logic; an address without a participant record is counted but not paid',
  version: {
    label: 'PR1000 (gonka-ai/gonka PR #1000, closed unmerged)',
    sources: [
      'Doog-bot534/gonka @ 1f890784b448d47725263a8a3c80d22706672bf1 (msg_server_settle_subnet_escrow.go)',
      'otherwise as FEESPLIT: kaitakuai/gonka @ f7a9d0a86eb498ca3da202c8d0b4253264cfd1f6',
    ],
  },
  differences: [
    'settlement credits each host\'s current ledger (coin_balance, earned_coins) whatever the escrow\'s epoch: a cross-epoch payout is paid with the settling epoch, not added to epoch X\'s settle amount; no punishment check; no stats merged into the current epoch',
    'GetParticipant finds every registered participant, whatever its status or active set: a slot host outside the active set is credited too, and its coin_balance waits for an epoch in which it is an ACTIVE member',
    'a slot address with no participant record (a what-if: the chain samples slots from the epoch group) is "not found": its payout is already in totalPayout, so the creator\'s refund shrinks and the coins stay in the module with no owner (the review\'s must-fix) [known divergence]',
    LINES.subnetChecks,
    LINES.pruneHost('subnet_escrow_unsettled_distribution'),
    LINES.strand,
    LINES.claimsPartial,
    LINES.settlementPartial,
    LINES.chainMath,
    LINES.autoStatus,
  ],
  settle: SUBNET_SETTLE,
  deliverPayouts: creditCurrentLedger,
};

export const v0212: Ruleset = {
  name: 'v0.2.12',
  summary: 'V0212: ledger credit only in the host\'s own, active epoch; otherwise paid at once by bank',
  version: {
    label: 'V0212 (PRs #1069, #1087)',
    sources: ['gonka-ai/gonka "Upgrade v0.2.12 (#948)" @ d8b8e9073d1a420d344d3ecc33ef23957f4142b1 (2026-04-29)'],
  },
  differences: [
    'a host is credited on its ledger only when X = C and it is in the active set of C — also after epoch C was settled (then it is paid with C + 1); every other payout is paid at once by bank (devshard_escrow_payment); no punishment check, params.skipped_payout unused',
    LINES.nonceStats,
    LINES.devshardChecks,
    LINES.devshardNames,
    LINES.pruneHost('devshard_escrow_unsettled_distribution'),
    LINES.strand,
    LINES.claimsAtomic,
    LINES.settlementAtomic,
    LINES.chainMath,
    LINES.autoStatus,
    LINES.unregisteredFails,
  ],
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
  summary: 'NEWEST: as v0.2.12, but paid directly once the epoch is settled; excluded hosts forfeit to governance',
  version: {
    label: 'NEWEST',
    sources: [
      'gonka-ai/gonka @ 06b2589a16e291c750d68a024c83289b52fe479e (keeper/msg_server_settle_devshard_escrow.go SettleDevshardEscrow)',
      'gonka-ai/gonka @ 9fef02cda5f83d89454bb083b50eee34d08fe7f6 (keeper/accountsettle.go SettleAccounts; accountsettle_forfeited_work_coins_test.go)',
      'otherwise as v0.2.12, with the participant-status rules of redstartechno/gonka "devshard v2 (#1289)" @ 8a35022bea25ebee4b7356314a0a262edbaa82db',
    ],
  },
  differences: [
    'a host is credited on its ledger only when X = C, epoch C is not yet settled and it is in the active set of C; every other payout is paid at once by bank (devshard_escrow_payment); params.skipped_payout unused',
    'hosts excluded in epoch X get nothing: their payouts go to governance in one transfer (forfeited_work_coins_to_governance:epoch=X), counted as paid out, so the refund is unchanged',
    'end of epoch: the positive coin balances of non-ACTIVE members go to governance in one transfer of their total (forfeited_work_coins_to_governance:epoch=N), after the reward remainder',
    LINES.nonceStats,
    LINES.devshardChecks,
    LINES.devshardNames,
    'an unsettled escrow is pruned when the effective epoch reaches X + 2: floor(amount / slots) per slot (a host with k slots gets k shares, one transfer per host, devshard_escrow_unsettled_distribution); the creator gets nothing; the remainder stays in the module [known divergence]',
    LINES.claimsAtomic,
    LINES.settlementAtomic,
    LINES.chainMath,
    LINES.autoStatus,
    LINES.unregisteredFails,
  ],
  // What newest changes in v0.2.12's rules; the rest (checks, memos, claims, reward math) is v0.2.12's.
  deliverPayouts: devshardDelivery(true),
  autoStatus: STATUS_RULES['8a35022b'],
  nonActiveWorkCoins: 'governance_total',
  pruning: 'per_slot',
};

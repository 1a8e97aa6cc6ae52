/**
 * The words of the rulesets: a one-line summary for `--help`, the chain version each replays with
 * its sources, and what differs from the default, one line each (`epochsim rules`). The rulesets
 * themselves (src/engine/rules) are values the reducers consult; their help is worded here. Pure.
 */
import type { RuleName } from '../domain/scenario.js';

export interface RulesetWords {
  /** One line for `--help` and the report. */
  readonly summary: string;
  /** The chain version it replays: a label and the repositories and commits the rules were read from. */
  readonly version: { readonly label: string; readonly sources: readonly string[] };
  /** What differs from the default (`deferred`), one line each. */
  readonly differences: readonly string[];
}

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

const V0211_SOURCE = 'gonka-ai/gonka "Upgrade v0.2.11 (#813)" @ bd1fd5083af80e4c8b50596becd15b042c36f0d7 (2026-03-20)';

export const RULESET_WORDS: Readonly<Record<RuleName, RulesetWords>> = {
  deferred: {
    summary: 'hosts are credited on their ledger and claim after the epoch ends (PR #1000 as settled in review)',
    version: {
      label: 'PR #1000 as settled in its review (Mode B′): the design epochsim models; no code version implements it',
      sources: ['gonka-ai/gonka PR #1000 and its review (akup, 2026-04-05)', 'the epochsim scenario format, version 1'],
    },
    differences: [],
  },
  immediate: {
    summary: 'hosts are paid by bank transfer at settlement (the chain before PR #1000)',
    version: {
      label: 'the chain before PR #1000 (Mode A, fees split per slot), with the v1 choices',
      sources: ['kaitakuai/gonka @ f7a9d0a86eb498ca3da202c8d0b4253264cfd1f6 (FEESPLIT, the base PR #1000 was written on)'],
    },
    differences: [
      'settlement pays every host at once by bank (subnet_escrow_payment), whatever the epoch: no ledger credit, no cross-epoch rule, params.skipped_payout unused',
    ],
  },
  'v0.2.11': {
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
  },
  'fees-kept': {
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
  },
  'fees-split': {
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
  },
  'pr-1000': {
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
  },
  'v0.2.12': {
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
  },
  newest: {
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
  },
};

/**
 * Rulesets: the values the reducers consult where chain versions differ. The two v1 rulesets
 * (`deferred`, `immediate`) differ only in how a devshard settlement delivers each host's
 * payout; the six chain versions (versions.ts) also differ in fees, sums and checks, memos,
 * end-of-epoch stranding, claims and escrow pruning. Every difference is a field of the
 * `Ruleset` value; reducers consult it and never branch on a ruleset's name.
 */
import type { RewardMath } from './rewardMath.js';
import type { StatusRules } from './status.js';
import type { HostStatInput, RuleName } from '../domain/scenario.js';
import { transferMutably } from './bank.js';
import type { TxContext } from './context.js';
import { creditLedgerMutably, putSummariesMutably, updateParticipantMutably } from './ledger.js';
import { assignedPerSlot, assignedPerSlotExact, SUBNET_MEMOS, SUBNET_PAYMENT_MEMO, windowDecision } from './payouts.js';
import { participantAt, summaryOf } from './queries.js';
import { addCount } from './counters.js';
import { copySummary, GOV, INFERENCE_MODULE, type ChainState, type Escrow, type Mutable, type Summary } from './state.js';
import { feesKept, feesSplit, newest, pr1000, v0211, v0212 } from './versions.js';

export { assignedPerSlot } from './payouts.js';

/** One host's aggregated payout of a settlement (all its slots), in slot order of first slot. */
export interface HostPayout {
  readonly host: string;
  readonly amount: bigint;
}

export interface Settlement {
  readonly escrow: Escrow;
  /** Unique hosts in slot order, with their aggregated payouts (zero payouts included). */
  readonly payouts: readonly HostPayout[];
  /** The participant index of each payout's host (parallel to `payouts`). */
  readonly indexes: readonly number[];
  /** The settle message's host entries, in message order. */
  readonly entries: readonly HostStatInput[];
  /** For each entry, the position in `payouts` of its slot's host (parallel to `entries`). */
  readonly entryPayout: readonly number[];
  readonly nonce: bigint | undefined;
}

/**
 * What left the escrow for the hosts' sake: paid (bank or ledger), forfeited to governance, and
 * trapped (pr-1000: counted as paid out, credited to no one). The creator gets the rest.
 */
export interface Delivered {
  readonly paid: bigint;
  readonly forfeited: bigint;
  readonly trapped?: bigint;
}

/** The memos of the devshard messages (`subnet_*` before v0.2.12, `devshard_*` from it). */
export interface EscrowMemos {
  readonly lock: string;
  readonly refund: string;
  /** Only for pruning: bank payments are memo'd by each ruleset's `deliverPayouts`. */
  readonly unsettledDistribution: string;
}

/** How `settle_escrow` checks and splits a message before the payouts are delivered. */
export interface SettleRules {
  /**
   * `v1`: duplicate slots, slot range, nonce bounds (when the message has a nonce), sums, epoch
   * window (scenario-format 3.1). The chain's verifier checks entry by entry, in message order,
   * then the rest of the sums: `subnet` (VerifySubnetSettlement, v0.2.11 to PR #1000): a
   * duplicate slot, the cost sum; `devshard` (VerifyDevshardSettlement, v0.2.12+): the nonce
   * against its maximum first, then per entry a duplicate slot, the slot range ("slot %d out of
   * range for slot count %d"), the nonce bounds — a message without a nonce is nonce 0, so every
   * slot's assigned count is 0 — and the cost sum. Then (chain) the epoch window, the
   * participants, and the slot range while the fees are split.
   */
  readonly checkOrder: 'v1' | 'subnet' | 'devshard';
  /**
   * `checked`: "total cost overflow", "total cost plus fees overflow", "total debit …".
   * `wrapping` (v0.2.11): Σcost and each host's payout wrap at 2^64 as coded, and the check is
   * "total cost %d exceeds escrow amount %d" on the wrapped sum.
   */
  readonly sums: 'checked' | 'wrapping';
  /** `split` per slot; `kept` in the module with no owner (fees-kept); `ignored` (v0.2.11 has no fees field). */
  readonly fees: 'split' | 'kept' | 'ignored';
  /** "devshard settlement only supports current or previous epoch …" (C must be X or X+1). */
  readonly epochWindow: boolean;
  /** v0.2.12+: every slot address must be a participant ("participant %s not found"). */
  readonly requireParticipants: boolean;
  /** Per-epoch host stats: `checked` (every field bounded) or `v0211` (counters wrap at 2^32, only the cost sum is checked). */
  readonly hostStats: 'checked' | 'v0211';
  /** Bank failures read "failed to refund creator: …" as on chain (the v1 rulesets keep the bank's bare text). */
  readonly wrapBankErrors: boolean;
}

/** The chain version a ruleset replays, for `epochsim rules`. */
export interface ChainVersion {
  /** The label of the domain document's version table (V0211, FEESTAY, …), or what the v1 ruleset models. */
  readonly label: string;
  /** Repositories and commits the rules were read from. */
  readonly sources: readonly string[];
}

export interface Ruleset {
  readonly name: RuleName;
  /** One line for `--help` and the report. */
  readonly summary: string;
  readonly version: ChainVersion;
  /** What differs from the default (`deferred`), one line each, for `epochsim rules`. */
  readonly differences: readonly string[];
  /**
   * Chain versions report the value they leak or trap as known divergences (a finding; the
   * surplus must equal their sum). The v1 rulesets report none: any surplus is a violation.
   */
  readonly reportsDivergences: boolean;
  readonly memos: EscrowMemos;
  /** `create_escrow` by a creator outside a non-empty allow-list. */
  readonly creatorNotAllowed: string;
  /**
   * Whether an escrow slot may name an address with no participant record (a user account). The
   * chain samples slots from the epoch group, so it never does; the chain versions allow it as a
   * what-if, to show what each version's settlement does with such an address (pr-1000: "not
   * found", the payout trapped; v0.2.12+: "participant %s not found"; earlier: paid by bank).
   * The v1 rulesets keep the format's rule: every slot host is in the active set.
   */
  readonly unregisteredSlots: boolean;
  readonly settle: SettleRules;
  /** Delivers every host payout of a settlement; the caller refunds the rest to the creator. */
  readonly deliverPayouts: (draft: Mutable<ChainState>, ctx: TxContext, s: Settlement) => Delivered;
  /**
   * End of epoch: a non-ACTIVE member's positive coin balance goes to governance — one transfer
   * per member (`governance`, the v1 format) or one of their total (`governance_total`, newest's
   * `totalForfeitedWorkCoins`) — or is zeroed and stranded in the module (`strand`, #1746).
   */
  readonly nonActiveWorkCoins: 'governance' | 'governance_total' | 'strand';
  /**
   * When the account settlement of an epoch fails (a transfer the module cannot make, a bound):
   * `tx_error` (v1: end_epoch fails as a transaction); `partial` (before v0.2.12: the chain logs
   * the error, what was written before it stays, and the epoch ends); `atomic` (v0.2.12+: it ran
   * in a cache context, so nothing of it is written, and the epoch ends). In both chain modes the
   * coin balances not reset are settled by a later epoch.
   */
  readonly settlement: 'tx_error' | 'partial' | 'atomic';
  /**
   * When the module cannot pay a claim: `tx_error` (v1: the transaction fails), `partial`
   * (before v0.2.12: the record is deleted; a failed reward leaves the work paid) or `atomic`
   * (v0.2.12+: nothing is paid and the record is kept for a retry).
   */
  readonly claims: 'tx_error' | 'partial' | 'atomic';
  /**
   * The chain's automatic participant status at every participant write (status.ts), with the
   * version's rules; undefined: off unless `params.auto_status: chain` asks for it.
   */
  readonly autoStatus?: StatusRules;
  /** Escrows of epoch X are deleted when the effective epoch reaches X + 2; unsettled ones are shared per unique host or per slot. */
  readonly pruning: 'none' | 'per_host' | 'per_slot';
  /**
   * End-of-epoch reward math and work sharing (see rewardMath.ts): `CHAIN_REWARD_MATH` for the
   * chain versions; absent means `V1_REWARD_MATH` (deferred, immediate: no power capping, the
   * capped pool, debt carried, exact work sharing — what the v1 goldens record).
   */
  readonly rewardMath?: RewardMath;
}

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
  summary: 'hosts are paid by bank transfer at settlement (the chain before PR #1000)',
  version: {
    label: 'the chain before PR #1000 (Mode A, fees split per slot), with the v1 choices',
    sources: ['kaitakuai/gonka @ f7a9d0a86eb498ca3da202c8d0b4253264cfd1f6 (FEESPLIT, the base PR #1000 was written on)'],
  },
  differences: [
    'settlement pays every host at once by bank (subnet_escrow_payment), whatever the epoch: no ledger credit, no cross-epoch rule, params.skipped_payout unused',
  ],
  deliverPayouts(draft, ctx, s) {
    if (ctx.trace) ctx.decisions.push(windowDecision(draft, s.escrow, 'immediate'));
    let paid = 0n;
    for (const { host, amount } of s.payouts) {
      if (amount === 0n) continue;
      if (ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'bank' });
      transferMutably(draft, ctx, INFERENCE_MODULE, host, amount, SUBNET_PAYMENT_MEMO);
      paid += amount;
    }
    return { paid, forfeited: 0n };
  },
};

/** Mode B′: PR #1000 as settled in its review (format section 3.1). */
const deferred: Ruleset = {
  ...V1_COMMON,
  name: 'deferred',
  summary: 'hosts are credited on their ledger and claim after the epoch ends (PR #1000 as settled in review)',
  version: {
    label: 'PR #1000 as settled in its review (Mode B′): the design epochsim models; no code version implements it',
    sources: ['gonka-ai/gonka PR #1000 and its review (akup, 2026-04-05)', 'scenario-format.md (v1)'],
  },
  differences: [],
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
      for (let at = 0; at < hosts; at++) {
        const { host, amount } = s.payouts[at] as HostPayout;
        updateParticipantMutably(draft, s.indexes[at] as number, (p) => {
          p.missedRequests = addCount(p.missedRequests, missed[at] as number, 'missed_requests', host);
          p.invalidatedInferences = addCount(p.invalidatedInferences, invalid[at] as number, 'invalidated_inferences', host);
          p.inferenceCount = addCount(p.inferenceCount, completed[at] as number, 'inference_count', host);
          if (amount > 0n) creditLedgerMutably(ctx, p, host, amount, { reason: 'settlement', escrow: s.escrow.id });
        });
        if (amount > 0n && ctx.trace) ctx.decisions.push({ kind: 'host_payout', host, amount, route: 'ledger' });
        paid += amount;
      }
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
        ctx.effects.push({ kind: 'settle', participant: host, op: 'added', epoch: settle.epoch, work: amount, reward: 0n });
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

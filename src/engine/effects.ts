/**
 * Effects: every movement of value a message makes, as data, in the order it made them. The
 * bank moves coins between accounts; the rest moves value between the buckets a participant or
 * account holds it in — owed (coin_balance), claimable (the settle amount), escrowed (an escrow
 * or an inference's escrow locked in the module), vesting — and says why. Folding a replay's
 * effects over its genesis gives its final balances, ledgers, settle amounts and holdings
 * (tests/engine/effects.test.ts checks that for every bundled scenario and fuzzed ones).
 */

/** Why a ledger field changed. */
export type LedgerReason =
  /** A devshard settlement credited the host (same epoch, or pr-1000's current ledger). */
  | 'settlement'
  /** An inference's executor was paid (run_inference, finish_inference, start after finish). */
  | 'inference'
  /** ShareWork moved part of an inference's pay between its workers. */
  | 'work_share'
  /** An invalidation took the refunded cost from the executor. */
  | 'invalidation'
  /** The epoch was settled: the owed coins became the settle amount's work coins (or were netted against a debt). */
  | 'epoch_settled'
  /** The epoch was settled: a non-ACTIVE member's owed coins went to governance. */
  | 'forfeited'
  /** The epoch was settled: a non-ACTIVE member's owed coins were zeroed and stay in the module (#1746). */
  | 'stranded'
  /** The epoch was settled: a debt the reward did not cover was forgiven (chain reward math). */
  | 'debt_forgiven'
  /** The epoch was settled: part of a debt was recovered from the reward. */
  | 'debt_recovered';

/** What happened to a participant's settle amount. */
export type SettleOp =
  /** end_epoch wrote the settle amount of epoch N. */
  | 'written'
  /** A cross-epoch deferred payout added work coins to the unclaimed settle amount of X. */
  | 'added'
  /** A claim paid it and deleted it. */
  | 'claimed'
  /** A claim the module could not pay deleted it unpaid (before v0.2.12). */
  | 'lost'
  /** end_epoch replaced it: the older amount went to governance ("expired claim"). */
  | 'replaced'
  /** end_epoch replaced it without sending it anywhere (v0.2.12+, the transfer failed). */
  | 'overwritten'
  /** end_epoch swept it to governance: older than the previous epoch ("expired"). */
  | 'swept';

export type Effect =
  | { readonly kind: 'bank'; readonly from: string; readonly to: string; readonly amount: bigint; readonly memo: string }
  | {
      readonly kind: 'ledger';
      readonly participant: string;
      readonly field: 'coin_balance' | 'earned_coins';
      /** Signed. */
      readonly delta: bigint;
      readonly reason: LedgerReason;
      /** The escrow, inference or epoch the change belongs to, when there is one. */
      readonly escrow?: number;
      readonly inference?: string;
      readonly epoch?: number;
    }
  | {
      readonly kind: 'settle';
      readonly participant: string;
      readonly op: SettleOp;
      /** The settle amount's epoch. */
      readonly epoch: number;
      /** Its work and reward coins: the amount written, added, paid or removed. */
      readonly work: bigint;
      readonly reward: bigint;
    }
  | {
      /** A devshard escrow's coins locked in the module (create) or released (settle, prune). */
      readonly kind: 'escrow';
      readonly escrow: number;
      readonly creator: string;
      readonly op: 'locked' | 'released';
      readonly amount: bigint;
    }
  | {
      /** An on-chain inference's escrow held while it is STARTED, and released when it is paid, expired or refunded. */
      readonly kind: 'inference_escrow';
      readonly inference: string;
      readonly requester: string;
      readonly op: 'held' | 'released';
      readonly amount: bigint;
    }
  | {
      /** Claimed coins put on a vesting schedule, or a part of it unlocked. */
      readonly kind: 'vesting';
      readonly participant: string;
      readonly op: 'scheduled' | 'unlocked';
      readonly amount: bigint;
    };

export type EffectKind = Effect['kind'];

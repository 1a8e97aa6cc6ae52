/**
 * Decisions: which rule a reducer applied and why, recorded as data next to the bank moves, so a
 * renderer can explain a step in words without re-deriving the chain's logic. Reducers only push
 * these; nothing here prints.
 */

/** How one host's payout of a devshard settlement was delivered. */
export type PayoutRoute =
  /** Same epoch (deferred): credited to coin_balance, paid with the epoch's settle amount. */
  | 'ledger'
  /** Cross epoch (deferred): added to the work coins of the unclaimed settle amount of X. */
  | 'settle_amount'
  /** Paid at once by bank: immediate, or cross epoch after the claim (deferred). */
  | 'bank'
  /** Punished in X (deferred): left in the creator's refund. */
  | 'refund'
  /** Punished in X (deferred): sent to governance. */
  | 'governance';

export type Decision =
  | {
      readonly kind: 'settle_window';
      readonly escrow: number;
      readonly escrowEpoch: number;
      readonly current: number;
      /** True when epoch X was already ended at settlement. */
      readonly escrowEpochEnded: boolean;
      readonly mode: 'same_epoch' | 'cross_epoch' | 'immediate';
    }
  | {
      readonly kind: 'fee_split';
      readonly fees: bigint;
      readonly slots: number;
      readonly share: bigint;
      readonly remainder: bigint;
      /** Slots (in message order) that got the +1 of the remainder. */
      readonly bonusSlots: readonly number[];
    }
  | {
      readonly kind: 'host_payout';
      readonly host: string;
      readonly amount: bigint;
      readonly route: PayoutRoute;
      /** Cross epoch: the host's reward in epoch X (undefined: no summary, not a member of X). */
      readonly rewardInX?: bigint | undefined;
      /** Cross epoch: the epoch of the settle amount the host holds, if any. */
      readonly settleEpoch?: number | undefined;
    }
  | { readonly kind: 'refund'; readonly creator: string; readonly amount: bigint; readonly paid: bigint; readonly forfeited: bigint }
  | {
      readonly kind: 'reward_pool';
      readonly epoch: number;
      readonly pool: bigint;
      readonly source: 'param' | 'formula';
      /** The pool before the lifetime cap, when the cap cut it. */
      readonly uncapped?: bigint | undefined;
      readonly totalWeight: bigint;
      readonly distributed: bigint;
    }
  | {
      readonly kind: 'member_settled';
      readonly name: string;
      readonly weight: bigint;
      readonly reward: bigint;
      readonly work: bigint;
      /** Why the reward is 0, when it is. */
      readonly noReward?: 'punished' | 'not_active' | 'zero_weight' | 'zero_pool' | undefined;
      /** A positive coin balance of a non-ACTIVE member, forfeited to governance. */
      readonly forfeited: bigint;
    }
  | {
      readonly kind: 'claim';
      readonly name: string;
      readonly epoch: bigint;
      readonly outcome: 'too_early_or_late' | 'nothing' | 'other_epoch' | 'empty' | 'paid';
      /** The epoch that can be claimed now (effective − 1), and the epoch of the held record. */
      readonly claimable: number;
      readonly heldEpoch?: number | undefined;
    };

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
  | 'governance'
  /** pr-1000: the host was "not found" (an address with no participant record): counted as paid, credited to no one. */
  | 'trapped'
  /** newest: the host was excluded in epoch X; its payout goes to governance in the settlement's one forfeit transfer. */
  | 'forfeited';

/** Why a version ruleset routed a host's payout the way it did (pr-1000, v0.2.12, newest). */
export type PayoutReason =
  /** v0.2.12/newest: X = C and the host is in the active set of C (newest: and C is not yet settled). */
  | 'same_epoch'
  /** v0.2.12/newest: the escrow's epoch X is not the effective epoch C. */
  | 'other_epoch'
  /** v0.2.12/newest: X = C but the host is not in the active set of C. */
  | 'not_in_active_set'
  /** newest: X = C but epoch C is already settled (the host has a summary for C). */
  | 'epoch_settled'
  /** newest: the host has an exclusion record for epoch X. */
  | 'excluded'
  /** pr-1000: the host has a participant record (any status, any active set), whatever the escrow's epoch. */
  | 'found'
  /** pr-1000: the address has no participant record. */
  | 'not_found';

/** What a known divergence was, as data: its id and the values that tell it. */
export type DivergenceDetail =
  /** fees-kept: the settlement's fees stay in the module. */
  | { readonly id: 'fees_kept'; readonly data: { readonly escrow: number; readonly creator: string; readonly fees: bigint } }
  /** pr-1000: a not-found host's payout is counted in totalPayout before the lookup. */
  | { readonly id: 'payout_trapped'; readonly data: { readonly host: string; readonly payout: bigint; readonly escrow: number; readonly creator: string } }
  /** v0.2.11 … v0.2.12: a non-ACTIVE member's work coins are zeroed at the end of the epoch (#1746). */
  | { readonly id: 'work_coins_stranded'; readonly data: { readonly participant: string; readonly status: string; readonly epoch: number; readonly coins: bigint } }
  /** pruning an unsettled escrow: the division remainder (and any share that could not be sent) stays. */
  | {
      readonly id: 'prune_remainder';
      readonly data: {
        readonly escrow: number;
        readonly epoch: number;
        readonly amount: bigint;
        readonly creator: string;
        /** What was sent to the hosts, and how it was shared: over `shares` unique hosts or slots. */
        readonly sent: bigint;
        readonly per: 'unique host' | 'slot';
        readonly shares: number;
        readonly remainder: bigint;
      };
    }
  /** v0.2.11-era claims: a failed payment deletes the settle amount without paying it. */
  | { readonly id: 'claim_lost'; readonly data: { readonly participant: string; readonly epoch: number; readonly part: 'work' | 'reward'; readonly unpaid: bigint } }
  /** chain reward math: a debt is recovered into governance or forgiven, and the validators' shares it stood for stay owed (domain 3.2). */
  | { readonly id: 'debt_written_off'; readonly data: { readonly participant: string; readonly debt: bigint; readonly recovered: bigint; readonly forgiven: bigint } }
  /** chain reward math: the epoch that crosses the subsidy cap sends governance the unscaled undistributed part too (domain 4, item 28). */
  | { readonly id: 'supply_cap_over_transfer'; readonly data: { readonly epoch: number; readonly minted: bigint; readonly scaledRest: bigint; readonly overTransfer: bigint } }
  /** v0.2.11-era settlement that fails after the mint: the minted pool stays in the module, distributed to no one. */
  | { readonly id: 'settlement_partial'; readonly data: { readonly epoch: number; readonly minted: bigint; readonly error: string } }
  /** v0.2.11-era settlement: the expired-claim transfer fails, so the new settle amount is not written while the coin balance was already reset. */
  | {
      readonly id: 'settle_amount_lost';
      readonly data: { readonly participant: string; readonly unclaimed: bigint; readonly unclaimedEpoch: number; readonly epoch: number; readonly lost: bigint; readonly error: string };
    }
  /** v0.2.12+ settlement: the expired-claim transfer fails and is swallowed, and the new settle amount overwrites the old one, whose coins stay. */
  | {
      readonly id: 'expired_claim_unsent';
      readonly data: { readonly participant: string; readonly unclaimed: bigint; readonly unclaimedEpoch: number; readonly epoch: number; readonly error: string };
    };

/**
 * A known divergence of a chain version: value the version leaves in the inference module with
 * no owner (or takes from an owner without paying), reported as a finding instead of a violation.
 */
export type DivergenceId = DivergenceDetail['id'];

export type Decision =
  | {
      readonly kind: 'settle_window';
      readonly escrow: number;
      readonly escrowEpoch: number;
      readonly current: number;
      /** True when epoch X was already ended at settlement. */
      readonly escrowEpochEnded: boolean;
      /**
       * deferred: same or cross epoch; immediate and the Mode A versions (v0.2.11, fees-kept,
       * fees-split): bank at once; pr-1000: ledger credit whatever the epoch; v0.2.12 and newest:
       * decided per host (see each host_payout's reason); `outside`: the effective epoch is
       * neither X nor X + 1, and the settlement fails.
       */
      readonly mode: 'same_epoch' | 'cross_epoch' | 'immediate' | 'ledger_any_epoch' | 'per_host' | 'outside';
    }
  /** v0.2.11: the message has no fees field, so the scenario's fees are not part of the settlement. */
  | { readonly kind: 'fees_ignored'; readonly fees: bigint }
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
      /** Version rulesets: why this route (pr-1000, v0.2.12, newest). */
      readonly reason?: PayoutReason | undefined;
    }
  | ({
      readonly kind: 'divergence';
      /** Coins left in the inference module with no owner (the surplus grows by this much). */
      readonly amount: bigint;
    } & DivergenceDetail) /* what happened, as data: its words are src/words/divergences.ts's */
  | {
      /** An escrow of epoch X deleted when the effective epoch reached X + 2 (version rulesets). */
      readonly kind: 'escrow_pruned';
      readonly escrow: number;
      readonly epoch: number;
      readonly settled: boolean;
      /** Unsettled: how the amount was shared (per unique host or per slot), what each host got, what stayed. */
      readonly split?: 'per_host' | 'per_slot' | undefined;
      readonly shares?: readonly { readonly host: string; readonly amount: bigint }[] | undefined;
      readonly remainder?: bigint | undefined;
    }
  | {
      readonly kind: 'refund';
      readonly creator: string;
      readonly amount: bigint;
      readonly paid: bigint;
      readonly forfeited: bigint;
      /** pr-1000: payouts counted in totalPayout but credited to no one. */
      readonly trapped?: bigint | undefined;
      /** fees-kept: fees kept in the module. */
      readonly kept?: bigint | undefined;
    }
  | {
      readonly kind: 'reward_pool';
      readonly epoch: number;
      readonly pool: bigint;
      readonly source: 'param' | 'formula';
      /**
       * The formula's error when it gave no pool: the chain logs it and uses 0 ("exponent
       * overflow: n" before genesis_epoch, where n − genesis wraps in uint64).
       */
      readonly error?: string | undefined;
      /** The pool before the lifetime cap, when the cap cut it. */
      readonly uncapped?: bigint | undefined;
      readonly totalWeight: bigint;
      readonly distributed: bigint;
      /**
       * The bitcoin_reward_to_governance amount when it is not pool − distributed: a carried debt's
       * recovered part stays in the module (less), or the chain's cap-crossing epoch (more).
       */
      readonly governance?: bigint | undefined;
    }
  | {
      /**
       * The account settlement of an epoch failed (chain versions; v1 fails the transaction):
       * `atomic` (v0.2.12+) discards all of it; `partial` (before v0.2.12) keeps what was
       * written before the failure. The epoch ends either way.
       */
      readonly kind: 'settlement_failed';
      readonly epoch: number;
      readonly mode: 'atomic' | 'partial';
      /** The chain's error text. */
      readonly error: string;
      /** Which write failed. */
      readonly stage: 'reward_amount' | 'mint' | 'governance_remainder' | 'forfeited_total' | 'forfeited_work_coins';
      /** partial: what stays minted (and counted against the cap). */
      readonly minted: bigint;
    }
  | {
      /** A transfer of an older settle amount to governance failed (the module is short). */
      readonly kind: 'expired_claim_failed';
      readonly name: string;
      readonly amount: bigint;
      readonly error: string;
      /** `kept` (before v0.2.12): the old amount stays and the new one is not written; `overwritten` (v0.2.12+): the new one replaces it. */
      readonly outcome: 'kept' | 'overwritten';
    }
  | {
      /** The sweep of settle amounts older than the previous epoch stopped at a transfer the module could not make (logged on chain). */
      readonly kind: 'sweep_stopped';
      readonly name: string;
      readonly amount: bigint;
      readonly error: string;
    }
  | {
      /** A claim's part paid into the vesting module: `epochs` parts, the first `first`, the others `each`. */
      readonly kind: 'vested';
      readonly name: string;
      readonly amount: bigint;
      readonly epochs: number;
      readonly first: bigint;
      readonly each: bigint;
    }
  | {
      /** A vesting unlock the module could not send (logged on chain): the schedule waits an epoch. */
      readonly kind: 'vesting_unlock_failed';
      readonly name: string;
      readonly amount: bigint;
      readonly error: string;
    }
  | {
      /**
       * The chain's automatic status (status.ts) changed a participant at this write: INVALID by
       * consecutive invalidations or the invalidation SPRT, INACTIVE by the downtime SPRT; an
       * exclusion record for the effective epoch comes with it.
       */
      readonly kind: 'status_change';
      readonly name: string;
      readonly from: 'ACTIVE' | 'INACTIVE' | 'INVALID';
      readonly to: 'ACTIVE' | 'INACTIVE' | 'INVALID';
      readonly reason: 'consecutive_failures' | 'statistical_invalidations' | 'downtime';
      readonly epoch: number;
      /** The SPRT ratios after the write, in 10^-12. */
      readonly invalidLLR: bigint;
      readonly inactiveLLR: bigint;
      readonly consecutiveInvalidInferences: number;
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
      /** A positive coin balance of a non-ACTIVE member, zeroed and left in the module (versions before the fix of #1746). */
      readonly stranded?: bigint | undefined;
    }
  | {
      readonly kind: 'claim';
      readonly name: string;
      readonly epoch: bigint;
      /**
       * The module could not pay (only with a shortfall): `work_unpaid` (v0.2.11-era: record
       * deleted, nothing paid), `reward_unpaid` (v0.2.11-era: work paid, record deleted),
       * `retry` (v0.2.12+: nothing paid, record kept).
       */
      readonly outcome: 'too_early_or_late' | 'nothing' | 'other_epoch' | 'empty' | 'paid' | 'work_unpaid' | 'reward_unpaid' | 'retry';
      /** The epoch that can be claimed now (effective − 1), and the epoch of the held record. */
      readonly claimable: number;
      readonly heldEpoch?: number | undefined;
    }
  // ---- the on-chain inference lifecycle
  | {
      readonly kind: 'inference_start';
      readonly id: string;
      readonly requester: string;
      readonly executor: string;
      readonly price: bigint;
      /** `escrow`: start came first and locks the escrow; `pay`: finish came first, so start escrows exactly the pay and credits it. */
      readonly mode: 'escrow' | 'pay';
      /** (max_tokens + prompt_tokens) × price. */
      readonly escrowFormula: bigint;
      /** Finish came first: the cost, and the pay min(cost, escrow formula). */
      readonly cost?: bigint | undefined;
      readonly pay?: bigint | undefined;
    }
  | {
      readonly kind: 'inference_finish';
      readonly id: string;
      readonly executor: string;
      /** (prompt + completion) × price. */
      readonly cost: bigint;
      /** `pay`: start came first — min(cost, escrow) to the executor, the rest refunded; `record`: nothing moves until start. */
      readonly mode: 'pay' | 'record';
      readonly escrow?: bigint | undefined;
      readonly pay?: bigint | undefined;
      readonly refund?: bigint | undefined;
    }
  | {
      readonly kind: 'inference_validation';
      readonly id: string;
      readonly validator: string;
      readonly passed: boolean;
      /**
       * `shared`: passed while the inference's epoch is the effective one and not yet settled — the
       * pay is re-split; `epoch_settled` / `other_epoch`: passed, status only; `late`: the effective
       * epoch is past the inference's epoch + 1, ignored; `already_invalidated`: ignored; `failed`:
       * a failed validation (the invalidation vote is out of scope; invalidate_inference is its outcome).
       */
      readonly outcome: 'shared' | 'epoch_settled' | 'other_epoch' | 'late' | 'already_invalidated' | 'failed';
      readonly inferenceEpoch: number;
      /** actual_cost, the amount shared. */
      readonly cost: bigint;
      /** shared: each worker's coin_balance change (the executor first). */
      readonly adjustments?: readonly { readonly name: string; readonly amount: bigint }[] | undefined;
    }
  | {
      readonly kind: 'inference_invalidation';
      readonly id: string;
      readonly executor: string;
      readonly requester: string | undefined;
      /** `refunded`: before the epoch was settled — actual_cost back to the requester, debited from the executor; otherwise status only. */
      readonly outcome: 'refunded' | 'epoch_settled' | 'other_epoch' | 'already_invalidated';
      readonly amount: bigint;
      /** refunded: the executor's coin_balance after the debit (negative: debt). */
      readonly executorBalance?: bigint | undefined;
    }
  | { readonly kind: 'inference_expiry'; readonly id: string; readonly requester: string; readonly executor: string; readonly refund: bigint }
  // ---- reward math at the end of an epoch
  | {
      /** Power capping of the effective weights of the ACTIVE members with weight > 0. */
      readonly kind: 'power_cap';
      readonly epoch: number;
      /** The maximum share in percent: 30, or 100/50/40 for 1/2/3 members. */
      readonly sharePercent: number;
      readonly members: number;
      /** The cap, when one applies. */
      readonly cap?: bigint | undefined;
      /**
       * The step of the chain's search that set the cap: over the positive weights sorted ascending,
       * the first (`name`, `weight`) above the share of (`below`, the weights before it, + weight ×
       * `rest`, the members from it up); the cap is floor(share × below / (1 − share × rest)), or the
       * weight itself when `selfCap` (that denominator ≤ 0).
       */
      readonly search?: { readonly name: string; readonly weight: bigint; readonly below: bigint; readonly rest: number; readonly selfCap: boolean };
      readonly capped: readonly { readonly name: string; readonly weight: bigint; readonly capped: bigint }[];
    }
  | {
      /**
       * The downtime test (end_epoch without punish): `chain` — as the chain runs it at every
       * settlement (downtime.ts: getDynamicP0, the lookup tables, the rate rule past 990 requests, the
       * exact p-value for a governance p0 above 0.5); `exact` — an exact binomial test at the
       * table's p0 (a choice of the v1 rulesets, params.downtime_test: exact).
       */
      readonly kind: 'downtime_test';
      readonly epoch: number;
      readonly mode: 'chain' | 'exact';
      /** The table p0 used, in permille; undefined when governance's own p0 (above 0.5) is used directly. */
      readonly p0Permille: number | undefined;
      /** Governance's p0 (binom_test_p0) as written, when it is used directly. */
      readonly p0?: string | undefined;
      /** Governance's p0 rounded up to a table value (the 10% fallback below one permille under `chain`). */
      readonly governancePermille: number;
      /** True when the sample gate passed (Σ total ≥ 1000 and ≥ 5 members with total > 0): p0 = max(table(baseline + 20‰), governance). */
      readonly dynamic: boolean;
      readonly baselinePermille?: number | undefined;
      /** The outage circuit breaker: the dynamic table value is 500‰, nobody is punished. */
      readonly skipped: boolean;
      /**
       * `table`: the chain's critical-value table, the total rounded down to its row (`row`:
       * [total, most misses that pass]); `rate`: missed/total ≤ p0 (total > 990); `exact`: the
       * exact p-value ≥ 0.05 (`pValue`); `binomial`: the exact test of `exact` mode; `untested`:
       * no requests; `skipped`: the circuit breaker; `error`: the chain's test errs and keeps the reward.
       */
      readonly results: readonly {
        readonly name: string;
        readonly total: number;
        readonly missed: number;
        readonly passed: boolean;
        readonly rule: 'untested' | 'skipped' | 'table' | 'rate' | 'exact' | 'binomial' | 'error';
        readonly row?: readonly [number, number] | undefined;
        readonly pValue?: string | undefined;
        /** `rate` and `binomial`: the most misses that pass. */
        readonly allowed?: number | undefined;
      }[];
    }
  | {
      /** A negative coin_balance at the end of an epoch, netted against the member's reward. */
      readonly kind: 'debt';
      readonly name: string;
      readonly debt: bigint;
      /** The member's reward before the debt was netted (computed from F, before any cap scaling). */
      readonly reward: bigint;
      readonly recovered: bigint;
      /**
       * `chain`: the recovered part goes to governance and the rest is forgiven when the balance
       * resets; `carry` (deferred, immediate): the recovered part stays in the module, where it
       * backs the validators' shares, and the rest stays owed on coin_balance.
       */
      readonly mode: 'chain' | 'carry';
      /** Forgiven (chain) or still owed (carry). */
      readonly remaining: bigint;
    }
  | {
      /** Chain reward math, the epoch whose pool F crosses the lifetime subsidy cap: F' = cap − minted. */
      readonly kind: 'supply_cap';
      readonly epoch: number;
      readonly pool: bigint;
      readonly left: bigint;
      /** Σ rewards computed with F, and Σ floor(r × F' / F). */
      readonly rewardsBefore: bigint;
      readonly rewardsAfter: bigint;
      /** Sent to governance: (F − Σ rewards) + (F' − Σ reduced). */
      readonly governance: bigint;
      /** F − Σ rewards: what governance gets beyond the minted F' (item 28). */
      readonly overTransfer: bigint;
    };

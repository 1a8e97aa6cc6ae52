/**
 * The shapes of the rules, in a module that imports no rule: a `Ruleset` (the values the
 * reducers consult where chain versions differ), its parts (settlement checks, reward math,
 * status rules) and the `TxContext` a reducer runs with. Every module of the engine may import
 * these types without importing each other (the registry of rulesets is registry.ts; the
 * architecture test keeps this module free of cycles).
 *
 * What a reducer may use besides its draft (`TxContext`): the static world, the ruleset, and its
 * outputs — the bank movements it made, every movement of value (effects as data, recorded by the
 * runner), the decisions it took, and a result text for messages that succeed with a result, as
 * `claim_reward` does on chain.
 */
import type { HostStatInput, Params, RuleName } from '../../domain/scenario.js';
import type { Effect } from '../effects.js';
import type { ChainState, Escrow, Mutable, World } from '../storage/state.js';
import type { Decision } from '../trace.js';

export interface Transfer {
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly memo: string;
}

export interface TxContext {
  readonly world: World;
  readonly params: Params;
  readonly rules: Ruleset;
  readonly transfers: Transfer[];
  /** Every movement of value, in order: the bank moves of `transfers` and the ledger, settle-amount, escrow and vesting ones (effects.ts). */
  readonly effects: Effect[];
  /** Which rule applied and why, for explanations (see trace.ts). */
  readonly decisions: Decision[];
  /**
   * False when no one will read the decisions (a replay without an observer): the reducers then
   * build none (every `ctx.decisions.push` is guarded by it), except divergences, which are always
   * recorded (`divergence()` in payouts.ts: the runner sums them).
   */
  readonly trace: boolean;
  /**
   * False when no one will read the step's records (a replay that keeps no trace and has neither
   * a sink nor an observer): the reducers then build no effects and no transfer records (every
   * push to `effects` and `transfers` is guarded by it); `moves` still counts the bank moves.
   */
  readonly record: boolean;
  /** How many bank moves the event made, listed in `transfers` or not. */
  moves: number;
  result: string | undefined;
}

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
  /** The entries' cost sum as the version computed it (v0.2.11: wrapped at 2^64). */
  readonly costSum: bigint;
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

export interface Ruleset {
  /** Its words (summary, chain version, differences) are src/words/rulesets.ts's. */
  readonly name: RuleName;
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


export interface RewardMath {
  /** Power capping of the ACTIVE members' effective weights (30%; 100/50/40% for 1/2/3 members). */
  readonly powerCapping: boolean;
  /**
   * `pool`: the minted pool is held under the lifetime cap and rewards are computed from it.
   * `chain`: rewards are computed from F, then scaled by floor(r × F' / F) in the epoch that
   * crosses the cap, and governance gets (F − Σ r) + (F' − Σ reduced) — more than was minted.
   */
  readonly supplyCap: 'pool' | 'chain';
  /**
   * A negative coin_balance is netted against the reward either way. `chain`: the recovered part
   * goes to governance and the rest is forgiven when the balance resets (the validators' shares
   * the debt stood for stay owed: a shortfall). `carry`: the recovered part stays in the module,
   * where it backs those shares, and the rest stays on coin_balance into the next epoch.
   */
  readonly debt: 'carry' | 'chain';
  /**
   * The downtime test when end_epoch lists no `punish`: `chain` (the chain's, at every settlement),
   * `exact` (an exact binomial test, a v1 option) or `off`.
   */
  readonly downtimeTest: 'chain' | 'exact' | 'off';
}


/** Where the chain versions differ (participant_status.go and module.go, 8a35022b only). */
export interface StatusRules {
  /**
   * ConsecutiveInvalidInferences is set to 0 when the status is decided by the consecutive
   * failures rule, and by the epoch-start reset. Before 8a35022b it is reset only by a passed
   * validation or a revalidation, so after the epoch-start reset the next write that changes the
   * stats finds N still at the limit and invalidates the participant again.
   */
  readonly resetsConsecutiveInvalid: boolean;
}


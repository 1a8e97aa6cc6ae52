/**
 * The chain state the reducers transform, and the static world it lives in.
 *
 * `ChainState` is immutable: its type is read-only, a transaction commits a new root (tx.ts),
 * and the records in its vectors are frozen; everything
 * that grows with the number of participants, accounts or escrows sits in a `PVec`, so that one
 * event copies a few short arrays and never a container of every participant. The `World` holds what never changes
 * during a replay: names, their indexes, the params and the ruleset.
 */
import type { GenesisAccount, GenesisParticipant, Params } from '../../domain/scenario.js';
import { emptyVec, vecOf, type PVec } from './pvec.js';

export type Status = 'ACTIVE' | 'INACTIVE' | 'INVALID';

/** The claimable record (one per participant at most), `SettleAmount` on chain. */
export interface SettleAmount {
  readonly epoch: number;
  readonly workCoins: bigint;
  readonly rewardCoins: bigint;
}

/** `EpochPerformanceSummary(epoch, participant)`, written when the epoch is settled. */
export interface Summary {
  readonly earnedCoins: bigint;
  readonly rewardedCoins: bigint;
  readonly inferenceCount: number;
  readonly missedRequests: number;
  readonly invalidatedInferences: number;
  readonly claimed: boolean;
}

export interface ParticipantState {
  readonly status: Status;
  /** The weight the next `start_epoch` uses (genesis or the last override). */
  readonly weight: bigint;
  /** Owed work coins of the running epoch (int64, may be negative on chain). */
  readonly coinBalance: bigint;
  /** Statistics only: grows with coinBalance when the participant is paid. */
  readonly earnedCoins: bigint;
  readonly inferenceCount: number;
  readonly missedRequests: number;
  readonly invalidatedInferences: number;
  /** `validated_inferences` of the running epoch (v0.2.12+ devshard settlements add completed − invalid). */
  readonly validatedInferences: number;
  /** ConsecutiveInvalidInferences: invalidations since the last passed validation (automatic status). */
  readonly consecutiveInvalidInferences: number;
  /** The running SPRT log-likelihood ratios of the epoch (CurrentEpochStats InvalidLLR / InactiveLLR), in 10^-12. */
  readonly invalidLLR: bigint;
  readonly inactiveLLR: bigint;
  readonly settle: SettleAmount | null;
  /**
   * The vesting schedule of claimed coins (x/streamvesting `VestingSchedule.EpochAmounts`):
   * entry 0 unlocks at the next epoch end, then entry 1, … Empty without vesting.
   */
  readonly vesting: readonly bigint[];
}

export interface Escrow {
  readonly id: number;
  readonly creator: string;
  readonly amount: bigint;
  readonly epoch: number;
  readonly slots: readonly string[];
  readonly settled: boolean;
}

/** `SubnetHostEpochStats(epoch, host)`: pure statistics summed over the escrows of an epoch. */
export interface HostEpochStats {
  readonly missed: number;
  readonly invalid: number;
  readonly cost: bigint;
  readonly requiredValidations: number;
  readonly completedValidations: number;
  readonly escrowCount: number;
}

/** The participants taking part in one epoch, fixed when it starts. */
export interface ActiveSet {
  /** Participant indexes in list order. */
  readonly members: readonly number[];
  /** Weight of each member, parallel to `members`. */
  readonly weights: readonly bigint[];
  readonly totalWeight: bigint;
  /** By participant index: true when in the set. */
  readonly isMember: readonly boolean[];
}

/**
 * Everything that grows with participants, accounts, escrows or epochs is a PVec (see pvec.ts):
 * a transaction's draft copies only the fifteen fields of this object, and each event
 * path-copies the few trie nodes it writes.
 */
export interface ChainState {
  /** 0 at genesis; `start_epoch` moves it to N+1. */
  readonly effectiveEpoch: number;
  /** True once the effective epoch has been ended (settled) and the next has not started. */
  readonly epochEnded: boolean;
  /** Bank balances by account index (see World.accounts). */
  readonly balances: PVec<bigint>;
  /** By participant index (see World.participants). */
  readonly participants: PVec<ParticipantState>;
  /** By epoch. */
  readonly activeSets: PVec<ActiveSet>;
  /** Escrow id n is at index n − 1. */
  readonly escrows: PVec<Escrow>;
  /** Escrows created in each epoch, by epoch. */
  readonly escrowsPerEpoch: PVec<number>;
  /** By epoch, then participant index. */
  readonly hostStats: PVec<PVec<HostEpochStats>>;
  /** Performance summaries by epoch, then participant index. */
  readonly summaries: PVec<PVec<Summary>>;
  /** Participants excluded in each epoch, in the order excluded; by epoch. */
  readonly exclusions: PVec<readonly string[]>;
  readonly genesisSupply: bigint;
  readonly minted: bigint;
  readonly burned: bigint;
  /** The highest n of an automatic inference id `inf-<n>` given so far. */
  readonly inferenceSeq: number;
  /**
   * On-chain inferences (run_inference and the lifecycle events), by id: hash buckets of a sparse
   * vector (see inferences.ts), so a lookup or a write path-copies a few short arrays, never a
   * container of every inference.
   */
  readonly inferences: PVec<InferenceBucket>;
}

export type InferenceStatus = 'STARTED' | 'FINISHED' | 'VALIDATED' | 'INVALIDATED' | 'EXPIRED';

/** `Inference` on chain, the fields the payout logic uses (domain rules 1.5). */
export interface InferenceRecord {
  readonly id: string;
  /** requested_by: unknown (undefined) until start_inference when finish_inference came first. */
  readonly requester: string | undefined;
  /** assigned_to (start) = executed_by (finish). */
  readonly executor: string;
  /** per_token_price, locked by the first of start and finish. */
  readonly price: bigint;
  readonly promptTokens: bigint;
  /** 0 until start_inference (then 5000 when the message said 0). */
  readonly maxTokens: bigint;
  readonly completionTokens: bigint;
  readonly started: boolean;
  readonly finished: boolean;
  readonly status: InferenceStatus;
  /** escrow_amount: locked by start (held while STARTED), or exactly the pay when finish came first. */
  readonly escrow: bigint;
  /**
   * actual_cost: the cost (prompt + completion) × price, raw when start came first — above the
   * escrow when the finish reports more tokens than the start reserved, while the executor was
   * credited only the escrow — and min(cost, escrow) when finish came first (what start paid); 0
   * until paid, and after expiry (calculations/inference_state.go).
   */
  readonly actualCost: bigint;
  /** epoch_id: the effective epoch when the pair completed and the executor was credited (0 before). */
  readonly epoch: number;
  /** validated_by: validators who shared the pay, in order (the executor is the first worker). */
  readonly validatedBy: readonly string[];
  /** Every validator that submitted a validation (passed or not): a second one is a duplicate. */
  readonly validations: readonly string[];
}

/** One hash bucket of `inferences`: the records whose ids hash to it. */
export type InferenceBucket = readonly InferenceRecord[];

/** The fields of a state that are vectors. */
export type VecKey = {
  [K in keyof ChainState]: ChainState[K] extends PVec<unknown> ? K : never;
}[keyof ChainState];

export const INFERENCE_MODULE = 'inference';
export const GOV = 'gov';
/** The vesting module account (x/streamvesting), present when a vesting period is set. */
export const VESTING_MODULE = 'streamvesting';
export const MINT = '(mint)';

export interface World {
  readonly params: Params;
  /** Every bank account: the two module accounts, the user accounts, then the participants. */
  readonly accounts: readonly string[];
  readonly accountIndex: ReadonlyMap<string, number>;
  /** The account index of the vesting module, or −1 when the scenario has no vesting. */
  readonly vestingIndex: number;
  /** Participants in list order. */
  readonly participants: readonly string[];
  readonly participantIndex: ReadonlyMap<string, number>;
}

export interface Genesis {
  readonly world: World;
  readonly state: ChainState;
}

/*
 * Writable copies of the records reducers change most, as explicit literals: a spread of a
 * frozen object takes V8's slow path (about 80 ns against 10 ns). Typed so that a field added to
 * a record and not copied here does not compile.
 */
/** A writable copy's type (the drafts of tx.ts, the record copiers below). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function copyParticipant(p: ParticipantState): Mutable<ParticipantState> {
  return {
    status: p.status,
    weight: p.weight,
    coinBalance: p.coinBalance,
    earnedCoins: p.earnedCoins,
    inferenceCount: p.inferenceCount,
    missedRequests: p.missedRequests,
    invalidatedInferences: p.invalidatedInferences,
    validatedInferences: p.validatedInferences,
    consecutiveInvalidInferences: p.consecutiveInvalidInferences,
    invalidLLR: p.invalidLLR,
    inactiveLLR: p.inactiveLLR,
    settle: p.settle,
    vesting: p.vesting,
  } satisfies { [K in keyof ParticipantState]: ParticipantState[K] };
}

/** True when two participant records hold the same values (field by field, by identity). */
export function sameParticipant(a: ParticipantState, b: ParticipantState): boolean {
  return (
    a.status === b.status &&
    a.weight === b.weight &&
    a.coinBalance === b.coinBalance &&
    a.earnedCoins === b.earnedCoins &&
    a.inferenceCount === b.inferenceCount &&
    a.missedRequests === b.missedRequests &&
    a.invalidatedInferences === b.invalidatedInferences &&
    a.validatedInferences === b.validatedInferences &&
    a.consecutiveInvalidInferences === b.consecutiveInvalidInferences &&
    a.invalidLLR === b.invalidLLR &&
    a.inactiveLLR === b.inactiveLLR &&
    a.settle === b.settle &&
    a.vesting === b.vesting
  );
}

export function copySummary(s: Summary): Mutable<Summary> {
  return {
    earnedCoins: s.earnedCoins,
    rewardedCoins: s.rewardedCoins,
    inferenceCount: s.inferenceCount,
    missedRequests: s.missedRequests,
    invalidatedInferences: s.invalidatedInferences,
    claimed: s.claimed,
  } satisfies { [K in keyof Summary]: Summary[K] };
}

export function copyEscrow(e: Escrow): Mutable<Escrow> {
  return {
    id: e.id,
    creator: e.creator,
    amount: e.amount,
    epoch: e.epoch,
    slots: e.slots,
    settled: e.settled,
  } satisfies { [K in keyof Escrow]: Escrow[K] };
}

function emptyParticipant(weight: bigint): ParticipantState {
  return {
    status: 'ACTIVE',
    weight,
    coinBalance: 0n,
    earnedCoins: 0n,
    inferenceCount: 0,
    missedRequests: 0,
    invalidatedInferences: 0,
    validatedInferences: 0,
    consecutiveInvalidInferences: 0,
    invalidLLR: 0n,
    inactiveLLR: 0n,
    settle: null,
    vesting: NO_VESTING,
  };
}

/** The empty schedule, shared by every participant without vesting. */
export const NO_VESTING: readonly bigint[] = Object.freeze([]);

/** The state before the first event: genesis balances, every participant ACTIVE, epoch 0. */
export function genesis(
  params: Params,
  accounts: readonly GenesisAccount[],
  participants: readonly GenesisParticipant[],
): Genesis {
  // The vesting module is an account only where a vesting period is set, so that the bank of
  // every scenario without vesting keeps its accounts.
  const modules = params.workVestingPeriod > 0n || params.rewardVestingPeriod > 0n ? [INFERENCE_MODULE, GOV, VESTING_MODULE] : [INFERENCE_MODULE, GOV];
  const accountNames = [...modules, ...accounts.map((a) => a.name), ...participants.map((p) => p.name)];
  const balances = [...modules.map(() => 0n), ...accounts.map((a) => a.balance), ...participants.map((p) => p.balance)];
  const world: World = {
    params,
    accounts: accountNames,
    accountIndex: new Map(accountNames.map((n, i) => [n, i])),
    vestingIndex: accountNames.indexOf(VESTING_MODULE),
    participants: participants.map((p) => p.name),
    participantIndex: new Map(participants.map((p, i) => [p.name, i])),
  };
  const state: ChainState = {
    effectiveEpoch: 0,
    epochEnded: false,
    balances: vecOf(balances),
    participants: vecOf(participants.map((p) => Object.freeze(emptyParticipant(p.weight)))),
    activeSets: emptyVec(),
    escrows: emptyVec(),
    escrowsPerEpoch: emptyVec(),
    hostStats: emptyVec(),
    summaries: emptyVec(),
    exclusions: emptyVec(),
    genesisSupply: balances.reduce((a, b) => a + b, 0n),
    minted: 0n,
    burned: 0n,
    inferenceSeq: 0,
    inferences: noInferences(),
  };
  return { world, state };
}

/** Hash buckets of the inference store: 2^15 of them, three trie levels. */
export const INFERENCE_BUCKETS = 1 << 15;

let emptyInferences: PVec<InferenceBucket> | undefined;

/**
 * The empty store, built once and shared (nodes are never written in place). Every bucket is
 * present as `null` rather than a hole, so the trie's arrays stay packed: V8 reads a hole through
 * the prototype chain, which made diffing a sparse vector several times slower.
 */
function noInferences(): PVec<InferenceBucket> {
  emptyInferences ??= vecOf<InferenceBucket>(new Array<null>(INFERENCE_BUCKETS).fill(null));
  return emptyInferences;
}

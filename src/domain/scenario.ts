/**
 * The typed form of a scenario file (scenario-format.md sections 1–5), as the loader produces it
 * and the engine consumes it. Every name here has already been checked against the declared
 * accounts and participants; every amount is an exact bigint within its bound.
 */

/** `DefaultMaxTokens`: the chain's max_tokens when a message gives 0, and the format's when run_inference gives none. */
export const DEFAULT_MAX_TOKENS = 5000n;

/**
 * `deferred` and `immediate` are the v1 rulesets (PR #1000 as settled in review, and the chain
 * just before it); the others replay a released or proposed chain version as it was coded,
 * known bugs included (see src/engine/rules/registry.ts and `epochsim rules`).
 */
export type RuleName = 'deferred' | 'immediate' | 'v0.2.11' | 'fees-kept' | 'fees-split' | 'pr-1000' | 'v0.2.12' | 'newest';
export const RULE_NAMES: readonly RuleName[] = ['deferred', 'immediate', 'v0.2.11', 'fees-kept', 'fees-split', 'pr-1000', 'v0.2.12', 'newest'];

/** 1-based line and column in the scenario file. */
export interface Loc {
  readonly line: number;
  readonly col: number;
}

export type SkippedPayout = 'refund' | 'governance';

/**
 * `decay_rate`: the governance params the chain accepts (`types/params.go` `validateDecayRate`,
 * which allows only the rates `GetExponent` has a factor for and refuses positive ones).
 */
export type DecayRate = '-0.000475' | '-0.000001' | '0';
export const DECAY_RATES: readonly DecayRate[] = ['-0.000475', '-0.000001', '0'];

export interface EscrowParams {
  readonly minAmount: bigint;
  readonly maxAmount: bigint;
  readonly maxPerEpoch: bigint;
  /** Empty: everyone may create escrows. */
  readonly allowedCreators: readonly string[];
}

export interface Params {
  readonly tokenPrice: bigint;
  readonly escrow: EscrowParams;
  /** A fixed reward pool per epoch; undefined means the chain's decaying formula. */
  readonly epochReward: bigint | undefined;
  readonly initialEpochReward: bigint;
  readonly genesisEpoch: bigint;
  /** `decay_rate`: the per-epoch decay of the formula's pool. */
  readonly decayRate: DecayRate;
  readonly standardRewardAmount: bigint;
  readonly skippedPayout: SkippedPayout;
  /**
   * `work_vesting_period` / `reward_vesting_period` (TokenomicsParams, in epochs): a claim's work
   * and reward coins go to the vesting module and unlock in that many equal parts, one at each
   * epoch end; 0 (the chain's default) pays them liquid.
   */
  readonly workVestingPeriod: bigint;
  readonly rewardVestingPeriod: bigint;
  /**
   * Power capping of the effective weights at the end of an epoch (`power_capping`): `chain`
   * caps, `off` does not; undefined means the ruleset's own choice (off under deferred and
   * immediate, which reproduce the v1 goldens).
   */
  readonly powerCapping: 'chain' | 'off' | undefined;
  /**
   * `downtime_test`, when `end_epoch` lists no `punish`: `chain` runs the chain's test (tables,
   * dynamic p0), `exact` an exact binomial test, `off` none; undefined means the ruleset's own
   * choice (chain under the chain versions, off under deferred and immediate).
   */
  readonly downtimeTest: 'chain' | 'exact' | 'off' | undefined;
  /**
   * `auto_status`: the chain's automatic participant status at every participant write (SPRTs of
   * invalidations and downtime, consecutive invalidations); undefined means the ruleset's own
   * choice (on under the chain versions, off under deferred and immediate).
   */
  readonly autoStatus: 'chain' | 'off' | undefined;
  /** `validation`: the params the automatic status reads. */
  readonly validation: ValidationParams;
  /** `binom_test_p0`, the governance p0 of the downtime test, as an exact fraction in (0, 0.5]. */
  readonly binomTestP0: Fraction;
}

/**
 * The validation params the chain's automatic participant status reads (`validation_params`:
 * false_positive_rate, quick_failure_threshold, bad_participant_invalidation_rate,
 * invalidation_h_threshold, downtime_bad_percentage, downtime_good_percentage,
 * downtime_h_threshold), as exact decimal texts.
 */
export interface ValidationParams {
  readonly falsePositiveRate: string;
  readonly quickFailureThreshold: string;
  readonly badParticipantInvalidationRate: string;
  readonly invalidationHThreshold: string;
  readonly downtimeBadPercentage: string;
  readonly downtimeGoodPercentage: string;
  readonly downtimeHThreshold: string;
}

/** The chain's genesis defaults (types/params.go DefaultValidationParams, the same at v0.2.11, v0.2.12, 8a35022b). */
export const DEFAULT_VALIDATION_PARAMS: ValidationParams = {
  falsePositiveRate: '0.05',
  quickFailureThreshold: '0.000001',
  badParticipantInvalidationRate: '0.2',
  invalidationHThreshold: '4',
  downtimeBadPercentage: '0.2',
  downtimeGoodPercentage: '0.1',
  downtimeHThreshold: '4',
};

/** An exact non-negative fraction (`binom_test_p0`). */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

/** The chain's defaults (format section 4). */
export const DEFAULT_PARAMS: Params = {
  tokenPrice: 1000n,
  escrow: {
    minAmount: 5_000_000_000n,
    maxAmount: 10_000_000_000n,
    maxPerEpoch: 100n,
    allowedCreators: [],
  },
  epochReward: undefined,
  initialEpochReward: 285_000_000_000_000n,
  genesisEpoch: 1n,
  decayRate: '-0.000475',
  standardRewardAmount: 600_000_000_000_000_000n,
  skippedPayout: 'refund',
  workVestingPeriod: 0n,
  rewardVestingPeriod: 0n,
  powerCapping: undefined,
  downtimeTest: undefined,
  autoStatus: undefined,
  validation: DEFAULT_VALIDATION_PARAMS,
  binomTestP0: { num: 1n, den: 10n },
};

export interface GenesisAccount {
  readonly name: string;
  readonly balance: bigint;
}

export interface GenesisParticipant {
  readonly name: string;
  readonly weight: bigint;
  readonly balance: bigint;
}

export interface HostStatInput {
  readonly slot: number;
  readonly cost: bigint;
  readonly missed: number;
  readonly invalid: number;
  readonly requiredValidations: number;
  readonly completedValidations: number;
}

export type ChainEvent =
  | {
      readonly type: 'start_epoch';
      /** Participant names to take part; undefined means every participant. */
      readonly active: readonly string[] | undefined;
      /** Weight overrides, in the order written; they last until changed. */
      readonly weights: readonly (readonly [string, bigint])[];
    }
  | {
      readonly type: 'run_inference';
      readonly requester: string;
      readonly executor: string;
      readonly promptTokens: bigint;
      readonly completionTokens: bigint;
      readonly maxTokens: bigint;
      /** undefined: params.token_price. */
      readonly price: bigint | undefined;
      /** undefined: `inf-<n>`, the next n after the last automatic id that no explicit id has taken. */
      readonly id: string | undefined;
      readonly outcome: 'finished' | 'expired';
    }
  | {
      readonly type: 'create_escrow';
      readonly creator: string;
      readonly amount: bigint;
      readonly slots: readonly string[];
      readonly id: bigint | undefined;
    }
  | {
      readonly type: 'settle_escrow';
      readonly escrow: bigint;
      /** undefined: the escrow's creator. */
      readonly settler: string | undefined;
      readonly fees: bigint;
      readonly nonce: bigint | undefined;
      readonly hosts: readonly HostStatInput[];
    }
  | { readonly type: 'exclude_participant'; readonly participant: string; readonly reason: 'invalid' | 'inactive' }
  | {
      readonly type: 'end_epoch';
      readonly punish: readonly string[];
      /** True when the scenario wrote `punish` (even empty): the downtime test then does not run. */
      readonly punishListed?: boolean;
    }
  | { readonly type: 'claim_reward'; readonly participant: string; readonly epoch: bigint }
  | { readonly type: 'transfer'; readonly from: string; readonly to: string; readonly amount: bigint }
  // The on-chain inference lifecycle: the chain's messages one by one (run_inference is both at once).
  | {
      readonly type: 'start_inference';
      readonly id: string;
      readonly requester: string;
      readonly executor: string;
      readonly promptTokens: bigint;
      /** The message's max_tokens; 0 means the chain's default, 5000. */
      readonly maxTokens: bigint;
      /** undefined: params.token_price. */
      readonly price: bigint | undefined;
    }
  | {
      readonly type: 'finish_inference';
      readonly id: string;
      readonly executor: string;
      /** 0: keep the prompt count of start_inference (the chain's rule). */
      readonly promptTokens: bigint;
      readonly completionTokens: bigint;
    }
  | { readonly type: 'validate_inference'; readonly id: string; readonly validator: string; readonly passed: boolean }
  | { readonly type: 'invalidate_inference'; readonly id: string }
  | { readonly type: 'expire_inference'; readonly id: string };

export type EventType = ChainEvent['type'];
export type EventOf<T extends EventType> = Extract<ChainEvent, { type: T }>;

export const EVENT_TYPES: readonly EventType[] = [
  'start_epoch',
  'run_inference',
  'create_escrow',
  'settle_escrow',
  'exclude_participant',
  'end_epoch',
  'claim_reward',
  'transfer',
  'start_inference',
  'finish_inference',
  'validate_inference',
  'invalidate_inference',
  'expire_inference',
];

/** What a `- expect:` checkpoint compares; only what is given is compared. */
export interface ParticipantExpect {
  readonly status?: 'ACTIVE' | 'INACTIVE' | 'INVALID';
  readonly weight?: bigint;
  readonly coin_balance?: bigint;
  readonly earned_coins?: bigint;
  readonly inference_count?: number;
  readonly missed_requests?: number;
  readonly invalidated_inferences?: number;
}

export interface SettleAmountExpect {
  readonly epoch?: number;
  readonly work_coins?: bigint;
  readonly reward_coins?: bigint;
}

export interface SummaryExpect {
  readonly earned_coins?: bigint;
  readonly rewarded_coins?: bigint;
  readonly inference_count?: number;
  readonly missed_requests?: number;
  readonly invalidated_inferences?: number;
  readonly claimed?: boolean;
}

export interface EscrowExpect {
  readonly creator?: string;
  readonly amount?: bigint;
  readonly epoch?: number;
  readonly slots?: readonly string[];
  readonly settled?: boolean;
}

export interface SupplyExpect {
  readonly genesis?: bigint;
  readonly minted?: bigint;
  readonly burned?: bigint;
  readonly total?: bigint;
}

/** Every map keeps the order written in the file; `null` means "must not exist". */
export interface Expectation {
  readonly epoch?: number;
  readonly ended?: readonly number[];
  readonly bank?: readonly (readonly [string, bigint])[];
  readonly participants?: readonly (readonly [string, ParticipantExpect])[];
  readonly settle_amounts?: readonly (readonly [string, SettleAmountExpect | null])[];
  readonly summaries?: readonly (readonly [number, readonly (readonly [string, SummaryExpect | null])[]])[];
  readonly escrows?: readonly (readonly [number, EscrowExpect | null])[];
  readonly supply?: SupplyExpect;
  readonly surplus?: bigint;
  readonly exclusions?: readonly (readonly [number, readonly string[]])[];
  /** By inference id; `null` means "no such inference". */
  readonly inferences?: readonly (readonly [string, InferenceExpect | null])[];
  /** Each participant's vesting schedule, the next unlock first (`[]`: nothing vesting). */
  readonly vesting?: readonly (readonly [string, readonly bigint[]])[];
}

/** An on-chain inference in a checkpoint (`expect: inferences: {id: {...}}`). */
export interface InferenceExpect {
  readonly status?: 'STARTED' | 'FINISHED' | 'VALIDATED' | 'INVALIDATED' | 'EXPIRED';
  readonly requester?: string;
  readonly executor?: string;
  readonly escrow?: bigint;
  readonly actual_cost?: bigint;
  readonly epoch?: number;
  readonly validated_by?: readonly string[];
}

export interface EventItem {
  readonly kind: 'event';
  /** 1-based position in `events`, checkpoints included. */
  readonly index: number;
  readonly loc: Loc;
  readonly event: ChainEvent;
  readonly expectError: string | undefined;
  readonly expectResult: string | undefined;
  readonly note: string | undefined;
}

export interface ExpectItem {
  readonly kind: 'expect';
  readonly index: number;
  readonly loc: Loc;
  readonly expect: Expectation;
  /** Location of each top-level field of the checkpoint, for failure messages. */
  readonly fieldLocs: Readonly<Record<string, Loc>>;
}

export type ScenarioItem = EventItem | ExpectItem;

export interface Scenario {
  readonly name: string;
  readonly description: string | undefined;
  /** undefined: the default ruleset (or the command line's). */
  readonly rules: RuleName | undefined;
  readonly params: Params;
  readonly accounts: readonly GenesisAccount[];
  readonly participants: readonly GenesisParticipant[];
  readonly items: readonly ScenarioItem[];
}

/**
 * Transaction errors as data. A message that fails does so with a stable code, the values that
 * explain it (typed per code), and the chain's wording of it: code and data are for programs and
 * explanations, the message for people and for `expect_error`. The event fails as a Cosmos
 * transaction would: the draft is discarded and the state stays exactly as it was.
 */

/** The per-epoch host statistics a settlement adds up (uint64 cost, uint32 counters). */
export type HostStatField = 'cost' | 'missed' | 'invalid' | 'required_validations' | 'completed_validations';

/** The data of each error code. Amounts are ngonka; names are accounts or participants. */
export interface TxErrorData {
  // ---- the bank
  /** "spendable balance %dngonka is smaller than %dngonka: insufficient funds" */
  INSUFFICIENT_FUNDS: { readonly account: string; readonly balance: bigint; readonly amount: bigint };
  /** "bank balance of %s would exceed max int64 (%d > %d)": a bound of this model (the chain's coins are big integers). */
  BALANCE_OVERFLOW: { readonly account: string; readonly balance: bigint };
  // ---- ledgers and counters
  /** "participant balance overflow for %s", "participant balance underflow for %s", "participant earned coins overflow for %s" */
  LEDGER_OVERFLOW: { readonly participant: string; readonly field: 'coin_balance' | 'earned_coins'; readonly direction: 'above' | 'below' };
  /** "%s overflow for %s" (a statistics counter past 2^53) */
  COUNTER_OVERFLOW: { readonly field: string; readonly owner: string };
  /** "participant status out of range: …" (an SPRT ratio past int64) */
  STATUS_OUT_OF_RANGE: { readonly detail: string };
  // ---- epochs and membership
  /** "participant is not active" */
  NOT_ACTIVE: { readonly participant: string; readonly epoch: number };
  /** "cannot start epoch %d: epoch %d has not ended" */
  EPOCH_NOT_ENDED: { readonly next: number; readonly current: number };
  /** "no epoch to end" */
  NO_EPOCH_TO_END: Record<string, never>;
  /** "epoch %d already ended" */
  EPOCH_ALREADY_ENDED: { readonly epoch: number };
  /** "participant %s is not in epoch %d" (end_epoch punish) */
  NOT_IN_EPOCH: { readonly participant: string; readonly epoch: number };
  /** "participant %s already excluded in epoch %d" */
  ALREADY_EXCLUDED: { readonly participant: string; readonly epoch: number };
  // ---- the account settlement
  /** "negative reward amount": the pool read as an int64 */
  NEGATIVE_REWARD_AMOUNT: { readonly pool: bigint };
  /** "forfeited work coin total exceeds int64" */
  FORFEIT_TOTAL_OVERFLOW: Record<string, never>;
  /** "downtime test of %s: …": the chain's Go code panics there, or the exact value is past what epochsim computes */
  DOWNTIME_TEST_FAILED: { readonly participant: string; readonly detail: string };
  // ---- escrows
  /** The creator is not on a non-empty allow-list. */
  CREATOR_NOT_ALLOWED: { readonly creator: string };
  /** "escrow amount %d out of range [%d, %d]" */
  ESCROW_AMOUNT_OUT_OF_RANGE: { readonly amount: bigint; readonly min: bigint; readonly max: bigint };
  /** "epoch %d already has %d escrows (max %d)" */
  TOO_MANY_ESCROWS: { readonly epoch: number; readonly count: number; readonly max: bigint };
  /** "no epoch has started" */
  NO_EPOCH_STARTED: Record<string, never>;
  /** "escrow has no slots" */
  NO_SLOTS: Record<string, never>;
  /** "slot host %s is not in the active set of epoch %d" */
  SLOT_HOST_NOT_ACTIVE: { readonly host: string; readonly epoch: number };
  /** "escrow id %d is not the next id %d" */
  WRONG_ESCROW_ID: { readonly given: bigint; readonly next: number };
  /** "escrow %d not found" */
  ESCROW_NOT_FOUND: { readonly escrow: bigint };
  /** "escrow %d already settled" */
  ESCROW_ALREADY_SETTLED: { readonly escrow: number };
  /** "settler %s is not the escrow creator %s" */
  NOT_ESCROW_CREATOR: { readonly settler: string; readonly creator: string };
  /** "duplicate host_stats slot_id %d" */
  DUPLICATE_SLOT: { readonly slot: number };
  /** "host_stats slot_id %d out of range", "slot %d out of range for slot count %d" */
  SLOT_OUT_OF_RANGE: { readonly slot: number; readonly slots: number };
  /** "nonce %d exceeds maximum %d" */
  NONCE_TOO_LARGE: { readonly nonce: bigint; readonly max: bigint };
  /** "slot %d missed count %d exceeds assigned per slot %d" */
  MISSED_EXCEEDS_ASSIGNED: { readonly slot: number; readonly missed: number; readonly assigned: bigint };
  /** "slot %d invalid count %d exceeds completed per slot %d" */
  INVALID_EXCEEDS_COMPLETED: { readonly slot: number; readonly invalid: number; readonly completed: bigint };
  /** "total cost overflow", "total cost plus fees overflow" */
  SUM_OVERFLOW: { readonly sum: 'cost' | 'cost_plus_fees' };
  /** "total debit %d (cost %d + fees %d) exceeds escrow amount %d" */
  DEBIT_EXCEEDS_ESCROW: { readonly debit: bigint; readonly cost: bigint; readonly fees: bigint; readonly amount: bigint };
  /** "total cost %d exceeds escrow amount %d" (v0.2.11, the cost sum wrapped at 2^64) */
  COST_EXCEEDS_ESCROW: { readonly cost: bigint; readonly amount: bigint; readonly wrapped: boolean };
  /** "devshard settlement only supports current or previous epoch: current epoch %d, escrow epoch %d" */
  SETTLE_WINDOW: { readonly escrow: number; readonly escrowEpoch: number; readonly current: number };
  /** "participant %s not found" (a slot address with no participant record, v0.2.12+) */
  PARTICIPANT_NOT_FOUND: { readonly participant: string };
  /** "failed to allocate all remainder fees, %d left" */
  FEE_REMAINDER_LEFT: { readonly left: bigint; readonly entries: number };
  /** "invalid cost amount: negative coin balance" (v0.2.11: a wrapped payout above MaxInt64) */
  PAYOUT_OUT_OF_RANGE: { readonly host: string; readonly amount: bigint; readonly costSum: bigint };
  /** "failed to aggregate host stats: …" */
  HOST_STATS_OVERFLOW: {
    readonly host: string;
    readonly field: HostStatField;
    /** The host's stat for the escrow's epoch before this entry (earlier settlements and earlier entries of this message). */
    readonly stored: bigint;
    /** What this entry adds. */
    readonly adding: bigint;
  };
  // ---- on-chain inferences
  /** "escrow amount out of range", "inference cost out of range" */
  AMOUNT_OUT_OF_RANGE: { readonly what: 'escrow amount' | 'inference cost'; readonly amount: bigint };
  /** "%s exceeds limit (%d > %d)" */
  TOKEN_LIMIT: { readonly field: 'max_tokens' | 'prompt_token_count' | 'completion_token_count'; readonly value: bigint; readonly limit: bigint };
  /** "requester cannot pay for inference" */
  REQUESTER_CANNOT_PAY: { readonly requester: string; readonly amount: bigint; readonly balance: bigint };
  /** "inference id %s already exists" */
  INFERENCE_ID_TAKEN: { readonly inference: string };
  /** "inference with id not found" */
  INFERENCE_NOT_FOUND: { readonly inference: string };
  /** "inference has already start processed", "… finished processed", "inference has already expired" */
  INFERENCE_ALREADY_PROCESSED: { readonly inference: string; readonly step: 'start' | 'finish' | 'expired' };
  /** "inference not finished" */
  INFERENCE_NOT_FINISHED: { readonly inference: string; readonly status: string; readonly started: boolean; readonly finished: boolean };
  /** "inference %s is %s: only a STARTED inference expires" */
  INFERENCE_NOT_STARTED: { readonly inference: string; readonly status: string };
  /** "executor mismatch: …" */
  EXECUTOR_MISMATCH: { readonly inference: string; readonly start: string; readonly finish: string; readonly by: 'start' | 'finish' };
  /** "price mismatch: start=%d finish=%d" */
  PRICE_MISMATCH: { readonly inference: string; readonly start: bigint; readonly finish: bigint };
  /** "participant cannot validate own inference" */
  OWN_INFERENCE: { readonly inference: string; readonly validator: string };
  /** "participant not found" (the validator was not a member of the inference's epoch) */
  VALIDATOR_NOT_IN_EPOCH: { readonly validator: string; readonly epoch: number };
  /** "duplicate validation" */
  DUPLICATE_VALIDATION: { readonly inference: string; readonly validator: string };
}

export type TxErrorCode = keyof TxErrorData;

/** Every code with its meaning in one line, for `epochsim` docs and explanations. */
export const TX_ERROR_CODES: Readonly<Record<TxErrorCode, string>> = {
  INSUFFICIENT_FUNDS: 'an account cannot pay a transfer',
  BALANCE_OVERFLOW: 'a bank balance would pass MaxInt64 (a bound of this model)',
  LEDGER_OVERFLOW: "a participant's coin_balance or earned_coins would leave its chain bound",
  COUNTER_OVERFLOW: 'a statistics counter would pass 2^53',
  STATUS_OUT_OF_RANGE: "a participant's status ratio would pass int64",
  NOT_ACTIVE: 'the participant is not in the active set the message needs',
  EPOCH_NOT_ENDED: 'start_epoch before the running epoch ended',
  NO_EPOCH_TO_END: 'end_epoch at genesis',
  EPOCH_ALREADY_ENDED: 'end_epoch twice',
  NOT_IN_EPOCH: 'end_epoch punishes a participant outside the epoch',
  ALREADY_EXCLUDED: 'exclude_participant twice in one epoch',
  NEGATIVE_REWARD_AMOUNT: 'the reward pool does not fit an int64',
  FORFEIT_TOTAL_OVERFLOW: 'the forfeited work coins do not fit an int64',
  DOWNTIME_TEST_FAILED: "the chain's downtime test cannot be computed (its Go code panics)",
  CREATOR_NOT_ALLOWED: 'the escrow creator is not on the allow-list',
  ESCROW_AMOUNT_OUT_OF_RANGE: 'the escrow amount is outside [min_amount, max_amount]',
  TOO_MANY_ESCROWS: 'the epoch has max_per_epoch escrows already',
  NO_EPOCH_STARTED: 'create_escrow at genesis',
  NO_SLOTS: 'an escrow without slots',
  SLOT_HOST_NOT_ACTIVE: 'a slot host outside the active set',
  WRONG_ESCROW_ID: "create_escrow's id is not the next one",
  ESCROW_NOT_FOUND: 'no such escrow (never created, or pruned)',
  ESCROW_ALREADY_SETTLED: 'settle_escrow twice',
  NOT_ESCROW_CREATOR: 'someone else than the creator settles',
  DUPLICATE_SLOT: 'two host entries for one slot',
  SLOT_OUT_OF_RANGE: 'a host entry for a slot the escrow does not have',
  NONCE_TOO_LARGE: 'the settlement nonce is above the maximum',
  MISSED_EXCEEDS_ASSIGNED: 'more misses than the nonce assigns the slot',
  INVALID_EXCEEDS_COMPLETED: 'more invalid inferences than the slot completed',
  SUM_OVERFLOW: 'the costs, or costs plus fees, pass uint64',
  DEBIT_EXCEEDS_ESCROW: 'costs plus fees exceed the escrow amount',
  COST_EXCEEDS_ESCROW: 'the (wrapped) cost sum exceeds the escrow amount (v0.2.11)',
  SETTLE_WINDOW: 'the escrow is neither of the effective epoch nor of the one before',
  PARTICIPANT_NOT_FOUND: 'a slot address has no participant record (v0.2.12+)',
  FEE_REMAINDER_LEFT: 'fewer host entries than the fee remainder',
  PAYOUT_OUT_OF_RANGE: 'a wrapped payout above MaxInt64 (v0.2.11)',
  HOST_STATS_OVERFLOW: 'the per-epoch host stats would overflow',
  AMOUNT_OUT_OF_RANGE: "an inference's escrow or cost passes MaxInt64",
  TOKEN_LIMIT: 'a token count above the chain limit',
  REQUESTER_CANNOT_PAY: "the requester cannot pay an inference's escrow",
  INFERENCE_ID_TAKEN: 'run_inference with an id already used',
  INFERENCE_NOT_FOUND: 'no inference with that id',
  INFERENCE_ALREADY_PROCESSED: 'start or finish twice, or finish after expiry',
  INFERENCE_NOT_FINISHED: 'validating or invalidating an inference that is not completed',
  INFERENCE_NOT_STARTED: 'expiring an inference that is not STARTED',
  EXECUTOR_MISMATCH: 'start and finish name different executors',
  PRICE_MISMATCH: 'start and finish lock different prices',
  OWN_INFERENCE: 'an executor validating its own inference',
  VALIDATOR_NOT_IN_EPOCH: "the validator was not in the inference's epoch",
  DUPLICATE_VALIDATION: 'a second validation by the same validator',
};

/**
 * A failed transaction: a stable code, its data, and the message in the chain's words. `wraps`
 * holds the chain's prefixes when a handler wrapped an inner failure ("failed to refund creator: …"):
 * the code and data stay the inner cause's.
 */
export class TxError<C extends TxErrorCode = TxErrorCode> extends Error {
  readonly code: C;
  readonly data: TxErrorData[C];
  readonly wraps: readonly string[];

  constructor(code: C, data: TxErrorData[C], message: string, wraps: readonly string[] = []) {
    // A failed transaction is an outcome, not a fault: no stack trace is captured (capturing
    // one cost several µs per failed event, and fuzz campaigns fail many).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'TxError';
    this.code = code;
    this.data = data;
    this.wraps = wraps;
  }

  /** The same failure wrapped as the chain wraps it: "`prefix`: message". */
  wrapped(prefix: string): TxError<C> {
    return new TxError(this.code, this.data, `${prefix}: ${this.message}`, [prefix, ...this.wraps]);
  }
}

/** Builds a TxError (a shorter spelling for the reducers). */
export function txError<C extends TxErrorCode>(code: C, data: TxErrorData[C], message: string): TxError<C> {
  return new TxError(code, data, message);
}

/**
 * A failure as data, for outcomes and JSON: a union over the codes, so a `switch (f.code)` gives
 * each case its own typed `data`.
 */
export type FailureData = {
  readonly [C in TxErrorCode]: {
    readonly code: C;
    readonly message: string;
    readonly data: TxErrorData[C];
    readonly wraps: readonly string[];
  };
}[TxErrorCode];

/** The failure a TxError carries, as data. */
export function failureOf(error: TxError): FailureData {
  return { code: error.code, message: error.message, data: error.data, wraps: error.wraps } as FailureData;
}

/**
 * The data a report page carries (one JSON document in a `<script type="application/json">`),
 * shared by the page's builder (data.ts) and the script that runs in the browser (client/).
 * Types only: the browser script imports nothing at run time.
 *
 * It is compact because a page holds every step of a replay: the state at genesis in full, then
 * for each step only what it changed (new bank balances, changed ledger fields, escrows, the
 * holdings buckets' deltas), as flat arrays with names replaced by their indexes. Amounts are
 * ngonka: a JSON number when it is a safe integer, else a decimal string (int64 and uint64
 * values pass 2^53). The browser folds the steps over genesis to show the state after any step.
 */

/** An amount in ngonka: a number when exact as one, else its decimal digits. */
export type Amount = number | string;

/** A participant's fields in `run --json`'s order of meaning (see ParticipantField). */
export type ParticipantRow = [
  status: string,
  weight: Amount,
  coinBalance: Amount,
  earnedCoins: Amount,
  inferenceCount: number,
  invalidatedInferences: number,
  missedRequests: number,
  settle: SettleData | null,
  vesting: Amount[],
];

/** An index into ParticipantRow: 0 status, 1 weight, 2 coin_balance, … 7 settle, 8 vesting. */
export type ParticipantField = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** A settle amount: its epoch, work coins and reward coins. */
export type SettleData = [epoch: number, work: Amount, reward: Amount];

/**
 * An escrow: creator (account index), amount, epoch, settled (0/1), slots (participant indexes; a
 * slot that names no participant, which the chain versions allow, as its name).
 */
export type EscrowData = [creator: number, amount: Amount, epoch: number, settled: 0 | 1, slots: (number | string)[]];

export interface StateData {
  /** Bank balance by account index. */
  readonly bank: Amount[];
  /** By participant index. */
  readonly participants: ParticipantRow[];
  /** [effective epoch, 1 when it has ended]. */
  readonly epoch: [number, 0 | 1];
  /**
   * By account index: its escrowed coins (unsettled devshard escrows it created, inference
   * escrows it holds). The other holdings buckets come from the state: liquid is the bank
   * balance, owed the coin_balance, claimable the settle amount, vesting the schedule's sum.
   */
  readonly escrowed: Amount[];
}

/** What one step changed (absent keys: nothing of that kind). */
export interface Delta {
  /** Bank: account index, new balance, … */
  readonly b?: (number | string)[];
  /** Participants: participant index, field (ParticipantField), new value, … */
  readonly p?: (number | string | SettleData | Amount[] | null)[];
  /** Escrows: [id, the escrow after the step, or null when it is gone (pruned)]. */
  readonly e?: [number, EscrowData | null][];
  /** Escrowed coins: account index, signed delta, … */
  readonly h?: (number | string)[];
  /** The epoch after the step, when it changed. */
  readonly ep?: [number, 0 | 1];
  /** Coins minted by the step. */
  readonly m?: Amount;
}

/**
 * A step's status: 0 the event succeeded as expected; 1 it failed, as the scenario expects
 * (expect_error); 2 it is not as the scenario expects (the run fails); 3 a checkpoint that
 * holds; 4 a checkpoint that fails.
 */
export type Status = 0 | 1 | 2 | 3 | 4;

export interface StepDetail {
  /** The error message, and its code. */
  readonly error?: string;
  readonly code?: string;
  readonly result?: string;
  /** Why the step makes the run fail. */
  readonly problem?: string;
  readonly note?: string;
  /** A failed checkpoint's fields: [field, expected, actual]. */
  readonly failures?: [string, string, string][];
  /** Invariants violated after the step: [invariant, message]. */
  readonly violations?: [string, string][];
  /** Known divergences recorded by the step: [amount, message, source]. */
  readonly divergences?: [Amount, string, string][];
}

export interface RunData {
  readonly rules: string;
  /** `OK: …` or `FAILED: …`, as `run` ends. */
  readonly verdict: string;
  readonly ok: boolean;
  readonly genesis: StateData;
  /** By position (item index − 1): a Status. */
  readonly status: Status[];
  /** By position, where there is anything to say. */
  readonly detail: Record<number, StepDetail>;
  /** By position: what the step changed, or 0 for nothing. */
  readonly deltas: (Delta | 0)[];
  /** `explain`'s block of the step (plain text, 80 columns), by position, where the page has it. */
  readonly explain: Record<number, string>;
}

export interface DivergenceData {
  /** Position, item index and line of the first step after which the rulesets differ. */
  readonly position: number;
  readonly step: number;
  readonly line: number;
  /** The fields that differ after it (checkpoint paths), and whether its outcome differs. */
  readonly fields: string[];
  readonly outcome: boolean;
}

export interface PageData {
  readonly version: 1;
  /** The scenario's file name as given (stdin: `<stdin>`). */
  readonly file: string;
  readonly accounts: string[];
  /** Account indexes of the module accounts, whose balances back the others' buckets (not holdings rows). */
  readonly modules: number[];
  readonly participants: string[];
  /** By participant index: its account index. */
  readonly participantAccount: number[];
  /** By position: the item's line, and its event type as an index into `events` (`expect` included). */
  readonly lines: number[];
  readonly kinds: number[];
  readonly events: string[];
  readonly runs: RunData[];
  /** Several rulesets: the first step after which they differ (null: none). */
  readonly divergence: DivergenceData | null;
  /** How many steps from the first have their explanation in the page. */
  readonly explained: number;
  /** The command that explains a step, without the step number (for steps past `explained`). */
  readonly explainCommand: string;
}

/**
 * What a reducer may use besides its draft: the static world, the ruleset, and its outputs —
 * the bank movements it made (effects as data, recorded by the runner), the decisions it took,
 * and a result text for messages that succeed with a result, as `claim_reward` does on chain.
 */
import type { Params } from '../domain/scenario.js';
import type { Effect } from './effects.js';
import type { Ruleset } from './rules.js';
import type { World } from './state.js';
import type { Decision } from './trace.js';

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
  result: string | undefined;
}

/**
 * What a reducer may use besides its draft: the static world, the ruleset, and two outputs —
 * the bank movements it made (effects as data, recorded by the runner) and a result text for
 * messages that succeed with a result, as `claim_reward` does on chain.
 */
import type { Params } from '../domain/scenario.js';
import type { Ruleset } from './rules.js';
import type { World } from './state.js';

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
  result: string | undefined;
}

/**
 * The epoch reward pool (`bitcoin_rewards.go`): F = floor(initial × 0.9995251127946402^k) with
 * k = N − genesis_epoch, computed exactly with bigints (the chain's decay factor is a fixed
 * 16-digit constant, so F = floor(initial × 9995251127946402^k / 10^(16k))), then held under the
 * lifetime subsidy cap.
 */
import type { Params } from '../domain/scenario.js';

const DECAY_NUMERATOR = 9_995_251_127_946_402n;
const DECAY_DIGITS = 16n;

/** The uncapped pool of epoch `epoch`. Before `genesis_epoch` there is no decay (k = 0). */
export function decayedEpochReward(initial: bigint, genesisEpoch: bigint, epoch: bigint): bigint {
  const k = epoch > genesisEpoch ? epoch - genesisEpoch : 0n;
  if (k === 0n) return initial;
  return (initial * DECAY_NUMERATOR ** k) / 10n ** (DECAY_DIGITS * k);
}

/**
 * The pool minted when epoch `epoch` is settled: `params.epoch_reward` if set, else the decayed
 * formula, never more than what is left under `standard_reward_amount` after `mintedSoFar`.
 */
export function epochRewardPool(params: Params, epoch: number, mintedSoFar: bigint): RewardPool {
  const uncapped = params.epochReward ?? decayedEpochReward(params.initialEpochReward, params.genesisEpoch, BigInt(epoch));
  const left = params.standardRewardAmount > mintedSoFar ? params.standardRewardAmount - mintedSoFar : 0n;
  return {
    pool: uncapped < left ? uncapped : left,
    uncapped,
    source: params.epochReward === undefined ? 'formula' : 'param',
  };
}

export interface RewardPool {
  /** What is minted: the uncapped pool held under the lifetime cap. */
  readonly pool: bigint;
  readonly uncapped: bigint;
  readonly source: 'param' | 'formula';
}

/**
 * The epoch reward pool, as `keeper/bitcoin_rewards.go` computes it (`CalculateFixedEpochReward`
 * and its caller `CalculateParticipantBitcoinRewards`; the same at v0.2.11 bd1fd508, v0.2.12
 * d8b8e907 and 8a35022b), then held under the lifetime subsidy cap.
 *
 * The decay rate is a governance param (`BitcoinRewardParams.decay_rate`). `types/params.go`
 * `GetExponent` maps each rate it knows to a fixed per-epoch factor e^rate written with 13 or 16
 * decimals, and the pool is `initial × factor^n` truncated — exact, since shopspring's integer
 * power multiplies without rounding: F = floor(initial × num^n / 10^(digits × n)).
 */
import type { DecayRate, Params } from '../../domain/scenario.js';

/** `GetExponent`'s table, for the rates `validateDecayRate` accepts (+0.0001 is refused as positive). */
const DECAY_FACTORS: Readonly<Record<DecayRate, { readonly num: bigint; readonly digits: bigint }>> = {
  '-0.000475': { num: 9_995_251_127_946_402n, digits: 16n },
  '-0.000001': { num: 9_999_990_000_005n, digits: 13n },
  '0': { num: 1n, digits: 0n },
};

/** `math.MaxInt32`: the chain refuses to raise the factor to a power at or above it. */
const MAX_EXPONENT = 2_147_483_647n;
const TWO_64 = 1n << 64n;

/**
 * Epochs since genesis as the caller computes them: `currentEpoch - GenesisEpoch` in uint64, so
 * an epoch before genesis wraps to 2^64 − (genesis − epoch).
 */
export function epochsSinceGenesis(epoch: bigint, genesisEpoch: bigint): bigint {
  return (((epoch - genesisEpoch) % TWO_64) + TWO_64) % TWO_64;
}

export interface FixedReward {
  readonly amount: bigint;
  /** The chain's error (logged; the caller then uses 0), e.g. "exponent overflow: 18446744073709551615". */
  readonly error?: string;
}

/**
 * `CalculateFixedEpochReward(n, initial, decayRate)`, checks in the Go order: an initial reward of
 * 0 gives 0; n = 0 gives the initial reward; n ≥ MaxInt32 is "exponent overflow: n" (the caller
 * uses 0); otherwise the truncated decayed value.
 */
export function fixedEpochReward(n: bigint, initial: bigint, decayRate: DecayRate): FixedReward {
  if (initial === 0n) return { amount: 0n };
  if (n === 0n) return { amount: initial };
  if (n >= MAX_EXPONENT) return { amount: 0n, error: `exponent overflow: ${n}` };
  const { num, digits } = DECAY_FACTORS[decayRate];
  if (digits === 0n) return { amount: initial };
  return { amount: (initial * num ** n) / 10n ** (digits * n) };
}

/** The decayed pool of `epoch` (before the cap), 0 where the chain's formula errs. */
export function decayedEpochReward(initial: bigint, genesisEpoch: bigint, epoch: bigint, decayRate: DecayRate = '-0.000475'): bigint {
  return fixedEpochReward(epochsSinceGenesis(epoch, genesisEpoch), initial, decayRate).amount;
}

/**
 * The pool minted when epoch `epoch` is settled: `params.epoch_reward` if set (an epochsim
 * shortcut, not a chain param), else the chain's formula, never more than what is left under
 * `standard_reward_amount` after `mintedSoFar`.
 */
export function epochRewardPool(params: Params, epoch: number, mintedSoFar: bigint): RewardPool {
  let uncapped: bigint;
  let error: string | undefined;
  if (params.epochReward !== undefined) uncapped = params.epochReward;
  else {
    const fixed = fixedEpochReward(epochsSinceGenesis(BigInt(epoch), params.genesisEpoch), params.initialEpochReward, params.decayRate);
    uncapped = fixed.amount;
    error = fixed.error;
  }
  const left = params.standardRewardAmount > mintedSoFar ? params.standardRewardAmount - mintedSoFar : 0n;
  return {
    pool: uncapped < left ? uncapped : left,
    uncapped,
    source: params.epochReward === undefined ? 'formula' : 'param',
    ...(error === undefined ? {} : { error }),
  };
}

export interface RewardPool {
  /** What is minted: the uncapped pool held under the lifetime cap. */
  readonly pool: bigint;
  readonly uncapped: bigint;
  readonly source: 'param' | 'formula';
  /** The formula's error, when it gave none (before genesis_epoch, or too many epochs after it): the pool is 0. */
  readonly error?: string;
}

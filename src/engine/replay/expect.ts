/**
 * `- expect:` checkpoints: compare only what the checkpoint names with the state at that point.
 */
import { formatGonka } from '../../domain/money.js';
import type { Expectation } from '../../domain/scenario.js';
import { inferenceOf } from '../storage/inferences.js';
import { supplyOf } from './invariants.js';
import { balanceOf, endedEpochs, escrowOf, exclusionsOf, participantOf, summaryOf } from '../storage/queries.js';
import type { ChainState, ParticipantState, Summary, World } from '../storage/state.js';

export interface CheckFailure {
  /** A path such as `bank.h1` or `summaries.1.h1.claimed`. */
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

const amount = (n: bigint): string => `${n} (${formatGonka(n)} gonka)`;
type Shown = bigint | number | boolean | string | null | undefined | readonly unknown[];
const show = (v: Shown): string => {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'bigint') return amount(v);
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return String(v);
};

function same(a: Shown, b: Shown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** Compares each named field; returns the failures in the order the checkpoint names them. */
export function compareExpectation(
  expect: Expectation,
  state: ChainState,
  world: World,
  surplus: bigint,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const check = (field: string, expected: Shown, actual: Shown): void => {
    if (expected === undefined) return;
    if (!same(expected, actual)) failures.push({ field, expected: show(expected), actual: show(actual) });
  };
  const fields = <T extends object>(prefix: string, expected: T, actual: Partial<Record<keyof T, Shown>>): void => {
    for (const key of Object.keys(expected) as (keyof T & string)[]) {
      check(`${prefix}.${key}`, expected[key] as Shown, actual[key]);
    }
  };

  check('epoch', expect.epoch, state.effectiveEpoch);
  check('ended', expect.ended, endedEpochs(state));
  for (const [name, value] of expect.bank ?? []) check(`bank.${name}`, value, balanceOf(state, world, name));
  for (const [name, value] of expect.participants ?? []) {
    const p = participantOf(state, world, name) as ParticipantState;
    fields(`participants.${name}`, value, {
      status: p.status,
      weight: p.weight,
      coin_balance: p.coinBalance,
      earned_coins: p.earnedCoins,
      inference_count: p.inferenceCount,
      missed_requests: p.missedRequests,
      invalidated_inferences: p.invalidatedInferences,
    });
  }
  for (const [name, value] of expect.settle_amounts ?? []) {
    const settle = participantOf(state, world, name)?.settle ?? null;
    if (value === null || settle === null) {
      if (value !== settle) {
        failures.push({
          field: `settle_amounts.${name}`,
          expected: value === null ? 'none' : 'a settle amount',
          actual: settle === null ? 'none' : `epoch ${settle.epoch}, work ${amount(settle.workCoins)}, reward ${amount(settle.rewardCoins)}`,
        });
      }
      continue;
    }
    fields(`settle_amounts.${name}`, value, {
      epoch: settle.epoch,
      work_coins: settle.workCoins,
      reward_coins: settle.rewardCoins,
    });
  }
  for (const [name, value] of expect.vesting ?? []) check(`vesting.${name}`, value, participantOf(state, world, name)?.vesting ?? []);
  for (const [epoch, byName] of expect.summaries ?? []) {
    for (const [name, value] of byName) {
      const summary: Summary | undefined = summaryOf(state, epoch, world.participantIndex.get(name) as number);
      if (value === null || summary === undefined) {
        if (value !== null || summary !== undefined) {
          failures.push({
            field: `summaries.${epoch}.${name}`,
            expected: value === null ? 'none' : 'a summary',
            actual: summary === undefined ? 'none' : 'a summary',
          });
        }
        continue;
      }
      fields(`summaries.${epoch}.${name}`, value, {
        earned_coins: summary.earnedCoins,
        rewarded_coins: summary.rewardedCoins,
        inference_count: summary.inferenceCount,
        missed_requests: summary.missedRequests,
        invalidated_inferences: summary.invalidatedInferences,
        claimed: summary.claimed,
      });
    }
  }
  for (const [id, value] of expect.escrows ?? []) {
    const escrow = escrowOf(state, id);
    if (value === null || escrow === undefined) {
      if (value !== null || escrow !== undefined) {
        failures.push({
          field: `escrows.${id}`,
          expected: value === null ? 'none' : 'an escrow',
          actual: escrow === undefined ? 'none' : 'an escrow',
        });
      }
      continue;
    }
    fields(`escrows.${id}`, value, {
      creator: escrow.creator,
      amount: escrow.amount,
      epoch: escrow.epoch,
      slots: escrow.slots,
      settled: escrow.settled,
    });
  }
  if (expect.supply) {
    fields('supply', expect.supply, {
      genesis: state.genesisSupply,
      minted: state.minted,
      burned: state.burned,
      total: supplyOf(state),
    });
  }
  check('surplus', expect.surplus, surplus);
  for (const [epoch, names] of expect.exclusions ?? []) {
    check(`exclusions.${epoch}`, names, exclusionsOf(state, epoch));
  }
  for (const [id, value] of expect.inferences ?? []) {
    const inference = inferenceOf(state, id);
    if (value === null || inference === undefined) {
      if (value !== null || inference !== undefined) {
        failures.push({
          field: `inferences.${id}`,
          expected: value === null ? 'none' : 'an inference',
          actual: inference === undefined ? 'none' : `an inference (${inference.status})`,
        });
      }
      continue;
    }
    fields(`inferences.${id}`, value, {
      status: inference.status,
      requester: inference.requester,
      executor: inference.executor,
      escrow: inference.escrow,
      actual_cost: inference.actualCost,
      epoch: inference.epoch,
      validated_by: inference.validatedBy,
    });
  }
  return failures;
}

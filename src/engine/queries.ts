/**
 * Read-only selectors over a state (or a draft: immer hands the vectors out unproxied). Shared by
 * the reducers, the invariants, checkpoints, the JSON output and the report.
 */
import type { Draft } from 'immer';
import { vecGet } from './pvec.js';
import {
  vecOfState,
  type ActiveSet,
  type ChainState,
  type Escrow,
  type HostEpochStats,
  type ParticipantState,
  type Summary,
  type World,
} from './state.js';

type AnyState = ChainState | Draft<ChainState>;

function accountIndex(world: World, account: string): number {
  const index = world.accountIndex.get(account);
  if (index === undefined) throw new Error(`internal: unknown account ${account}`);
  return index;
}

export function balanceOf(state: AnyState, world: World, account: string): bigint {
  return vecGet(vecOfState(state, 'balances'), accountIndex(world, account)) ?? 0n;
}

export function participantAt(state: AnyState, index: number): ParticipantState {
  const p = vecGet(vecOfState(state, 'participants'), index);
  if (!p) throw new Error(`internal: no participant at index ${index}`);
  return p;
}

export function participantOf(state: AnyState, world: World, name: string): ParticipantState | undefined {
  const index = world.participantIndex.get(name);
  return index === undefined ? undefined : vecGet(vecOfState(state, 'participants'), index);
}

export function activeSetOf(state: AnyState, epoch: number): ActiveSet | undefined {
  return epoch < 0 ? undefined : vecGet(vecOfState(state, 'activeSets'), epoch);
}

/** True when `name` is a participant in the active set of `epoch`. */
export function isActiveIn(state: AnyState, world: World, epoch: number, name: string): boolean {
  const index = world.participantIndex.get(name);
  return index !== undefined && activeSetOf(state, epoch)?.isMember[index] === true;
}

export function summaryOf(state: AnyState, epoch: number, index: number): Summary | undefined {
  const byParticipant = vecGet(vecOfState(state, 'summaries'), epoch);
  return byParticipant && vecGet(byParticipant, index);
}

export function hostStatsOf(state: AnyState, epoch: number, index: number): HostEpochStats | undefined {
  const byParticipant = vecGet(vecOfState(state, 'hostStats'), epoch);
  return byParticipant && vecGet(byParticipant, index);
}

export function escrowOf(state: AnyState, id: number): Escrow | undefined {
  return id >= 1 ? vecGet(vecOfState(state, 'escrows'), id - 1) : undefined;
}

export function escrowsCreatedIn(state: AnyState, epoch: number): number {
  return vecGet(vecOfState(state, 'escrowsPerEpoch'), epoch) ?? 0;
}

export function exclusionsOf(state: AnyState, epoch: number): readonly string[] {
  return vecGet(vecOfState(state, 'exclusions'), epoch) ?? [];
}

/** Every epoch before the effective one has ended (start_epoch requires it), plus the effective one once ended. */
export function endedEpochs(state: AnyState): number[] {
  const last = state.epochEnded ? state.effectiveEpoch : state.effectiveEpoch - 1;
  return Array.from({ length: Math.max(0, last) }, (_, i) => i + 1);
}

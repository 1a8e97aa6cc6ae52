/**
 * Read-only selectors over a state (or a draft: immer hands the vectors out unproxied). Shared by
 * the reducers, the invariants, checkpoints, the JSON output and the report.
 */
import { vecForEach, vecGet } from './pvec.js';
import {
  type ActiveSet,
  type ChainState,
  type Escrow,
  type HostEpochStats,
  type ParticipantState,
  type Summary,
  type World,
} from './state.js';

/** A committed state or a draft: a draft's writable root reads as a ChainState. */
type AnyState = ChainState;

function accountIndex(world: World, account: string): number {
  const index = world.accountIndex.get(account);
  if (index === undefined) throw new Error(`internal: unknown account ${account}`);
  return index;
}

export function balanceOf(state: AnyState, world: World, account: string): bigint {
  return vecGet(state.balances, accountIndex(world, account)) ?? 0n;
}

export function participantAt(state: AnyState, index: number): ParticipantState {
  const p = vecGet(state.participants, index);
  if (!p) throw new Error(`internal: no participant at index ${index}`);
  return p;
}

export function participantOf(state: AnyState, world: World, name: string): ParticipantState | undefined {
  const index = world.participantIndex.get(name);
  return index === undefined ? undefined : vecGet(state.participants, index);
}

export function activeSetOf(state: AnyState, epoch: number): ActiveSet | undefined {
  return epoch < 0 ? undefined : vecGet(state.activeSets, epoch);
}

/** True when `name` is a participant in the active set of `epoch`. */
export function isActiveIn(state: AnyState, world: World, epoch: number, name: string): boolean {
  return activeIndexOf(state, world, epoch, name) >= 0;
}

/** The participant index of `name` when it is in the active set of `epoch`, else −1 (one name lookup for the check and the index). */
export function activeIndexOf(state: AnyState, world: World, epoch: number, name: string): number {
  return activeIndexIn(activeSetOf(state, epoch), world, name);
}

/** `activeIndexOf` in a set already looked up (a caller checking several names against one epoch). */
export function activeIndexIn(set: ActiveSet | undefined, world: World, name: string): number {
  const index = world.participantIndex.get(name);
  return index !== undefined && set?.isMember[index] === true ? index : -1;
}

export function summaryOf(state: AnyState, epoch: number, index: number): Summary | undefined {
  const byParticipant = vecGet(state.summaries, epoch);
  return byParticipant && vecGet(byParticipant, index);
}

export function hostStatsOf(state: AnyState, epoch: number, index: number): HostEpochStats | undefined {
  const byParticipant = vecGet(state.hostStats, epoch);
  return byParticipant && vecGet(byParticipant, index);
}

export function escrowOf(state: AnyState, id: number): Escrow | undefined {
  return id >= 1 ? vecGet(state.escrows, id - 1) : undefined;
}

export function escrowsCreatedIn(state: AnyState, epoch: number): number {
  return vecGet(state.escrowsPerEpoch, epoch) ?? 0;
}

export function exclusionsOf(state: AnyState, epoch: number): readonly string[] {
  return vecGet(state.exclusions, epoch) ?? [];
}

/** Every epoch before the effective one has ended (start_epoch requires it), plus the effective one once ended. */
export function endedEpochs(state: AnyState): number[] {
  const last = state.epochEnded ? state.effectiveEpoch : state.effectiveEpoch - 1;
  return Array.from({ length: Math.max(0, last) }, (_, i) => i + 1);
}

/** Where one account's coins are: the four buckets of `explain` and `compare`. */
export interface Holdings {
  /** Bank balance. */
  readonly liquid: bigint;
  /** coin_balance: work coins of the running epoch, owed by the inference module. */
  readonly owed: bigint;
  /** The settle amount (work + reward), waiting for a claim. */
  readonly claimable: bigint;
  /** Unsettled devshard escrows this account created, and on-chain inference escrows it has locked (STARTED). */
  readonly escrowed: bigint;
  /** Claimed coins in the vesting module, not yet unlocked (only with a vesting period). */
  readonly vesting: bigint;
  /** The sum of the five. */
  readonly total: bigint;
}

/** The holdings of every account and participant, in the world's account order. */
export function holdingsOf(state: AnyState, world: World): Map<string, Holdings> {
  const escrowed = new Map<string, bigint>();
  vecForEach(state.escrows, (e) => {
    if (!e.settled) escrowed.set(e.creator, (escrowed.get(e.creator) ?? 0n) + e.amount);
  });
  vecForEach(state.inferences, (bucket) => {
    for (const r of bucket) {
      if (r.status === 'STARTED' && r.requester !== undefined) escrowed.set(r.requester, (escrowed.get(r.requester) ?? 0n) + r.escrow);
    }
  });
  const out = new Map<string, Holdings>();
  for (const name of world.accounts) {
    const p = participantOf(state, world, name);
    const liquid = balanceOf(state, world, name);
    const owed = p?.coinBalance ?? 0n;
    const claimable = p?.settle ? p.settle.workCoins + p.settle.rewardCoins : 0n;
    const locked = escrowed.get(name) ?? 0n;
    let vesting = 0n;
    for (const amount of p?.vesting ?? []) vesting += amount;
    out.set(name, { liquid, owed, claimable, escrowed: locked, vesting, total: liquid + owed + claimable + locked + vesting });
  }
  return out;
}

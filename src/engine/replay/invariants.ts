/**
 * Invariants (format section 6), checked after every event in time proportional to what the
 * event changed: the transaction reports which indexes of which tries the event wrote (every
 * write, whether or not a transfer recorded it), and the step reads just those in the states
 * before and after; a trie it cannot account for (one rebuilt whole) is diffed by walking the
 * nodes the two versions do not share. A full recount at the end of a replay cross-checks the
 * running totals.
 */
import { MAX_INT64 } from '../../domain/money.js';
import { heldInBucket } from '../storage/inferences.js';
import { vecDiff, vecForEach, vecGet, type PVec } from '../storage/pvec.js';
import type { ChainState, Escrow, InferenceBucket, ParticipantState, World } from '../storage/state.js';
import type { Written } from '../storage/tx.js';

/** The quantities the invariants compare, kept as running totals. */
export interface Totals {
  /** Σ every bank balance. */
  readonly held: bigint;
  /** bank(inference). */
  readonly module: bigint;
  /** Σ unsettled devshard escrow amounts. */
  readonly escrows: bigint;
  /** Σ participants' coin_balance (owed work coins). */
  readonly owed: bigint;
  /** Σ settle amounts (work + reward). */
  readonly claimable: bigint;
  /** Σ on-chain inference escrows held: inferences STARTED and not yet finished or expired. */
  readonly inferenceEscrows: bigint;
  /** bank(streamvesting), 0 without vesting. */
  readonly vestingModule: bigint;
  /** Σ participants' vesting schedules. */
  readonly vesting: bigint;
}

export type InvariantName = 'supply' | 'bounds' | 'surplus' | 'vesting';

export interface Breach {
  readonly invariant: InvariantName;
  readonly message: string;
  readonly expected: bigint;
  readonly actual: bigint;
}

/** Obligations of the inference module (format section 6). */
export const obligations = (t: Totals): bigint => t.escrows + t.inferenceEscrows + t.owed + t.claimable;
export const surplusOf = (t: Totals): bigint => t.module - obligations(t);
export const supplyOf = (s: ChainState): bigint => s.genesisSupply + s.minted - s.burned;

const settleTotal = (p: ParticipantState | undefined): bigint =>
  p?.settle ? p.settle.workCoins + p.settle.rewardCoins : 0n;
const unsettled = (e: Escrow | undefined): bigint => (e && !e.settled ? e.amount : 0n);
const scheduled = (p: ParticipantState | undefined): bigint => {
  let sum = 0n;
  for (const amount of p?.vesting ?? []) sum += amount;
  return sum;
};

/** Counts everything from scratch: O(accounts + participants + escrows). */
export function recount(state: ChainState, world: World): Totals {
  let held = 0n;
  let module = 0n;
  let vestingModule = 0n;
  const vestingIndex = world.vestingIndex;
  vecForEach(state.balances, (b, i) => {
    held += b;
    if (i === 0) module = b;
    if (i === vestingIndex) vestingModule = b;
  });
  let owed = 0n;
  let claimable = 0n;
  let vesting = 0n;
  vecForEach(state.participants, (p) => {
    owed += p.coinBalance;
    claimable += settleTotal(p);
    if (p.vesting.length > 0) vesting += scheduled(p);
  });
  let escrows = 0n;
  vecForEach(state.escrows, (e) => {
    escrows += unsettled(e);
  });
  let inferenceEscrows = 0n;
  vecForEach(state.inferences, (bucket) => {
    inferenceEscrows += heldInBucket(bucket);
  });
  return { held, module, escrows, owed, claimable, inferenceEscrows, vestingModule, vesting };
}

/**
 * The surplus the run expects before and after an event: 0 under the v1 rulesets; under a chain
 * version, the sum of the known divergences reported so far (value the version really leaves
 * in the module with no owner).
 */
export interface KnownSurplus {
  readonly before: bigint;
  readonly after: bigint;
}

const NO_KNOWN_SURPLUS: KnownSurplus = { before: 0n, after: 0n };

/** The running totals while an event's changes are added up, and what they broke. */
interface Tally {
  held: bigint;
  module: bigint;
  owed: bigint;
  claimable: bigint;
  escrows: bigint;
  inferenceEscrows: bigint;
  vestingModule: bigint;
  vesting: bigint;
  /** NO_BREACHES until the first one (most events break nothing, so no list is made for them). */
  breaches: Breach[];
  readonly world: World;
}

const NO_BREACHES: Breach[] = [];
Object.freeze(NO_BREACHES);

function breach(t: { breaches: Breach[] }, b: Breach): void {
  if (t.breaches === NO_BREACHES) t.breaches = [];
  t.breaches.push(b);
}

type Visit<T> = (t: Tally, index: number, before: T | undefined, after: T | undefined) => void;

/** Visits each changed element: from the written indexes when known, else by walking the tries. */
function forChanges<T>(before: PVec<T>, after: PVec<T>, written: readonly number[] | null | undefined, t: Tally, visit: Visit<T>): void {
  if (before === after) return;
  if (written) {
    for (let i = 0; i < written.length; i++) {
      const index = written[i] as number;
      const was = vecGet(before, index);
      const is = vecGet(after, index);
      if (was !== is) visit(t, index, was, is);
    }
    return;
  }
  vecDiff(before, after, (index, was, is) => visit(t, index, was, is));
}

function balanceChanged(t: Tally, index: number, b: bigint | undefined, a: bigint | undefined): void {
  const next = a ?? 0n;
  t.held += next - (b ?? 0n);
  if (index === 0) t.module = next;
  else if (index === t.world.vestingIndex) t.vestingModule = next;
  if (next < 0n || next > MAX_INT64) {
    breach(t, {
      invariant: 'bounds',
      message: `bank balance of ${t.world.accounts[index]} is ${next}, outside [0, ${MAX_INT64}]`,
      expected: next < 0n ? 0n : MAX_INT64,
      actual: next,
    });
  }
}

function participantChanged(t: Tally, _index: number, b: ParticipantState | undefined, a: ParticipantState | undefined): void {
  // Only what differs is added up (each bigint sum allocates).
  const owedBefore = b?.coinBalance ?? 0n;
  const owedAfter = a?.coinBalance ?? 0n;
  if (owedAfter !== owedBefore) t.owed += owedAfter - owedBefore;
  if (a?.settle !== b?.settle) t.claimable += settleTotal(a) - settleTotal(b);
  if (a?.vesting !== b?.vesting) t.vesting += scheduled(a) - scheduled(b);
}

function escrowChanged(t: Tally, _index: number, b: Escrow | undefined, a: Escrow | undefined): void {
  t.escrows += unsettled(a) - unsettled(b);
}

function inferencesChanged(t: Tally, _index: number, b: InferenceBucket | undefined, a: InferenceBucket | undefined): void {
  t.inferenceEscrows += heldInBucket(a) - heldInBucket(b);
}

/**
 * Moves the running totals from `before` to `after` and reports every invariant the event broke.
 * A surplus is a breach when the event changed it (or the known divergences) and it is not what
 * the known divergences account for — 0 when there are none.
 */
export function advance(
  totals: Totals,
  before: ChainState,
  after: ChainState,
  world: World,
  known: KnownSurplus = NO_KNOWN_SURPLUS,
  written?: Written,
): { readonly totals: Totals; readonly breaches: readonly Breach[] } {
  // One mutable tally and module-level visitors rather than a closure per vector: this runs
  // after every event, and the closures' allocations were a measurable share of the GC work.
  const t: Tally = {
    held: totals.held,
    module: totals.module,
    owed: totals.owed,
    claimable: totals.claimable,
    escrows: totals.escrows,
    inferenceEscrows: totals.inferenceEscrows,
    vestingModule: totals.vestingModule,
    vesting: totals.vesting,
    breaches: NO_BREACHES,
    world,
  };
  forChanges(before.balances, after.balances, written?.balances, t, balanceChanged);
  forChanges(before.participants, after.participants, written?.participants, t, participantChanged);
  forChanges(before.escrows, after.escrows, written?.escrows, t, escrowChanged);
  forChanges(before.inferences, after.inferences, written?.inferences, t, inferencesChanged);
  const { held, module, owed, claimable, escrows, inferenceEscrows, vestingModule, vesting } = t;
  const next: Totals = { held, module, escrows, owed, claimable, inferenceEscrows, vestingModule, vesting };
  if (vestingModule !== vesting && (vestingModule !== totals.vestingModule || vesting !== totals.vesting)) {
    breach(t, {
      invariant: 'vesting',
      message: `bank(streamvesting) ${vestingModule} ≠ the vesting schedules' ${vesting}`,
      expected: vesting,
      actual: vestingModule,
    });
  }
  const supply = supplyOf(after);
  if (held !== supply) {
    breach(t, {
      invariant: 'supply',
      message: `bank balances sum to ${held} but genesis ${after.genesisSupply} + minted ${after.minted} − burned ${after.burned} = ${supply}`,
      expected: supply,
      actual: held,
    });
  }
  // The surplus is compared only when it may have changed: when none of its terms moved (by
  // value) and the known divergences did not either, it is what it was and was checked then.
  const termsMoved =
    module !== totals.module ||
    escrows !== totals.escrows ||
    owed !== totals.owed ||
    claimable !== totals.claimable ||
    inferenceEscrows !== totals.inferenceEscrows;
  if (!termsMoved && known.after === known.before) return { totals: next, breaches: t.breaches };
  const surplus = surplusOf(next);
  const changed = surplus !== surplusOf(totals) || known.after !== known.before;
  if (changed && surplus !== known.after) {
    const accounted = known.after === 0n ? '' : `; known divergences account for ${known.after}`;
    breach(t, {
      invariant: 'surplus',
      message:
        `bank(inference) ${module} ≠ obligations ${obligations(next)} ` +
        `(escrows ${escrows}${inferenceEscrows === 0n ? '' : ` + inference escrows ${inferenceEscrows}`} + owed coin balances ${owed} + settle amounts ${claimable}): ` +
        `${surplus > known.after ? 'coins with no owner' : 'owed more than held'}, surplus ${surplus}${accounted}`,
      expected: known.after,
      actual: surplus,
    });
  }
  return { totals: next, breaches: t.breaches };
}

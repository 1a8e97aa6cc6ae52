/**
 * The transaction around one reducer: the reducer mutates a draft of the state; when it returns,
 * the draft becomes the next state; when it throws, the draft is dropped and the state it came
 * from is untouched — a failed Cosmos transaction changes nothing.
 *
 * Two interchangeable mechanisms give exactly the same states:
 *
 * - `copy` (the default): the draft is a plain shallow copy of the root. That is all a draft
 *   needs here, because everything below the root is immutable by construction: the vectors are
 *   persistent tries (pvec.ts) that reducers replace, never edit, and every record in them is
 *   frozen, so an accidental in-place write throws instead of reaching an older state.
 * - `immer`: immer's `produce`, the reference mechanism. Its proxy draft costs about 1 µs per
 *   transaction before any work is done (measured with two writes; ~4.5 µs in a real event with
 *   its reads and writes through the proxy), more than the whole per-event budget of the issue-5
 *   throughput target, so replays use `copy`; the test suite replays every bundled scenario
 *   under both and requires identical outcomes, so the two cannot drift.
 */
import { produce } from 'immer';
import { sealed, writtenSince, type PVec } from './pvec.js';
import type { ChainState, Mutable, VecKey } from './state.js';

export type TxMechanism = 'copy' | 'immer';

/**
 * What a transaction wrote, by vector: the indexes it wrote (ascending), `null` when the vector's
 * history cannot tell (the invariants then walk that vector), `undefined` when it did not
 * replace the vector. Every key is always present, so every `Written` has one shape.
 */
export type Written = { readonly [K in VecKey]: readonly number[] | null | undefined };

export interface Committed {
  /** The next state: `state` itself when nothing changed. */
  readonly state: ChainState;
  readonly written: Written;
}

/*
 * The field-by-field code below is deliberate. A spread of a frozen object takes V8's slow path
 * (245 ns for this one, against 8 ns for the literal), and a loop over field names makes every
 * read a megamorphic keyed load (~20 ns each). Each function is typed so that a field added to
 * ChainState (or a vector added to it) and not handled here does not compile.
 */

/** A plain, writable copy of the root (the draft of the `copy` mechanism). */
function draftOf(s: ChainState): Mutable<ChainState> {
  return {
    effectiveEpoch: s.effectiveEpoch,
    epochEnded: s.epochEnded,
    balances: s.balances,
    participants: s.participants,
    activeSets: s.activeSets,
    escrows: s.escrows,
    escrowsPerEpoch: s.escrowsPerEpoch,
    hostStats: s.hostStats,
    summaries: s.summaries,
    exclusions: s.exclusions,
    genesisSupply: s.genesisSupply,
    minted: s.minted,
    burned: s.burned,
    inferenceSeq: s.inferenceSeq,
    inferences: s.inferences,
  } satisfies { [K in keyof ChainState]: ChainState[K] };
}

/**
 * Remembers the draft's fields now and returns a function that puts them back: a reducer that
 * models a cache context (a part of the message that the chain writes only when all of it
 * succeeds) undoes that part with it. Vectors and records are immutable, so the fields are all
 * there is to remember.
 */
export function checkpointOf(d: Mutable<ChainState>): () => void {
  const saved = draftOf(d);
  return () => {
    d.effectiveEpoch = saved.effectiveEpoch;
    d.epochEnded = saved.epochEnded;
    d.balances = saved.balances;
    d.participants = saved.participants;
    d.activeSets = saved.activeSets;
    d.escrows = saved.escrows;
    d.escrowsPerEpoch = saved.escrowsPerEpoch;
    d.hostStats = saved.hostStats;
    d.summaries = saved.summaries;
    d.exclusions = saved.exclusions;
    d.genesisSupply = saved.genesisSupply;
    d.minted = saved.minted;
    d.burned = saved.burned;
    d.inferenceSeq = saved.inferenceSeq;
    d.inferences = saved.inferences;
  };
}

/** The fields `unchanged` compares: a field added to ChainState and missing here does not compile. */
type Compared =
  | 'effectiveEpoch'
  | 'epochEnded'
  | 'balances'
  | 'participants'
  | 'activeSets'
  | 'escrows'
  | 'escrowsPerEpoch'
  | 'hostStats'
  | 'summaries'
  | 'exclusions'
  | 'genesisSupply'
  | 'minted'
  | 'burned'
  | 'inferenceSeq'
  | 'inferences';
const everyFieldCompared: [Exclude<keyof ChainState, Compared>] extends [never] ? true : never = true;
void everyFieldCompared;

/** True when the draft holds exactly the state's values. */
function unchanged(s: ChainState, d: ChainState): boolean {
  return (
    d.effectiveEpoch === s.effectiveEpoch &&
    d.epochEnded === s.epochEnded &&
    d.balances === s.balances &&
    d.participants === s.participants &&
    d.activeSets === s.activeSets &&
    d.escrows === s.escrows &&
    d.escrowsPerEpoch === s.escrowsPerEpoch &&
    d.hostStats === s.hostStats &&
    d.summaries === s.summaries &&
    d.exclusions === s.exclusions &&
    d.genesisSupply === s.genesisSupply &&
    d.minted === s.minted &&
    d.burned === s.burned &&
    d.inferenceSeq === s.inferenceSeq &&
    d.inferences === s.inferences
  );
}

/** What a replaced vector wrote, and the vector to commit (sealed: it keeps no history). */
function writesOf<T>(before: PVec<T>, after: PVec<T>): readonly number[] | null | undefined {
  return after === before ? undefined : writtenSince(before, after);
}

/**
 * Reads what the draft wrote into each vector and commits the vectors sealed, so that no
 * history outlives its transaction.
 */
function seal(s: ChainState, d: Mutable<ChainState>): Written {
  const written: Written = {
    balances: writesOf(s.balances, d.balances),
    participants: writesOf(s.participants, d.participants),
    activeSets: writesOf(s.activeSets, d.activeSets),
    escrows: writesOf(s.escrows, d.escrows),
    escrowsPerEpoch: writesOf(s.escrowsPerEpoch, d.escrowsPerEpoch),
    hostStats: writesOf(s.hostStats, d.hostStats),
    summaries: writesOf(s.summaries, d.summaries),
    exclusions: writesOf(s.exclusions, d.exclusions),
    inferences: writesOf(s.inferences, d.inferences),
  } satisfies { [K in VecKey]: unknown };
  d.balances = sealed(d.balances);
  d.participants = sealed(d.participants);
  d.activeSets = sealed(d.activeSets);
  d.escrows = sealed(d.escrows);
  d.escrowsPerEpoch = sealed(d.escrowsPerEpoch);
  d.hostStats = sealed(d.hostStats);
  d.summaries = sealed(d.summaries);
  d.exclusions = sealed(d.exclusions);
  d.inferences = sealed(d.inferences);
  return written;
}

/**
 * Applies `recipe` to a draft of `state`. The draft is typed as a writable root whose vectors
 * and records keep their read-only types: a reducer replaces a vector or a record, never edits
 * one (an immer draft behaves the same way for them: it hands the class instances and frozen
 * records out as they are).
 *
 * `recipe` gets `a` and `b` and the state it started from as well, so that a caller applying one
 * of many events can pass a function defined once rather than a closure made for each.
 */
export function transact<A = undefined, B = undefined>(
  state: ChainState,
  recipe: (draft: Mutable<ChainState>, a: A, b: B, base: ChainState) => void,
  mechanism: TxMechanism = 'copy',
  a: A = undefined as A,
  b: B = undefined as B,
): Committed {
  if (mechanism === 'immer') {
    let written: Written | undefined;
    const next = produce(state, (draft) => {
      recipe(draft as unknown as Mutable<ChainState>, a, b, state);
      written = seal(state, draft as Mutable<ChainState>);
    });
    return { state: next, written: written as unknown as Written };
  }
  const draft = draftOf(state);
  recipe(draft, a, b, state);
  if (unchanged(state, draft)) return { state, written: NOTHING_WRITTEN };
  const written = seal(state, draft);
  // The committed root is not frozen, like the tries below it (pvec.ts): its type is read-only,
  // nothing in the engine keeps a draft once committed, and the tests check that no event
  // changes an earlier state. Freezing it cost 8 % of a replay (A/B, six fresh processes each:
  // 258 000 against 280 000 events/s); the records in the tries stay frozen.
  return { state: draft, written };
}

const NOTHING_WRITTEN: Written = Object.freeze({
  balances: undefined,
  participants: undefined,
  activeSets: undefined,
  escrows: undefined,
  escrowsPerEpoch: undefined,
  hostStats: undefined,
  summaries: undefined,
  exclusions: undefined,
  inferences: undefined,
});

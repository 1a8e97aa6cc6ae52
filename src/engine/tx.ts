/**
 * The transaction around one reducer: the reducer mutates a draft of the state; when it returns,
 * the draft becomes the next (frozen) state; when it throws, the draft is dropped and the state
 * it came from is untouched — a failed Cosmos transaction changes nothing.
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
import { produce, type Draft } from 'immer';
import { sealed, writtenSince } from './pvec.js';
import type { ChainState, VecKey } from './state.js';

export type TxMechanism = 'copy' | 'immer';

const FIELDS = [
  'effectiveEpoch',
  'epochEnded',
  'balances',
  'participants',
  'activeSets',
  'escrows',
  'escrowsPerEpoch',
  'hostStats',
  'summaries',
  'exclusions',
  'genesisSupply',
  'minted',
  'burned',
  'inferenceSeq',
  'inferences',
] as const satisfies readonly (keyof ChainState)[];

// Every field of ChainState is listed: adding one without listing it does not compile.
type Unlisted = Exclude<keyof ChainState, (typeof FIELDS)[number]>;
const everyFieldListed: [Unlisted] extends [never] ? true : never = true;
void everyFieldListed;

const VECTORS = [
  'balances',
  'participants',
  'activeSets',
  'escrows',
  'escrowsPerEpoch',
  'hostStats',
  'summaries',
  'exclusions',
  'inferences',
] as const satisfies readonly VecKey[];

// Every vector field is listed: adding one without listing it does not compile.
const everyVectorListed: [Exclude<VecKey, (typeof VECTORS)[number]>] extends [never] ? true : never = true;
void everyVectorListed;

/**
 * What a transaction wrote, by vector: the indexes it wrote (ascending), or null when its vector
 * history cannot tell (then the invariants walk that vector). A vector it did not replace is absent.
 */
export type Written = { readonly [K in VecKey]?: readonly number[] | null };

export interface Committed {
  /** The next state: `state` itself when nothing changed. */
  readonly state: ChainState;
  readonly written: Written;
}

/**
 * Reads what the draft wrote into each vector and commits the vectors sealed, so that no
 * history outlives its transaction.
 */
function seal(state: ChainState, draft: Draft<ChainState>): Written {
  const written: { [K in VecKey]?: readonly number[] | null } = {};
  const fields = draft as unknown as Record<VecKey, ChainState[VecKey]>;
  for (const key of VECTORS) {
    const after = fields[key];
    if (after === state[key]) continue;
    written[key] = writtenSince<unknown>(state[key], after);
    fields[key] = sealed<unknown>(after) as ChainState[VecKey];
  }
  return written;
}

/** Applies `recipe` to a draft of `state`. */
export function transact(state: ChainState, recipe: (draft: Draft<ChainState>) => void, mechanism: TxMechanism = 'copy'): Committed {
  if (mechanism === 'immer') {
    let written: Written = {};
    const next = produce(state, (draft) => {
      recipe(draft);
      written = seal(state, draft);
    });
    return { state: next, written };
  }
  const draft = { ...state };
  recipe(draft as Draft<ChainState>);
  const written = seal(state, draft as Draft<ChainState>);
  for (const key of FIELDS) {
    if (draft[key] !== state[key]) return { state: Object.freeze(draft), written };
  }
  return { state, written };
}

/**
 * A new frozen record: a copy of `record` with `recipe` applied (records are never written in
 * place); `record` itself when the recipe changed nothing, as immer does.
 */
export function edit<T extends object>(record: T, recipe: (draft: Draft<T>) => void): T {
  const copy = { ...record };
  recipe(copy as Draft<T>);
  let changed = false;
  for (const key in copy) {
    const value = copy[key];
    if (value === record[key]) continue;
    changed = true;
    // A nested object the recipe assigned (a settle amount, say) is frozen too, as immer would.
    if (isPlain(value)) deepFreeze(value);
  }
  return changed ? Object.freeze(copy) : record;
}

/** Plain objects and arrays; class instances (a PVec) are immutable values of their own. */
function isPlain(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}

function deepFreeze(value: object): void {
  if (Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) if (isPlain(child)) deepFreeze(child);
}

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
import type { ChainState } from './state.js';

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

/** Applies `recipe` to a draft of `state`; returns `state` itself when nothing changed. */
export function transact(state: ChainState, recipe: (draft: Draft<ChainState>) => void, mechanism: TxMechanism = 'copy'): ChainState {
  if (mechanism === 'immer') return produce(state, recipe);
  const draft = { ...state };
  recipe(draft as Draft<ChainState>);
  for (const key of FIELDS) {
    if (draft[key] !== state[key]) return Object.freeze(draft);
  }
  return state;
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

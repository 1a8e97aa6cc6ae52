/**
 * Invariants (format section 6), checked after every event in time proportional to what the
 * event changed: two versions of the state share every untouched trie node (immer's structural
 * sharing), so diffing them finds every changed balance, participant and escrow — including a
 * change no transfer recorded. A full recount at the end of a replay cross-checks the running
 * totals.
 */
import { MAX_INT64 } from '../domain/money.js';
import { vecDiff, vecForEach } from './pvec.js';
import type { ChainState, Escrow, ParticipantState, World } from './state.js';

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
}

export type InvariantName = 'supply' | 'bounds' | 'surplus';

export interface Breach {
  readonly invariant: InvariantName;
  readonly message: string;
  readonly expected: bigint;
  readonly actual: bigint;
}

/** Obligations of the inference module; inference escrows held are always 0 in v1 (start and finish are one event). */
export const obligations = (t: Totals): bigint => t.escrows + t.owed + t.claimable;
export const surplusOf = (t: Totals): bigint => t.module - obligations(t);
export const supplyOf = (s: ChainState): bigint => s.genesisSupply + s.minted - s.burned;

const settleTotal = (p: ParticipantState | undefined): bigint =>
  p?.settle ? p.settle.workCoins + p.settle.rewardCoins : 0n;
const unsettled = (e: Escrow | undefined): bigint => (e && !e.settled ? e.amount : 0n);

/** Counts everything from scratch: O(accounts + participants + escrows). */
export function recount(state: ChainState): Totals {
  let held = 0n;
  let module = 0n;
  vecForEach(state.balances, (b, i) => {
    held += b;
    if (i === 0) module = b;
  });
  let owed = 0n;
  let claimable = 0n;
  vecForEach(state.participants, (p) => {
    owed += p.coinBalance;
    claimable += settleTotal(p);
  });
  let escrows = 0n;
  vecForEach(state.escrows, (e) => {
    escrows += unsettled(e);
  });
  return { held, module, escrows, owed, claimable };
}

/**
 * Moves the running totals from `before` to `after` and reports every invariant the event broke.
 * A surplus is a breach when the event changed it and it is not 0.
 */
export function advance(
  totals: Totals,
  before: ChainState,
  after: ChainState,
  world: World,
): { readonly totals: Totals; readonly breaches: readonly Breach[] } {
  const breaches: Breach[] = [];
  let held = totals.held;
  let module = totals.module;
  vecDiff(before.balances, after.balances, (index, b, a) => {
    const next = a ?? 0n;
    held += next - (b ?? 0n);
    if (index === 0) module = next;
    if (next < 0n || next > MAX_INT64) {
      breaches.push({
        invariant: 'bounds',
        message: `bank balance of ${world.accounts[index]} is ${next}, outside [0, ${MAX_INT64}]`,
        expected: next < 0n ? 0n : MAX_INT64,
        actual: next,
      });
    }
  });
  let owed = totals.owed;
  let claimable = totals.claimable;
  vecDiff(before.participants, after.participants, (_index, b, a) => {
    owed += (a?.coinBalance ?? 0n) - (b?.coinBalance ?? 0n);
    claimable += settleTotal(a) - settleTotal(b);
  });
  let escrows = totals.escrows;
  vecDiff(before.escrows, after.escrows, (_index, b, a) => {
    escrows += unsettled(a) - unsettled(b);
  });
  const next: Totals = { held, module, escrows, owed, claimable };
  const supply = supplyOf(after);
  if (held !== supply) {
    breaches.push({
      invariant: 'supply',
      message: `bank balances sum to ${held} but genesis ${after.genesisSupply} + minted ${after.minted} − burned ${after.burned} = ${supply}`,
      expected: supply,
      actual: held,
    });
  }
  const surplus = surplusOf(next);
  if (surplus !== surplusOf(totals) && surplus !== 0n) {
    breaches.push({
      invariant: 'surplus',
      message:
        `bank(inference) ${module} ≠ obligations ${obligations(next)} ` +
        `(escrows ${escrows} + owed coin balances ${owed} + settle amounts ${claimable}): ` +
        `${surplus > 0n ? 'coins with no owner' : 'owed more than held'}, surplus ${surplus}`,
      expected: 0n,
      actual: surplus,
    });
  }
  return { totals: next, breaches };
}

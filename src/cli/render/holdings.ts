/**
 * Where the coins are: each account's four buckets (engine `holdingsOf`) as table rows, and the
 * line over all accounts. The inference module is not a row of its own: its bank balance is what
 * backs the owed, claimable and escrowed buckets of the others, so the "all accounts" line sums
 * every other account and comes to the supply (genesis + minted − burned) minus any surplus.
 */
import { holdingsOf, type Holdings } from '../../engine/storage/queries.js';
import { INFERENCE_MODULE, VESTING_MODULE, type ChainState, type World } from '../../engine/storage/state.js';
import { fitTable, listWords, table, tableWidth, unitFor, WIDTH, type TableOptions } from './layout.js';

export const ALL_ACCOUNTS = 'all accounts';

export interface HoldingsRow {
  readonly name: string;
  readonly holdings: Holdings;
}

const add = (a: Holdings, b: Holdings): Holdings => ({
  liquid: a.liquid + b.liquid,
  owed: a.owed + b.owed,
  claimable: a.claimable + b.claimable,
  escrowed: a.escrowed + b.escrowed,
  vesting: a.vesting + b.vesting,
  total: a.total + b.total,
});

const ZERO: Holdings = { liquid: 0n, owed: 0n, claimable: 0n, escrowed: 0n, vesting: 0n, total: 0n };

/**
 * Holdings of every account but the module accounts whose balances back the others' buckets (the
 * inference module, and the vesting module where there is one), in the world's account order.
 */
export function accountHoldings(state: ChainState, world: World): HoldingsRow[] {
  const all = holdingsOf(state, world);
  return world.accounts
    .filter((name) => name !== INFERENCE_MODULE && name !== VESTING_MODULE)
    .map((name) => ({ name, holdings: all.get(name) ?? ZERO }));
}

/** The sum of the rows: the "all accounts" line. */
export function sumHoldings(rows: readonly HoldingsRow[]): Holdings {
  return rows.reduce((sum, r) => add(sum, r.holdings), ZERO);
}

/** Accounts whose holdings differ between two states (any bucket). */
export function changedHoldings(before: ChainState, after: ChainState, world: World): HoldingsRow[] {
  if (before === after) return [];
  const was = new Map(accountHoldings(before, world).map((r) => [r.name, r.holdings]));
  return accountHoldings(after, world).filter((r) => {
    const b = was.get(r.name) ?? ZERO;
    const a = r.holdings;
    return b.liquid !== a.liquid || b.owed !== a.owed || b.claimable !== a.claimable || b.escrowed !== a.escrowed || b.vesting !== a.vesting;
  });
}

export const HOLDINGS_HEAD = ['account', 'liquid', 'owed', 'claimable', 'escrowed', 'total'] as const;

/**
 * A table of `rows` plus the "all accounts" line `total` (one unit for the whole table), with
 * its unit name, so the caller can title it. A `vesting` column comes before the total when any
 * account has coins vesting.
 */
export function holdingsTable(
  rows: readonly HoldingsRow[],
  total: Holdings,
  opts: TableOptions = {},
  width: number = WIDTH,
): { unit: string; lines: string[] } {
  const everything = [...rows.map((r) => r.holdings), total];
  const vesting = everything.some((h) => h.vesting !== 0n);
  const buckets = (h: Holdings): bigint[] => (vesting ? [h.liquid, h.owed, h.claimable, h.escrowed, h.vesting] : [h.liquid, h.owed, h.claimable, h.escrowed]);
  const u = unitFor(everything.flatMap((h) => [...buckets(h), h.total]));
  const cells = (name: string, h: Holdings): string[] => [name, ...buckets(h).map((b) => u.format(b)), u.format(h.total)];
  const head: string[] = vesting ? [...HOLDINGS_HEAD.slice(0, 5), 'vesting', 'total'] : [...HOLDINGS_HEAD];
  const body = [...rows.map((r) => cells(r.name, r.holdings)), cells(ALL_ACCOUNTS, total)];
  const columns = head.map((_, c) => c).filter((c) => c > 0);
  const right = { right: columns, ...opts };
  if (tableWidth(head, body, right) <= width) return { unit: u.name, lines: table(head, body, right) };
  // Too wide (large amounts): leave out the buckets that are 0 for everyone, and say so.
  const zero = columns.slice(0, -1).filter((c) => everything.every((h) => buckets(h)[c - 1] === 0n));
  const keep = head.map((_, c) => c).filter((c) => !zero.includes(c));
  const pick = (r: readonly string[]): string[] => keep.map((c) => r[c] ?? '');
  const narrowHead = pick(head);
  const narrowBody = body.map(pick);
  const narrow = { ...opts, right: keep.map((_, i) => i).filter((i) => i > 0) };
  const lines = fitTable(narrowHead, narrowBody, narrow, width);
  const indent = opts.indent ?? '  ';
  const names = zero.map((c) => head[c] as string);
  if (names.length > 0) lines.push(`${indent}(${listWords(names)} ${names.length === 1 ? 'is' : 'are'} 0 for every account here)`);
  return { unit: u.name, lines };
}

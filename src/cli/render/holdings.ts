/**
 * Where the coins are: each account's four buckets (engine `holdingsOf`) as table rows, and the
 * line over all accounts. The inference module is not a row of its own: its bank balance is what
 * backs the owed, claimable and escrowed buckets of the others, so the "all accounts" line sums
 * every other account and comes to the supply (genesis + minted − burned) minus any surplus.
 */
import { holdingsOf, type Holdings } from '../../engine/queries.js';
import { INFERENCE_MODULE, type ChainState, type World } from '../../engine/state.js';
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
  total: a.total + b.total,
});

const ZERO: Holdings = { liquid: 0n, owed: 0n, claimable: 0n, escrowed: 0n, total: 0n };

/** Holdings of every account but the inference module, in the world's account order. */
export function accountHoldings(state: ChainState, world: World): HoldingsRow[] {
  const all = holdingsOf(state, world);
  return world.accounts
    .filter((name) => name !== INFERENCE_MODULE)
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
    return b.liquid !== a.liquid || b.owed !== a.owed || b.claimable !== a.claimable || b.escrowed !== a.escrowed;
  });
}

export const HOLDINGS_HEAD = ['account', 'liquid', 'owed', 'claimable', 'escrowed', 'total'] as const;

/**
 * A table of `rows` plus the "all accounts" line `total` (one unit for the whole table), with
 * its unit name, so the caller can title it.
 */
export function holdingsTable(
  rows: readonly HoldingsRow[],
  total: Holdings,
  opts: TableOptions = {},
  width: number = WIDTH,
): { unit: string; lines: string[] } {
  const everything = [...rows.map((r) => r.holdings), total];
  const u = unitFor(everything.flatMap((h) => [h.liquid, h.owed, h.claimable, h.escrowed, h.total]));
  const cells = (name: string, h: Holdings): string[] => [
    name,
    u.format(h.liquid),
    u.format(h.owed),
    u.format(h.claimable),
    u.format(h.escrowed),
    u.format(h.total),
  ];
  const head = [...HOLDINGS_HEAD];
  const body = [...rows.map((r) => cells(r.name, r.holdings)), cells(ALL_ACCOUNTS, total)];
  const right = { right: [1, 2, 3, 4, 5], ...opts };
  if (tableWidth(head, body, right) <= width) return { unit: u.name, lines: table(head, body, right) };
  // Too wide (large amounts): leave out the buckets that are 0 for everyone, and say so.
  const zero = [1, 2, 3, 4].filter((c) => everything.every((h) => [h.liquid, h.owed, h.claimable, h.escrowed][c - 1] === 0n));
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

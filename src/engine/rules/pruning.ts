/**
 * Escrow pruning (`pruning.go` with `subnet_pruning.go` / `devshard_pruning.go`): when the
 * effective epoch becomes E, the devshard escrows of epoch E − 2 are deleted. An unsettled one
 * is first shared among its hosts — `floor(amount / unique hosts)` to each unique host (v0.2.11,
 * v0.2.12) or `floor(amount / slots)` per slot (newest) — and the creator gets nothing back; the
 * division remainder stays in the module with no owner (a known divergence). The v1 rulesets do
 * not prune (scenario-format: an unsettled escrow stays locked).
 *
 * The chain prunes at most 100 escrows per block; a replay has no blocks, so every escrow of the
 * epoch goes at once. A send the chain would only log as failed (the module short of coins, or
 * in this model a recipient past MaxInt64) is skipped and its share stays in the module too.
 */
import type { TxContext } from './ruleset.js';
import { divergence, trySend } from './payouts.js';
import { vecForEach, vecRemove } from '../storage/pvec.js';
import { INFERENCE_MODULE, type ChainState, type Escrow, type Mutable } from '../storage/state.js';

/** Each host's share of an unsettled escrow, hosts in slot order of their first slot. */
export function unsettledShares(escrow: Escrow, split: 'per_host' | 'per_slot'): { host: string; amount: bigint }[] {
  const hosts = [...new Set(escrow.slots)];
  if (hosts.length === 0) return [];
  if (split === 'per_host') {
    const share = escrow.amount / BigInt(hosts.length);
    return hosts.map((host) => ({ host, amount: share }));
  }
  const share = escrow.amount / BigInt(escrow.slots.length);
  return hosts.map((host) => ({ host, amount: share * BigInt(escrow.slots.filter((s) => s === host).length) }));
}

/** Deletes the escrows of `epoch` (called by start_epoch with the new effective epoch − 2). */
export function pruneEscrowsOf(draft: Mutable<ChainState>, ctx: TxContext, epoch: number): void {
  const split = ctx.rules.pruning;
  if (split === 'none' || epoch < 1) return;
  const due: Escrow[] = [];
  vecForEach(draft.escrows, (e) => {
    if (e.epoch === epoch) due.push(e);
  });
  for (const escrow of due) {
    if (escrow.settled) {
      if (ctx.trace) ctx.decisions.push({ kind: 'escrow_pruned', escrow: escrow.id, epoch, settled: true });
    } else {
      if (ctx.record) ctx.effects.push({ kind: 'escrow', escrow: escrow.id, creator: escrow.creator, op: 'released', amount: escrow.amount });
      const all = unsettledShares(escrow, split);
      const shares = all.filter((s) => s.amount > 0n);
      let sent = 0n;
      for (const { host, amount } of shares) {
        if (trySend(draft, ctx, INFERENCE_MODULE, host, amount, ctx.rules.memos.unsettledDistribution)) sent += amount;
      }
      const remainder = escrow.amount - sent;
      if (ctx.trace) ctx.decisions.push({ kind: 'escrow_pruned', escrow: escrow.id, epoch, settled: false, split, shares, remainder });
      divergence(ctx, remainder, {
        id: 'prune_remainder',
        data: {
          escrow: escrow.id,
          epoch,
          amount: escrow.amount,
          creator: escrow.creator,
          sent,
          per: split === 'per_host' ? 'unique host' : 'slot',
          shares: split === 'per_host' ? all.length : escrow.slots.length,
          remainder,
        },
      });
    }
    draft.escrows = vecRemove(draft.escrows, escrow.id - 1);
  }
  if (due.length > 0) draft.hostStats = vecRemove(draft.hostStats, epoch);
}

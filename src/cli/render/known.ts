/**
 * Known divergences of the chain versions, in words: each `divergence` decision of a replay
 * with the step it happened at, a short phrase naming who and what ("h3's 100 ngonka payout
 * from escrow 2 trapped: not found in epoch 2"), and the accounts it touches — built from the
 * decisions next to it. Shared by `explain` (the end of the narrative) and `compare` (each
 * ruleset's summary and the verdict).
 */
import type { EventType } from '../../domain/scenario.js';
import { DIVERGENCE_SOURCES } from '../../words/divergences.js';
import { escrowOf } from '../../engine/storage/queries.js';
import type { Decision, DivergenceId } from '../../engine/trace.js';
import { money } from './layout.js';
import type { EventView } from './prose.js';
import type { Replay } from './replay.js';

export interface KnownDivergence {
  readonly step: number;
  readonly line: number;
  readonly event: EventType;
  readonly id: DivergenceId;
  /** Positive: coins left in the inference module with no owner; negative: the module is that much short. */
  readonly amount: bigint;
  /** The chain issue, review point or version (as the engine records it). */
  readonly source: string;
  /** Who and what, with the amount, e.g. "h3's 100 ngonka payout from escrow 2 trapped: not found in epoch 2". */
  readonly what: string;
  /** The accounts whose coins it changes (the host and the escrow's creator, the member, …). */
  readonly who: readonly string[];
}

/** The closest decision of `kind` before position `at`. */
function nearestBefore<K extends Decision['kind']>(decisions: readonly Decision[], at: number, kind: K): Extract<Decision, { kind: K }> | undefined {
  for (let i = at - 1; i >= 0; i--) {
    const d = decisions[i];
    if (d?.kind === kind) return d as Extract<Decision, { kind: K }>;
  }
  return undefined;
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

function describe(view: EventView, at: number, d: Extract<Decision, { kind: 'divergence' }>): { what: string; who: string[] } {
  const { decisions } = view;
  const event = view.item.event;
  const amount = money(abs(d.amount));
  const window = nearestBefore(decisions, at, 'settle_window');
  const escrow = window === undefined ? undefined : escrowOf(view.before, window.escrow);
  const parties = escrow === undefined ? [] : [escrow.creator, ...new Set(escrow.slots)];
  switch (d.id) {
    case 'payout_trapped': {
      const host = nearestBefore(decisions, at, 'host_payout')?.host ?? 'a host';
      const where = window === undefined ? '' : ` from escrow ${window.escrow}`;
      const found = ': no participant record, "not found"';
      return {
        what: `${host}'s ${amount} payout${where} trapped${found} (the PR #1000 review's must-fix)`,
        who: [host, ...(escrow === undefined ? [] : [escrow.creator])],
      };
    }
    case 'fees_kept':
      return { what: `the ${amount} of fees${window === undefined ? '' : ` of escrow ${window.escrow}`} kept with no owner (FEESTAY)`, who: parties };
    case 'work_coins_stranded': {
      const member = nearestBefore(decisions, at, 'member_settled')?.name ?? 'a member';
      const epoch = nearestBefore(decisions, at, 'reward_pool')?.epoch ?? '?';
      return { what: `${member}'s ${amount} of work coins zeroed at the end of epoch ${epoch} (gonka-ai/gonka #1746)`, who: [member] };
    }
    case 'prune_remainder': {
      const pruned = nearestBefore(decisions, at, 'escrow_pruned');
      const gone = pruned === undefined ? undefined : escrowOf(view.before, pruned.escrow);
      return {
        what: `the ${amount} remainder of unsettled escrow ${pruned?.escrow ?? '?'}, pruned`,
        who: gone === undefined ? [] : [gone.creator],
      };
    }
    case 'claim_lost':
      if (event.type !== 'claim_reward') return { what: `a settle amount deleted with ${amount} unpaid (claims not atomic)`, who: [] };
      return { what: `${event.participant}'s epoch-${event.epoch} settle amount deleted with ${amount} unpaid (claims not atomic)`, who: [event.participant] };
    case 'debt_written_off': {
      const debt = nearestBefore(decisions, at, 'debt');
      const name = debt?.name ?? 'a member';
      return { what: `${name}'s debt of ${amount} recovered into governance or forgiven, so the module is ${amount} short (CalculateParticipantBitcoinRewards)`, who: [name] };
    }
    case 'settlement_partial': {
      const failed = nearestBefore(decisions, at + 1, 'settlement_failed');
      return { what: `the ${amount} minted for epoch ${failed?.epoch ?? '?'} kept undistributed after its settlement failed (no cache context before v0.2.12)`, who: [] };
    }
    case 'settle_amount_lost': {
      const f = nearestBefore(decisions, at, 'expired_claim_failed');
      const name = f?.name ?? 'a member';
      return { what: `${name}'s new settle amount of ${amount} not written: the transfer of its older one failed (error ignored before v0.2.12)`, who: [name] };
    }
    case 'expired_claim_unsent': {
      const f = nearestBefore(decisions, at, 'expired_claim_failed');
      const name = f?.name ?? 'a member';
      return { what: `${name}'s unclaimed ${amount} overwritten without its transfer to governance (v0.2.12+ swallows the error)`, who: [name] };
    }
    case 'supply_cap_over_transfer': {
      const cap = nearestBefore(decisions, at, 'supply_cap');
      const members = decisions.filter((x) => x.kind === 'member_settled').map((x) => (x.kind === 'member_settled' ? x.name : ''));
      return {
        what: `${amount} sent to governance beyond what epoch ${cap?.epoch ?? '?'} minted as it crossed the subsidy cap (GetBitcoinSettleAmounts)`,
        who: members,
      };
    }
  }
}

/** Every known divergence of a replay, in step order. */
export function knownDivergences(r: Replay): KnownDivergence[] {
  const out: KnownDivergence[] = [];
  for (const v of r.views) {
    if (v.kind !== 'event' || v.record.status !== 'ok') continue;
    v.decisions.forEach((d, i) => {
      if (d.kind !== 'divergence') return;
      const { what, who } = describe(v, i, d);
      out.push({ step: v.item.index, line: v.item.loc.line, event: v.item.event.type, id: d.id, amount: d.amount, source: DIVERGENCE_SOURCES[d.id], what, who });
    });
  }
  return out;
}

/** "302 ngonka stay in the inference module with no owner" / "the inference module is 66 ngonka short of what it owes". */
export function netWords(total: bigint): string {
  if (total >= 0n) return `${money(total)} ${total === 1n ? 'stays' : 'stay'} in the inference module with no owner`;
  return `the inference module is ${money(-total)} short of what it owes`;
}

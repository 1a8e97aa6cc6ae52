/**
 * What one step changed, field by field, named with the paths a checkpoint (`- expect:`) uses:
 * `bank.alice`, `participants.h1.coin_balance`, `settle_amounts.h1.work_coins`,
 * `summaries.1.h1.claimed`, `escrows.1.settled`, `inferences.a.status`, … (plus
 * `host_stats.X.host`, which no checkpoint names); a pruned escrow reads `escrows.3  … → none`.
 * Only the vectors a step touched are visited (persistent tries share the rest), so a diff
 * costs what the step changed, not the size of the chain.
 */
import { emptyVec, vecDiff, vecForEach } from '../../engine/storage/pvec.js';
import { endedEpochs } from '../../engine/storage/queries.js';
import type { ChainState, Escrow, HostEpochStats, InferenceRecord, ParticipantState, SettleAmount, Summary, World } from '../../engine/storage/state.js';
import { plural, unitFor } from './layout.js';

export interface Change {
  /** A checkpoint path, e.g. `participants.h1.coin_balance`. */
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

const NONE = 'none';

function amounts(before: bigint, after: bigint): [string, string] {
  const u = unitFor([before, after]);
  return [u.format(before), `${u.format(after)} ${u.name}`];
}

function settleText(s: SettleAmount): string {
  const u = unitFor([s.workCoins, s.rewardCoins]);
  return `epoch ${s.epoch}, work ${u.format(s.workCoins)}, reward ${u.format(s.rewardCoins)} ${u.name}`;
}

function summaryText(s: Summary): string {
  const u = unitFor([s.earnedCoins, s.rewardedCoins]);
  const parts = [`earned ${u.format(s.earnedCoins)}`, `rewarded ${u.format(s.rewardedCoins)} ${u.name}`];
  if (s.inferenceCount > 0) parts.push(plural(s.inferenceCount, 'inference'));
  if (s.missedRequests > 0) parts.push(`missed ${s.missedRequests}`);
  if (s.invalidatedInferences > 0) parts.push(`invalid ${s.invalidatedInferences}`);
  parts.push(s.claimed ? 'claimed' : 'not claimed');
  return parts.join(', ');
}

function escrowText(e: Escrow): string {
  return `${e.creator}, ${unitFor([e.amount]).format(e.amount)} ${unitFor([e.amount]).name}, epoch ${e.epoch}, slots ${e.slots.join(', ')}, ${e.settled ? 'settled' : 'open'}`;
}

function inferenceText(r: InferenceRecord): string {
  const parts: string[] = [r.status];
  if (r.requester !== undefined) parts.push(`requester ${r.requester}`);
  parts.push(`executor ${r.executor}`);
  const u = unitFor([r.escrow, r.actualCost]);
  if (r.escrow > 0n) parts.push(`escrow ${u.format(r.escrow)} ${u.name}`);
  if (r.actualCost > 0n) parts.push(`actual cost ${u.format(r.actualCost)} ${u.name}`);
  if (r.epoch > 0) parts.push(`epoch ${r.epoch}`);
  return parts.join(', ');
}

function hostStatsChange(before: HostEpochStats | undefined, after: HostEpochStats): [string, string] {
  if (!before) {
    const u = unitFor([after.cost]);
    const parts = [`cost ${u.format(after.cost)} ${u.name}`, plural(after.escrowCount, 'escrow')];
    if (after.missed > 0) parts.push(`missed ${after.missed}`);
    if (after.invalid > 0) parts.push(`invalid ${after.invalid}`);
    if (after.requiredValidations > 0) parts.push(`validations required ${after.requiredValidations}`);
    if (after.completedValidations > 0) parts.push(`validations completed ${after.completedValidations}`);
    return [NONE, parts.join(', ')];
  }
  const was: string[] = [];
  const now: string[] = [];
  const field = (name: string, b: number | bigint, a: number | bigint, unit = ''): void => {
    if (b === a) return;
    was.push(`${name} ${b}${unit}`);
    now.push(`${name} ${a}${unit}`);
  };
  if (before.cost !== after.cost) {
    const [b, a] = amounts(before.cost, after.cost);
    was.push(`cost ${b}`);
    now.push(`cost ${a}`);
  }
  field('escrows', before.escrowCount, after.escrowCount);
  field('missed', before.missed, after.missed);
  field('invalid', before.invalid, after.invalid);
  field('validations required', before.requiredValidations, after.requiredValidations);
  field('validations completed', before.completedValidations, after.completedValidations);
  return [was.join(', '), now.join(', ')];
}

const PARTICIPANT_FIELDS = [
  ['status', 'status', 'text'],
  ['weight', 'weight', 'number'],
  ['coin_balance', 'coinBalance', 'amount'],
  ['earned_coins', 'earnedCoins', 'amount'],
  ['inference_count', 'inferenceCount', 'number'],
  ['missed_requests', 'missedRequests', 'number'],
  ['invalidated_inferences', 'invalidatedInferences', 'number'],
] as const;

const SUMMARY_FIELDS = [
  ['earned_coins', 'earnedCoins', 'amount'],
  ['rewarded_coins', 'rewardedCoins', 'amount'],
  ['inference_count', 'inferenceCount', 'number'],
  ['missed_requests', 'missedRequests', 'number'],
  ['invalidated_inferences', 'invalidatedInferences', 'number'],
  ['claimed', 'claimed', 'text'],
] as const;

type FieldKind = 'text' | 'number' | 'amount';

function fieldChange(path: string, kind: FieldKind, before: unknown, after: unknown): Change | undefined {
  if (before === after) return undefined;
  if (kind === 'amount') {
    const [b, a] = amounts(before as bigint, after as bigint);
    return { path, before: b, after: a };
  }
  return { path, before: String(before), after: String(after) };
}

/** Every field that differs between two states, in a fixed order (see the module comment). */
export function diffState(before: ChainState, after: ChainState, world: World): Change[] {
  const out: Change[] = [];
  const push = (c: Change | undefined): void => {
    if (c) out.push(c);
  };
  if (before === after) return out;
  push(fieldChange('epoch', 'number', before.effectiveEpoch, after.effectiveEpoch));
  const endedBefore = endedEpochs(before);
  const endedAfter = endedEpochs(after);
  if (endedBefore.join() !== endedAfter.join()) {
    out.push({ path: 'ended', before: `[${endedBefore.join(', ')}]`, after: `[${endedAfter.join(', ')}]` });
  }

  vecDiff(before.balances, after.balances, (index, b, a) => {
    push(fieldChange(`bank.${world.accounts[index]}`, 'amount', b ?? 0n, a ?? 0n));
  });

  const settleChanges: Change[] = [];
  vecDiff(before.participants, after.participants, (index, b, a) => {
    const name = world.participants[index] as string;
    const was = b as ParticipantState;
    const now = a as ParticipantState;
    for (const [label, key, kind] of PARTICIPANT_FIELDS) {
      push(fieldChange(`participants.${name}.${label}`, kind, was[key], now[key]));
    }
    const s0 = was.settle;
    const s1 = now.settle;
    if (s0 === s1) return;
    if (s0 !== null && s1 !== null && s0.epoch === s1.epoch) {
      const work = fieldChange(`settle_amounts.${name}.work_coins`, 'amount', s0.workCoins, s1.workCoins);
      const reward = fieldChange(`settle_amounts.${name}.reward_coins`, 'amount', s0.rewardCoins, s1.rewardCoins);
      if (work) settleChanges.push(work);
      if (reward) settleChanges.push(reward);
      return;
    }
    settleChanges.push({
      path: `settle_amounts.${name}`,
      before: s0 === null ? NONE : settleText(s0),
      after: s1 === null ? NONE : settleText(s1),
    });
  });
  out.push(...settleChanges);

  vecDiff(before.summaries, after.summaries, (epoch, b, a) => {
    if (!a) return;
    const visit = (index: number, s0: Summary | undefined, s1: Summary | undefined): void => {
      const name = world.participants[index] as string;
      if (!s1) return;
      if (!s0) {
        out.push({ path: `summaries.${epoch}.${name}`, before: NONE, after: summaryText(s1) });
        return;
      }
      for (const [label, key, kind] of SUMMARY_FIELDS) {
        push(fieldChange(`summaries.${epoch}.${name}.${label}`, kind, s0[key], s1[key]));
      }
    };
    vecDiff(b ?? emptyVec<Summary>(), a, visit);
  });

  vecDiff(before.escrows, after.escrows, (index, b, a) => {
    if (!a) {
      // Pruned (version rulesets): the escrow is deleted.
      if (b) out.push({ path: `escrows.${index + 1}`, before: escrowText(b), after: NONE });
      return;
    }
    if (!b) {
      out.push({ path: `escrows.${index + 1}`, before: NONE, after: escrowText(a) });
      return;
    }
    push(fieldChange(`escrows.${index + 1}.settled`, 'text', b.settled, a.settled));
  });

  vecDiff(before.inferences, after.inferences, (_bucket, b, a) => {
    const was = new Map((b ?? []).map((r) => [r.id, r]));
    for (const r of a ?? []) {
      const old = was.get(r.id);
      if (old === r) continue;
      if (!old) {
        out.push({ path: `inferences.${r.id}`, before: NONE, after: inferenceText(r) });
        continue;
      }
      push(fieldChange(`inferences.${r.id}.status`, 'text', old.status, r.status));
      push(fieldChange(`inferences.${r.id}.requester`, 'text', old.requester ?? NONE, r.requester ?? NONE));
      push(fieldChange(`inferences.${r.id}.escrow`, 'amount', old.escrow, r.escrow));
      push(fieldChange(`inferences.${r.id}.actual_cost`, 'amount', old.actualCost, r.actualCost));
      push(fieldChange(`inferences.${r.id}.epoch`, 'number', old.epoch, r.epoch));
      push(fieldChange(`inferences.${r.id}.validated_by`, 'text', `[${old.validatedBy.join(', ')}]`, `[${r.validatedBy.join(', ')}]`));
    }
  });

  vecDiff(before.hostStats, after.hostStats, (epoch, b, a) => {
    if (!a) {
      // Pruned with the escrows of that epoch (version rulesets).
      if (b) {
        const hosts: string[] = [];
        vecForEach(b, (_h, index) => hosts.push(world.participants[index] as string));
        out.push({ path: `host_stats.${epoch}`, before: `${hosts.join(', ')}`, after: NONE });
      }
      return;
    }
    const visit = (index: number, h0: HostEpochStats | undefined, h1: HostEpochStats | undefined): void => {
      if (!h1) return;
      const [was, now] = hostStatsChange(h0, h1);
      if (was === now) return;
      out.push({ path: `host_stats.${epoch}.${world.participants[index]}`, before: was, after: now });
    };
    vecDiff(b ?? emptyVec<HostEpochStats>(), a, visit);
  });

  vecDiff(before.exclusions, after.exclusions, (epoch, b, a) => {
    const was = `[${(b ?? []).join(', ')}]`;
    const now = `[${(a ?? []).join(', ')}]`;
    if (was !== now) out.push({ path: `exclusions.${epoch}`, before: was, after: now });
  });

  push(fieldChange('supply.minted', 'amount', before.minted, after.minted));
  push(fieldChange('supply.burned', 'amount', before.burned, after.burned));
  return out;
}

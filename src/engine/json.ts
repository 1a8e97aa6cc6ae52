/**
 * The `run --json` object (format section 7) and a canonical serialiser: object keys sorted by
 * code unit, arrays in event order, amounts as decimal strings of ngonka.
 */
import { vecForEach } from './pvec.js';
import { balanceOf, endedEpochs } from './queries.js';
import { RULESETS } from './rules.js';
import type { RunResult } from './run.js';
import { byCodeUnit } from '../domain/order.js';

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** JSON text with sorted keys, two-space indentation and a final newline: the same bytes every time. */
export function canonicalJson(value: Json): string {
  const sortKeys = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, Json> = {};
      for (const key of Object.keys(v).sort(byCodeUnit)) out[key] = sortKeys((v as Record<string, Json>)[key] as Json);
      return out;
    }
    return v;
  };
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

export function runToJson(run: RunResult): Json {
  const { world, final: state } = run;
  const bank: Record<string, Json> = {};
  for (const name of world.accounts) bank[name] = balanceOf(state, world, name).toString();

  const participants: Record<string, Json> = {};
  const settleAmounts: Record<string, Json> = {};
  const summaries: Record<string, Record<string, Json>> = {};
  vecForEach(state.participants, (p, index) => {
    const name = world.participants[index] as string;
    participants[name] = {
      status: p.status,
      weight: p.weight.toString(),
      coin_balance: p.coinBalance.toString(),
      earned_coins: p.earnedCoins.toString(),
      inference_count: p.inferenceCount,
      missed_requests: p.missedRequests,
      invalidated_inferences: p.invalidatedInferences,
    };
    if (p.settle) {
      settleAmounts[name] = {
        epoch: p.settle.epoch,
        work_coins: p.settle.workCoins.toString(),
        reward_coins: p.settle.rewardCoins.toString(),
      };
    }
  });
  vecForEach(state.summaries, (byParticipant, epoch) => {
    vecForEach(byParticipant, (s, index) => {
      (summaries[String(epoch)] ??= {})[world.participants[index] as string] = {
        earned_coins: s.earnedCoins.toString(),
        rewarded_coins: s.rewardedCoins.toString(),
        inference_count: s.inferenceCount,
        missed_requests: s.missedRequests,
        invalidated_inferences: s.invalidatedInferences,
        claimed: s.claimed,
      };
    });
  });

  const escrows: Record<string, Json> = {};
  vecForEach(state.escrows, (e) => {
    escrows[String(e.id)] = {
      creator: e.creator,
      amount: e.amount.toString(),
      epoch: e.epoch,
      slots: [...e.slots],
      settled: e.settled,
    };
  });

  const exclusions: Record<string, Json> = {};
  vecForEach(state.exclusions, (names, epoch) => {
    exclusions[String(epoch)] = [...names];
  });

  return {
    scenario: run.scenario,
    rules: run.rules,
    ok: run.ok,
    epoch: { effective: state.effectiveEpoch, ended: endedEpochs(state) },
    bank,
    participants,
    settle_amounts: settleAmounts,
    summaries,
    escrows,
    supply: {
      genesis: state.genesisSupply.toString(),
      minted: state.minted.toString(),
      burned: state.burned.toString(),
      total: (state.genesisSupply + state.minted - state.burned).toString(),
    },
    surplus: run.surplus.toString(),
    steps: run.steps.map((s) => ({
      index: s.index,
      line: s.line,
      event: s.event,
      status: s.status,
      ...(s.result !== undefined ? { result: s.result } : {}),
      ...(s.error !== undefined ? { error: s.error } : {}),
      expected: s.expected,
    })),
    transfers: run.transfers.map((t) => ({
      step: t.step,
      from: t.from,
      to: t.to,
      amount: t.amount.toString(),
      memo: t.memo,
    })),
    checks: run.checks.map((c) => ({ step: c.step, line: c.line, ok: c.ok })),
    exclusions,
    violations: run.violations.map((v) => ({
      step: v.step,
      line: v.line,
      event: v.event,
      invariant: v.invariant,
      message: v.message,
      expected: v.expected.toString(),
      actual: v.actual.toString(),
    })),
    // Only the chain-version rulesets report known divergences; the v1 output keeps its keys.
    ...(RULESETS[run.rules].reportsDivergences
      ? {
          divergences: run.divergences.map((d) => ({
            step: d.step,
            line: d.line,
            event: d.event,
            id: d.id,
            source: d.source,
            amount: d.amount.toString(),
            message: d.message,
          })),
        }
      : {}),
  };
}

/**
 * The `run --json` object (format section 7) and a canonical serialiser: object keys sorted by
 * code unit, arrays in event order, amounts as decimal strings of ngonka.
 */
import { vecEntries, vecForEach, vecGet } from '../storage/pvec.js';
import type { Escrow } from '../storage/state.js';
import { DIVERGENCE_SOURCES, divergenceMessage } from '../../words/divergences.js';
import { balanceOf, endedEpochs } from '../storage/queries.js';
import { RULESETS } from '../rules/registry.js';
import type { RunResult } from './run.js';
import { supplyOf } from './invariants.js';
import { byCodeUnit } from '../../domain/order.js';
import type { Effect } from '../effects.js';
import { LazyObject, RunJsonWriter, runJsonDocument, snake, type Json, type PartValue, type RunJsonParts } from './jsonWriter.js';

export type { Json } from './jsonWriter.js';

/**
 * The version of the `run --json` document. 2 added (keeping every key of 1): `format_version`,
 * each step's `effects`, and a failed step's `error_code` and `error_data`.
 */
export const RUN_JSON_FORMAT = 2;

/** A plain value as JSON: bigints as decimal strings, object keys in snake_case and code-unit order. */
function plainJson(value: unknown): Json {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plainJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(value).map((k) => [snake(k), k] as const).sort((a, b) => byCodeUnit(a[0], b[0]))) {
      const v = (value as Record<string, unknown>)[key[1]];
      if (v !== undefined) out[key[0]] = plainJson(v);
    }
    return out;
  }
  return value as Json;
}

/** An effect as JSON (effects.ts): amounts as decimal strings, keys sorted. */
const effectJson = (e: Effect): Json => plainJson(e);

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

/**
 * The canonical text of `runToJson(run)`, as canonicalJson would print it: written by
 * jsonWriter.ts piece by piece, without the object tree (tests/engine/jsonWriter.test.ts checks
 * the bytes are those of `JSON.stringify(runToJson(run), null, 2)` for every bundled scenario
 * under every ruleset, fuzzed ones and hostile names).
 */
export function runJsonText(run: RunResult): string {
  const writer = new RunJsonWriter();
  let steps = '';
  for (const s of run.steps) steps += writer.stepText(s, steps === '');
  let transfers = '';
  for (const t of run.transfers) transfers += writer.transferText(t.step, t, transfers === '');
  let text = '';
  for (const piece of runJsonDocument({
    parts: runJsonParts(run),
    steps: { count: run.steps.length, text: steps },
    transfers: { count: run.transfers.length, text: transfers },
  })) {
    text += piece;
  }
  return text;
}

/** Names in code-unit order, each with its index in `names`. */
function sortedNames(names: readonly string[]): [string, number][] {
  return names.map((name, index): [string, number] => [name, index]).sort((a, b) => byCodeUnit(a[0], b[0]));
}

/**
 * The `run --json` object. Keys are inserted in code-unit order (object fields alphabetically,
 * names sorted), so the object is already canonical; canonicalJson of it gives the same text.
 */
export function runToJson(run: RunResult): Json {
  const parts = runJsonParts(run);
  const [head, middle, tail] = [parts.head, parts.middle, parts.tail].map((part) =>
    Object.fromEntries(Object.entries(part).map(([key, value]) => [key, value instanceof LazyObject ? value.toObject() : value])),
  ) as [Record<string, Json>, Record<string, Json>, Record<string, Json>];
  return {
    ...head,
    steps: run.steps.map((s) => {
      const step: Record<string, Json> = {};
      step.effects = s.effects.map(effectJson);
      if (s.error !== undefined) step.error = s.error;
      if (s.failure !== undefined) {
        step.error_code = s.failure.code;
        step.error_data = plainJson({ ...s.failure.data, ...(s.failure.wraps.length > 0 ? { wrappedBy: s.failure.wraps } : {}) });
      }
      step.event = s.event;
      step.expected = s.expected;
      step.index = s.index;
      step.line = s.line;
      if (s.result !== undefined) step.result = s.result;
      step.status = s.status;
      return step;
    }),
    ...middle,
    transfers: run.transfers.map((t) => ({
      amount: t.amount.toString(),
      from: t.from,
      memo: t.memo,
      step: t.step,
      to: t.to,
    })),
    ...tail,
  };
}

/**
 * The document's keys but `steps` and `transfers` (jsonWriter.ts's RunJsonParts): what the final
 * state, the checks, the divergences and the violations say, all known only at the end.
 */
export function runJsonParts(run: RunResult): RunJsonParts {
  const { world, final: state } = run;
  const bank: Record<string, Json> = {};
  for (const [name] of sortedNames(world.accounts)) bank[name] = balanceOf(state, world, name).toString();

  const order = sortedNames(world.participants);
  const participants: Record<string, Json> = {};
  const settleAmounts: Record<string, Json> = {};
  // Only a scenario with a vesting period has the key (the others keep the v1 output's keys).
  const vesting: Record<string, Json> | undefined = world.vestingIndex >= 0 ? {} : undefined;
  for (const [name, index] of order) {
    const p = vecGet(state.participants, index);
    if (p === undefined) continue;
    participants[name] = {
      coin_balance: p.coinBalance.toString(),
      earned_coins: p.earnedCoins.toString(),
      inference_count: p.inferenceCount,
      invalidated_inferences: p.invalidatedInferences,
      missed_requests: p.missedRequests,
      status: p.status,
      weight: p.weight.toString(),
    };
    if (vesting !== undefined && p.vesting.length > 0) vesting[name] = p.vesting.map((a) => a.toString());
    if (p.settle) {
      settleAmounts[name] = {
        epoch: p.settle.epoch,
        reward_coins: p.settle.rewardCoins.toString(),
        work_coins: p.settle.workCoins.toString(),
      };
    }
  }
  // Written key by key (they grow with the history the state keeps). Epoch keys are array
  // indices, visited in ascending order: the order JavaScript lists them in.
  const summaries = new LazyObject(function* () {
    for (const [epoch, byParticipant] of vecEntries(state.summaries)) {
      const of: Record<string, Json> = {};
      let any = false;
      for (const [name, index] of order) {
        const s = vecGet(byParticipant, index);
        if (s === undefined) continue;
        any = true;
        of[name] = {
          claimed: s.claimed,
          earned_coins: s.earnedCoins.toString(),
          inference_count: s.inferenceCount,
          invalidated_inferences: s.invalidatedInferences,
          missed_requests: s.missedRequests,
          rewarded_coins: s.rewardedCoins.toString(),
        };
      }
      if (any) yield [String(epoch), of] as const;
    }
  });

  const escrowJson = (e: Escrow): Json => ({
    amount: e.amount.toString(),
    creator: e.creator,
    epoch: e.epoch,
    settled: e.settled,
    slots: [...e.slots],
  });
  // An escrow's id is its position + 1 (createEscrow.ts): array indices in ascending order, the
  // order JavaScript lists them in.
  const escrows = new LazyObject(function* () {
    for (const [, e] of vecEntries(state.escrows)) yield [String(e.id), escrowJson(e)] as const;
  });

  const exclusions: Record<string, Json> = {};
  vecForEach(state.exclusions, (names, epoch) => {
    exclusions[String(epoch)] = [...names];
  });

  const out: Record<string, PartValue> = {
    bank,
    checks: run.checks.map((c) => ({ line: c.line, ok: c.ok, step: c.step })),
  };
  // Only the chain-version rulesets report known divergences; the v1 output keeps its keys.
  if (RULESETS[run.rules].reportsDivergences) {
    out.divergences = run.divergences.map((d) => ({
      amount: d.amount.toString(),
      event: d.event,
      id: d.id,
      line: d.line,
      message: divergenceMessage(d),
      source: DIVERGENCE_SOURCES[d.id],
      step: d.step,
    }));
  }
  out.epoch = { effective: state.effectiveEpoch, ended: endedEpochs(state) };
  out.escrows = escrows;
  out.exclusions = exclusions;
  out.format_version = RUN_JSON_FORMAT;
  out.ok = run.ok;
  out.participants = participants;
  out.rules = run.rules;
  out.scenario = run.scenario;
  out.settle_amounts = settleAmounts;
  const middle: Record<string, PartValue> = {};
  middle.summaries = summaries;
  middle.supply = {
    burned: state.burned.toString(),
    genesis: state.genesisSupply.toString(),
    minted: state.minted.toString(),
    total: supplyOf(state).toString(),
  };
  middle.surplus = run.surplus.toString();
  const tail: Record<string, Json> = {};
  if (vesting !== undefined) tail.vesting = vesting;
  tail.violations = run.violations.map((v) => ({
    actual: v.actual.toString(),
    event: v.event,
    expected: v.expected.toString(),
    invariant: v.invariant,
    line: v.line,
    message: v.message,
    step: v.step,
  }));
  return { head: out, middle, tail };
}

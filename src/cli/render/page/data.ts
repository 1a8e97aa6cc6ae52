/**
 * The data of a report page (format.ts): a scenario replayed under one or more rulesets, each
 * step reduced to what it changed. Pure: a scenario in, data out.
 *
 * One ruleset is replayed once, watching each step pass (nothing is kept of a step but its
 * changes, and the views of the first EXPLAINED steps for their explanations), so a page of a
 * long scenario costs about what `run` costs. Several rulesets are compared as `compare` does
 * (compareReplays: the same first divergence), and each replay is then reduced the same way.
 */
import { DIVERGENCE_SOURCES, divergenceMessage } from '../../../words/divergences.js';
import type { RuleName, Scenario } from '../../../domain/scenario.js';
import { escapeInvisible as shown } from '../../../domain/text.js';
import type { Effect } from '../../../engine/effects.js';
import { runScenario, type RunResult, type StepView } from '../../../engine/replay/run.js';
import { vecDiff, vecForEach } from '../../../engine/storage/pvec.js';
import { balanceOf, holdingsOf } from '../../../engine/storage/queries.js';
import { INFERENCE_MODULE, VESTING_MODULE, type ChainState, type Escrow, type ParticipantState, type World } from '../../../engine/storage/state.js';
import type { Palette } from '../../palette.js';
import { compareReplays } from '../compare.js';
import { explainBlock, verdictLine } from '../explain.js';
import type { Replay } from '../replay.js';
import type { Amount, Delta, DivergenceData, EscrowData, PageData, ParticipantRow, RunData, SettleData, StateData, Status, StepDetail } from './format.js';

/** How many steps, from the first, carry their `explain` text in the page. */
export const EXPLAINED = 500;

const same = (s: string): string => s;
/** No colour: the page's texts are plain. */
export const PLAIN: Palette = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An amount as the page stores it: a number when exact, else its digits. */
export const amount = (n: bigint): Amount => (n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : n.toString());

const settleData = (p: ParticipantState): SettleData | null =>
  p.settle === null ? null : [p.settle.epoch, amount(p.settle.workCoins), amount(p.settle.rewardCoins)];

function participantRow(p: ParticipantState): ParticipantRow {
  return [
    p.status,
    amount(p.weight),
    amount(p.coinBalance),
    amount(p.earnedCoins),
    p.inferenceCount,
    p.invalidatedInferences,
    p.missedRequests,
    settleData(p),
    p.vesting.map(amount),
  ];
}

/** The fields of `after` that differ from `before`, as flat [index, field, value] triples. */
function participantChanges(index: number, before: ParticipantState | undefined, after: ParticipantState | undefined, out: Delta['p'] & unknown[]): void {
  if (after === undefined) return; // participants are never removed
  const row = participantRow(after);
  if (before === undefined) {
    row.forEach((value, field) => out.push(index, field, value));
    return;
  }
  const was: readonly unknown[] = [
    before.status,
    before.weight,
    before.coinBalance,
    before.earnedCoins,
    before.inferenceCount,
    before.invalidatedInferences,
    before.missedRequests,
    before.settle,
    before.vesting,
  ];
  const now: readonly unknown[] = [
    after.status,
    after.weight,
    after.coinBalance,
    after.earnedCoins,
    after.inferenceCount,
    after.invalidatedInferences,
    after.missedRequests,
    after.settle,
    after.vesting,
  ];
  now.forEach((value, field) => {
    if (value !== was[field]) out.push(index, field, row[field] as ParticipantRow[number]);
  });
}

function escrowData(e: Escrow, world: World): EscrowData {
  return [
    world.accountIndex.get(e.creator) ?? -1,
    amount(e.amount),
    e.epoch,
    e.settled ? 1 : 0,
    e.slots.map((s) => world.participantIndex.get(s) ?? s),
  ];
}

/** The signed change of each account's escrowed coins an event's effects make, as [account, delta] pairs. */
function escrowedDeltas(effects: readonly Effect[], world: World): (number | string)[] {
  const sums = new Map<number, bigint>();
  const add = (name: string, delta: bigint): void => {
    const account = world.accountIndex.get(name);
    if (account !== undefined) sums.set(account, (sums.get(account) ?? 0n) + delta);
  };
  for (const e of effects) {
    if (e.kind === 'escrow') add(e.creator, e.op === 'locked' ? e.amount : -e.amount);
    else if (e.kind === 'inference_escrow') add(e.requester, e.op === 'held' ? e.amount : -e.amount);
  }
  const out: (number | string)[] = [];
  for (const account of [...sums.keys()].sort((a, b) => a - b)) {
    const delta = sums.get(account) as bigint;
    if (delta !== 0n) out.push(account, amount(delta));
  }
  return out;
}

/** What an event changed, from the states before and after it and its effects (0: nothing). */
export function deltaOf(before: ChainState, after: ChainState, effects: readonly Effect[], world: World): Delta | 0 {
  if (before === after) return 0;
  const b: (number | string)[] = [];
  vecDiff(before.balances, after.balances, (index, _was, now) => {
    b.push(index, amount(now ?? 0n));
  });
  const p: NonNullable<Delta['p']> = [];
  vecDiff(before.participants, after.participants, (index, was, now) => participantChanges(index, was, now, p));
  const e: [number, EscrowData | null][] = [];
  vecDiff(before.escrows, after.escrows, (index, _was, now) => {
    e.push([index + 1, now === undefined ? null : escrowData(now, world)]);
  });
  const h = escrowedDeltas(effects, world);
  const delta: { -readonly [K in keyof Delta]: Delta[K] } = {};
  if (b.length > 0) delta.b = b;
  if (p.length > 0) delta.p = p;
  if (e.length > 0) delta.e = e;
  if (h.length > 0) delta.h = h;
  if (before.effectiveEpoch !== after.effectiveEpoch || before.epochEnded !== after.epochEnded) {
    delta.ep = [after.effectiveEpoch, after.epochEnded ? 1 : 0];
  }
  if (after.minted !== before.minted) delta.m = amount(after.minted - before.minted);
  return Object.keys(delta).length === 0 ? 0 : delta;
}

/** The whole state a page starts from. */
export function stateData(state: ChainState, world: World): StateData {
  const participants: ParticipantRow[] = [];
  vecForEach(state.participants, (p) => participants.push(participantRow(p)));
  const holdings = holdingsOf(state, world);
  return {
    bank: world.accounts.map((name) => amount(balanceOf(state, world, name))),
    participants,
    epoch: [state.effectiveEpoch, state.epochEnded ? 1 : 0],
    escrowed: world.accounts.map((name) => amount(holdings.get(name)?.escrowed ?? 0n)),
  };
}

/** The status code and what there is to say of one step. */
function stepOf(view: StepView): { status: Status; detail: StepDetail | undefined } {
  if (view.kind === 'expect') {
    const failures = view.record.failures.map((f): [string, string, string] => [shown(f.field), shown(f.expected), shown(f.actual)]);
    return view.record.ok ? { status: 3, detail: undefined } : { status: 4, detail: { failures } };
  }
  const r = view.record;
  const detail: { -readonly [K in keyof StepDetail]: StepDetail[K] } = {};
  // Text that may quote the scenario shows its control and invisible characters as \uXXXX escapes.
  if (r.error !== undefined) detail.error = shown(r.error);
  if (r.failure !== undefined) detail.code = r.failure.code;
  if (r.result !== undefined) detail.result = shown(r.result);
  if (r.problem !== undefined) detail.problem = shown(r.problem);
  if (r.note !== undefined) detail.note = shown(r.note);
  if (view.violations.length > 0) detail.violations = view.violations.map((v): [string, string] => [v.invariant, shown(v.message)]);
  const known = view.decisions.flatMap((d) => (d.kind === 'divergence' ? [[amount(d.amount), shown(divergenceMessage(d)), DIVERGENCE_SOURCES[d.id]] as [Amount, string, string]] : []));
  if (known.length > 0) detail.divergences = known;
  const status: Status = r.problem !== undefined ? 2 : r.status === 'error' ? 1 : 0;
  return { status, detail: Object.keys(detail).length === 0 ? undefined : detail };
}

/** Reduces a replay's steps, one at a time, to a RunData. */
class Reducer {
  readonly status: Status[] = [];
  readonly detail: Record<number, StepDetail> = {};
  readonly deltas: (Delta | 0)[] = [];

  constructor(private readonly world: World) {}

  add(view: StepView): void {
    const position = this.status.length;
    const { status, detail } = stepOf(view);
    this.status.push(status);
    if (detail !== undefined) this.detail[position] = detail;
    this.deltas.push(view.kind === 'event' ? deltaOf(view.before, view.after, view.effects, this.world) : 0);
  }

  finish(replay: Replay, explained: readonly number[]): RunData {
    const explain: Record<number, string> = {};
    for (const position of explained) {
      if (position < replay.views.length) explain[position] = shown(explainBlock(replay, position, PLAIN).join('\n'));
    }
    const run = replay.run;
    return {
      rules: run.rules,
      verdict: verdictLine(run, PLAIN),
      ok: run.ok,
      genesis: stateData(run.initial, this.world),
      status: this.status,
      detail: this.detail,
      deltas: this.deltas,
      explain,
    };
  }
}

export interface PageBuild {
  readonly data: PageData;
  /** The replays, in the order of `data.runs`. */
  readonly runs: readonly RunResult[];
}

/** The positions with an explanation: the first EXPLAINED, and the first divergence. */
function explainedPositions(count: number, divergence: number | undefined): number[] {
  const out = Array.from({ length: Math.min(count, EXPLAINED) }, (_, i) => i);
  if (divergence !== undefined && divergence >= EXPLAINED) out.push(divergence);
  return out;
}

/**
 * The page's data: `scenario` replayed under `rules` (its own ruleset when none is given; two or
 * more are compared), `file` the name it was read from, `explainCommand` the command that
 * explains a step past the ones the page explains.
 */
export function buildPageData(scenario: Scenario, file: string, rules: readonly RuleName[] | undefined, explainCommand: string): PageBuild {
  const count = scenario.items.length;
  let runs: RunData[];
  let results: RunResult[];
  let divergence: DivergenceData | null = null;
  let world: World;
  if (rules === undefined || rules.length === 1) {
    // one replay, reduced as it goes: only the views the page explains are kept
    const kept: StepView[] = [];
    let reducer: Reducer | undefined;
    const run = runScenario(scenario, {
      rules: rules?.[0],
      observe: (view, w) => {
        reducer ??= new Reducer(w);
        reducer.add(view);
        if (kept.length < EXPLAINED) kept.push(view);
      },
    });
    world = run.world;
    reducer ??= new Reducer(world);
    runs = [reducer.finish({ scenario, run, views: kept }, explainedPositions(count, undefined))];
    results = [run];
  } else {
    const c = compareReplays(scenario, rules);
    const first = c.replays[0] as Replay;
    world = first.run.world;
    const d = c.firstDivergence;
    if (d !== null) divergence = { position: d.position, step: d.step, line: d.line, fields: [...d.fields], outcome: d.outcome };
    runs = c.replays.map((r) => {
      const reducer = new Reducer(world);
      for (const view of r.views) reducer.add(view);
      return reducer.finish(r, explainedPositions(count, d?.position));
    });
    results = c.replays.map((r) => r.run);
  }
  const events: string[] = [];
  const kinds = scenario.items.map((item) => {
    const name = item.kind === 'expect' ? 'expect' : item.event.type;
    const at = events.indexOf(name);
    if (at >= 0) return at;
    events.push(name);
    return events.length - 1;
  });
  const data: PageData = {
    version: 1,
    file: shown(file),
    accounts: [...world.accounts],
    modules: [INFERENCE_MODULE, VESTING_MODULE].flatMap((m) => {
      const index = world.accountIndex.get(m);
      return index === undefined ? [] : [index];
    }),
    participants: [...world.participants],
    participantAccount: world.participants.map((name) => world.accountIndex.get(name) ?? -1),
    lines: scenario.items.map((item) => item.loc.line),
    kinds,
    events,
    runs,
    divergence,
    explained: Math.min(count, EXPLAINED),
    explainCommand: shown(explainCommand),
  };
  return { data, runs: results };
}

/**
 * Builders for tests: a scenario with defaults, events by type, and a replay shortcut.
 */
import {
  DEFAULT_PARAMS,
  type ChainEvent,
  type EscrowParams,
  type EventItem,
  type Expectation,
  type GenesisAccount,
  type GenesisParticipant,
  type Params,
  type RuleName,
  type Scenario,
  type ScenarioItem,
} from '../src/domain/scenario.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/load.js';
import { balanceOf, hostStatsOf, summaryOf } from '../src/engine/storage/queries.js';
import type { Transfer } from '../src/engine/rules/ruleset.js';
import { recount, supplyOf, surplusOf } from '../src/engine/replay/invariants.js';
import { vecGet } from '../src/engine/storage/pvec.js';
import { applyEvent, type Env, type TxOutcome } from '../src/engine/rules/reducers/index.js';
import { RULESETS } from '../src/engine/rules/registry.js';
import type { Ruleset } from '../src/engine/rules/ruleset.js';
import { runScenario } from '../src/engine/replay/run.js';
import {
  genesis,
  type ChainState,
  type Escrow,
  type HostEpochStats,
  type ParticipantState,
  type SettleAmount,
  type Summary,
  type World,
} from '../src/engine/storage/state.js';

export const GNK = 1_000_000_000n;

export interface ScenarioSpec {
  readonly rules?: RuleName;
  readonly params?: Partial<Params>;
  readonly accounts?: Record<string, bigint>;
  readonly participants?: Record<string, bigint | { weight: bigint; balance?: bigint }>;
  readonly items?: readonly (ChainEvent | { expect: Expectation } | { event: ChainEvent; expectError?: string; expectResult?: string })[];
}

export function aScenario(spec: ScenarioSpec = {}): Scenario {
  const accounts: GenesisAccount[] = Object.entries(spec.accounts ?? { alice: 100n * GNK }).map(([name, balance]) => ({ name, balance }));
  const participants: GenesisParticipant[] = Object.entries(spec.participants ?? { h1: 100n, h2: 100n }).map(([name, v]) =>
    typeof v === 'bigint' ? { name, weight: v, balance: 0n } : { name, weight: v.weight, balance: v.balance ?? 0n },
  );
  const items: ScenarioItem[] = (spec.items ?? []).map((it, i) => {
    const index = i + 1;
    const loc = { line: index + 10, col: 5 };
    if ('expect' in it) return { kind: 'expect', index, loc, expect: it.expect, fieldLocs: {} };
    const wrapped = 'event' in it ? it : { event: it };
    const item: EventItem = {
      kind: 'event',
      index,
      loc,
      event: wrapped.event,
      expectError: 'expectError' in wrapped ? wrapped.expectError : undefined,
      expectResult: 'expectResult' in wrapped ? wrapped.expectResult : undefined,
      note: undefined,
    };
    return item;
  });
  return {
    name: 'test scenario',
    description: undefined,
    rules: spec.rules,
    params: { ...DEFAULT_PARAMS, ...spec.params },
    accounts,
    participants,
    items,
  };
}

export const ev = {
  start: (active?: string[], weights: [string, bigint][] = []): ChainEvent => ({ type: 'start_epoch', active, weights }),
  end: (punish: string[] = []): ChainEvent => ({ type: 'end_epoch', punish }),
  create: (creator: string, amount: bigint, slots: string[], id?: bigint): ChainEvent => ({
    type: 'create_escrow',
    creator,
    amount,
    slots,
    id,
  }),
  settle: (
    escrow: bigint,
    hosts: { slot: number; cost: bigint; missed?: number; invalid?: number; required?: number; completed?: number }[],
    opts: { fees?: bigint; settler?: string; nonce?: bigint } = {},
  ): ChainEvent => ({
    type: 'settle_escrow',
    escrow,
    settler: opts.settler,
    fees: opts.fees ?? 0n,
    nonce: opts.nonce,
    hosts: hosts.map((h) => ({
      slot: h.slot,
      cost: h.cost,
      missed: h.missed ?? 0,
      invalid: h.invalid ?? 0,
      requiredValidations: h.required ?? 0,
      completedValidations: h.completed ?? 0,
    })),
  }),
  claim: (participant: string, epoch: bigint): ChainEvent => ({ type: 'claim_reward', participant, epoch }),
  exclude: (participant: string, reason: 'invalid' | 'inactive' = 'invalid'): ChainEvent => ({
    type: 'exclude_participant',
    participant,
    reason,
  }),
  transfer: (from: string, to: string, amount: bigint): ChainEvent => ({ type: 'transfer', from, to, amount }),
  startInf: (id: string, requester: string, executor: string, prompt: bigint, opts: { maxTokens?: bigint; price?: bigint } = {}): ChainEvent => ({
    type: 'start_inference',
    id,
    requester,
    executor,
    promptTokens: prompt,
    maxTokens: opts.maxTokens ?? 0n,
    price: opts.price,
  }),
  finishInf: (id: string, executor: string, completion: bigint, prompt = 0n): ChainEvent => ({
    type: 'finish_inference',
    id,
    executor,
    promptTokens: prompt,
    completionTokens: completion,
  }),
  validate: (id: string, validator: string, passed = true): ChainEvent => ({ type: 'validate_inference', id, validator, passed }),
  invalidate: (id: string): ChainEvent => ({ type: 'invalidate_inference', id }),
  expire: (id: string): ChainEvent => ({ type: 'expire_inference', id }),
  inference: (
    requester: string,
    executor: string,
    prompt: bigint,
    completion: bigint,
    opts: { maxTokens?: bigint; price?: bigint; id?: string; outcome?: 'finished' | 'expired' } = {},
  ): ChainEvent => ({
    type: 'run_inference',
    requester,
    executor,
    promptTokens: prompt,
    completionTokens: completion,
    maxTokens: opts.maxTokens ?? 5000n,
    price: opts.price,
    id: opts.id,
    outcome: opts.outcome ?? 'finished',
  }),
};

/* ------------------------------------------------------------------------------------------------
 * Engine harness: applies events one at a time through `applyEvent`, as the runner does, and keeps
 * the state between them. Framework-agnostic: a broken expectation throws an Error.
 * ---------------------------------------------------------------------------------------------- */
/** The default escrow params with some fields replaced. */
export const escrowParams = (over: Partial<EscrowParams>): EscrowParams => ({ ...DEFAULT_PARAMS.escrow, ...over });

/** `n` participants named h1…hn (or with a prefix and zero padding), each of `weight`. */
export function hosts(n: number, weight = 100n, pad = 1): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (let i = 1; i <= n; i++) out[`h${String(i).padStart(pad, '0')}`] = weight;
  return out;
}

/** A deterministic text of a whole chain state (bigints as `123n`), to prove a state did not change. */
export function dumpState(state: ChainState): string {
  return JSON.stringify(state, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
}

export type PlainTransfer = Transfer;
export const tr = (from: string, to: string, amount: bigint, memo: string): Transfer => ({ from, to, amount, memo });

export class Chain {
  readonly world: World;
  readonly env: Env;
  state: ChainState;
  /** Every transfer of every successful event so far. */
  readonly log: Transfer[] = [];

  /** `rules`: a ruleset's name, or a Ruleset value (e.g. one with other reward math). */
  constructor(spec: ScenarioSpec = {}, rules: RuleName | Ruleset = spec.rules ?? 'deferred') {
    const scenario = aScenario(spec);
    const g = genesis(scenario.params, scenario.accounts, scenario.participants);
    this.world = g.world;
    this.state = g.state;
    this.env = { world: g.world, rules: typeof rules === 'string' ? RULESETS[rules] : rules, params: scenario.params };
  }

  /** Applies an event without keeping its result. */
  apply(event: ChainEvent): TxOutcome {
    return applyEvent(this.state, event, this.env);
  }

  /** Applies an event that must succeed, keeps the new state, and checks supply and surplus. */
  ok(event: ChainEvent): { readonly transfers: readonly Transfer[]; readonly result: string | undefined } {
    const outcome = applyEvent(this.state, event, this.env);
    if (!outcome.ok) throw new Error(`expected ${event.type} to succeed, it failed: ${outcome.error}`);
    this.state = outcome.state;
    this.log.push(...outcome.transfers);
    const totals = recount(this.state, this.world);
    if (totals.held !== supplyOf(this.state)) throw new Error(`supply broken after ${event.type}`);
    if (surplusOf(totals) !== 0n) throw new Error(`surplus ${surplusOf(totals)} after ${event.type}`);
    return { transfers: outcome.transfers, result: outcome.result };
  }

  /** Applies events that must all succeed. */
  run(...events: ChainEvent[]): this {
    for (const e of events) this.ok(e);
    return this;
  }

  /**
   * Applies an event that must fail; proves the state handed in was not touched (same object,
   * same content) and returns the error text.
   */
  fail(event: ChainEvent): string {
    const before = this.state;
    const dump = dumpState(before);
    const outcome = applyEvent(before, event, this.env);
    if (outcome.ok) throw new Error(`expected ${event.type} to fail, it succeeded`);
    if ('state' in outcome) throw new Error('a failed outcome must not carry a state');
    if (this.state !== before || dumpState(before) !== dump) throw new Error('a failed event changed the state');
    return outcome.error;
  }

  bank(name: string): bigint {
    return balanceOf(this.state, this.world, name);
  }

  p(name: string): ParticipantState {
    const index = this.world.participantIndex.get(name);
    const p = index === undefined ? undefined : vecGet(this.state.participants, index);
    if (!p) throw new Error(`no participant ${name}`);
    return p;
  }

  settleOf(name: string): SettleAmount | null {
    return this.p(name).settle;
  }

  summary(epoch: number, name: string): Summary | undefined {
    return summaryOf(this.state, epoch, this.world.participantIndex.get(name) as number);
  }

  escrow(id: number): Escrow | undefined {
    return vecGet(this.state.escrows, id - 1);
  }

  hostStats(epoch: number, name: string): HostEpochStats | undefined {
    const index = this.world.participantIndex.get(name);
    return index === undefined ? undefined : hostStatsOf(this.state, epoch, index);
  }
}

/**
 * Replays `spec` twice under `rules`: as given, and without its item `index` (1-based), which
 * must fail as a transaction. Proves the failed event changed nothing the rest of the replay
 * could see: same final state, same transfers, and the run is still ok because the failure was
 * expected. Returns the error text.
 */
export function expectSkippedInReplay(spec: ScenarioSpec, index: number, rules: RuleName = 'deferred'): string {
  const items = spec.items ?? [];
  const target = items[index - 1];
  if (target === undefined || 'expect' in target) throw new Error(`item ${index} is not an event`);
  const event = 'event' in target ? target.event : target;
  const withFailure = runScenario(aScenario({ ...spec, items: items.map((it, i) => (i === index - 1 ? { event, expectError: '' } : it)) }), { rules });
  const without = runScenario(aScenario({ ...spec, items: items.filter((_, i) => i !== index - 1) }), { rules });
  const step = withFailure.steps.find((s) => s.index === index);
  if (step?.status !== 'error' || step.error === undefined) throw new Error(`item ${index} did not fail`);
  if (!withFailure.ok || !without.ok) throw new Error('a replay is not ok');
  if (dumpState(withFailure.final) !== dumpState(without.final)) throw new Error('the failed event changed the final state');
  const plain = (ts: readonly Transfer[]): string =>
    JSON.stringify(ts.map((t) => [t.from, t.to, t.amount.toString(), t.memo]));
  if (plain(withFailure.transfers) !== plain(without.transfers)) throw new Error('the failed event changed the transfers');
  return step.error;
}

/** Every bundled scenario (`scenarios/*.yaml`), loaded, in file order, as [file, scenario] pairs. */
export function bundledScenarios(): (readonly [string, Scenario])[] {
  const dir = join(process.cwd(), 'scenarios');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const loaded = loadScenario(readFileSync(join(dir, file), 'utf8'), `scenarios/${file}`);
      if (!loaded.ok) throw new Error(`${file} does not load`);
      return [file, loaded.scenario] as const;
    });
}

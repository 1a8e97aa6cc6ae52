/**
 * Replays a scenario: applies each event as a transaction, checks the invariants after it,
 * compares checkpoints, and returns the whole outcome as data. Nothing here prints.
 */
import type { EventItem, EventType, ExpectItem, RuleName, Scenario, ScenarioItem } from '../../domain/scenario.js';
import type { Transfer } from '../rules/ruleset.js';
import type { Effect } from '../effects.js';
import type { FailureData } from '../errors.js';
import { compareExpectation, type CheckFailure } from './expect.js';
import { advance, recount, surplusOf, type Breach, type InvariantName, type Totals } from './invariants.js';
import { applyEvent, type Env, type TxOutcome } from '../rules/reducers/index.js';
import { DEFAULT_RULES, RULESETS } from '../rules/registry.js';
import type { Ruleset } from '../rules/ruleset.js';
import { genesis, type ChainState, type Mutable, type World } from '../storage/state.js';
import type { Decision, DivergenceDetail } from '../trace.js';
import type { TxMechanism } from '../storage/tx.js';

/** A known divergence as a reducer reports it (a decision of kind `divergence`). */
export type DivergenceDecision = Extract<Decision, { kind: 'divergence' }>;

export interface StepRecord {
  /** 1-based position of the item in `events`, checkpoints included. */
  readonly index: number;
  readonly line: number;
  readonly event: EventType;
  readonly status: 'ok' | 'error';
  readonly result?: string;
  readonly error?: string;
  /** The failure as data (code, data, the chain's wrapping prefixes), when the event failed. */
  readonly failure?: FailureData;
  /** Every movement of value the event made, in order (empty when it failed). */
  readonly effects: readonly Effect[];
  /** True when the item carried expect_error or expect_result. */
  readonly expected: boolean;
  /** Why this step makes the run fail, if it does: an unexpected error or an unmet expectation. */
  readonly problem?: string;
  readonly note?: string;
}

export interface CheckRecord {
  readonly step: number;
  readonly line: number;
  readonly ok: boolean;
  readonly failures: readonly CheckFailure[];
}

export interface TransferRecord extends Transfer {
  readonly step: number;
}

export interface Violation {
  readonly step: number;
  readonly line: number;
  readonly event: EventType;
  readonly invariant: InvariantName;
  readonly message: string;
  readonly expected: bigint;
  readonly actual: bigint;
}

/**
 * A known divergence of a chain version, as the run reports it: value the version leaves in the
 * inference module with no owner (a finding about that version, not a violation).
 */
/** A known divergence where it happened: its id and values (src/words/divergences.ts words them). */
export type DivergenceRecord = {
  readonly step: number;
  readonly line: number;
  readonly event: EventType;
  readonly amount: bigint;
} & DivergenceDetail;

export interface RunResult {
  readonly scenario: string;
  readonly rules: RuleName;
  readonly ok: boolean;
  readonly world: World;
  readonly initial: ChainState;
  readonly final: ChainState;
  readonly totals: Totals;
  readonly surplus: bigint;
  readonly steps: readonly StepRecord[];
  readonly transfers: readonly TransferRecord[];
  readonly checks: readonly CheckRecord[];
  readonly violations: readonly Violation[];
  /** Known divergences of the ruleset's chain version, in event order (always empty under deferred and immediate). */
  readonly divergences: readonly DivergenceRecord[];
  /** How many events were applied, how many failed, how many transfers they made (kept or not); set by runScenario. */
  readonly counts?: { readonly events: number; readonly failed: number; readonly transfers: number } | undefined;
}

/** What an observer sees of each item as the replay passes it (nothing is kept for it). */
export type StepView =
  | {
      readonly kind: 'event';
      readonly item: EventItem;
      readonly record: StepRecord;
      /** The state before the event, and after it (the same object when the event failed). */
      readonly before: ChainState;
      readonly after: ChainState;
      readonly transfers: readonly Transfer[];
      readonly effects: readonly Effect[];
      readonly decisions: readonly Decision[];
      readonly violations: readonly Violation[];
      readonly surplus: bigint;
    }
  | {
      readonly kind: 'expect';
      readonly item: ExpectItem;
      readonly record: CheckRecord;
      readonly state: ChainState;
    };

/**
 * What a replay reads: a scenario whose items may come one at a time (a generator that reads a
 * file as it goes, iterated once), not only an array.
 */
export type ReplayInput = Omit<Scenario, 'items'> & { readonly items: Iterable<ScenarioItem> };

/**
 * Takes each step record and its transfers as the replay makes them, so a caller can write them
 * out instead of the run keeping them (with `keepTrace: false`, memory stays bounded by the state).
 * Cheaper than an observer: no decision tracing, no views.
 */
export interface StepSink {
  /** Called once per event, in order, with the transfers it made (none when it failed). */
  readonly step: (record: StepRecord, transfers: readonly Transfer[]) => void;
}

export interface RunOptions {
  /** Overrides the scenario's `rules:`. */
  readonly rules?: RuleName | undefined;
  /**
   * Replays under this ruleset value instead of a registered one (its name is reported as the
   * rules); lets tests and the fuzzer plant a broken ruleset.
   */
  readonly ruleset?: Ruleset | undefined;
  /** Called after each item, in order; used by explain and compare. */
  readonly observe?: ((view: StepView, world: World) => void) | undefined;
  /**
   * false: keep no per-step history (`steps` and `transfers` stay empty, `counts` still counts
   * them), so a replay of any length runs in memory bounded by the state. The observer still sees
   * every step; checks, violations and divergences are kept. Default true.
   */
  readonly keepTrace?: boolean | undefined;
  /** Gets each step record and its transfers as they happen (see StepSink). */
  readonly sink?: StepSink | undefined;
  /** The transaction mechanism (tx.ts): `copy` (default) or `immer`; both give the same outcome. */
  readonly tx?: TxMechanism | undefined;
}

/** The ruleset a replay uses: the command line's, else the scenario's, else `deferred`. */
export function effectiveRules(scenario: Pick<Scenario, 'rules'>, options: RunOptions = {}): RuleName {
  return options.rules ?? scenario.rules ?? DEFAULT_RULES;
}

function describeExpectation(
  expectError: string | undefined,
  expectResult: string | undefined,
  outcome: { ok: true; result: string | undefined } | { ok: false; error: string },
): string | undefined {
  if (expectError !== undefined) {
    if (outcome.ok) return `expected an error containing "${expectError}", but the event succeeded`;
    if (!outcome.error.includes(expectError)) {
      return `expected an error containing "${expectError}", got "${outcome.error}"`;
    }
    return undefined;
  }
  if (!outcome.ok) return `unexpected error: ${outcome.error}`;
  if (expectResult !== undefined && !(outcome.result ?? '').includes(expectResult)) {
    return `expected a result containing "${expectResult}", got "${outcome.result ?? ''}"`;
  }
  return undefined;
}

const NONE_BROKEN: readonly Violation[] = Object.freeze([]);
const NO_EFFECTS: readonly Effect[] = Object.freeze([]);
const NO_TRANSFERS: readonly Transfer[] = Object.freeze([]);

function stepRecord(item: EventItem, outcome: TxOutcome, problem: string | undefined): StepRecord {
  // Built field by field, not from spreads of small objects: a traced replay makes one per event.
  const record: Mutable<StepRecord> = {
    index: item.index,
    line: item.loc.line,
    event: item.event.type,
    status: outcome.ok ? 'ok' : 'error',
    expected: item.expectError !== undefined || item.expectResult !== undefined,
    effects: outcome.ok ? outcome.effects : NO_EFFECTS,
  };
  if (outcome.ok && outcome.result !== undefined) record.result = outcome.result;
  if (!outcome.ok) {
    record.error = outcome.error;
    record.failure = outcome.failure;
  }
  if (problem !== undefined) record.problem = problem;
  if (item.note !== undefined) record.note = item.note;
  return record;
}

/** What one successful event did to the quantities the invariants follow. */
export interface CheckedStep {
  readonly totals: Totals;
  /** The surplus the known divergences account for, this event's included. */
  readonly known: bigint;
  /** The invariants the event broke. */
  readonly breaches: readonly Breach[];
  /** The known divergences the event reported. */
  readonly divergences: readonly DivergenceDecision[];
}

const NO_DIVERGENCES: readonly DivergenceDecision[] = Object.freeze([]);

/**
 * The checks after one successful event, exactly as a replay makes them: its known divergences
 * added to `known`, the running totals advanced from `before` to the outcome's state, and the
 * invariants that broke. `runScenario` and `explore` both step through this.
 */
export function checkStep(before: ChainState, totals: Totals, known: bigint, outcome: Extract<TxOutcome, { ok: true }>, world: World): CheckedStep {
  let divergences = NO_DIVERGENCES;
  let after = known;
  for (const d of outcome.decisions) {
    if (d.kind !== 'divergence') continue;
    if (divergences === NO_DIVERGENCES) divergences = [];
    (divergences as DivergenceDecision[]).push(d);
    after += d.amount;
  }
  // No divergence reported so far (always so under deferred and immediate): no object for it.
  const knownSurplus = known === 0n && after === 0n ? undefined : { before: known, after };
  const advanced = advance(totals, before, outcome.state, world, knownSurplus, outcome.written);
  return { totals: advanced.totals, known: after, breaches: advanced.breaches, divergences };
}

export function runScenario(scenario: ReplayInput, options: RunOptions = {}): RunResult {
  const rules = options.ruleset?.name ?? effectiveRules(scenario, options);
  const { world, state: initial } = genesis(scenario.params, scenario.accounts, scenario.participants);
  const keepTrace = options.keepTrace ?? true;
  // Decisions are built only for an observer (explain, compare); divergences always. Transfer
  // records and effects only when a step record is kept or seen: otherwise the moves are counted.
  const env: Env = {
    world,
    rules: options.ruleset ?? RULESETS[rules],
    params: scenario.params,
    tx: options.tx,
    trace: options.observe !== undefined,
    record: keepTrace || options.observe !== undefined || options.sink !== undefined,
  };
  let state = initial;
  let totals = recount(initial, world);
  const steps: StepRecord[] = [];
  const transfers: TransferRecord[] = [];
  const checks: CheckRecord[] = [];
  const violations: Violation[] = [];
  const divergences: DivergenceRecord[] = [];
  /** The surplus the known divergences account for so far. */
  let known = 0n;
  let ok = true;
  let events = 0;
  let failed = 0;
  let transferCount = 0;

  for (const item of scenario.items) {
    if (item.kind === 'expect') {
      const failures = compareExpectation(item.expect, state, world, surplusOf(totals));
      const record: CheckRecord = { step: item.index, line: item.loc.line, ok: failures.length === 0, failures };
      checks.push(record);
      if (failures.length > 0) ok = false;
      options.observe?.({ kind: 'expect', item, record, state }, world);
      continue;
    }
    const outcome = applyEvent(state, item.event, env);
    const problem = describeExpectation(item.expectError, item.expectResult, outcome);
    if (problem !== undefined) ok = false;
    // A step record is built only when something keeps or sees it.
    const sink = options.sink;
    const record = keepTrace || options.observe || sink ? stepRecord(item, outcome, problem) : undefined;
    events++;
    if (!outcome.ok) failed++;
    if (record && keepTrace) steps.push(record);
    const before = state;
    let broken: readonly Violation[] = NONE_BROKEN;
    if (outcome.ok) {
      transferCount += outcome.moves;
      if (keepTrace) {
        for (const t of outcome.transfers) transfers.push({ step: item.index, from: t.from, to: t.to, amount: t.amount, memo: t.memo });
      }
      const checked = checkStep(state, totals, known, outcome, world);
      for (const d of checked.divergences) {
        divergences.push({ step: item.index, line: item.loc.line, event: item.event.type, amount: d.amount, id: d.id, data: d.data } as DivergenceRecord);
      }
      if (checked.breaches.length > 0) {
        ok = false;
        broken = checked.breaches.map((breach) => ({ step: item.index, line: item.loc.line, event: item.event.type, ...breach }));
        violations.push(...broken);
      }
      totals = checked.totals;
      known = checked.known;
      state = outcome.state;
    }
    if (sink && record) sink.step(record, outcome.ok ? outcome.transfers : NO_TRANSFERS);
    if (options.observe && record) options.observe(
      {
        kind: 'event',
        item,
        record,
        before,
        after: state,
        transfers: outcome.ok ? outcome.transfers : [],
        effects: outcome.ok ? outcome.effects : NO_EFFECTS,
        decisions: outcome.decisions,
        violations: broken,
        surplus: surplusOf(totals),
      },
      world,
    );
  }

  const counted = recount(state, world);
  for (const key of Object.keys(counted) as (keyof Totals)[]) {
    if (counted[key] !== totals[key]) {
      throw new Error(`internal: running total ${key} ${totals[key]} differs from the recount ${counted[key]}`);
    }
  }
  return {
    scenario: scenario.name,
    rules,
    ok,
    world,
    initial,
    final: state,
    totals,
    surplus: surplusOf(totals),
    steps,
    transfers,
    checks,
    violations,
    divergences,
    counts: { events, failed, transfers: transferCount },
  };
}

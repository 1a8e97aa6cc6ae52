/**
 * The properties a campaign checks on each generated scenario, and a replay that accepts any
 * Ruleset value (a registered ruleset replays through runScenario itself, exactly as `run`).
 */
import type { Scenario } from '../domain/scenario.js';
import { advance, recount, surplusOf } from '../engine/invariants.js';
import { canonicalJson, runToJson } from '../engine/json.js';
import { vecForEach } from '../engine/pvec.js';
import { balanceOf } from '../engine/queries.js';
import { applyEvent, type Env } from '../engine/reducers/index.js';
import { RULESETS, type Ruleset } from '../engine/rules.js';
import { runScenario, type DivergenceRecord, type RunResult, type StepRecord, type TransferRecord, type Violation } from '../engine/run.js';
import { genesis } from '../engine/state.js';

/**
 * Replays a scenario's events under a ruleset value. A registered ruleset goes through
 * runScenario (what `epochsim run` does); any other value (a test's planted bug) through the
 * same loop here: each event, the invariants after it, the known divergences.
 */
export function replay(scenario: Scenario, ruleset: Ruleset): RunResult {
  if (RULESETS[ruleset.name] === ruleset) return runScenario(scenario, { rules: ruleset.name });
  const { world, state: initial } = genesis(scenario.params, scenario.accounts, scenario.participants);
  const env: Env = { world, rules: ruleset, params: scenario.params };
  let state = initial;
  let totals = recount(initial);
  const steps: StepRecord[] = [];
  const transfers: TransferRecord[] = [];
  const violations: Violation[] = [];
  const divergences: DivergenceRecord[] = [];
  let known = 0n;
  let ok = true;
  for (const item of scenario.items) {
    if (item.kind !== 'event') continue;
    const outcome = applyEvent(state, item.event, env);
    if (!outcome.ok) ok = false;
    steps.push({
      index: item.index,
      line: item.loc.line,
      event: item.event.type,
      status: outcome.ok ? 'ok' : 'error',
      ...(outcome.ok && outcome.result !== undefined ? { result: outcome.result } : {}),
      ...(outcome.ok ? {} : { error: outcome.error }),
      expected: false,
    });
    if (!outcome.ok) continue;
    for (const t of outcome.transfers) transfers.push({ step: item.index, ...t });
    const knownBefore = known;
    for (const d of outcome.decisions) {
      if (d.kind !== 'divergence') continue;
      divergences.push({ step: item.index, line: item.loc.line, event: item.event.type, id: d.id, source: d.source, amount: d.amount, message: d.message });
      known += d.amount;
    }
    const advanced = advance(totals, state, outcome.state, world, { before: knownBefore, after: known });
    for (const breach of advanced.breaches) {
      ok = false;
      violations.push({ step: item.index, line: item.loc.line, event: item.event.type, ...breach });
    }
    totals = advanced.totals;
    state = outcome.state;
  }
  // a plain object, then returned: it fits RunResult with or without the optional `counts`
  const result = {
    scenario: scenario.name,
    rules: ruleset.name,
    ok,
    world,
    initial,
    final: state,
    totals,
    surplus: surplusOf(totals),
    steps,
    transfers,
    checks: [],
    violations,
    divergences,
    counts: { events: steps.length, failed: steps.filter((x) => x.status === 'error').length, transfers: transfers.length },
  };
  return result;
}

/** What failed: the property and the ruleset(s), which together are the failure's identity. */
export interface Failure {
  /** `invariant:supply|bounds|surplus`, `divergence:<id>` (only with strict), `determinism`, `differential`, `crash`. */
  readonly property: string;
  /** The ruleset name, or `deferred/immediate` for the differential property. */
  readonly rules: string;
  readonly message: string;
}

export const failureKey = (f: Pick<Failure, 'property' | 'rules'>): string => `${f.rules} ${f.property}`;

export interface RulesetOutcome {
  readonly failures: readonly Failure[];
  /** Known divergences by id (counted, not failures unless strict). */
  readonly divergences: readonly DivergenceRecord[];
  readonly run: RunResult | undefined;
}

function crash(rules: string, error: unknown): Failure {
  return { property: 'crash', rules, message: error instanceof Error ? error.message : String(error) };
}

/** Invariants, (strict) known divergences and determinism of one scenario under one ruleset. */
export function checkRuleset(scenario: Scenario, ruleset: Ruleset, strict: boolean, determinism = true): RulesetOutcome {
  const name = ruleset.name;
  let run: RunResult;
  try {
    run = replay(scenario, ruleset);
  } catch (error) {
    return { failures: [crash(name, error)], divergences: [], run: undefined };
  }
  const failures: Failure[] = [];
  const seen = new Set<string>();
  for (const v of run.violations) {
    if (seen.has(v.invariant)) continue;
    seen.add(v.invariant);
    failures.push({ property: `invariant:${v.invariant}`, rules: name, message: `step ${v.step} (${v.event}): ${v.message}` });
  }
  if (strict) {
    const ids = new Set<string>();
    for (const d of run.divergences) {
      if (ids.has(d.id)) continue;
      ids.add(d.id);
      failures.push({ property: `divergence:${d.id}`, rules: name, message: `step ${d.step} (${d.event}): ${d.message} (${d.amount} ngonka)` });
    }
  }
  if (determinism) {
    try {
      const again = replay(scenario, ruleset);
      const a = canonicalJson(runToJson(run));
      const b = canonicalJson(runToJson(again));
      if (a !== b) failures.push({ property: 'determinism', rules: name, message: 'two replays of the same scenario gave different JSON' });
    } catch (error) {
      failures.push(crash(name, error));
    }
  }
  return { failures, divergences: run.divergences, run };
}

/**
 * The differential precondition: nobody punished, excluded or left out of an active set, and
 * after both replays no work coins are left owed or unclaimed (every settle amount was claimed).
 */
export function cleanForDifferential(scenario: Scenario, a: RunResult, b: RunResult): boolean {
  for (const it of scenario.items) {
    if (it.kind !== 'event') continue;
    const e = it.event;
    if (e.type === 'exclude_participant') return false;
    if (e.type === 'end_epoch' && e.punish.length > 0) return false;
    if (e.type === 'start_epoch' && e.active !== undefined) return false;
  }
  const settled = (r: RunResult): boolean => {
    let clear = true;
    vecForEach(r.final.participants, (p) => {
      if (p.coinBalance !== 0n || (p.settle !== null && p.settle.workCoins !== 0n)) clear = false;
    });
    return clear;
  };
  return settled(a) && settled(b);
}

/** Each host's final liquid balance under `a` and `b`; the first difference, if any. */
export function differential(scenario: Scenario, a: RunResult, b: RunResult): Failure | undefined {
  if (!cleanForDifferential(scenario, a, b)) return undefined;
  for (const p of scenario.participants) {
    const x = balanceOf(a.final, a.world, p.name);
    const y = balanceOf(b.final, b.world, p.name);
    if (x !== y) {
      return {
        property: 'differential',
        rules: `${a.rules}/${b.rules}`,
        message: `${p.name} ends with ${x} ngonka under ${a.rules} and ${y} under ${b.rules}`,
      };
    }
  }
  return undefined;
}

/** The failure of `scenario` with the same property and rules as `target`, if it still fails. */
export function findFailure(scenario: Scenario, target: Failure, rulesets: readonly Ruleset[], strict: boolean): Failure | undefined {
  if (target.property === 'differential') {
    const [na, nb] = target.rules.split('/');
    const ra = rulesets.find((r) => r.name === na) ?? RULESETS[na as 'deferred'];
    const rb = rulesets.find((r) => r.name === nb) ?? RULESETS[nb as 'immediate'];
    try {
      return differential(scenario, replay(scenario, ra), replay(scenario, rb));
    } catch {
      return undefined;
    }
  }
  const ruleset = rulesets.find((r) => r.name === target.rules);
  if (ruleset === undefined) return undefined;
  const out = checkRuleset(scenario, ruleset, strict, target.property === 'determinism');
  return out.failures.find((f) => f.property === target.property);
}

/** Whether `scenario` still fails the property `target` (the shrinker's predicate). */
export function stillFails(scenario: Scenario, target: Failure, rulesets: readonly Ruleset[], strict: boolean): boolean {
  return findFailure(scenario, target, rulesets, strict) !== undefined;
}

/**
 * The properties a campaign checks on each generated scenario, and a replay that accepts any
 * Ruleset value (through runScenario, exactly as `run` replays).
 */
import type { Scenario } from '../domain/scenario.js';
import { divergenceMessage } from '../words/divergences.js';
import { runJsonText } from '../engine/replay/json.js';
import { vecForEach } from '../engine/storage/pvec.js';
import { balanceOf } from '../engine/storage/queries.js';
import { RULESETS } from '../engine/rules/registry.js';
import type { Ruleset } from '../engine/rules/ruleset.js';
import type { ChainState, World } from '../engine/storage/state.js';
import { runScenario, type DivergenceRecord, type RunResult } from '../engine/replay/run.js';

/** Replays a scenario under a ruleset value (a registered one, or a test's planted bug). */
export function replay(scenario: Scenario, ruleset: Ruleset): RunResult {
  return runScenario(scenario, { ruleset });
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
      failures.push({ property: `divergence:${d.id}`, rules: name, message: `step ${d.step} (${d.event}): ${divergenceMessage(d)} (${d.amount} ngonka)` });
    }
  }
  if (determinism) {
    try {
      const again = replay(scenario, ruleset);
      const a = runJsonText(run);
      const b = runJsonText(again);
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
  return settledForDifferential(a.final) && settledForDifferential(b.final);
}

/** No work coins left owed (coin_balance) or unclaimed (a settle amount's work coins). */
export function settledForDifferential(state: ChainState): boolean {
  let clear = true;
  vecForEach(state.participants, (p) => {
    if (p.coinBalance !== 0n || (p.settle !== null && p.settle.workCoins !== 0n)) clear = false;
  });
  return clear;
}

/** One side of the differential: a final state, its world and its ruleset's name. */
export interface DifferentialSide {
  readonly final: ChainState;
  readonly world: World;
  readonly rules: string;
}

/** The first participant whose liquid balance differs between `a` and `b`, as a failure. */
export function differentialOfStates(participants: readonly string[], a: DifferentialSide, b: DifferentialSide): Failure | undefined {
  for (const name of participants) {
    const x = balanceOf(a.final, a.world, name);
    const y = balanceOf(b.final, b.world, name);
    if (x !== y) {
      return {
        property: 'differential',
        rules: `${a.rules}/${b.rules}`,
        message: `${name} ends with ${x} ngonka under ${a.rules} and ${y} under ${b.rules}`,
      };
    }
  }
  return undefined;
}

/** Each host's final liquid balance under `a` and `b`; the first difference, if any. */
export function differential(scenario: Scenario, a: RunResult, b: RunResult): Failure | undefined {
  if (!cleanForDifferential(scenario, a, b)) return undefined;
  return differentialOfStates(
    scenario.participants.map((p) => p.name),
    a,
    b,
  );
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

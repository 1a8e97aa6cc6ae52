/**
 * A fuzz campaign: run i (0 ≤ i < runs) replays the scenario generated from seed `seed + i`
 * under every selected ruleset and checks the properties; the first failure of each kind
 * (property and ruleset) is shrunk. Pure: no files, no clock, no process — the CLI does those.
 */
import type { Scenario } from '../domain/scenario.js';
import { RULESETS } from '../engine/rules/registry.js';
import type { Ruleset } from '../engine/rules/ruleset.js';
import type { RunResult } from '../engine/replay/run.js';
import { generateScenario, type GenMode } from './generate.js';
import { checkRuleset, cleanForDifferential, differential, failureKey, findFailure, stillFails, type Failure } from './properties.js';
import { shrinkScenario } from './shrink.js';

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export interface CampaignOptions {
  readonly seed: number;
  readonly runs: number;
  readonly steps: number;
  readonly participants: number;
  /** Ruleset values, so a test can plant a broken one. */
  readonly rulesets: readonly Ruleset[];
  readonly strict: boolean;
  readonly shard?: Shard | undefined;
  /** Forces every run's generator mode (tests). */
  readonly mode?: GenMode | undefined;
  /** Predicate calls allowed to each shrink. */
  readonly shrinkBudget?: number | undefined;
  /** Called after each run with the number of runs done and failing so far. */
  readonly onRun?: ((done: number, failed: number) => void) | undefined;
  /** Called with each new kind of failure as soon as it is shrunk. */
  readonly onFound?: ((found: FoundFailure) => void) | undefined;
}

export interface FoundFailure extends Failure {
  readonly run: number;
  readonly seed: number;
  readonly mode: GenMode;
  readonly original: Scenario;
  readonly shrunk: Scenario;
}

export interface CampaignResult {
  /** Runs of this shard. */
  readonly runs: number;
  /** Scenario replays under a ruleset (the determinism replays not counted). */
  readonly replays: number;
  /** Runs with at least one failure. */
  readonly failedRuns: number;
  /** Failing runs by failure kind (`<rules> <property>`), in order of first appearance. */
  readonly failuresByKind: ReadonlyMap<string, number>;
  /** The first failure of each kind, shrunk. */
  readonly found: readonly FoundFailure[];
  /** Runs with each known divergence, by ruleset then id (not failures unless strict). */
  readonly divergences: ReadonlyMap<string, number>;
  readonly cleanRuns: number;
  /** Clean runs (times pairs) where the differential's precondition held after the replays, so it was compared. */
  readonly differentialChecks: number;
}

/** The run indices of a shard: those ≡ index (mod count). */
export function shardRuns(runs: number, shard: Shard | undefined): number[] {
  const out: number[] = [];
  const n = shard?.count ?? 1;
  for (let i = shard?.index ?? 0; i < runs; i += n) out.push(i);
  return out;
}

/** The differential pairs: each selected `deferred` with the selected (or registered) `immediate`. */
function pairsOf(rulesets: readonly Ruleset[]): [Ruleset, Ruleset][] {
  const deferred = rulesets.filter((r) => r.name === 'deferred');
  const immediate = rulesets.filter((r) => r.name === 'immediate');
  if (deferred.length === 0 && immediate.length === 0) return [];
  const ds = deferred.length > 0 ? deferred : [RULESETS.deferred];
  const is = immediate.length > 0 ? immediate : [RULESETS.immediate];
  return ds.flatMap((d) => is.map((i): [Ruleset, Ruleset] => [d, i]));
}

/**
 * A campaign run by run, so whoever drives it can stop between runs (Ctrl-C) and still have the
 * result of the runs done; `runCampaign` drives one to its end.
 */
export class Campaign {
  private readonly o: CampaignOptions;
  private readonly runs: number[];
  private readonly pairs: [Ruleset, Ruleset][];
  private next = 0;
  private readonly failuresByKind = new Map<string, number>();
  private readonly divergences = new Map<string, number>();
  private readonly found: FoundFailure[] = [];
  private failedRuns = 0;
  private replays = 0;
  private cleanRuns = 0;
  private differentialChecks = 0;

  constructor(o: CampaignOptions) {
    this.o = o;
    this.runs = shardRuns(o.runs, o.shard);
    this.pairs = pairsOf(o.rulesets);
  }

  /** Whether every run of the shard is done. */
  get done(): boolean {
    return this.next >= this.runs.length;
  }

  /** Does the next run (nothing when all are done). */
  step(): void {
    const run = this.runs[this.next];
    if (run === undefined) return;
    const o = this.o;
    const seed = o.seed + run;
    const { scenario, mode } = generateScenario(seed, { steps: o.steps, participants: o.participants, mode: o.mode });
    const failures: Failure[] = [];
    const results = new Map<Ruleset, RunResult>();
    for (const ruleset of o.rulesets) {
      const out = checkRuleset(scenario, ruleset, o.strict);
      this.replays += 1;
      failures.push(...out.failures);
      if (out.run !== undefined) results.set(ruleset, out.run);
      const ids = new Set(out.divergences.map((d) => d.id));
      for (const id of ids) {
        const key = `${ruleset.name} ${id}`;
        this.divergences.set(key, (this.divergences.get(key) ?? 0) + 1);
      }
    }
    if (mode === 'clean') {
      this.cleanRuns += 1;
      for (const [a, b] of this.pairs) {
        const ra = results.get(a) ?? checkRuleset(scenario, a, false, false).run;
        const rb = results.get(b) ?? checkRuleset(scenario, b, false, false).run;
        if (ra === undefined || rb === undefined) continue;
        if (cleanForDifferential(scenario, ra, rb)) this.differentialChecks += 1;
        const f = differential(scenario, ra, rb);
        if (f !== undefined) failures.push(f);
      }
    }
    if (failures.length > 0) this.failedRuns += 1;
    for (const f of failures) {
      const key = failureKey(f);
      const seen = this.failuresByKind.has(key);
      this.failuresByKind.set(key, (this.failuresByKind.get(key) ?? 0) + 1);
      if (seen) continue;
      const shrunk = shrinkScenario(scenario, (s) => stillFails(s, f, o.rulesets, o.strict), { budget: o.shrinkBudget }).scenario;
      // the message as the shrunk scenario fails (its steps, its amounts)
      const message = findFailure(shrunk, f, o.rulesets, o.strict)?.message ?? f.message;
      const found: FoundFailure = { ...f, message, run, seed, mode, original: scenario, shrunk };
      this.found.push(found);
      o.onFound?.(found);
    }
    this.next += 1;
    o.onRun?.(this.next, this.failedRuns);
  }

  /** The result of the runs done so far (all of them once `done`). */
  result(): CampaignResult {
    return {
      runs: this.next,
      replays: this.replays,
      failedRuns: this.failedRuns,
      failuresByKind: new Map(this.failuresByKind),
      found: [...this.found],
      divergences: new Map(this.divergences),
      cleanRuns: this.cleanRuns,
      differentialChecks: this.differentialChecks,
    };
  }
}

export function runCampaign(o: CampaignOptions): CampaignResult {
  const campaign = new Campaign(o);
  while (!campaign.done) campaign.step();
  return campaign.result();
}

/**
 * The shard a worker takes of the user's shard: runs ≡ i (mod n) split W ways are the runs
 * ≡ i + k·n (mod n·W), k = 0 … W − 1.
 */
export function subShard(shard: Shard | undefined, k: number, workers: number): Shard {
  const i = shard?.index ?? 0;
  const n = shard?.count ?? 1;
  return { index: i + k * n, count: n * workers };
}

/**
 * Merges the results of disjoint shards of one campaign: counts add up; of each failure kind
 * the lowest run is kept, so the merge equals the campaign run in one piece.
 */
export function mergeResults(parts: readonly CampaignResult[]): CampaignResult {
  const add = (maps: readonly ReadonlyMap<string, number>[]): Map<string, number> => {
    const out = new Map<string, number>();
    for (const m of maps) for (const [k, v] of m) out.set(k, (out.get(k) ?? 0) + v);
    return out;
  };
  const firsts = new Map<string, FoundFailure>();
  for (const f of parts.flatMap((p) => p.found)) {
    const key = failureKey(f);
    const seen = firsts.get(key);
    if (seen === undefined || f.run < seen.run) firsts.set(key, f);
  }
  const found = [...firsts.values()].sort((a, b) => a.run - b.run);
  const byKind = add(parts.map((p) => p.failuresByKind));
  const failuresByKind = new Map(found.map((f) => [failureKey(f), byKind.get(failureKey(f)) ?? 0] as const));
  const sum = (pick: (r: CampaignResult) => number): number => parts.reduce((a, p) => a + pick(p), 0);
  return {
    runs: sum((p) => p.runs),
    replays: sum((p) => p.replays),
    failedRuns: sum((p) => p.failedRuns),
    failuresByKind,
    found,
    divergences: add(parts.map((p) => p.divergences)),
    cleanRuns: sum((p) => p.cleanRuns),
    differentialChecks: sum((p) => p.differentialChecks),
  };
}

/**
 * A parameter sweep: the scenario replayed at every point of a grid (the product of the params'
 * values, times the rulesets), each point giving the chosen metrics of its `run --json` document,
 * or its first failing step. The grid's order: the params in the order given, the first varying
 * slowest, then the rulesets; that is the order of the rows whatever runs them. Pure.
 *
 * The file's `expect` checkpoints are written for its own params, so a sweep does not compare
 * them; a point fails when an event fails that the file does not expect to fail (or an expected
 * failure or result does not happen), or an invariant breaks.
 */
import { z } from 'zod';
import { RULE_NAMES, type Params, type RuleName, type Scenario } from '../domain/scenario.js';
import { runToJson, type Json } from '../engine/replay/json.js';
import { runScenario, type RunResult } from '../engine/replay/run.js';
import { readMetric, type Metric } from './metric.js';
import { MAX_POINTS, withParams, type ParamSpec, type Parsed } from './params.js';

export interface Point {
  /** Its place in the grid (0-based): the row's order. */
  readonly index: number;
  /** The value index of each param, in the params' order. */
  readonly at: readonly number[];
  readonly rules: RuleName;
  readonly params: Params;
}

/** A point's first failing step: where it is and what went wrong. */
export interface PointFailure {
  readonly step: number;
  readonly line: number;
  readonly event: string;
  readonly message: string;
}

export type PointResult =
  | { readonly ok: true; readonly values: readonly (Json | undefined)[] }
  | { readonly ok: false; readonly failure: PointFailure };

/** The points of the grid, in its order; why not, when it is too large or a point's params break a rule. */
export function gridPoints(base: Params, specs: readonly ParamSpec[], rules: readonly RuleName[]): Parsed<Point[]> {
  const size = specs.reduce((n, s) => n * s.values.length, rules.length);
  if (size > MAX_POINTS) {
    const factors = [...specs.map((s) => `${s.values.length} ${s.path}`), `${rules.length} ruleset${rules.length === 1 ? '' : 's'}`];
    return { ok: false, message: `the grid has ${factors.join(' × ')} = ${size} points: a sweep has at most ${MAX_POINTS}` };
  }
  const points: Point[] = [];
  const at = specs.map(() => 0);
  for (let n = 0; n < size / rules.length; n++) {
    let rest = n;
    for (let i = specs.length - 1; i >= 0; i--) {
      const count = (specs[i] as ParamSpec).values.length;
      at[i] = rest % count;
      rest = Math.floor(rest / count);
    }
    const params = withParams(
      base,
      specs.map((s, i) => [s.path, s.values[at[i] as number] as ParamSpec['values'][number]] as const),
    );
    if (!params.ok) {
      const where = specs.map((s, i) => `${s.path}=${(s.values[at[i] as number] as ParamSpec['values'][number]).text}`).join(', ');
      return { ok: false, message: `at ${where}: ${params.message}` };
    }
    for (const r of rules) points.push({ index: points.length, at: [...at], rules: r, params: params.value });
  }
  return { ok: true, value: points };
}

/** The scenario as a sweep replays it: its events, without the checkpoints. */
export function withoutCheckpoints(scenario: Scenario): Scenario {
  return { ...scenario, items: scenario.items.filter((it) => it.kind === 'event') };
}

/** The first step that makes the run fail: an event not as expected, or an invariant broken. */
export function firstFailure(run: RunResult): PointFailure | undefined {
  const step = run.steps.find((s) => s.problem !== undefined);
  const v = run.violations[0];
  if (step !== undefined && (v === undefined || step.index <= v.step)) {
    return { step: step.index, line: step.line, event: step.event, message: step.problem as string };
  }
  if (v !== undefined) return { step: v.step, line: v.line, event: v.event, message: `${v.invariant}: ${v.message}` };
  return undefined;
}

/** Replays one point (of a scenario without checkpoints) and reads its metrics. */
export function runPoint(scenario: Scenario, point: Point, metrics: readonly Metric[]): PointResult {
  const run = runScenario({ ...scenario, params: point.params }, { rules: point.rules });
  const failure = firstFailure(run);
  if (failure !== undefined) return { ok: false, failure };
  const doc = runToJson(run);
  return { ok: true, values: metrics.map((m) => readMetric(doc, m)) };
}

/** The text of a failure, as `run` shows a failing step. */
export const failureText = (f: PointFailure): string => `step ${f.step} (line ${f.line}, ${f.event}): ${f.message}`;

/** The version of the sweep --json document. */
export const SWEEP_JSON_FORMAT = 1;

const metricValue = z.union([z.string(), z.number(), z.boolean(), z.null()]).meta({ description: 'the value in the run --json document (amounts as decimal strings of ngonka); null where the document does not hold it' });

export const sweepDocumentSchema = z
  .strictObject({
    format: z.literal('epochsim sweep'),
    format_version: z.literal(SWEEP_JSON_FORMAT),
    scenario: z.string().meta({ description: "the scenario's name" }),
    file: z.string().meta({ description: 'the file swept (- for stdin)' }),
    params: z
      .array(z.strictObject({ path: z.string(), values: z.array(z.string()).min(1) }))
      .meta({ description: 'the params varied, in the order given (the first varies slowest), each with its values: integers and amounts as ngonka digits, other values as written' }),
    rules: z.array(z.enum(RULE_NAMES)).min(1).meta({ description: 'the rulesets, varying fastest' }),
    metrics: z.array(z.string()).meta({ description: 'the metric paths, in the order given' }),
    grid: z.number().int().min(1).meta({ description: 'how many points the grid has' }),
    interrupted: z.boolean().meta({ description: 'stopped by Ctrl-C or SIGTERM: points holds the points done' }),
    points: z.array(
      z.discriminatedUnion('ok', [
        z.strictObject({
          index: z.number().int().min(0),
          params: z.record(z.string(), z.string()),
          rules: z.enum(RULE_NAMES),
          ok: z.literal(true),
          metrics: z.record(z.string(), metricValue).meta({ description: 'each metric path: its value' }),
        }),
        z.strictObject({
          index: z.number().int().min(0),
          params: z.record(z.string(), z.string()),
          rules: z.enum(RULE_NAMES),
          ok: z.literal(false),
          failure: z.strictObject({ step: z.number().int().min(1), line: z.number().int().min(0), event: z.string(), message: z.string() }).meta({ description: 'the first failing step, instead of the metrics' }),
        }),
      ]),
    ).meta({ description: "the points in the grid's order (index: the place in the grid)" }),
  })
  .meta({ title: 'epochsim sweep --json', description: `The document epochsim sweep --json prints (format_version ${SWEEP_JSON_FORMAT}).` });

export type SweepDocument = z.infer<typeof sweepDocumentSchema>;

/** The JSON Schema (draft 2020-12) of the sweep --json document. */
export function sweepJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(sweepDocumentSchema) as Record<string, unknown>;
}

/** A metric's value as a cell of the document: absent is null, anything else as found (an object as its JSON). */
export function metricJson(v: Json | undefined): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'object' ? JSON.stringify(v) : v;
}

export interface SweepInput {
  readonly scenario: string;
  readonly file: string;
  readonly specs: readonly ParamSpec[];
  readonly rules: readonly RuleName[];
  readonly metrics: readonly Metric[];
  readonly points: readonly Point[];
  /** The result of each point done, by index (undefined: not run, when interrupted). */
  readonly results: readonly (PointResult | undefined)[];
  readonly interrupted: boolean;
}

/** The sweep --json document. */
export function sweepDocument(s: SweepInput): SweepDocument {
  const points: SweepDocument['points'] = [];
  for (const p of s.points) {
    const r = s.results[p.index];
    if (r === undefined) continue;
    const params = Object.fromEntries(s.specs.map((spec, i) => [spec.path, (spec.values[p.at[i] as number] as ParamSpec['values'][number]).text]));
    if (r.ok) {
      const metrics = Object.fromEntries(s.metrics.map((m, i) => [m.text, metricJson(r.values[i])]));
      points.push({ index: p.index, params, rules: p.rules, ok: true, metrics });
    } else {
      points.push({ index: p.index, params, rules: p.rules, ok: false, failure: { ...r.failure } });
    }
  }
  return {
    format: 'epochsim sweep',
    format_version: SWEEP_JSON_FORMAT,
    scenario: s.scenario,
    file: s.file,
    params: s.specs.map((spec) => ({ path: spec.path, values: spec.values.map((v) => v.text) })),
    rules: [...s.rules],
    metrics: s.metrics.map((m) => m.text),
    grid: s.points.length,
    interrupted: s.interrupted,
    points,
  };
}

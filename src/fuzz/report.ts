/**
 * The campaign report of `epochsim fuzz --report FILE.json`, and the merge of shard reports
 * (`epochsim fuzz merge`). One zod schema is the document's type, what merge validates a file
 * with, and the JSON Schema `epochsim schema --output fuzz-report` prints. Pure: the CLI reads
 * and writes the files, and gives the version and the time.
 *
 * A shard `i/n` is the runs whose index is ≡ i (mod n); a report covers one shard (the whole
 * campaign is 0/1). Merging checks that the reports come from one version and one campaign and
 * that their shards are 0/n … n−1/n, each once, each complete; the merged report is then the
 * report of the campaign run in one piece (the timings aside: they add up).
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { RULE_NAMES, type RuleName } from '../domain/scenario.js';
import { shardRuns, type CampaignResult, type FoundFailure, type Shard } from './campaign.js';
import { eventsOf } from './generate.js';
import { failureKey } from './properties.js';
import { scenarioToYaml } from './yaml.js';

/** The version of the report document. */
export const FUZZ_REPORT_FORMAT = 1;

/** What makes a campaign: shards of one campaign share all of it. */
export interface CampaignSettings {
  readonly seed: number;
  readonly runs: number;
  readonly rules: readonly RuleName[];
  readonly steps: number;
  readonly participants: number;
  readonly strict: boolean;
}

const count = z.number().int().min(0);
const shardSchema = z.strictObject({ index: count, count: z.number().int().min(1) }).meta({ description: 'the runs whose index is ≡ index (mod count)' });

const failureSchema = z
  .strictObject({
    rules: z.string().meta({ description: 'the ruleset, or deferred/immediate for the differential property' }),
    property: z.string().meta({ description: 'invariant:<name>, divergence:<id>, determinism, differential or crash' }),
    runs: z.number().int().min(1).meta({ description: 'how many runs failed this way' }),
    run: count.meta({ description: 'the first run that failed this way (its index in the campaign)' }),
    seed: count.meta({ description: 'the seed of that run: the campaign seed + run' }),
    mode: z.enum(['free', 'clean']),
    message: z.string().meta({ description: 'how the shrunk scenario fails' }),
    events: z.strictObject({ original: count, shrunk: count }),
    participants: z.strictObject({ original: count, shrunk: count }),
    file: z.string().meta({ description: 'where the shrunk scenario was written (with a comment header)' }),
    replay: z.string().meta({ description: 'the command that replays the written file' }),
    reproduce: z.string().meta({ description: 'the fuzz command that finds the failure again (that run alone)' }),
    scenario: z.string().meta({ description: 'the shrunk scenario as YAML (the written file without its comment header)' }),
  })
  .meta({ description: 'a kind of failure (property and rules): how many runs, and the first of them, shrunk' });

export const fuzzReportSchema = z
  .strictObject({
    format: z.literal('epochsim fuzz report'),
    format_version: z.literal(FUZZ_REPORT_FORMAT),
    epochsim_version: z.string(),
    campaign: z
      .strictObject({
        seed: count,
        runs: z.number().int().min(1),
        rules: z.array(z.enum(RULE_NAMES)).min(1),
        steps: z.number().int().min(1),
        participants: z.number().int().min(1),
        strict: z.boolean(),
        seeds: z.strictObject({ first: count, last: count }).meta({ description: 'the seeds of the whole campaign: run i uses seed + i' }),
      })
      .meta({ description: 'the settings every shard of the campaign shares' }),
    shard: shardSchema.meta({ description: 'the runs this report covers (0/1: the whole campaign)' }),
    properties: z.array(z.enum(['invariant', 'determinism', 'differential', 'divergence'])).meta({ description: 'the properties checked' }),
    interrupted: z.boolean().meta({ description: 'stopped (Ctrl-C, SIGTERM) before every run of the shard was done' }),
    runs: count.meta({ description: 'runs done' }),
    runs_planned: count.meta({ description: 'runs of the shard' }),
    replays: count,
    failed_runs: count,
    clean_runs: count,
    differential_checks: count,
    failures: z.array(failureSchema).meta({ description: 'one entry per kind of failure, in the order of their first run' }),
    divergences: z
      .array(z.strictObject({ rules: z.enum(RULE_NAMES), id: z.string(), runs: z.number().int().min(1) }))
      .meta({ description: 'known divergences of the chain-version rulesets: runs with each (failures only with strict)' }),
    timings: z
      .strictObject({ seconds: z.number().min(0), runs_per_second: z.number().min(0).nullable() })
      .meta({ description: 'the time the runs took (a merged report: the sum over its shards)' }),
  })
  .meta({ title: 'epochsim fuzz report', description: `The campaign report of epochsim fuzz --report (format_version ${FUZZ_REPORT_FORMAT}).` });

export type FuzzReport = z.infer<typeof fuzzReportSchema>;
export type ReportFailure = FuzzReport['failures'][number];

/** The JSON Schema (draft 2020-12) of the report. */
export function fuzzReportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(fuzzReportSchema) as Record<string, unknown>;
}

const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-');

/** The `--rules` argument of a command: `all`, or the names. */
export const rulesArgument = (rules: readonly string[]): string => (rules.length === RULE_NAMES.length ? 'all' : rules.join(','));

/** The fuzz command line that reproduces a campaign (or one run: its seed and --runs 1). */
export function fuzzCommand(s: CampaignSettings, rules: string, seed: number, runs: number, shard: Shard | undefined): string {
  const parts = ['epochsim fuzz', `--rules ${rules}`, `--seed ${seed}`, `--runs ${runs}`, `--steps ${s.steps}`, `--participants ${s.participants}`];
  if (shard !== undefined && shard.count > 1) parts.push(`--shard ${shard.index}/${shard.count}`);
  if (s.strict) parts.push('--strict');
  return parts.join(' ');
}

/** A failure's file under `out`, and the commands that replay and reproduce it. */
function failurePlace(
  s: CampaignSettings,
  f: { readonly seed: number; readonly rules: string; readonly property: string },
  out: string,
): { file: string; replay: string; reproduce: string } {
  const file = posix.join(out, `seed-${f.seed}-${fileSafe(f.rules)}-${fileSafe(f.property)}.yaml`);
  const differential = f.property === 'differential';
  const replay = differential ? `epochsim compare ${file} --rules ${f.rules.replace('/', ',')}` : `epochsim run ${file} --rules ${f.rules.split('/')[0] ?? f.rules}`;
  const reproduce = fuzzCommand(s, differential ? f.rules.replace('/', ',') : f.rules, f.seed, 1, undefined);
  return { file, replay, reproduce };
}

/** A failure as the report holds it, its scenario written under `out`. */
export function reportFailure(s: CampaignSettings, found: FoundFailure, runs: number, out: string): ReportFailure {
  const rules = found.rules.split('/')[0] as RuleName;
  const scenario = { ...found.shrunk, name: `fuzz seed ${found.seed}: ${found.property} under ${found.rules}`, rules };
  return {
    rules: found.rules,
    property: found.property,
    runs,
    run: found.run,
    seed: found.seed,
    mode: found.mode,
    message: found.message,
    events: { original: eventsOf(found.original).length, shrunk: eventsOf(found.shrunk).length },
    participants: { original: found.original.participants.length, shrunk: found.shrunk.participants.length },
    ...failurePlace(s, found, out),
    scenario: scenarioToYaml(scenario),
  };
}

/** The failure as written under another folder (a merge writes the shards' failures under its own). */
export function movedFailure(s: CampaignSettings, f: ReportFailure, out: string): ReportFailure {
  return { ...f, ...failurePlace(s, f, out) };
}

/** The text of a failure's file: a comment header (what failed, how to replay it), then the scenario. */
export function failureFileText(f: ReportFailure, campaignSeed: number): string {
  const header = [
    `epochsim fuzz: ${f.property} fails under ${f.rules}`,
    `seed ${f.seed} (run ${f.run} of the campaign from seed ${campaignSeed}); shrunk from ${f.events.original} events to ${f.events.shrunk}`,
    f.message,
    `replay:    ${f.replay}`,
    `reproduce: ${f.reproduce}`,
    '',
  ];
  return `${header.map((h) => (h === '' ? '#' : `# ${h}`)).join('\n')}\n${f.scenario}`;
}

/** The properties a campaign with these settings checks. */
function propertiesOf(s: CampaignSettings): FuzzReport['properties'] {
  const out: FuzzReport['properties'] = ['invariant', 'determinism'];
  if (s.rules.includes('deferred') || s.rules.includes('immediate')) out.push('differential');
  if (s.strict) out.push('divergence');
  return out;
}

/** Divergence counts in the order the summary lists them: by ruleset, then id. */
function sortedDivergences(entries: readonly FuzzReport['divergences'][number][]): FuzzReport['divergences'] {
  const order = (r: RuleName): number => RULE_NAMES.indexOf(r);
  return [...entries].sort((a, b) => order(a.rules) - order(b.rules) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The time in seconds to the nanosecond (a sum of shards' times drops the float's noise), and the rate. */
const timings = (runs: number, seconds: number): FuzzReport['timings'] => {
  const s = Number(seconds.toFixed(9));
  return { seconds: s, runs_per_second: s > 0 ? Number((runs / s).toFixed(3)) : null };
};

export interface ReportInput {
  readonly settings: CampaignSettings;
  readonly shard: Shard | undefined;
  readonly result: CampaignResult;
  readonly interrupted: boolean;
  readonly version: string;
  readonly seconds: number;
  /** The folder the failures are written to. */
  readonly out: string;
}

/** The report of a campaign (or a shard of one), from its result. */
export function buildReport(r: ReportInput): FuzzReport {
  const s = r.settings;
  const shard = r.shard ?? { index: 0, count: 1 };
  return {
    format: 'epochsim fuzz report',
    format_version: FUZZ_REPORT_FORMAT,
    epochsim_version: r.version,
    campaign: {
      seed: s.seed,
      runs: s.runs,
      rules: [...s.rules],
      steps: s.steps,
      participants: s.participants,
      strict: s.strict,
      seeds: { first: s.seed, last: s.seed + s.runs - 1 },
    },
    shard: { index: shard.index, count: shard.count },
    properties: propertiesOf(s),
    interrupted: r.interrupted,
    runs: r.result.runs,
    runs_planned: shardRuns(s.runs, shard).length,
    replays: r.result.replays,
    failed_runs: r.result.failedRuns,
    clean_runs: r.result.cleanRuns,
    differential_checks: r.result.differentialChecks,
    failures: r.result.found.map((f) => reportFailure(s, f, r.result.failuresByKind.get(failureKey(f)) ?? 1, r.out)),
    divergences: sortedDivergences(
      [...r.result.divergences].map(([key, runs]) => {
        const [rules = '', id = ''] = key.split(' ');
        return { rules: rules as RuleName, id, runs };
      }),
    ),
    timings: timings(r.result.runs, r.seconds),
  };
}

/** The settings of a report's campaign. */
export function settingsOf(report: FuzzReport): CampaignSettings {
  const { seed, runs, rules, steps, participants, strict } = report.campaign;
  return { seed, runs, rules, steps, participants, strict };
}

/** A report read from a file: its name (for messages) and content. */
export interface NamedReport {
  readonly name: string;
  readonly report: FuzzReport;
}

export type MergeOutcome = { readonly ok: true; readonly report: FuzzReport } | { readonly ok: false; readonly message: string };

const SHARED = '--seed, --runs, --steps, --participants, --rules and --strict';

/** Why the reports are not shards of one campaign, if they are not. */
function campaignMismatch(parts: readonly NamedReport[]): string | undefined {
  const [first] = parts;
  if (first === undefined) return 'no report to merge';
  for (const p of parts.slice(1)) {
    if (p.report.epochsim_version !== first.report.epochsim_version) {
      return `${p.name} was written by epochsim ${p.report.epochsim_version}, ${first.name} by ${first.report.epochsim_version}: merge the reports of one version (a version may generate other scenarios from the same seed)`;
    }
    const a = first.report.campaign;
    const b = p.report.campaign;
    const fields: [string, unknown, unknown][] = [
      ['--seed', a.seed, b.seed],
      ['--runs', a.runs, b.runs],
      ['--rules', rulesArgument(a.rules), rulesArgument(b.rules)],
      ['--steps', a.steps, b.steps],
      ['--participants', a.participants, b.participants],
      ['--strict', a.strict ? 'on' : 'off', b.strict ? 'on' : 'off'],
    ];
    for (const [flag, x, y] of fields) {
      if (x !== y) return `${p.name} has ${flag} ${String(y)}, ${first.name} ${String(x)}: the shards of one campaign share ${SHARED}`;
    }
  }
  return undefined;
}

/** Why the reports' shards do not tile the campaign (each of 0/n … n−1/n once, each complete). */
function tilingProblem(parts: readonly NamedReport[]): string | undefined {
  const shardText = (s: Shard): string => `${s.index}/${s.count}`;
  const [first] = parts;
  if (first === undefined) return 'no report to merge';
  const n = first.report.shard.count;
  for (const p of parts) {
    if (p.report.shard.count !== n) {
      return `${p.name} is shard ${shardText(p.report.shard)}, ${first.name} shard ${shardText(first.report.shard)}: the shards of one campaign are i/n with the same n`;
    }
    const r = p.report;
    if (r.shard.index >= n) return `${p.name}: shard ${shardText(r.shard)} does not exist (0 ≤ i < n)`;
    const planned = shardRuns(r.campaign.runs, r.shard).length;
    if (r.runs_planned !== planned) return `${p.name}: shard ${shardText(r.shard)} of ${r.campaign.runs} runs has ${planned} runs, not ${r.runs_planned}`;
    if (r.interrupted || r.runs !== planned) {
      return `${p.name}: shard ${shardText(r.shard)} was interrupted after ${r.runs} of its ${planned} runs: run that shard again`;
    }
  }
  const byIndex = new Map<number, string>();
  for (const p of parts) {
    const before = byIndex.get(p.report.shard.index);
    if (before !== undefined) return `shard ${shardText(p.report.shard)} is given twice: ${before} and ${p.name}`;
    byIndex.set(p.report.shard.index, p.name);
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const names = missing.map((i) => `${i}/${n}`);
    const list = names.length === 1 ? `shard ${names[0]} is` : `shards ${names.slice(0, -1).join(', ')} and ${names.at(-1)} are`;
    return `${list} missing: the reports cover ${n - missing.length} of the ${n} shards`;
  }
  return undefined;
}

/**
 * Merges the reports of the shards of one campaign into the campaign's report: counts add up,
 * of each kind of failure the first run is kept (its failures written under `out`), the
 * divergences add up. The reports must come from one version and campaign and tile it.
 */
export function mergeReports(parts: readonly NamedReport[], out: string): MergeOutcome {
  const problem = campaignMismatch(parts) ?? tilingProblem(parts);
  if (problem !== undefined) return { ok: false, message: problem };
  const first = (parts[0] as NamedReport).report;
  const settings = settingsOf(first);
  const sum = (pick: (r: FuzzReport) => number): number => parts.reduce((a, p) => a + pick(p.report), 0);
  const kinds = new Map<string, { entry: ReportFailure; runs: number }>();
  for (const f of parts.flatMap((p) => p.report.failures)) {
    const key = failureKey(f);
    const seen = kinds.get(key);
    if (seen === undefined) kinds.set(key, { entry: f, runs: f.runs });
    else kinds.set(key, { entry: f.run < seen.entry.run ? f : seen.entry, runs: seen.runs + f.runs });
  }
  // in the order of their first run; a run's own kinds keep their order (one shard holds them)
  const failures = [...kinds.values()].sort((a, b) => a.entry.run - b.entry.run).map(({ entry, runs }) => movedFailure(settings, { ...entry, runs }, out));
  const divergences = new Map<string, FuzzReport['divergences'][number]>();
  for (const d of parts.flatMap((p) => p.report.divergences)) {
    const key = `${d.rules} ${d.id}`;
    divergences.set(key, { ...d, runs: (divergences.get(key)?.runs ?? 0) + d.runs });
  }
  const runs = sum((r) => r.runs);
  return {
    ok: true,
    report: {
      ...first,
      shard: { index: 0, count: 1 },
      interrupted: false,
      runs,
      runs_planned: sum((r) => r.runs_planned),
      replays: sum((r) => r.replays),
      failed_runs: sum((r) => r.failed_runs),
      clean_runs: sum((r) => r.clean_runs),
      differential_checks: sum((r) => r.differential_checks),
      failures,
      divergences: sortedDivergences([...divergences.values()]),
      timings: timings(runs, sum((r) => r.timings.seconds)),
    },
  };
}

/**
 * `epochsim sweep FILE --param PATH=V1,V2 ... [--rules R,...] [--metric PATH ...]`: replays the
 * scenario at every point of the grid of params × rulesets and prints one row per point with the
 * chosen values of its `run --json` document (src/sweep/).
 */
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RuleName, Scenario } from '../../domain/scenario.js';
import { effectiveRules } from '../../engine/replay/run.js';
import { genesis } from '../../engine/storage/state.js';
import { parseMetric, type Metric } from '../../sweep/metric.js';
import { parseParamSpec, type ParamSpec } from '../../sweep/params.js';
import { gridPoints, runPoint, sweepDocument, withoutCheckpoints, type Point, type PointResult, type SweepDocument } from '../../sweep/sweep.js';
import type { InterruptSignal } from '../io.js';
import { describeError } from '../oserror.js';
import { renderSweepPage } from '../render/page/sweepPage.js';
import { rateText } from '../render/fuzz.js';
import { sweepCsv, sweepTable } from '../render/sweep.js';
import { intArg, parseRulesArg } from '../repro.js';
import type { SweepJob, SweepMessage } from '../sweepWorker.js';
import {
  EXIT_FAILED,
  EXIT_INPUT,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_TERMINATED,
  InputError,
  OutputError,
  loadForCommand,
  maxSizeOption,
  sourceName,
  strictUnitsOption,
  type Cli,
} from '../shared.js';

interface SweepFlags {
  readonly param?: readonly ParamSpec[];
  readonly rules?: readonly RuleName[];
  readonly metric?: readonly Metric[];
  readonly csv?: boolean;
  readonly json?: boolean;
  readonly html?: string;
  readonly workers: number;
  readonly maxSize?: number;
  readonly strictUnits?: boolean;
  readonly color: boolean;
}

const HELP = `
Replays the scenario at every point of the grid: the product of the params' values, times the
rulesets (default: the file's). The rows come in the grid's order, the first --param varying
slowest and the rulesets fastest, whatever --workers does.

--param PATH=V1,V2,...  PATH is a field of the scenario's params (epoch_reward, skipped_payout,
  escrow.max_amount, validation.false_positive_rate, ...); each value is read as the file's
  params would read it (1000 gonka, 1_000_000, governance, 0.10). Integers and amounts also take
  ranges FROM..TO:STEP (FROM, FROM+STEP, ... up to TO; STEP 1 when left out), mixed with values:
  epoch_reward=500gonka..2000gonka:500gonka. Integers and amounts are shown as ngonka digits.
--metric PATH  a value of the run --json document: dot segments and [i] indices ([-1]: the last),
  ["key"] for a name with a dot: bank.gov, settle_amounts.h1.work_coins, summaries.1.h2.rewarded_coins,
  steps[-1].status, surplus. On a list, .count is its length and .total the sum of its amounts:
  divergences.total (0 under rulesets that report none), transfers.count. A path the document
  cannot hold is refused before anything runs; a value a point's document does not hold (a settle
  amount already claimed) is "—" in the table, empty in CSV, null in JSON. Default: every bank
  balance, then surplus.

The file's expect checkpoints are written for its own params, so they are not compared; a point
fails when an event fails that the file does not expect to fail, or an invariant breaks: it
shows its first failing step instead of its metrics. Progress goes to stderr on a terminal.

--html FILE also writes one self-contained HTML page (as epochsim report does): a chart per
metric against the last param whose values are integers, a line per ruleset (and per value of
the other params), and the points as a table. epochsim report --sweep draws it from a saved
--json document.

Exit codes: 0 every point ran ok, 1 a point failed, 2 bad input (the file, a --param, a
--metric: nothing is run, nothing goes to stdout), 74 stdout could not be written, 130
interrupted by Ctrl-C (143 by SIGTERM) after printing the points done.

Examples:
  $ epochsim sweep scenarios/05-punished-host-refund.yaml --param skipped_payout=refund,governance --param epoch_reward=1000gonka..3000gonka:1000gonka --metric bank.gov --metric bank.alice
  $ epochsim sweep scenarios/05-punished-host-refund.yaml --param epoch_reward=0..10000:2500 --rules deferred,v0.2.12 --metric divergences.total --csv
  $ epochsim sweep scenarios/10-exclusion-forfeits-work.yaml --param epoch_reward=100gonka..2000gonka:100gonka --rules all --metric surplus --json
  $ epochsim sweep scenarios/10-exclusion-forfeits-work.yaml --param epoch_reward=0..1000gonka:250gonka --rules deferred,pr-1000 --metric bank.gov --html gov.html
`;

/** `--param` once per param: each read as it comes, a param named twice refused. */
function collectParam(value: string, previous: readonly ParamSpec[] = []): ParamSpec[] {
  const parsed = parseParamSpec(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  if (previous.some((p) => p.path === parsed.value.path)) throw new InvalidArgumentError(`params.${parsed.value.path} is given twice: give all its values in one --param`);
  return [...previous, parsed.value];
}

function collectMetric(value: string, previous: readonly Metric[] = []): Metric[] {
  const parsed = parseMetric(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  if (previous.some((m) => m.text === parsed.value.text)) throw new InvalidArgumentError(`${JSON.stringify(value)} is given twice`);
  return [...previous, parsed.value];
}

/** Every bank balance of the scenario's accounts, then surplus. */
function defaultMetrics(scenario: Scenario): Metric[] {
  const names = genesis(scenario.params, scenario.accounts, scenario.participants).world.accounts;
  const paths = [...names.map((n) => (/^[A-Za-z0-9_-]+$/.test(n) ? `bank.${n}` : `bank[${JSON.stringify(n)}]`)), 'surplus'];
  return paths.map((p) => {
    const m = parseMetric(p);
    if (!m.ok) throw new Error(`internal: default metric ${p}: ${m.message}`);
    return m.value;
  });
}

/** Writes the sweep's HTML page to `out` (whole or not at all; - is stdout); a failed write is an OutputError. */
export function writeSweepPage(cli: Cli, out: string, doc: SweepDocument): void {
  const page = renderSweepPage(doc);
  if (out === '-') {
    cli.io.out(page);
    return;
  }
  try {
    cli.io.mkdir(dirname(out));
    cli.io.writeFile(out, page);
  } catch (error) {
    throw new OutputError(`epochsim: cannot write ${out}: ${describeError(error, out)}\n`);
  }
}

type Progress = ((done: number) => void) | undefined;

/** Runs the points in W worker threads (point i in worker i mod W); results by point index. */
async function inWorkers(
  scenario: Scenario,
  points: readonly Point[],
  metrics: readonly Metric[],
  workers: number,
  results: (PointResult | undefined)[],
  progress: Progress,
  stopper: (stop: () => void) => void,
): Promise<void> {
  const stop = new SharedArrayBuffer(4);
  stopper(() => Atomics.store(new Int32Array(stop), 0, 1));
  let done = 0;
  await Promise.all(
    Array.from(
      { length: workers },
      (_, k) =>
        new Promise<void>((resolve, reject) => {
          const job: SweepJob = { scenario, points: points.filter((p) => p.index % workers === k), metrics, stop };
          const worker = new Worker(new URL('../sweepWorker.js', import.meta.url), { workerData: job });
          worker.on('message', (m: SweepMessage) => {
            if (m.type === 'done') {
              resolve();
              return;
            }
            for (const [index, r] of m.results) results[index] = r;
            done += m.results.length;
            progress?.(done);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`sweep worker ${k} exited with code ${code}`));
          });
        }),
    ),
  );
}

export function registerSweep(program: Command, cli: Cli): void {
  program
    .command('sweep')
    .description("replay a scenario at every point of a grid of params and rulesets, and print chosen values of each point's run")
    .argument('<file>', 'scenario YAML file, or - to read it from stdin')
    .option('--param <PATH=VALUES>', 'a param and its values: PATH=V1,V2,... or PATH=FROM..TO:STEP (repeat for more params)', collectParam)
    .option('--rules <list>', 'rulesets, comma-separated, or all (default: the file\'s)', parseRulesArg)
    .option('--metric <path>', 'a value of the run --json document to show, e.g. bank.gov (repeat for more)', collectMetric)
    .addOption(new Option('--csv', 'print CSV').conflicts('json'))
    .addOption(new Option('--json', 'print the sweep as one JSON object (epochsim schema --output sweep)').conflicts('csv'))
    .option('--html <file>', 'also write the sweep as an HTML page: a chart per metric against a param, a line per ruleset')
    .option('--workers <n>', 'worker threads sharing the points (1: in this thread)', intArg('--workers', 1, 64), 1)
    .addOption(maxSizeOption())
    .addOption(strictUnitsOption())
    .option('--no-color', 'never colour the output (colour is used only on a terminal; NO_COLOR is honoured)')
    .addHelpText('after', HELP)
    .action(async (file: string, flags: SweepFlags) => {
      const { io } = cli;
      if (flags.html === '-') throw new InputError('epochsim: sweep: --html -: the rows go to stdout; name a file for the page\n');
      const loaded = loadForCommand(file, io, flags.color, flags.maxSize, flags.strictUnits);
      if (!loaded) {
        cli.setExit(EXIT_INPUT);
        return;
      }
      const scenario = withoutCheckpoints(loaded);
      const rules = flags.rules ?? [effectiveRules(loaded)];
      const specs = flags.param ?? [];
      const metrics = flags.metric ?? defaultMetrics(loaded);
      const grid = gridPoints(loaded.params, specs, rules);
      if (!grid.ok) throw new InputError(`epochsim: sweep: ${grid.message}\n`);
      const points = grid.value;
      const results: (PointResult | undefined)[] = new Array<PointResult | undefined>(points.length);
      const start = io.now();
      let last = start;
      const progress: Progress = io.stderrIsTTY
        ? (done) => {
            const t = io.now();
            if (t - last < 100_000_000n && done !== 1 && done !== points.length) return;
            last = t;
            io.progress(`\r${done}/${points.length} points · ${rateText(t > start ? (done * 1e9) / Number(t - start) : null)} points/s\x1b[K`);
          }
        : undefined;
      let interrupted: InterruptSignal | undefined;
      let stopWorkers: (() => void) | undefined;
      const stopListening = io.onInterrupt((signal) => {
        interrupted ??= signal;
        stopWorkers?.();
      });
      try {
        if (flags.workers > 1 && points.length > 1) {
          await inWorkers(scenario, points, metrics, Math.min(flags.workers, points.length), results, progress, (stop) => (stopWorkers = stop));
        } else {
          for (const point of points) {
            if (interrupted !== undefined) break;
            results[point.index] = runPoint(scenario, point, metrics);
            progress?.(point.index + 1);
            if (point.index % 32 === 31) await io.breathe();
          }
        }
      } finally {
        stopListening();
      }
      if (progress !== undefined) io.progress('\r\x1b[K');
      const doc = sweepDocument({ scenario: loaded.name, file: sourceName(file), specs, rules, metrics, points, results, interrupted: interrupted !== undefined });
      io.out(flags.json === true ? `${JSON.stringify(doc, null, 2)}\n` : flags.csv === true ? sweepCsv(doc) : sweepTable(doc));
      if (flags.html !== undefined) writeSweepPage(cli, flags.html, doc);
      const passed = doc.points.filter((p) => p.ok);
      for (const m of metrics) {
        if (passed.length > 0 && passed.every((p) => p.ok && p.metrics[m.text] === null)) {
          io.err(`epochsim: sweep: note: --metric ${m.text} is absent from every point's run --json document\n`);
        }
      }
      if (interrupted !== undefined) {
        io.err(`epochsim: sweep: interrupted (${interrupted === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'}) after ${doc.points.length} of ${points.length} points\n`);
      }
      cli.setExit(interrupted === 'SIGINT' ? EXIT_INTERRUPTED : interrupted === 'SIGTERM' ? EXIT_TERMINATED : doc.points.some((p) => !p.ok) ? EXIT_FAILED : EXIT_OK);
    });
}

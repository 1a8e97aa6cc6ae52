/**
 * `epochsim fuzz`: generates random valid scenarios from a seed, replays each under the chosen
 * rulesets, checks the invariants, determinism and the deferred/immediate differential, shrinks
 * every new kind of failure and writes it as a YAML scenario that `epochsim run` replays.
 * `--report FILE.json` writes the campaign report (src/fuzz/report.ts); `fuzz merge` (fuzzMerge.ts)
 * merges the reports of a campaign's shards.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { RULE_NAMES, type RuleName } from '../../domain/scenario.js';
import { RULESETS } from '../../engine/rules/registry.js';
import { quote } from '../../domain/text.js';
import { didYouMean } from '../../scenario/suggest.js';
import { Worker } from 'node:worker_threads';
import { Campaign, mergeResults, subShard, type CampaignResult, type FoundFailure, type Shard } from '../../fuzz/campaign.js';
import { failureKey } from '../../fuzz/properties.js';
import { buildReport, reportFailure, type CampaignSettings, type ReportFailure } from '../../fuzz/report.js';
import { plural } from '../render/layout.js';
import { campaignEnd, campaignHeader, rateText, type Interruption } from '../render/fuzz.js';
import type { WorkerJob, WorkerMessage } from '../fuzzWorker.js';
import type { InterruptSignal } from '../io.js';
import { shardFromEnv } from '../shardEnv.js';
import { packageVersion } from '../version.js';
import { registerFuzzMerge } from './fuzzMerge.js';
import { checkReportPath, writeFailure, writeReport } from '../fuzzFiles.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, InputError, type Cli } from '../shared.js';
import { checkOutFolder, intArg, parseRulesArg } from '../repro.js';

interface FuzzFlags {
  readonly rules: readonly RuleName[];
  readonly seed?: number;
  readonly runs: number;
  readonly steps: number;
  readonly participants: number;
  readonly out: string;
  readonly shard?: Shard | 'auto';
  readonly shards?: number;
  readonly report?: string;
  readonly strict?: boolean;
  readonly workers: number;
}

const MAX_SEED = Number.MAX_SAFE_INTEGER;

export function parseShard(value: string): Shard | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  const m = /^([0-9]+)\/([0-9]+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !(count >= 1) || !(index < count) || !Number.isSafeInteger(count)) {
    throw new InvalidArgumentError('the shard must be i/n with 0 ≤ i < n, e.g. 0/4, or auto (from a Kubernetes Indexed Job or Slurm array)');
  }
  return { index, count };
}

const HELP = `
Run i of a campaign generates its scenario from seed S + i, so a campaign is exactly
reproducible, and any run alone with --seed S+i --runs 1. About one run in three is "clean"
(no punishment, exclusion or active-set change; every settle amount claimed in its window):
there deferred and immediate must leave every host the same liquid balance.

Checked under each ruleset: the invariants (supply, bounds, surplus), determinism (two replays
give the same JSON bytes) and, with --strict, the ruleset's known divergences. The first
failure of each kind is shrunk (fewest events, smallest amounts, fewest participants, params
back to the defaults, least genesis balances and weights) and written to DIR as a scenario
for epochsim run.

Splitting a campaign across machines: give every machine the same --seed, --runs, --steps,
--participants, --rules and --strict, and each its own --shard i/n (run indices ≡ i mod n), or
--shard auto under a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N) or a Slurm
job array (SLURM_ARRAY_TASK_ID); with --report FILE.json each writes its report, and
epochsim fuzz merge REPORT... checks that they tile the campaign and prints (and with --report
writes) the campaign's (epochsim fuzz merge --help). On one machine, --workers W shares the runs (of the shard) among W
worker threads; the result is the same.

Each failure is written as soon as it is shrunk. Ctrl-C (or SIGTERM) stops after the run in
progress, writes the report marked interrupted and prints the failures and the summary of the
runs done (a second Ctrl-C ends at once).

Exit codes: 0 nothing failed, 1 a failure was found, 2 a bad command line, 74 stdout, the
report or a failing scenario could not be written, 130 interrupted by Ctrl-C, 143 by SIGTERM.

Examples:
  $ epochsim fuzz --seed 1 --runs 1000
  $ epochsim fuzz --rules pr-1000 --seed 1 --runs 200 --strict   # exit 1: it finds the trapped payout
  $ epochsim fuzz --rules all --seed 7 --runs 200 --shard 0/2 --workers 2 --report shard-0.json
`;

/** The shard the command line names: --shard i/n, or --shard auto from the scheduler's environment. */
function resolveShard(flags: FuzzFlags, env: Cli['io']['env']): Shard | undefined {
  if (flags.shards !== undefined && flags.shard !== 'auto') throw new InputError('epochsim: --shards N goes with --shard auto (it gives the count a Kubernetes Indexed Job does not put in the environment)\n');
  if (flags.shard !== 'auto') return flags.shard;
  const found = shardFromEnv(env, flags.shards);
  if (!found.ok) throw new InputError(`epochsim: --shard auto: ${found.message}\n`);
  return found.shard;
}

/**
 * Runs the campaign in W worker threads, worker k on sub-shard k of the user's shard, and merges
 * their results (equal to the one-thread result). The worker file is dist/cli/fuzzWorker.js.
 */
async function inWorkers(
  job: Omit<WorkerJob, 'shard' | 'stop'>,
  shard: Shard | undefined,
  workers: number,
  progress: ((done: number, failed: number) => void) | undefined,
  onFound: (found: FoundFailure) => void,
  stopper: (stop: () => void) => void,
): Promise<CampaignResult> {
  // Ctrl-C sets the flag; each worker stops after its current run and sends what it did
  const stop = new SharedArrayBuffer(4);
  stopper(() => Atomics.store(new Int32Array(stop), 0, 1));
  const done = new Array<number>(workers).fill(0);
  const failed = new Array<number>(workers).fill(0);
  const parts = await Promise.all(
    Array.from(
      { length: workers },
      (_, k) =>
        new Promise<CampaignResult>((resolve, reject) => {
          const data: WorkerJob = { ...job, shard: subShard(shard, k, workers), stop };
          const worker = new Worker(new URL('../fuzzWorker.js', import.meta.url), { workerData: data });
          worker.on('message', (m: WorkerMessage) => {
            if (m.type === 'done') {
              resolve(m.result);
              return;
            }
            if (m.type === 'found') {
              try {
                onFound(m.found);
              } catch (error) {
                reject(error);
                Atomics.store(new Int32Array(stop), 0, 1);
              }
              return;
            }
            done[k] = m.done;
            failed[k] = m.failed;
            progress?.(
              done.reduce((a, b) => a + b, 0),
              failed.reduce((a, b) => a + b, 0),
            );
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`fuzz worker ${k} exited with code ${code}`));
          });
        }),
    ),
  );
  return mergeResults(parts);
}

export function registerFuzz(program: Command, cli: Cli): void {
  const fuzz = program
    .command('fuzz')
    .description('generate random valid scenarios from a seed, check invariants, determinism and deferred/immediate, and shrink what fails')
    .addOption(
      new Option('--rules <list>', `rulesets to check, comma-separated, or all (${RULE_NAMES.join(', ')})`)
        .argParser(parseRulesArg)
        .default(['deferred', 'immediate'] as RuleName[], 'deferred,immediate'),
    )
    .option('--seed <n>', 'the campaign seed: run i uses seed n + i (default: from the clock, printed)', intArg('--seed', 0, MAX_SEED))
    .option('--runs <n>', 'how many scenarios to generate', intArg('--runs', 1, 100_000_000), 1000)
    .option('--steps <n>', 'about how many events per scenario', intArg('--steps', 1, 100_000), 40)
    .option('--participants <n>', 'participants per scenario', intArg('--participants', 1, 1000), 4)
    .option('--out <dir>', 'where to write shrunk failing scenarios', 'fuzz-failures')
    .option('--shard <i/n|auto>', 'run only the runs with index ≡ i (mod n), to split a campaign across machines; auto: i and n from a job array\'s environment', parseShard)
    .option('--shards <n>', 'with --shard auto under a Kubernetes Indexed Job: the shard count (or EPOCHSIM_SHARDS)', intArg('--shards', 1, 1_000_000))
    .option('--report <file.json>', 'write the campaign report (JSON; epochsim schema --output fuzz-report), also when interrupted')
    .option('--workers <n>', 'worker threads sharing the runs (1: in this thread)', intArg('--workers', 1, 64), 1)
    .option('--strict', 'count the known divergences of the chain-version rulesets as failures')
    .addHelpText('after', HELP)
    // a word after fuzz is a misspelt subcommand: said so, not "too many arguments"
    .allowExcessArguments(true)
    .action(async (flags: FuzzFlags, command: Command) => {
      const { io } = cli;
      const [word] = command.args;
      if (word !== undefined) {
        const hint = didYouMean(word, ['merge']) ?? 'fuzz takes options, and one subcommand: merge';
        throw new InputError(`epochsim: fuzz: unknown subcommand ${quote(word)}; ${hint}\n`);
      }
      const start = io.now();
      const shard = resolveShard(flags, io.env);
      if (shard !== undefined && shard.count > 1 && flags.seed === undefined) {
        throw new InputError(`epochsim: --shard ${shard.index}/${shard.count} needs --seed: every shard of a campaign uses the same seed\n`);
      }
      const seed = flags.seed ?? Number(start % 1_000_000_000n);
      if (seed + flags.runs > MAX_SEED) throw new InputError('epochsim: --seed plus --runs must stay below 2^53\n');
      checkOutFolder(io, flags.out);
      if (flags.report !== undefined) checkReportPath(io, flags.report);
      const settings: CampaignSettings = { seed, runs: flags.runs, rules: flags.rules, steps: flags.steps, participants: flags.participants, strict: flags.strict === true };
      io.out(campaignHeader(settings, shard));
      let last = start;
      const progress = io.stderrIsTTY
        ? (done: number, failed: number): void => {
            const t = io.now();
            if (t - last < 100_000_000n && done !== 1) return;
            last = t;
            io.progress(`\r${plural(done, 'run')} · ${rateText(t > start ? (done * 1e9) / Number(t - start) : null)} runs/s · ${failed} failed\x1b[K`);
          }
        : undefined;
      const job = { seed, runs: flags.runs, steps: flags.steps, participants: flags.participants, strict: flags.strict === true };
      // Each new kind of failure is written as soon as it is shrunk, so Ctrl-C or a crash loses
      // none. Worker threads may find a kind in a later run first: the earlier run's file then
      // replaces it, as one thread would have written only that one.
      const written = new Map<string, ReportFailure>();
      const onFound = (found: FoundFailure): void => {
        const key = failureKey(found);
        const before = written.get(key);
        if (before !== undefined && before.run <= found.run) return;
        const entry = reportFailure(settings, found, 1, flags.out);
        writeFailure(io, flags.out, entry, seed);
        written.set(key, entry);
        if (before !== undefined) io.removeFile(before.file);
      };
      let interrupted: InterruptSignal | undefined;
      let stopWorkers: (() => void) | undefined;
      const stopListening = io.onInterrupt((signal) => {
        interrupted ??= signal;
        stopWorkers?.();
      });
      let result: CampaignResult;
      try {
        if (flags.workers > 1) {
          result = await inWorkers({ ...job, rules: flags.rules }, shard, flags.workers, progress, onFound, (stop) => (stopWorkers = stop));
        } else {
          const campaign = new Campaign({ ...job, rulesets: flags.rules.map((n) => RULESETS[n]), shard, onRun: progress, onFound });
          while (!campaign.done && interrupted === undefined) {
            campaign.step();
            await io.breathe();
          }
          result = campaign.result();
        }
      } finally {
        stopListening();
      }
      const elapsed = io.now() - start;
      if (progress !== undefined) io.progress('\r\x1b[K');
      const report = buildReport({
        settings,
        shard,
        result,
        interrupted: interrupted !== undefined,
        version: packageVersion(),
        seconds: Number(elapsed) / 1e9,
        out: flags.out,
      });
      const lost = flags.report === undefined ? undefined : writeReport(io, flags.report, report);
      const interruption: Interruption | undefined = interrupted === undefined ? undefined : interrupted === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM';
      io.out(campaignEnd(report, interruption));
      if (lost !== undefined) throw lost;
      cli.setExit(interrupted === 'SIGINT' ? EXIT_INTERRUPTED : interrupted === 'SIGTERM' ? EXIT_TERMINATED : result.failedRuns > 0 ? EXIT_FAILED : EXIT_OK);
    });
  registerFuzzMerge(fuzz, cli);
}

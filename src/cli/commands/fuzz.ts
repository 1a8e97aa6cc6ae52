/**
 * `epochsim fuzz`: generates random valid scenarios from a seed, replays each under the chosen
 * rulesets, checks the invariants, determinism and the deferred/immediate differential, shrinks
 * every new kind of failure and writes it as a YAML scenario that `epochsim run` replays.
 */
import { posix } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { RULE_NAMES, type RuleName } from '../../domain/scenario.js';
import { RULESETS } from '../../engine/rules/registry.js';
import { Worker } from 'node:worker_threads';
import { Campaign, mergeResults, subShard, type CampaignResult, type FoundFailure, type Shard } from '../../fuzz/campaign.js';
import { failureKey } from '../../fuzz/properties.js';
import { checkOutFolder, fileSafe, intArg, parseRulesArg, rate, replayCommand, seconds, writeScenarioFile } from '../repro.js';
import { plural } from '../render/layout.js';
import type { WorkerJob, WorkerMessage } from '../fuzzWorker.js';
import { eventsOf } from '../../fuzz/generate.js';
import { scenarioToYaml } from '../../fuzz/yaml.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, InputError, type Cli } from '../shared.js';

interface FuzzFlags {
  readonly rules: readonly RuleName[];
  readonly seed?: number;
  readonly runs: number;
  readonly steps: number;
  readonly participants: number;
  readonly out: string;
  readonly shard?: Shard;
  readonly strict?: boolean;
  readonly workers: number;
}

const MAX_SEED = Number.MAX_SAFE_INTEGER;

function parseShard(value: string): Shard {
  const m = /^([0-9]+)\/([0-9]+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !(count >= 1) || !(index < count) || !Number.isSafeInteger(count)) {
    throw new InvalidArgumentError('the shard must be i/n with 0 ≤ i < n, e.g. 0/4');
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
--participants and --rules, and each its own --shard i/n (run indices ≡ i mod n). The shards
cover every run exactly once; add up their run, failure and divergence counts. On one machine,
--workers W shares the runs (of the shard) among W worker threads; the result is the same.

Each failure is written as soon as it is shrunk. Ctrl-C stops after the run in progress and
prints the failures and the summary of the runs done (a second Ctrl-C ends at once).

Exit codes: 0 nothing failed, 1 a failure was found, 2 a bad command line, 74 stdout or a
failing scenario could not be written, 130 interrupted by Ctrl-C.

Examples:
  $ epochsim fuzz --seed 1 --runs 1000
  $ epochsim fuzz --rules pr-1000 --seed 1 --runs 200 --strict   # exit 1: it finds the trapped payout
  $ epochsim fuzz --seed 7 --runs 2000 --shard 0/2 --workers 2
`;

/** The fuzz command line that reproduces a campaign (or one run: its seed and --runs 1). */
function fuzzCommand(f: FuzzFlags, rules: string, seed: number, runs: number, shard: Shard | undefined): string {
  const parts = ['epochsim fuzz', `--rules ${rules}`, `--seed ${seed}`, `--runs ${runs}`, `--steps ${f.steps}`, `--participants ${f.participants}`];
  if (shard !== undefined && shard.count > 1) parts.push(`--shard ${shard.index}/${shard.count}`);
  if (f.strict === true) parts.push('--strict');
  return parts.join(' ');
}

/** Where a failure's scenario goes, and the commands that replay and reproduce it. */
function failureFile(f: FuzzFlags, found: FoundFailure): { file: string; replay: string; reproduce: string } {
  const name = `seed-${found.seed}-${fileSafe(found.rules)}-${fileSafe(found.property)}.yaml`;
  const file = posix.join(f.out, name);
  const rulesArg = found.property === 'differential' ? found.rules.replace('/', ',') : found.rules;
  return { file, replay: replayCommand(found.property, found.rules, file), reproduce: fuzzCommand(f, rulesArg, found.seed, 1, undefined) };
}

/** Writes a failure's shrunk scenario (whole or not at all); a failed write is an OutputError. */
function writeFailure(cli: Cli, f: FuzzFlags, found: FoundFailure, campaignSeed: number): void {
  const { file, replay, reproduce } = failureFile(f, found);
  const before = eventsOf(found.original).length;
  const after = eventsOf(found.shrunk).length;
  const header = [
    `epochsim fuzz: ${found.property} fails under ${found.rules}`,
    `seed ${found.seed} (run ${found.run} of the campaign from seed ${campaignSeed}); shrunk from ${before} events to ${after}`,
    found.message,
    `replay:    ${replay}`,
    `reproduce: ${reproduce}`,
    '',
  ];
  const rules = found.rules.split('/')[0] as RuleName;
  const scenario = { ...found.shrunk, name: `fuzz seed ${found.seed}: ${found.property} under ${found.rules}`, rules };
  writeScenarioFile(cli, f.out, file, scenarioToYaml(scenario, header));
}

function summary(r: CampaignResult, elapsed: bigint, strict: boolean, differential: boolean): string[] {
  const lines = [
    `${plural(r.runs, 'run')}, ${plural(r.replays, 'replay')} in ${seconds(elapsed)} s (${rate(r.runs, elapsed)} runs/s)`,
  ];
  if (differential) lines.push(`${plural(r.cleanRuns, 'clean run')}; deferred and immediate compared in ${r.differentialChecks}`);
  if (r.divergences.size > 0) {
    lines.push(`known divergences${strict ? ' (failures with --strict)' : ' (not failures; --strict makes them failures)'}:`);
    const order = (key: string): number => RULE_NAMES.indexOf(key.split(' ')[0] as RuleName);
    const sorted = [...r.divergences].sort(([a], [b]) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, n] of sorted) lines.push(`  ${key}: ${n} run${n === 1 ? '' : 's'}`);
  }
  if (r.failuresByKind.size > 0) {
    lines.push('failures:');
    for (const [key, n] of r.failuresByKind) lines.push(`  ${key}: ${n} run${n === 1 ? '' : 's'}`);
  }
  lines.push(`${r.runs - r.failedRuns} passed, ${r.failedRuns} failed`);
  return lines;
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
  program
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
    .option('--shard <i/n>', 'run only the runs with index ≡ i (mod n), to split a campaign across machines', parseShard)
    .option('--workers <n>', 'worker threads sharing the runs (1: in this thread)', intArg('--workers', 1, 64), 1)
    .option('--strict', 'count the known divergences of the chain-version rulesets as failures')
    .addHelpText('after', HELP)
    .action(async (flags: FuzzFlags) => {
      const { io } = cli;
      const start = io.now();
      const seed = flags.seed ?? Number(start % 1_000_000_000n);
      if (seed + flags.runs > MAX_SEED) throw new InputError('epochsim: --seed plus --runs must stay below 2^53\n');
      checkOutFolder(io, flags.out);
      const rulesArg = flags.rules.length === RULE_NAMES.length ? 'all' : flags.rules.join(',');
      const shardText = flags.shard !== undefined && flags.shard.count > 1 ? `, shard ${flags.shard.index}/${flags.shard.count}` : '';
      io.out(
        `fuzz: seed ${seed}, ${plural(flags.runs, 'run')}${shardText}, rules ${flags.rules.join(', ')}, ${flags.steps} steps, ${flags.participants} participants${flags.strict === true ? ', strict' : ''}\n`,
      );
      let last = start;
      const progress = io.stderrIsTTY
        ? (done: number, failed: number): void => {
            const t = io.now();
            if (t - last < 100_000_000n && done !== 1) return;
            last = t;
            io.progress(`\r${plural(done, 'run')} · ${rate(done, t - start)} runs/s · ${failed} failed\x1b[K`);
          }
        : undefined;
      const job = { seed, runs: flags.runs, steps: flags.steps, participants: flags.participants, strict: flags.strict === true };
      // Each new kind of failure is written as soon as it is shrunk, so Ctrl-C or a crash loses
      // none. Worker threads may find a kind in a later run first: the earlier run's file then
      // replaces it, as one thread would have written only that one.
      const written = new Map<string, FoundFailure>();
      const onFound = (found: FoundFailure): void => {
        const key = failureKey(found);
        const before = written.get(key);
        if (before !== undefined && before.run <= found.run) return;
        writeFailure(cli, flags, found, seed);
        written.set(key, found);
        if (before !== undefined) io.removeFile(failureFile(flags, before).file);
      };
      let interrupted = false;
      let stopWorkers: (() => void) | undefined;
      const stopListening = io.onInterrupt(() => {
        interrupted = true;
        stopWorkers?.();
      });
      let result: CampaignResult;
      try {
        if (flags.workers > 1) {
          result = await inWorkers({ ...job, rules: flags.rules }, flags.shard, flags.workers, progress, onFound, (stop) => (stopWorkers = stop));
        } else {
          const campaign = new Campaign({ ...job, rulesets: flags.rules.map((n) => RULESETS[n]), shard: flags.shard, onRun: progress, onFound });
          while (!campaign.done && !interrupted) {
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
      const out: string[] = [];
      for (const found of result.found) {
        const written = failureFile(flags, found);
        const before = eventsOf(found.original).length;
        const after = eventsOf(found.shrunk).length;
        out.push(
          `✗ run ${found.run} · seed ${found.seed} · ${found.rules} · ${found.property}`,
          `  ${found.message}`,
          `  shrunk from ${before} events to ${after}, ${found.original.participants.length} participants to ${found.shrunk.participants.length}`,
          `  wrote      ${written.file}`,
          `  replay:    ${written.replay}`,
          `  reproduce: ${written.reproduce}`,
          '',
        );
      }
      if (interrupted) out.push(`interrupted (Ctrl-C): the summary of the ${plural(result.runs, 'run')} done`);
      out.push(...summary(result, elapsed, flags.strict === true, flags.rules.includes('deferred') || flags.rules.includes('immediate')));
      out.push(`seed ${seed}; reproduce: ${fuzzCommand(flags, rulesArg, seed, flags.runs, flags.shard)}`);
      io.out(`${out.join('\n')}\n`);
      cli.setExit(interrupted ? EXIT_INTERRUPTED : result.failedRuns > 0 ? EXIT_FAILED : EXIT_OK);
    });
}

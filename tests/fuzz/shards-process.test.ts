/**
 * A campaign as a job array runs it: 4 real processes of the built CLI (bin/epochsim → dist/),
 * each taking its shard from the environment a scheduler gives it (two as Kubernetes Indexed Job
 * pods, two as Slurm array tasks numbered from 1), each writing its report; `fuzz merge` in a
 * fifth process; the merged report equals, timings aside, the report of one process running the
 * whole campaign. And a real Ctrl-C or SIGTERM leaves a whole, valid report marked interrupted.
 *
 * Nothing here depends on timing: the shard processes run to their end, and the interrupts are
 * sent once the first failure is on disk, to a campaign far too long to end first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { fuzzReportJsonSchema } from '../../src/fuzz/report.js';
import { background, firstYamlIn } from '../cli/processes.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvLike = new (opts: Record<string, unknown>) => { compile: (schema: unknown) => Validator };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvLike }).default ?? Ajv2020Module) as unknown as AjvLike;
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(fuzzReportJsonSchema());

const BIN = resolve('bin/epochsim');
const GUARD = 120_000;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in `cwd` with `env` added to a clean environment. */
function epochsim(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const untimed = (text: string): string => text.replace(/ in [0-9.]+ s \([0-9,—]+ runs\/s\)$/m, ' in T s (R runs/s)');
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const filesIn = (dir: string): Record<string, string> =>
  existsSync(dir) ? Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n), 'utf8')])) : {};

let dir: string;
beforeAll(() => {
  if (!existsSync(resolve('dist/cli/main.js'))) throw new Error('dist/ is missing: build first (npm run build)');
  dir = mkdtempSync(join(tmpdir(), 'epochsim-shards-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// deferred and immediate give the differential; pr-1000 --strict the failures of runs 0, 3 and 13
const CAMPAIGN = ['fuzz', '--rules', 'deferred,immediate,pr-1000', '--seed', '1', '--runs', '24', '--strict'];

test('4 shards from a job array\'s environment, merged, equal one process over the same seeds (timings aside)', async () => {
  const envs: Record<string, string>[] = [
    { JOB_COMPLETION_INDEX: '0', EPOCHSIM_SHARDS: '4' },
    { JOB_COMPLETION_INDEX: '1', EPOCHSIM_SHARDS: '4' },
    { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' },
    { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' },
  ];
  const shards = await Promise.all(envs.map((env, i) => epochsim(dir, [...CAMPAIGN, '--shard', 'auto', '--report', join(dir, `shard-${i}.json`), '--out', join(dir, `found-${i}`)], env)));
  shards.forEach((s, i) => {
    expect(s.stderr).toBe('');
    expect(s.stdout.split('\n')[0]).toBe(`fuzz: seed 1, 24 runs, shard ${i}/4, rules deferred, immediate, pr-1000, 40 steps, 4 participants, strict`);
    expect(json(join(dir, `shard-${i}.json`))['shard']).toEqual({ index: i, count: 4 });
  });
  // the merge job: its own folder, the reports named as an artifact download would hold them
  const mergeDir = mkdtempSync(join(dir, 'merge-'));
  const merged = await epochsim(mergeDir, ['fuzz', 'merge', ...[3, 1, 0, 2].map((i) => join(dir, `shard-${i}.json`)), '--report', 'campaign.json']);
  const oneDir = mkdtempSync(join(dir, 'one-'));
  const one = await epochsim(oneDir, [...CAMPAIGN, '--report', 'campaign.json']);
  expect(merged.stderr).toBe('');
  expect(one.stderr).toBe('');
  expect(merged.code).toBe(1);
  expect(one.code).toBe(1);
  const a = json(join(mergeDir, 'campaign.json'));
  const b = json(join(oneDir, 'campaign.json'));
  expect(validate(a)).toBe(true);
  expect({ ...a, timings: null }).toEqual({ ...b, timings: null });
  expect(a).toMatchObject({ runs: 24, replays: 72, interrupted: false, shard: { index: 0, count: 1 } });
  expect((a['failures'] as { run: number }[]).map((f) => f.run)).toEqual([0, 3, 13]);
  expect(untimed(merged.stdout)).toBe(untimed(one.stdout));
  // the failures' files: the merge writes what the one process wrote
  const written = filesIn(join(mergeDir, 'fuzz-failures'));
  expect(Object.keys(written)).toHaveLength(3);
  expect(written).toEqual(filesIn(join(oneDir, 'fuzz-failures')));
}, GUARD);

test.each([
  ['SIGINT', '1', 130, 'Ctrl-C'],
  ['SIGTERM', '2', 143, 'SIGTERM'],
] as const)('%s in a long campaign (--workers %s): the report is whole, valid, marked interrupted; no temporary file is left', async (signal, workers, code, said) => {
  const cwd = mkdtempSync(join(dir, 'stop-'));
  const run = background(BIN, ['fuzz', '--rules', 'pr-1000', '--seed', '1', '--runs', '100000', '--strict', '--workers', workers, '--report', 'out/report.json'], cwd);
  const found = join(cwd, 'fuzz-failures');
  // as soon as the first shrunk failure is written (run 0 finds one), interrupt
  await firstYamlIn(found, run);
  run.kill(signal);
  expect(await run.closed).toBe(code);
  const stdout = run.stdout();
  expect(stdout).toMatch(new RegExp(`\\ninterrupted \\(${said}\\): the summary of the [0-9]+ runs? done\\n`));
  expect(readdirSync(join(cwd, 'out'))).toEqual(['report.json']);
  const report = json(join(cwd, 'out', 'report.json'));
  expect(validate(report)).toBe(true);
  expect(report['interrupted']).toBe(true);
  expect(report['runs_planned']).toBe(100000);
  const runs = report['runs'] as number;
  expect(runs).toBeGreaterThan(0);
  expect(runs).toBeLessThan(100000);
  expect(stdout).toContain(`\n${runs - (report['failed_runs'] as number)} passed, ${report['failed_runs'] as number} failed\n`);
  // every failure the report names is on disk, and nothing else is there
  const names = (report['failures'] as { file: string }[]).map((f) => f.file.replace('fuzz-failures/', '')).sort();
  expect(readdirSync(found).sort()).toEqual(names);
}, GUARD);

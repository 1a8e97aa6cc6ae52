/**
 * `fuzz --report`, `fuzz --shard auto` and `fuzz merge`, in-process with the fake Io (its clock
 * advances 1 ms a read, so the timings are figures of that clock). The same through real
 * processes and a job array's environment: shards-process.test.ts.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runCli } from '../cli/fakeIo.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvLike = new (opts: Record<string, unknown>) => { compile: (schema: unknown) => Validator };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvLike }).default ?? Ajv2020Module) as unknown as AjvLike;

type Report = Record<string, unknown> & { failures: Record<string, unknown>[]; timings: unknown };

// pr-1000 --strict finds its first failures in runs 0, 3 and 13
const CAMPAIGN = ['fuzz', '--rules', 'pr-1000', '--seed', '1', '--runs', '20', '--strict'];

let validate: Validator;
beforeAll(async () => {
  const r = await runCli(['schema', '--output', 'fuzz-report']);
  expect(r.code).toBe(0);
  const schema = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(schema['title']).toBe('epochsim fuzz report');
  validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
});

const valid = (doc: unknown): boolean => {
  const ok = validate(doc);
  if (!ok) throw new Error(JSON.stringify(validate.errors, null, 2).slice(0, 2000));
  return ok;
};

const readReport = (files: Record<string, string>, name: string): Report => JSON.parse(files[name] as string) as Report;
const untimed = (text: string): string => text.replace(/ in [0-9.]+ s \([0-9,—]+ runs\/s\)$/m, ' in T s (R runs/s)');

describe('fuzz --report', () => {
  it('writes the campaign report: settings, counts, every failure with its scenario inline and its commands; it validates', async () => {
    const files: Record<string, string> = {};
    const r = await runCli([...CAMPAIGN, '--report', 'out/report.json'], { files });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = readReport(files, 'out/report.json');
    expect(valid(report)).toBe(true);
    const { failures, timings, ...rest } = report;
    expect(rest).toEqual({
      format: 'epochsim fuzz report',
      format_version: 1,
      epochsim_version: '0.1.0',
      campaign: { seed: 1, runs: 20, rules: ['pr-1000'], steps: 40, participants: 4, strict: true, seeds: { first: 1, last: 20 } },
      shard: { index: 0, count: 1 },
      properties: ['invariant', 'determinism', 'divergence'],
      interrupted: false,
      runs: 20,
      runs_planned: 20,
      replays: 20,
      failed_runs: 12,
      clean_runs: 8,
      differential_checks: 0,
      divergences: [
        { rules: 'pr-1000', id: 'payout_trapped', runs: 1 },
        { rules: 'pr-1000', id: 'prune_remainder', runs: 9 },
        { rules: 'pr-1000', id: 'work_coins_stranded', runs: 3 },
      ],
    });
    // (figures of the fake clock; merge adds them up: tested below)
    expect(timings).toEqual({ seconds: expect.any(Number), runs_per_second: expect.any(Number) });
    expect(failures.map((f) => [f['property'], f['runs'], f['run'], f['seed']])).toEqual([
      ['divergence:prune_remainder', 9, 0, 1],
      ['divergence:work_coins_stranded', 3, 3, 4],
      ['divergence:payout_trapped', 1, 13, 14],
    ]);
    const trapped = failures[2] as Record<string, unknown>;
    expect(trapped).toMatchObject({
      rules: 'pr-1000',
      mode: 'free',
      events: { original: 40, shrunk: 3 },
      participants: { original: 4, shrunk: 1 },
      file: 'fuzz-failures/seed-14-pr-1000-divergence-payout_trapped.yaml',
      replay: 'epochsim run fuzz-failures/seed-14-pr-1000-divergence-payout_trapped.yaml --rules pr-1000',
      reproduce: 'epochsim fuzz --rules pr-1000 --seed 14 --runs 1 --steps 40 --participants 4 --strict',
    });
    // the written file is the comment header, then exactly the report's scenario, which loads
    const file = files['fuzz-failures/seed-14-pr-1000-divergence-payout_trapped.yaml'] as string;
    expect(file.endsWith(`#\n${trapped['scenario'] as string}`)).toBe(true);
    expect(file.startsWith('# epochsim fuzz: divergence:payout_trapped fails under pr-1000\n')).toBe(true);
    expect(loadScenario(trapped['scenario'] as string, 'x.yaml').ok).toBe(true);
    // what is printed is the same as without --report
    const plain = await runCli(CAMPAIGN, { files: {} });
    expect(r.stdout).toBe(plain.stdout);
  });

  it('Ctrl-C: the report of the runs done, marked interrupted, valid; exit 130', async () => {
    const files: Record<string, string> = {};
    const r = await runCli([...CAMPAIGN.slice(0, 6), '1000', '--strict', '--report', 'r.json'], { files, interruptAfter: 10 });
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('\ninterrupted (Ctrl-C): the summary of the 10 runs done\n');
    const report = readReport(files, 'r.json');
    expect(valid(report)).toBe(true);
    expect(report).toMatchObject({ interrupted: true, runs: 10, runs_planned: 1000, failed_runs: 6 });
    expect(report.failures.map((f) => [f['property'], f['runs']])).toEqual([
      ['divergence:prune_remainder', 5],
      ['divergence:work_coins_stranded', 1],
    ]);
  });

  it('SIGTERM (a scheduler ending the job) is the same stop, said as SIGTERM, exit 143', async () => {
    const files: Record<string, string> = {};
    const r = await runCli([...CAMPAIGN.slice(0, 6), '1000', '--strict', '--report', 'r.json'], { files, interruptAfter: 4, interruptSignal: 'SIGTERM' });
    expect(r.code).toBe(143);
    expect(r.stdout).toContain('\ninterrupted (SIGTERM): the summary of the 4 runs done\n');
    expect(readReport(files, 'r.json')).toMatchObject({ interrupted: true, runs: 4 });
  });

  it('a report that cannot be written: the summary is printed, one line on stderr, exit 74', async () => {
    const r = await runCli([...CAMPAIGN, '--report', 'full/r.json'], { files: {}, writeErrors: { 'full/r.json': 'ENOSPC' } });
    expect(r.code).toBe(74);
    expect(r.stdout).toContain('\n8 passed, 12 failed\n');
    expect(r.stderr).toBe('epochsim: cannot write the report full/r.json: no space left on the device\n');
  });

  it.each([
    [['--report', 'dir'], { 'dir/x': '' }, 'epochsim: --report dir: it is a folder; name a file such as dir/report.json\n'],
    [['--report', 'FILE/r.json'], { FILE: 'a file' }, 'epochsim: --report FILE/r.json: FILE is a file, not a folder\n'],
  ])('refuses %j before anything runs: exit 2, nothing on stdout', async (args, files, message) => {
    const r = await runCli([...CAMPAIGN, ...args], { files: { ...files } });
    expect(r).toEqual({ code: 2, stdout: '', stderr: message });
  });
});

describe('fuzz --shard auto', () => {
  const SMALL = ['fuzz', '--seed', '5', '--runs', '12', '--steps', '20', '--participants', '3'];
  const header = (shard: string): string => `fuzz: seed 5, 12 runs, shard ${shard}, rules deferred, immediate, 20 steps, 3 participants\n`;

  it.each([
    ['a Kubernetes Indexed Job, --shards', { JOB_COMPLETION_INDEX: '2' }, ['--shards', '4'], '2/4'],
    ['a Kubernetes Indexed Job, EPOCHSIM_SHARDS', { JOB_COMPLETION_INDEX: '0', EPOCHSIM_SHARDS: '3' }, [], '0/3'],
    ['a Slurm array 0-3', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' }, [], '3/4'],
    ['a Slurm array 1-4', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' }, [], '0/4'],
    ['a Slurm array 0-30:10', { SLURM_ARRAY_TASK_ID: '20', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '10' }, [], '2/4'],
  ])('takes the shard from %s', async (_, env, args, shard) => {
    const auto = await runCli([...SMALL, '--shard', 'auto', ...args], { env });
    expect(auto.code).toBe(0);
    expect(auto.stdout.startsWith(header(shard))).toBe(true);
    // and runs exactly what --shard i/n runs, and says so in the reproduce command
    const explicit = await runCli([...SMALL, '--shard', shard]);
    expect(auto.stdout).toBe(explicit.stdout);
    expect(auto.stdout).toContain(`--participants 3 --shard ${shard}\n`);
  });

  it.each([
    [{}, [], 'no scheduler index in the environment: JOB_COMPLETION_INDEX (a Kubernetes Indexed Job, with --shards N) or SLURM_ARRAY_TASK_ID (a Slurm job array); elsewhere give --shard i/n'],
    [{ JOB_COMPLETION_INDEX: '1' }, [], "JOB_COMPLETION_INDEX is set, but not the shard count: give --shards N (the Job's completions) or set EPOCHSIM_SHARDS"],
    [{ JOB_COMPLETION_INDEX: '4' }, ['--shards', '4'], 'JOB_COMPLETION_INDEX gives shard 4 of 4: the index must be below the count'],
    [{ JOB_COMPLETION_INDEX: 'x' }, ['--shards', '4'], 'JOB_COMPLETION_INDEX is "x", not a whole number'],
    [{ JOB_COMPLETION_INDEX: '1', EPOCHSIM_SHARDS: '3' }, ['--shards', '4'], '--shards 4 and EPOCHSIM_SHARDS=3 differ'],
    [{ JOB_COMPLETION_INDEX: '1', SLURM_ARRAY_TASK_ID: '1' }, [], 'both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are set: give --shard i/n'],
    [{ SLURM_ARRAY_TASK_ID: '1' }, [], 'SLURM_ARRAY_TASK_ID is set, but not SLURM_ARRAY_TASK_COUNT'],
    [{ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4' }, ['--shards', '2'], '--shards 2 differs from SLURM_ARRAY_TASK_COUNT=4'],
    [
      { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_STEP: '2' },
      [],
      'SLURM_ARRAY_TASK_ID=5 is not min + k × step (min 0, step 2): use an evenly spaced array such as --array=0-3',
    ],
  ])('refuses the environment %j (with %j): exit 2, nothing on stdout', async (env, args, message) => {
    const r = await runCli([...SMALL, '--shard', 'auto', ...args], { env });
    expect(r).toEqual({ code: 2, stdout: '', stderr: `epochsim: --shard auto: ${message}\n` });
  });

  it.each([
    [['--runs', '4', '--shard', '1/2'], 'epochsim: --shard 1/2 needs --seed: every shard of a campaign uses the same seed\n'],
    [['--seed', '1', '--shard', '1/2', '--shards', '2'], 'epochsim: --shards N goes with --shard auto (it gives the count a Kubernetes Indexed Job does not put in the environment)\n'],
    [['mrege', 'a.json'], 'epochsim: fuzz: unknown subcommand "mrege"; did you mean "merge"?\n'],
  ])('refuses %j: exit 2, nothing on stdout', async (args, message) => {
    const r = await runCli(['fuzz', ...args]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it('refuses a malformed --shard with the forms it takes', async () => {
    const r = await runCli(['fuzz', '--seed', '1', '--shard', 'one']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the shard must be i/n with 0 ≤ i < n, e.g. 0/4, or auto (from a Kubernetes Indexed Job or Slurm array)');
  });
});

describe('fuzz merge', () => {
  // deferred and immediate add the differential; pr-1000 --strict the failures of runs 0, 3, 13
  const WHOLE = ['fuzz', '--rules', 'deferred,immediate,pr-1000', '--seed', '1', '--runs', '16', '--strict'];

  /** The 4 shard reports of WHOLE in `files`, as shard-i.json. */
  async function shards(files: Record<string, string>): Promise<void> {
    for (let i = 0; i < 4; i++) {
      const r = await runCli([...WHOLE, '--shard', `${i}/4`, '--report', `shard-${i}.json`, '--out', `found-${i}`], { files });
      expect(r.code).toBe(1); // every shard finds a prune_remainder
    }
  }
  const SHARDS = ['shard-0.json', 'shard-1.json', 'shard-2.json', 'shard-3.json'];

  it('merges 4 shard reports into the report of the campaign run in one piece (timings aside), printing what it prints', async () => {
    const files: Record<string, string> = {};
    await shards(files);
    const merged = await runCli(['fuzz', 'merge', ...SHARDS, '--report', 'merged.json'], { files });
    const whole = await runCli([...WHOLE, '--report', 'whole.json', '--out', 'whole-found'], { files });
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(1);
    expect(whole.code).toBe(1);
    const a = readReport(files, 'merged.json');
    const b = readReport(files, 'whole.json');
    expect(valid(a)).toBe(true);
    expect({ ...a, timings: null }).toEqual({
      ...b,
      timings: null,
      failures: b.failures.map((f) => ({ ...f, file: (f['file'] as string).replace('whole-found', 'fuzz-failures'), replay: (f['replay'] as string).replace('whole-found', 'fuzz-failures') })),
    });
    expect(a.failures.map((f) => f['run'])).toEqual([0, 3, 13]);
    expect(a).toMatchObject({ runs: 16, replays: 48, shard: { index: 0, count: 1 }, interrupted: false });
    // the shards' times add up: 4 campaigns of the fake clock
    const sum = SHARDS.reduce((t, s) => t + ((readReport(files, s).timings as { seconds: number }).seconds), 0);
    expect((a.timings as { seconds: number }).seconds).toBeCloseTo(sum, 9);
    // stdout: what the one process prints, timings aside
    expect(untimed(merged.stdout)).toBe(untimed(whole.stdout.replaceAll('whole-found', 'fuzz-failures')));
    // the first failure of each kind is written under --out, as the one process wrote it
    for (const name of ['seed-1-pr-1000-divergence-prune_remainder.yaml', 'seed-4-pr-1000-divergence-work_coins_stranded.yaml', 'seed-14-pr-1000-divergence-payout_trapped.yaml']) {
      expect(files[`fuzz-failures/${name}`]).toBe((files[`whole-found/${name}`] as string).replaceAll('whole-found', 'fuzz-failures'));
    }
  });

  it('merges without --report too, and exits 0 when nothing failed', async () => {
    const files: Record<string, string> = {};
    const base = ['fuzz', '--seed', '3', '--runs', '6', '--steps', '10'];
    for (const i of [0, 1]) await runCli([...base, '--shard', `${i}/2`, '--report', `s${i}.json`], { files });
    const r = await runCli(['fuzz', 'merge', 's1.json', 's0.json'], { files });
    expect(r.code).toBe(0);
    const whole = await runCli(base, { files: {} });
    expect(untimed(r.stdout)).toBe(untimed(whole.stdout));
    expect(Object.keys(files).sort()).toEqual(['s0.json', 's1.json']);
  });

  it.each([
    ['a missing shard', () => {}, ['shard-0.json', 'shard-1.json', 'shard-3.json'], 'shard 2/4 is missing: the reports cover 3 of the 4 shards'],
    ['two missing shards', () => {}, ['shard-3.json', 'shard-1.json'], 'shards 0/4 and 2/4 are missing: the reports cover 2 of the 4 shards'],
    ['a doubled shard', () => {}, [...SHARDS, 'copy.json'], 'shard 2/4 is given twice: shard-2.json and copy.json'],
    [
      'another --steps',
      (r: Report) => ((r['campaign'] as Record<string, unknown>)['steps'] = 30),
      SHARDS,
      'shard-1.json has --steps 30, shard-0.json 40: the shards of one campaign share --seed, --runs, --steps, --participants, --rules and --strict',
    ],
    [
      'another version',
      (r: Report) => (r['epochsim_version'] = '0.0.9'),
      SHARDS,
      'shard-1.json was written by epochsim 0.0.9, shard-0.json by 0.1.0: merge the reports of one version (a version may generate other scenarios from the same seed)',
    ],
    [
      'an interrupted shard',
      (r: Report) => Object.assign(r, { interrupted: true, runs: 2 }),
      SHARDS,
      'shard-1.json: shard 1/4 was interrupted after 2 of its 4 runs: run that shard again',
    ],
    [
      'another shard count',
      (r: Report) => (r['shard'] = { index: 1, count: 2 }),
      SHARDS,
      'shard-1.json is shard 1/2, shard-0.json shard 0/4: the shards of one campaign are i/n with the same n',
    ],
    ['a report that is not JSON', (_: Report, files: Record<string, string>) => (files['x.json'] = 'fuzz: seed 1'), [...SHARDS, 'x.json'], 'x.json: not JSON'],
    ['a JSON file that is not a report', (_: Report, files: Record<string, string>) => (files['x.json'] = '{"bank": {}}'), [...SHARDS, 'x.json'], 'x.json: not an epochsim fuzz report (written by epochsim fuzz --report)'],
    ['another format_version', (r: Report) => (r['format_version'] = 2), SHARDS, 'shard-1.json: a report of format_version 2; this epochsim reads format_version 1'],
    ['a report with a key missing', (r: Report) => delete r['replays'], SHARDS, 'shard-1.json: not a valid fuzz report at replays:'],
    ['a file that is not there', () => {}, [...SHARDS, 'nope.json'], 'nope.json: no such file'],
  ])('refuses %s: exit 2, a message naming it, nothing on stdout or written', async (_, edit, names, message) => {
    const files: Record<string, string> = {};
    await shards(files);
    files['copy.json'] = files['shard-2.json'] as string;
    const r1 = readReport(files, 'shard-1.json');
    edit(r1, files);
    files['shard-1.json'] = JSON.stringify(r1);
    const before = Object.keys(files).sort();
    const r = await runCli(['fuzz', 'merge', ...names, '--report', 'merged.json'], { files });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(`epochsim: fuzz merge: ${message}`)).toBe(true);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(Object.keys(files).sort()).toEqual(before);
  });

  it('refuses to write the merged report over one of its inputs', async () => {
    const files: Record<string, string> = {};
    await shards(files);
    const over = await runCli(['fuzz', 'merge', ...SHARDS, '--report', 'shard-3.json'], { files });
    expect(over).toEqual({ code: 2, stdout: '', stderr: 'epochsim: fuzz merge: --report shard-3.json is one of the reports to merge; name another file\n' });
  });

  it('merge with no report is a usage error', async () => {
    const r = await runCli(['fuzz', 'merge']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("error: missing required argument 'reports'");
  });

  it('merge takes its own --out and --report, not fuzz\'s (options stop at the subcommand)', async () => {
    const files: Record<string, string> = {};
    await shards(files);
    const r = await runCli(['fuzz', 'merge', ...SHARDS, '--out', 'elsewhere', '--report', 'm.json'], { files });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  wrote      elsewhere/seed-14-pr-1000-divergence-payout_trapped.yaml\n');
    expect(readReport(files, 'm.json').failures[2]?.['replay']).toBe('epochsim run elsewhere/seed-14-pr-1000-divergence-payout_trapped.yaml --rules pr-1000');
    // and fuzz itself still runs with its options as before
    const plain = await runCli(['fuzz', '--seed', '5', '--runs', '2', '--steps', '5', '--out', 'x']);
    expect(plain.code).toBe(0);
  });
});

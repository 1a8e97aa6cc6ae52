/**
 * `epochsim sweep` end to end, in-process with the fake Io: the grid's values against `run
 * --json` of the same scenario with the params written in, the three formats, failing points,
 * absent values, and every kind of bad input (exit 2, nothing on stdout).
 */
import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import { runCli } from '../cli/fakeIo.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvLike = new (opts: Record<string, unknown>) => { compile: (schema: unknown) => Validator };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvLike }).default ?? Ajv2020Module) as unknown as AjvLike;

const S05 = 'scenarios/05-punished-host-refund.yaml';
const S10 = 'scenarios/10-exclusion-forfeits-work.yaml';

interface Doc {
  params: { path: string; values: string[] }[];
  rules: string[];
  metrics: string[];
  grid: number;
  interrupted: boolean;
  points: ({ index: number; params: Record<string, string>; rules: string } & ({ ok: true; metrics: Record<string, unknown> } | { ok: false; failure: Record<string, unknown> }))[];
}

async function sweepJson(args: string[]): Promise<Doc> {
  const r = await runCli(['sweep', ...args, '--json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Doc;
}

/** run --json of `file` with `params` written into its params block (as YAML). */
async function runWith(file: string, params: Record<string, string>, rules: string): Promise<Record<string, unknown>> {
  const text = readFileSync(file, 'utf8');
  const lines = Object.entries(params).map(([k, v]) => `  ${k}: ${v}`);
  const edited = text.replace(/^params:\n  epoch_reward: [^\n]*\n(  skipped_payout: [^\n]*\n)?/m, `params:\n${lines.join('\n')}\n`);
  expect(edited).not.toBe(text);
  const r = await runCli(['run', 'edited.yaml', '--json', '--rules', rules], { files: { 'edited.yaml': edited } });
  // the file's checkpoints hold for its own params only: the run may fail them, its document stands
  expect([0, 1]).toContain(r.code);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const at = (doc: Record<string, unknown>, path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc);

describe('the grid against run --json', () => {
  it('every point of skipped_payout × epoch_reward on scenario 05 has the values run --json gives with those params', async () => {
    const doc = await sweepJson([S05, '--param', 'skipped_payout=refund,governance', '--param', 'epoch_reward=1000gonka..3000gonka:1000gonka', '--metric', 'bank.gov', '--metric', 'bank.alice', '--metric', 'settle_amounts.h1.reward_coins', '--metric', 'surplus']);
    expect(doc.grid).toBe(6);
    expect(doc.points.map((p) => [p.index, p.params['skipped_payout'], p.params['epoch_reward']])).toEqual([
      [0, 'refund', '1000000000000'],
      [1, 'refund', '2000000000000'],
      [2, 'refund', '3000000000000'],
      [3, 'governance', '1000000000000'],
      [4, 'governance', '2000000000000'],
      [5, 'governance', '3000000000000'],
    ]);
    for (const p of doc.points) {
      if (!p.ok) throw new Error(`point ${p.index} failed`);
      const run = await runWith(S05, { epoch_reward: p.params['epoch_reward'] as string, skipped_payout: p.params['skipped_payout'] as string }, 'deferred');
      expect(p.metrics).toEqual({
        'bank.gov': at(run, ['bank', 'gov']),
        'bank.alice': at(run, ['bank', 'alice']),
        'settle_amounts.h1.reward_coins': at(run, ['settle_amounts', 'h1', 'reward_coins']),
        surplus: run['surplus'],
      });
    }
    // and the values are the ones the scenario's story says: h2's escrow share to gov or back to alice
    expect(doc.points.map((p) => (p.ok ? [p.metrics['bank.gov'], p.metrics['bank.alice']] : []))).toEqual([
      ['333333333334', '19600000000'],
      ['666666666668', '19600000000'],
      ['1000000000000', '19600000000'],
      ['333533333334', '19400000000'],
      ['666866666668', '19400000000'],
      ['1000200000000', '19400000000'],
    ]);
  });

  it('the rulesets vary fastest; under each, the values of run --json --rules R (divergences.total: the sum of the divergence amounts)', async () => {
    const doc = await sweepJson([S10, '--param', 'epoch_reward=500gonka,1000gonka', '--rules', 'deferred,pr-1000,v0.2.12,newest', '--metric', 'bank.gov', '--metric', 'divergences.total', '--metric', 'divergences.count', '--metric', 'transfers.count', '--metric', 'steps[-1].status']);
    expect(doc.points.map((p) => `${p.params['epoch_reward']} ${p.rules}`)).toEqual([
      '500000000000 deferred',
      '500000000000 pr-1000',
      '500000000000 v0.2.12',
      '500000000000 newest',
      '1000000000000 deferred',
      '1000000000000 pr-1000',
      '1000000000000 v0.2.12',
      '1000000000000 newest',
    ]);
    for (const p of doc.points) {
      if (!p.ok) throw new Error(`point ${p.index} failed`);
      const run = await runWith(S10, { epoch_reward: p.params['epoch_reward'] as string }, p.rules);
      const divergences = (run['divergences'] as { amount: string }[] | undefined) ?? [];
      const steps = run['steps'] as { status: string }[];
      expect(p.metrics).toEqual({
        'bank.gov': at(run, ['bank', 'gov']),
        'divergences.total': divergences.reduce((s, d) => s + BigInt(d.amount), 0n).toString(),
        'divergences.count': divergences.length,
        'transfers.count': (run['transfers'] as unknown[]).length,
        'steps[-1].status': steps.at(-1)?.status,
      });
    }
    const p1 = doc.points[1];
    expect(p1?.ok && p1.metrics['divergences.total']).toBe('1000000000');
  });
});

describe('epochsim sweep output', () => {
  it('prints the table of the bundled example, exit 0', async () => {
    const r = await runCli(['sweep', S05, '--param', 'skipped_payout=refund,governance', '--param', 'epoch_reward=1000gonka..3000gonka:1000gonka', '--metric', 'bank.gov', '--metric', 'bank.alice']);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'sweep of scenarios/05-punished-host-refund.yaml: 2 skipped_payout × 3 epoch_reward × 1 ruleset = 6 points',
        '  skipped_payout  epoch_reward   rules          bank.gov   bank.alice',
        '  refund          1000000000000  deferred   333333333334  19600000000',
        '  refund          2000000000000  deferred   666666666668  19600000000',
        '  refund          3000000000000  deferred  1000000000000  19600000000',
        '  governance      1000000000000  deferred   333533333334  19400000000',
        '  governance      2000000000000  deferred   666866666668  19400000000',
        '  governance      3000000000000  deferred  1000200000000  19400000000',
        '6 points: 6 ok, 0 failed',
        '',
      ].join('\n'),
    });
  });

  it('a failing point shows its first failing step instead of its metrics, in every format; exit 1', async () => {
    const args = ['sweep', S05, '--param', 'escrow.max_amount=5gonka,6gonka', '--metric', 'bank.alice'];
    const step = 'step 2 (line 18, create_escrow): unexpected error: escrow amount 6000000000 out of range [5000000000, 5000000000]';
    const table = await runCli(args);
    expect(table.code).toBe(1);
    expect(table.stdout.split('\n').slice(1)).toEqual([
      '  escrow.max_amount  rules      bank.alice  failure',
      `  5000000000         deferred            ✗  ${step}`,
      '  6000000000         deferred  19600000000',
      '2 points: 1 ok, 1 failed',
      '',
    ]);
    const csv = await runCli([...args, '--csv']);
    expect(csv.code).toBe(1);
    expect(csv.stdout).toBe(`escrow.max_amount,rules,bank.alice,failure\n5000000000,deferred,,"${step}"\n6000000000,deferred,19600000000,\n`);
    const json = await runCli([...args, '--json']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as Doc;
    expect(doc.points[0]).toEqual({
      index: 0,
      params: { 'escrow.max_amount': '5000000000' },
      rules: 'deferred',
      ok: false,
      failure: { step: 2, line: 18, event: 'create_escrow', message: 'unexpected error: escrow amount 6000000000 out of range [5000000000, 5000000000]' },
    });
  });

  it('an expected error that does not come at a point is its failure', async () => {
    const text = [
      'name: an escrow over the bound',
      'accounts: { alice: 20 gonka }',
      'participants: { h1: { weight: 1 } }',
      'events:',
      '  - start_epoch',
      '  - create_escrow: { creator: alice, amount: 6 gonka, slots: [h1] }',
      '    expect_error: out of range',
      '',
    ].join('\n');
    const r = await runCli(['sweep', 'x.yaml', '--param', 'escrow.max_amount=5gonka,10gonka', '--metric', 'bank.alice', '--csv'], { files: { 'x.yaml': text } });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').slice(1)).toEqual([
      '5000000000,deferred,20000000000,',
      '10000000000,deferred,,"step 2 (line 6, create_escrow): expected an error containing ""out of range"", but the event succeeded"',
      '',
    ]);
  });

  it('drops the file\'s checkpoints: they hold for its own params only', async () => {
    // scenario 05's checkpoints name 333.333333334 gonka for gov: at another reward they would fail
    const doc = await sweepJson([S05, '--param', 'epoch_reward=7gonka', '--metric', 'checks.count', '--metric', 'bank.gov']);
    expect(doc.points[0]).toMatchObject({ ok: true, metrics: { 'checks.count': 0, 'bank.gov': '2333333334' } });
  });

  it('an absent value: — in the table, empty in CSV, null in JSON, and a note on stderr when no point holds it', async () => {
    const args = ['sweep', S05, '--param', 'skipped_payout=refund,governance', '--metric', 'settle_amounts.h2.work_coins', '--metric', 'bank.gov'];
    const table = await runCli(args);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[2]).toBe('  refund          deferred                             —  333333333334');
    expect(table.stderr).toBe("epochsim: sweep: note: --metric settle_amounts.h2.work_coins is absent from every point's run --json document\n");
    expect((await runCli([...args, '--csv'])).stdout.split('\n')[1]).toBe('refund,deferred,,333333333334,');
    const doc = JSON.parse((await runCli([...args, '--json'])).stdout) as Doc;
    expect(doc.points[0]).toMatchObject({ metrics: { 'settle_amounts.h2.work_coins': null } });
  });

  it('without --metric: every bank balance, then surplus; without --param: one point per ruleset', async () => {
    const doc = await sweepJson([S05]);
    expect(doc.metrics).toEqual(['bank.inference', 'bank.gov', 'bank.alice', 'bank.h1', 'bank.h2', 'bank.h3', 'surplus']);
    expect(doc.params).toEqual([]);
    expect(doc.grid).toBe(1);
    const names = await sweepJson([S05, '--rules', 'all']);
    expect(names.points.map((p) => p.rules)).toEqual(['deferred', 'immediate', 'v0.2.11', 'fees-kept', 'fees-split', 'pr-1000', 'v0.2.12', 'newest']);
  });

  it('quotes a name with a dot in a default metric and reads it', async () => {
    const text = 'name: dots\naccounts: { a.b: 5 gonka }\nparticipants: { h1: { weight: 1 } }\nevents: [start_epoch]\n';
    const r = await runCli(['sweep', 'd.yaml', '--csv'], { files: { 'd.yaml': text } });
    expect(r.stdout.split('\n')[0]).toBe('rules,bank.inference,bank.gov,"bank[""a.b""]",bank.h1,surplus,failure');
    expect(r.stdout.split('\n')[1]).toBe('deferred,0,0,5000000000,0,0,');
  });

  it('reads the scenario from stdin as -, and takes params. in front of a path', async () => {
    const r = await runCli(['sweep', '-', '--param', 'params.epoch_reward=2gonka', '--metric', 'bank.gov', '--csv'], { stdin: readFileSync(S05, 'utf8') });
    expect(r.stdout).toBe('epoch_reward,rules,bank.gov,failure\n2000000000,deferred,666666668,\n');
  });

  it('validates against epochsim schema --output sweep', async () => {
    const schema = JSON.parse((await runCli(['schema', '--output', 'sweep'])).stdout) as Record<string, unknown>;
    expect(schema['title']).toBe('epochsim sweep --json');
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    for (const args of [
      [S05, '--param', 'escrow.max_amount=5gonka,6gonka', '--metric', 'bank.alice', '--metric', 'steps[0].effects.count'],
      [S10, '--rules', 'all', '--param', 'epoch_reward=0..2gonka:1gonka'],
      [S05, '--param', 'skipped_payout=refund,governance', '--metric', 'settle_amounts.h2.epoch', '--metric', 'ok'],
    ]) {
      const r = await runCli(['sweep', ...args, '--json']);
      const doc = JSON.parse(r.stdout) as unknown;
      if (!validate(doc)) throw new Error(JSON.stringify(validate.errors, null, 2));
      expect(validate({ ...(doc as object), extra: 1 })).toBe(false);
    }
  });

  it('shows progress on a terminal only, on stderr', async () => {
    const args = ['sweep', S05, '--param', 'epoch_reward=1..3', '--metric', 'bank.gov', '--csv'];
    const tty = await runCli(args, { tty: true });
    expect(tty.stderr).toMatch(/^\r1\/3 points · [0-9,]+ points\/s\x1b\[K/);
    expect(tty.stderr).toContain('\r3/3 points');
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true);
    const pipe = await runCli(args);
    expect(pipe.stderr).toBe('');
    expect(tty.stdout).toBe(pipe.stdout);
  });

  it('Ctrl-C: the points done, in order, marked interrupted; exit 130 (SIGTERM 143)', async () => {
    const args = ['sweep', S05, '--param', 'epoch_reward=1..100', '--metric', 'bank.gov'];
    const r = await runCli([...args, '--json'], { interruptAfter: 1 });
    expect(r.code).toBe(130);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.interrupted).toBe(true);
    expect(doc.grid).toBe(100);
    expect(doc.points.map((p) => p.index)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(r.stderr).toBe('epochsim: sweep: interrupted (Ctrl-C) after 32 of 100 points\n');
    const t = await runCli(args, { interruptAfter: 2, interruptSignal: 'SIGTERM' });
    expect(t.code).toBe(143);
    expect(t.stdout.trimEnd().split('\n').at(-1)).toBe('100 points (64 done): 64 ok, 0 failed');
  });
});

describe('bad input: exit 2, nothing on stdout', () => {
  const PARAM = "error: option '--param <PATH=VALUES>' argument";
  const METRIC = "error: option '--metric <path>' argument";
  it.each([
    [['--param', 'epoch_rewrd=1'], `${PARAM} 'epoch_rewrd=1' is invalid. unknown param "epoch_rewrd": did you mean "epoch_reward"?`],
    [['--param', 'escrow=1'], `${PARAM} 'escrow=1' is invalid. params.escrow is a map: vary one of its fields (escrow.min_amount, escrow.max_amount, escrow.max_per_epoch)`],
    [['--param', 'escrow.allowed_creators=alice'], `${PARAM} 'escrow.allowed_creators=alice' is invalid. params.escrow.allowed_creators is a list of names: a sweep varies params that hold one value`],
    [['--param', 'epoch_reward=abc'], `${PARAM} 'epoch_reward=abc' is invalid. params.epoch_reward: not an amount: "abc" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")`],
    [['--param', 'epoch_reward=1.5'], `${PARAM} 'epoch_reward=1.5' is invalid. params.epoch_reward: 1.5 has no unit: a fraction needs one (write "1.5 gonka")`],
    [['--param', 'skipped_payout=refnd'], `${PARAM} 'skipped_payout=refnd' is invalid. params.skipped_payout must be "refund" or "governance", found "refnd" (did you mean "refund"?)`],
    [['--param', 'decay_rate=0.5'], `${PARAM} 'decay_rate=0.5' is invalid. params.decay_rate must be one of the decay rates the chain accepts (-0.000475, -0.000001, 0), found "0.5"`],
    [['--param', 'epoch_reward'], `${PARAM} 'epoch_reward' is invalid. "epoch_reward": write PATH=V1,V2,... or PATH=FROM..TO:STEP, e.g. skipped_payout=refund,governance or epoch_reward=500gonka..2000gonka:500gonka`],
    [['--param', 'epoch_reward=1,1'], `${PARAM} 'epoch_reward=1,1' is invalid. params.epoch_reward: the value "1" is given twice`],
    [['--param', 'epoch_reward=1gonka,1000000000'], `${PARAM} 'epoch_reward=1gonka,1000000000' is invalid. params.epoch_reward: the value "1000000000" is given twice`],
    [['--param', 'binom_test_p0=0.10,0.1'], `${PARAM} 'binom_test_p0=0.10,0.1' is invalid. params.binom_test_p0: the value "0.1" is given twice`],
    [['--param', 'epoch_reward=1,'], `${PARAM} 'epoch_reward=1,' is invalid. params.epoch_reward: an empty value (write the values separated by commas, no comma at the end)`],
    [['--param', 'epoch_reward=5..1'], `${PARAM} 'epoch_reward=5..1' is invalid. "5..1": a range goes up: FROM must not exceed TO`],
    [['--param', 'epoch_reward=1..5:0'], `${PARAM} 'epoch_reward=1..5:0' is invalid. "1..5:0": the step of a range must be more than 0`],
    [['--param', 'epoch_reward=1..2..3'], `${PARAM} 'epoch_reward=1..2..3' is invalid. "1..2..3": a range is FROM..TO:STEP (or FROM..TO, step 1), e.g. 500gonka..2000gonka:500gonka`],
    [['--param', 'epoch_reward=0..1000gonka'], `${PARAM} 'epoch_reward=0..1000gonka' is invalid. "0..1000gonka" has 1000000000001 values: a sweep has at most 100000 points`],
    [['--param', 'skipped_payout=refund..governance'], `${PARAM} 'skipped_payout=refund..governance' is invalid. params.skipped_payout is not an integer or an amount: list its values (skipped_payout=A,B,C) instead of a range`],
    [['--param', 'epoch_reward=1', '--param', 'epoch_reward=2'], `${PARAM} 'epoch_reward=2' is invalid. params.epoch_reward is given twice: give all its values in one --param`],
    [['--metric', 'bnak.gov'], `${METRIC} 'bnak.gov' is invalid. "bnak.gov": the run --json document has no "bnak": did you mean "bank"?`],
    [['--metric', 'bank'], `${METRIC} 'bank' is invalid. "bank": bank is a map, not a single value: name one of its keys`],
    [['--metric', 'bank.gov.x'], `${METRIC} 'bank.gov.x' is invalid. "bank.gov.x": bank.gov is a single value: it has no field "x"`],
    [['--metric', 'steps'], `${METRIC} 'steps' is invalid. "steps": steps is a list, not a single value: name an item ([0]) or .count`],
    [['--metric', 'steps.x'], `${METRIC} 'steps.x' is invalid. "steps.x": steps is a list: name an item ([0], [-1] the last), or .count (its length)`],
    [['--metric', 'steps[0].effects.total'], `${METRIC} 'steps[0].effects.total' is invalid. "steps[0].effects.total": the items of steps[0].effects have no amount to total (.count is its length)`],
    [['--metric', 'surplus[0]'], `${METRIC} 'surplus[0]' is invalid. "surplus[0]": surplus is a value, not a list: [0] indexes a list`],
    [['--metric', 'bank..gov'], `${METRIC} 'bank..gov' is invalid. "bank..gov": at ".gov": expected a name (letters, digits, _ and -)`],
    [['--metric', 'bank[gov]'], `${METRIC} 'bank[gov]' is invalid. "bank[gov]": at "[gov]": "[" opens an index such as [0] or [-1], or a quoted key such as ["h.1"]`],
    [['--metric', ''], `${METRIC} '' is invalid. "": an empty path`],
    [['--metric', 'surplus', '--metric', 'surplus'], `${METRIC} 'surplus' is invalid. "surplus" is given twice`],
    [['--rules', 'nope'], 'unknown ruleset nope'],
    [['--workers', '0'], '--workers must be an integer from 1 to 64'],
    [['--csv', '--json'], "error: option '--csv' cannot be used with option '--json'"],
  ])('%j', async (args, message) => {
    const r = await runCli(['sweep', S05, ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('a grid past 100 000 points, or a point whose params break the escrow bounds, is refused before anything runs', async () => {
    const big = await runCli(['sweep', S05, '--param', 'epoch_reward=1..400', '--param', 'token_price=1..300', '--rules', 'deferred,immediate']);
    expect(big).toEqual({ code: 2, stdout: '', stderr: 'epochsim: sweep: the grid has 400 epoch_reward × 300 token_price × 2 rulesets = 240000 points: a sweep has at most 100000\n' });
    const bounds = await runCli(['sweep', S05, '--param', 'escrow.max_amount=8gonka,4gonka']);
    expect(bounds).toEqual({
      code: 2,
      stdout: '',
      stderr: 'epochsim: sweep: at escrow.max_amount=4000000000: params.escrow.min_amount (5000000000) must not exceed params.escrow.max_amount (4000000000)\n',
    });
  });

  it('a scenario with input errors: every error with FILE:LINE:COL, exit 2', async () => {
    const r = await runCli(['sweep', 'bad.yaml', '--param', 'epoch_reward=1'], { files: { 'bad.yaml': 'name: x\nparticipants: {}\nevents: [nope]\n' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.yaml:3:10: error: unknown event "nope"');
  });
});

/**
 * `epochsim explore` end to end, in-process with the fake Io (its clock advances 1 ms a read):
 * the report, the written scenario and its replay, --json against its schema, bad input (exit 2,
 * nothing on stdout), --max-states, Ctrl-C (exit 130 with the report so far), progress on a
 * terminal, a lost output (exit 74), and --from a scenario's genesis.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/engine/replay/run.js';
import { runCli } from '../cli/fakeIo.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
type AjvLike = new (opts: Record<string, unknown>) => { compile: (schema: unknown) => Validator };
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvLike }).default ?? Ajv2020Module) as unknown as AjvLike;

const HEAD = [
  'genesis: participants h1, h2; creator u1; outsider u2',
  'alphabet: 28 actions + 2 per escrow (start 1, drop 2, end 1, punish 2, create 16, settle 1/escrow, settle-part 1/escrow, claim 4, exclude 2)',
  'symmetry: h1, h2 interchangeable',
];

const PR1000_DEPTH3 = [
  '',
  'pr-1000: 291 states, 672 transitions (299 failed), every path of up to 3 events',
  '  depth  states  transitions  failed',
  '  0           1            0       0',
  '  1           2           28      25',
  '  2          20           56      26',
  '  3         268          588     248',
  '  visited set: 291 hashes in 64 KiB; paths: 6 KiB',
];

const TRAPPED =
  'step 3 (settle_escrow): u2 has no participant record ("not found"), but its payout of 251 ngonka from escrow 1 was already counted in totalPayout: no one is credited and u1\'s refund is 251 ngonka short (251 ngonka)';

const FILE = 'found/pr-1000-divergence-payout_trapped.yaml';

/** The timing line on stderr (its figures from the fake clock). */
const TIMING = /^explore: [0-9,]+ states in [0-9.]+ s \([0-9,—]+ states\/s\)\n$/;

describe('epochsim explore', () => {
  it('under pr-1000 --strict finds the trapped payout at depth 3, writes a shortest replayable scenario, exit 1', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(['explore', '--rules', 'pr-1000', '--depth', '3', '--strict', '--out', 'found'], { files });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(TIMING);
    expect(r.stdout).toBe(
      [
        'explore: rules pr-1000, depth 3, 2 participants, strict',
        ...HEAD,
        ...PR1000_DEPTH3,
        '✗ pr-1000 · divergence:payout_trapped · depth 3',
        `  ${TRAPPED}`,
        '  shortest: breadth first, no path of 2 events or fewer has it',
        `  wrote      ${FILE}`,
        `  replay:    epochsim run ${FILE} --rules pr-1000`,
        '  reproduce: epochsim explore --rules pr-1000 --depth 3 --participants 2 --strict',
        '',
        '1 failure: pr-1000 divergence:payout_trapped (depth 3)',
        '',
      ].join('\n'),
    );
    expect(Object.keys(files)).toEqual([FILE]);
    expect(files[FILE]).toBe(
      [
        '# epochsim explore: divergence:payout_trapped fails under pr-1000',
        '# depth 3, a shortest path (breadth first, no path of 2 events or fewer has it; 291 states checked)',
        `# ${TRAPPED}`,
        `# replay:    epochsim run ${FILE} --rules pr-1000`,
        '# reproduce: epochsim explore --rules pr-1000 --depth 3 --participants 2 --strict',
        '#',
        'name: "explore depth 3: divergence:payout_trapped under pr-1000"',
        'rules: pr-1000',
        'params:',
        '  escrow: { min_amount: 1000, max_amount: 10000000000, max_per_epoch: 100 }',
        '  epoch_reward: 1000',
        'accounts:',
        '  u1: 1000000000000',
        '  u2: 0',
        'participants:',
        '  h1: { weight: 100 }',
        '  h2: { weight: 100 }',
        'events:',
        '  - start_epoch',
        '  - create_escrow: { creator: u1, amount: 1000, slots: [h1, u2] }',
        '  - settle_escrow: { escrow: 1, fees: 3, hosts: [{ slot: 0, cost: 250, missed: 0, invalid: 0 }, { slot: 1, cost: 250, missed: 0, invalid: 0 }] }',
        '',
      ].join('\n'),
    );
    const loaded = loadScenario(files[FILE]!, FILE);
    if (!loaded.ok) throw new Error('the written scenario does not load');
    expect(runScenario(loaded.scenario).divergences.map((d) => [d.step, d.id])).toEqual([[3, 'payout_trapped']]);
    const run = await runCli(['run', FILE], { files });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Known divergences of pr-1000');
    // the reproduce command finds it again
    const again = await runCli(['explore', '--rules', 'pr-1000', '--depth', '3', '--participants', '2', '--strict', '--out', 'found'], { files: {} });
    expect(again.stdout).toBe(r.stdout);
  });

  it('under pr-1000 --strict finds the prune remainder fuzz also finds, shortest at depth 6 (an alphabet cut to start, end and one amount)', async () => {
    const files: Record<string, string> = {};
    const args = ['explore', '--rules', 'pr-1000', '--depth', '6', '--strict', '--events', 'start,end,create', '--amounts', '1001', '--out', 'found'];
    const r = await runCli(args, { files });
    expect(r.code).toBe(1);
    const file = 'found/pr-1000-divergence-prune_remainder.yaml';
    expect(r.stdout.split('\n').slice(-9)).toEqual([
      '✗ pr-1000 · divergence:prune_remainder · depth 6',
      '  step 6 (start_epoch): unsettled escrow 1 of epoch 1 (1001 ngonka from u1) is pruned: 1000 ngonka go to its 2 unique hosts, u1 gets nothing back and 1 ngonka stay in the inference module (1 ngonka)',
      '  shortest: breadth first, no path of 5 events or fewer has it',
      `  wrote      ${file}`,
      `  replay:    epochsim run ${file} --rules pr-1000`,
      '  reproduce: epochsim explore --rules pr-1000 --depth 6 --participants 2 --events start,end,create --amounts 1001 --strict',
      '',
      '1 failure: pr-1000 divergence:prune_remainder (depth 6)',
      '',
    ]);
    expect(r.stdout).toContain('pr-1000: 22,314 states, 27,500 transitions (2,758 failed), every path of up to 6 events\n');
    const loaded = loadScenario(files[file]!, file);
    if (!loaded.ok) throw new Error('the written scenario does not load');
    expect(loaded.scenario.items.map((item) => (item.kind === 'event' ? item.event.type : 'expect'))).toEqual([
      'start_epoch',
      'end_epoch',
      'create_escrow',
      'start_epoch',
      'end_epoch',
      'start_epoch',
    ]);
    expect(runScenario(loaded.scenario).divergences.map((d) => [d.step, d.id, d.amount])).toEqual([[6, 'prune_remainder', 1n]]);
  });

  it('without --strict counts the divergence and fails nothing, exit 0', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(['explore', '--rules', 'pr-1000', '--depth', '3'], { files });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'explore: rules pr-1000, depth 3, 2 participants',
        ...HEAD,
        ...PR1000_DEPTH3,
        '  known divergences (not failures; --strict makes them failures):',
        '    payout_trapped: first at depth 3, 4 transitions',
        '',
        'no failures in 1 search',
        '',
      ].join('\n'),
    );
    expect(files).toEqual({});
  });

  it('--json prints a document that validates against schema --output explore', async () => {
    const schema = await runCli(['schema', '--output', 'explore']);
    expect(schema.code).toBe(0);
    const doc = JSON.parse(schema.stdout) as Record<string, unknown>;
    expect(doc['title']).toBe('epochsim explore --json');
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(doc);
    const files: Record<string, string> = {};
    const r = await runCli(['explore', '--rules', 'pr-1000,deferred', '--strict', '--json', '--depth', '3', '--out', 'found'], { files });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { searches: { rules: string; kind: string; states: number; violations: { events: string[]; file: string; depth: number }[]; per_depth: unknown[] }[]; failures: number };
    expect(validate(report)).toBe(true);
    expect(report.searches.map((s) => [s.rules, s.kind, s.states])).toEqual([
      ['pr-1000', 'rules', 291],
      ['deferred', 'rules', 187],
      ['deferred/immediate', 'differential', 100],
    ]);
    expect(report.failures).toBe(1);
    expect(report.searches[0]!.per_depth).toHaveLength(4);
    expect(report.searches[0]!.violations).toEqual([
      expect.objectContaining({
        depth: 3,
        file: FILE,
        events: [
          'start_epoch',
          'create_escrow: { creator: u1, amount: 1000, slots: [h1, u2] }',
          'settle_escrow: { escrow: 1, fees: 3, hosts: [{ slot: 0, cost: 250, missed: 0, invalid: 0 }, { slot: 1, cost: 250, missed: 0, invalid: 0 }] }',
        ],
      }),
    ]);
    expect(Object.keys(files)).toEqual([FILE]);
    // the schema is closed: an unknown key or a count as a string does not validate
    expect(validate({ ...report, extra: 1 })).toBe(false);
    expect(validate({ ...report, failures: '1' })).toBe(false);
  });

  it('--max-states stops each search at exactly N states and says where, exit 0', async () => {
    const r = await runCli(['explore', '--rules', 'deferred', '--depth', '4', '--max-states', '100']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\ndeferred: 100 states, 260 transitions (123 failed), stopped at --max-states 100 during depth 3: every path of up to 2 events\n');
    expect(r.stdout).toContain('\ndeferred/immediate (the differential, over the clean actions): 100 states,');
  });

  it('Ctrl-C stops at once with the report so far, exit 130', async () => {
    const r = await runCli(['explore', '--depth', '6'], { interruptAfter: 3 });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/\ndeferred: [0-9,]+ states, [0-9,]+ transitions \([0-9,]+ failed\), interrupted \(Ctrl-C\) during depth [0-9]: every path of up to [0-9] events\n/);
    expect(r.stdout).not.toContain('\nimmediate:');
    expect(r.stdout.endsWith('\ninterrupted (Ctrl-C): the report of the 1 search done\nno failures in 1 search\n')).toBe(true);
  });

  it('shows progress on a terminal only, on stderr, rewritten with \\r', async () => {
    const tty = await runCli(['explore', '--rules', 'deferred', '--depth', '3'], { tty: true });
    expect(tty.stderr).toMatch(/^\rdeferred · depth 2 · 3 states · [0-9,]+ states\/s · queue [0-9,]+\x1b\[K/);
    expect(tty.stderr).toContain('\r\x1b[K');
    const pipe = await runCli(['explore', '--rules', 'deferred', '--depth', '3']);
    expect(pipe.stderr).toMatch(TIMING);
  });

  it('--from explores a scenario file\'s genesis: its participants, accounts and params, not its events', async () => {
    const files = {
      'g.yaml': [
        'name: two unlike hosts',
        'params:',
        '  escrow: { min_amount: 1000 }',
        '  epoch_reward: 1000',
        'accounts: { alice: 100 gonka, bob: 0 }',
        'participants:',
        '  big: { weight: 300 }',
        '  small: { weight: 100 }',
        'events:',
        '  - start_epoch',
      ].join('\n'),
    };
    const r = await runCli(['explore', '--from', 'g.yaml', '--rules', 'pr-1000', '--depth', '3', '--strict', '--out', 'found'], { files });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'explore: rules pr-1000, depth 3, 2 participants, genesis of g.yaml, strict',
      'genesis: participants big, small; creator alice; outsider bob',
      'alphabet: 28 actions + 2 per escrow (start 1, drop 2, end 1, punish 2, create 16, settle 1/escrow, settle-part 1/escrow, claim 4, exclude 2)',
      'symmetry: none (no two participants alike)',
    ]);
    expect(r.stdout).toContain('  reproduce: epochsim explore --rules pr-1000 --depth 3 --from g.yaml --strict\n');
    const written = files['found/pr-1000-divergence-payout_trapped.yaml' as keyof typeof files] as string;
    expect(written).toContain('\n  - create_escrow: { creator: alice, amount: 1000, slots: [big, bob] }\n');
  });

  it('--no-symmetry counts every renaming and finds the same failures', async () => {
    const r = await runCli(['explore', '--rules', 'pr-1000', '--depth', '3', '--strict', '--no-symmetry', '--out', 'found'], { files: {} });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('symmetry: off (--no-symmetry)\n');
    expect(r.stdout).toContain('\npr-1000: 578 states,');
    expect(r.stdout).toContain('  reproduce: epochsim explore --rules pr-1000 --depth 3 --participants 2 --strict --no-symmetry\n');
    expect(r.stdout).toContain('\n1 failure: pr-1000 divergence:payout_trapped (depth 3)\n');
  });

  it.each([
    [['--events', 'start,nope'], "error: option '--events <list>' argument 'start,nope' is invalid. unknown kind nope; choose from: start, drop, end, punish, create, settle, settle-part, claim, exclude, transfer, inference, or all"],
    [['--slots', 'one,one'], "error: option '--slots <list>' argument 'one,one' is invalid. each slot pattern may be named once"],
    [['--amounts', '1000,0'], `error: option '--amounts <list>' argument '1000,0' is invalid. amounts are whole numbers of ngonka from 1 to 9223372036854775807, comma-separated; not "0"`],
    [['--depth', 'x'], "error: option '--depth <n>' argument 'x' is invalid. --depth must be an integer from 0 to 1000"],
    [['--participants', '9'], "error: option '--participants <n>' argument '9' is invalid. --participants must be an integer from 1 to 8"],
    [['--participants', '8'], 'epochsim: the alphabet would have 80,740 actions, more than 65,535: name fewer participants, amounts, slot patterns or events'],
    [['--from', 'g.yaml', '--participants', '3'], 'epochsim: --participants and --from do not go together: the participants come from the file'],
    [['--out', 'g.yaml'], 'epochsim: --out g.yaml: it is a file, not a folder'],
  ])('refuses %j with exit 2 and nothing on stdout', async (args, message) => {
    const r = await runCli(['explore', ...args], { files: { 'g.yaml': 'name: g\nparticipants: { h1: { weight: 1 } }\nevents: []\n' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(message);
  });

  it('a --from file with errors: FILE:LINE:COL on stderr, exit 2, nothing on stdout', async () => {
    const r = await runCli(['explore', '--from', 'bad.yaml'], { files: { 'bad.yaml': 'name: bad\nparticipants:\n  h1: { weight: -1 }\nevents: []\n' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^bad\.yaml:3:/);
    expect(r.stderr).toContain('1 error in bad.yaml; nothing was run\n');
  });

  it('a failing scenario that cannot be written: exit 74, said on stderr', async () => {
    const r = await runCli(['explore', '--rules', 'pr-1000', '--depth', '3', '--strict', '--out', 'found'], { files: {}, writeErrors: { found: 'EACCES' } });
    expect(r.code).toBe(74);
    expect(r.stderr).toContain('epochsim: cannot write found/pr-1000-divergence-payout_trapped.yaml:');
  });
});

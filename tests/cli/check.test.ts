/**
 * `epochsim check` end to end, in-process: exact outputs (the fake clock makes every scenario
 * take 1 ms), golden files in memory, JUnit XML through a real parser.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BAD_SCENARIO, runCli } from './fakeIo.js';
import { BIN } from './built.js';

/** Passes: a transfer of 1.5 gonka and a checkpoint that it arrived. */
const PASSING = [
  'name: pays h1',
  'accounts: { alice: 10 gonka }',
  'participants: { h1: { weight: 1 } }',
  'events:',
  '  - start_epoch',
  '  - transfer: { from: alice, to: h1, amount: 1.5 gonka }',
  '  - expect: { bank: { h1: 1.5 gonka } }',
].join('\n');

/** Fails: an unexpected error (line 4), an expected error that does not happen (line 5), a wrong checkpoint (line 7). */
const FAILING = [
  'name: failing',
  'participants: { h1: { weight: 1 } }',
  'events:',
  '  - end_epoch',
  '  - start_epoch:',
  '    expect_error: nothing <like> "this" & that',
  '  - expect: { epoch: 7, bank: { h1: 2 gonka } }',
].join('\n');

const lastLine = (s: string): string | undefined => s.trimEnd().split('\n').at(-1);

describe('epochsim check: pass and fail', () => {
  test('two passing scenarios in a folder: one line each, then the count line; exit 0', async () => {
    const files = { 'case/a.yaml': PASSING, 'case/b.yml': PASSING.replace('pays h1', 'pays h1 again') };
    const r = await runCli(['check', 'case'], { files });
    expect(r).toEqual({
      code: 0,
      stdout: ['✓ case/a.yaml   1 ms', '✓ case/b.yml    1 ms', '', '2 passed, 0 failed', ''].join('\n'),
      stderr: '',
    });
  });

  test('a failing scenario: every unexpected step, checkpoint field and the count; exit 1', async () => {
    const files = { 'case/a.yaml': PASSING, 'case/f.yaml': FAILING };
    const r = await runCli(['check', 'case/f.yaml', 'case/a.yaml'], { files });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        '✓ case/a.yaml   1 ms',
        '✗ case/f.yaml   1 ms',
        '',
        '✗ case/f.yaml · failing · rules: deferred',
        '  step 1 (line 4, end_epoch): unexpected error: no epoch to end',
        '  step 2 (line 5, start_epoch): expected an error containing "nothing <like> "this" & that", but the event succeeded',
        '  step 3 (line 7, checkpoint): epoch: expected 7, actual 1',
        '  step 3 (line 7, checkpoint): bank.h1: expected 2000000000 (2 gonka), actual 0 (0 gonka)',
        '',
        '1 passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  test('an invariant violation is a failure named by step, line and invariant', async () => {
    const leak = ['name: leak', 'accounts: { alice: 5 gonka }', 'participants: { h1: { weight: 1 } }', 'events:', '  - transfer: { from: alice, to: inference, amount: 1 gonka }'];
    const r = await runCli(['check', 'leak.yaml'], { files: { 'leak.yaml': leak.join('\n') } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '\n  step 1 (line 5, transfer): surplus invariant: bank(inference) 1000000000 ≠ obligations 0 (escrows 0 + owed coin balances 0 + settle amounts 0): coins with no owner, surplus 1000000000\n',
    );
    expect(lastLine(r.stdout)).toBe('0 passed, 1 failed');
  });

  test('--rules runs every file under that ruleset: scenario 01 fails its deferred checkpoints under immediate', async () => {
    const r = await runCli(['check', 'scenarios/01-deferred-same-epoch.yaml', '--rules', 'immediate']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ scenarios/01-deferred-same-epoch.yaml · Same-epoch devshard settlement is paid at epoch end · rules: immediate\n');
    expect(r.stdout).toContain('\n  step 4 (line 28, checkpoint): bank.h1: expected 0 (0 gonka), actual 400000000 (0.4 gonka)\n');
    expect(lastLine(r.stdout)).toBe('0 passed, 1 failed');
  });

  test('files run in code-unit order of their paths (not locale order), each once', async () => {
    const files = { 'case/a.yaml': PASSING, 'case/B.yaml': PASSING, 'case/_x.yaml': PASSING };
    const r = await runCli(['check', 'case/a.yaml', 'case', 'case/B.yaml'], { files });
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['✓ case/B.yaml    1 ms', '✓ case/_x.yaml   1 ms', '✓ case/a.yaml    1 ms']);
    expect(lastLine(r.stdout)).toBe('3 passed, 0 failed');
  });

  test('folders are searched recursively; hidden folders, other files and the golden folder are skipped', async () => {
    const files = {
      'case/top.yaml': PASSING,
      'case/sub/deep.yaml': PASSING,
      'case/.hidden/no.yaml': FAILING,
      'case/expected/no.yaml': FAILING,
      'case/notes.txt': 'not a scenario',
    };
    const r = await runCli(['check', 'case/', '--golden', 'case/expected', '--update'], { files });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['✓ case/sub/deep.yaml   1 ms  golden created', '✓ case/top.yaml        1 ms  golden created']);
    // a file found in a subfolder keeps its path below the folder given
    expect(Object.keys(files).filter((f) => f.endsWith('.json')).sort()).toEqual(['case/expected/sub/deep.json', 'case/expected/top.json']);
  });

  test('- reads one scenario from stdin', async () => {
    const r = await runCli(['check', '-'], { stdin: PASSING });
    expect(r).toEqual({ code: 0, stdout: '✓ <stdin>   1 ms\n\n1 passed, 0 failed\n', stderr: '' });
  });

  test('with no path, check runs scenarios/', async () => {
    const r = await runCli(['check']);
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe('25 passed, 0 failed');
  });
});

describe('epochsim check: invalid input', () => {
  test('an invalid file is reported on stderr as FILE:LINE:COL, counts as failed, the others still run; exit 2', async () => {
    const files = { 'case/a.yaml': PASSING, 'case/bad.yaml': BAD_SCENARIO, 'case/f.yaml': FAILING };
    const r = await runCli(['check', 'case'], { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      [
        'case/bad.yaml:5:5: error: unknown event "sttle_escrow"',
        '  5 |   - sttle_escrow: { escrow: 1, hosts: [] }',
        '    |     ^',
        '  hint: did you mean "settle_escrow"?',
        'case/bad.yaml:6:34: error: unknown participant "h2"',
        '  6 |   - claim_reward: { participant: h2, epoch: 1 }',
        '    |                                  ^',
        '  hint: did you mean "h1"?',
        '2 errors in case/bad.yaml; nothing was run',
        '',
      ].join('\n'),
    );
    const out = r.stdout.split('\n');
    expect(out.slice(0, 4)).toEqual(['✓ case/a.yaml     1 ms', '✗ case/bad.yaml   1 ms  invalid input', '✗ case/f.yaml     1 ms', '']);
    expect(out.slice(4, 7)).toEqual(['✗ case/bad.yaml', '  2 errors in case/bad.yaml; nothing was run (see stderr)', '']);
    expect(out[7]).toBe('✗ case/f.yaml · failing · rules: deferred');
    expect(lastLine(r.stdout)).toBe('1 passed, 2 failed');
  });

  test('a path that does not exist and a folder without scenarios are input errors; the rest still runs', async () => {
    const files = { 'case/a.yaml': PASSING, 'empty/readme.txt': 'no scenarios here' };
    const r = await runCli(['check', 'nowhere', 'case', 'empty'], { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'epochsim: no scenario files (*.yaml, *.yml) under empty\nepochsim: cannot read nowhere: no such file or folder\n',
    );
    expect(r.stdout).toBe(
      [
        '✓ case/a.yaml   1 ms',
        '✗ empty         1 ms  invalid input',
        '✗ nowhere       1 ms  invalid input',
        '',
        '✗ empty',
        '  no scenario files (*.yaml, *.yml) under empty',
        '',
        '✗ nowhere',
        '  cannot read nowhere: no such file or folder',
        '',
        '1 passed, 2 failed',
        '',
      ].join('\n'),
    );
  });

  test('--update without --golden is a command-line error; nothing runs', async () => {
    const r = await runCli(['check', 'scenarios', '--update']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'epochsim: --update needs --golden DIR, the folder of the golden files to write\n' });
  });
});

describe('epochsim check: golden files', () => {
  /** PASSING changed: 2 gonka instead of 1.5, then a second transfer of 0.25 gonka (one more event). */
  const CHANGED = [
    'name: pays h1',
    'accounts: { alice: 10 gonka }',
    'participants: { h1: { weight: 1 } }',
    'events:',
    '  - start_epoch',
    '  - transfer: { from: alice, to: h1, amount: 2 gonka }',
    '  - transfer: { from: alice, to: h1, amount: 0.25 gonka }',
    '  - expect: { bank: { h1: 2.25 gonka } }',
  ].join('\n');

  const DIFF = [
    '  golden g/a.json differs at 8 paths (golden → this run):',
    '    bank.alice: 8500000000 (8.5 gonka) → 7750000000 (7.75 gonka)',
    '    bank.h1: 1500000000 (1.5 gonka) → 2250000000 (2.25 gonka)',
    '    checks[0].line: 7 → 8',
    '    checks[0].step: 3 → 4',
    '    steps[1].effects[0].amount: 1500000000 (1.5 gonka) → 2000000000 (2 gonka)',
    '    steps[2]: added {"effects":[{"amount":"250000000","from":"alice","kind":"bank","memo":"transfer","to":"h1"}],"event":"transfer","expect…',
    '    transfers[0].amount: 1500000000 (1.5 gonka) → 2000000000 (2 gonka)',
    '    transfers[1]: added {"amount":"250000000","from":"alice","memo":"transfer","step":3,"to":"h1"}',
  ];

  test('--update creates the golden files (the run --json output), then reports them unchanged', async () => {
    const files: Record<string, string> = { 'case/a.yaml': PASSING };
    const first = await runCli(['check', 'case', '--golden', 'g', '--update'], { files });
    expect(first).toEqual({
      code: 0,
      stdout: ['✓ case/a.yaml   1 ms  golden created', '', 'Golden files in g: 1 created, 0 changed, 0 unchanged', '', '1 passed, 0 failed', ''].join('\n'),
      stderr: '',
    });
    expect(files['g/a.json']).toBe((await runCli(['run', 'case/a.yaml', '--json'], { files })).stdout);

    const second = await runCli(['check', 'case', '--golden', 'g', '--update'], { files });
    expect(second.stdout).toBe(['✓ case/a.yaml   1 ms', '', 'Golden files in g: 0 created, 0 changed, 1 unchanged', '', '1 passed, 0 failed', ''].join('\n'));
    expect((await runCli(['check', 'case', '--golden', 'g'], { files })).code).toBe(0);
  });

  test('a golden difference is a list of JSON paths, old → new, amounts in ngonka and gonka; exit 1', async () => {
    const files: Record<string, string> = { 'case/a.yaml': PASSING };
    await runCli(['check', 'case', '--golden', 'g', '--update'], { files });
    files['case/a.yaml'] = CHANGED;
    const r = await runCli(['check', 'case', '--golden', 'g'], { files });
    expect(r).toEqual({
      code: 1,
      stdout: ['✗ case/a.yaml   1 ms', '', '✗ case/a.yaml · pays h1 · rules: deferred', ...DIFF, '', '0 passed, 1 failed', ''].join('\n'),
      stderr: '',
    });
  });

  test('--update rewrites a changed golden, shows what changed, and is not a failure', async () => {
    const files: Record<string, string> = { 'case/a.yaml': PASSING };
    await runCli(['check', 'case', '--golden', 'g', '--update'], { files });
    files['case/a.yaml'] = CHANGED;
    const r = await runCli(['check', 'case', '--golden', 'g', '--update'], { files });
    expect(r).toEqual({
      code: 0,
      stdout: [
        '✓ case/a.yaml   1 ms  golden changed',
        '',
        DIFF[0]?.trim().replace('differs', 'changed').replace('golden → this run', 'old → new'),
        ...DIFF.slice(1).map((l) => l.slice(2)),
        'Golden files in g: 0 created, 1 changed, 0 unchanged',
        '',
        '1 passed, 0 failed',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect((await runCli(['check', 'case', '--golden', 'g'], { files })).code).toBe(0);
  });

  test('a long difference is cut after 20 paths', async () => {
    const many = ['name: many', 'accounts: { alice: 100 gonka }', 'participants: { h1: { weight: 1 } }', 'events:'];
    for (let i = 1; i <= 30; i++) many.push(`  - transfer: { from: alice, to: h1, amount: ${i} }`);
    const files: Record<string, string> = { 'm.yaml': many.join('\n') };
    await runCli(['check', 'm.yaml', '--golden', 'g', '--update'], { files });
    files['m.yaml'] = many.join('\n').replaceAll('amount: ', 'amount: 1');
    const r = await runCli(['check', 'm.yaml', '--golden', 'g'], { files });
    const out = r.stdout.split('\n');
    expect(out[3]).toBe('  golden g/m.json differs at 62 paths (golden → this run):');
    expect(out[4]).toBe('    bank.alice: 99999999535 (99.999999535 gonka) → 99999997345 (99.999997345 gonka)');
    expect(out[6]).toBe('    steps[0].effects[0].amount: 1 (0.000000001 gonka) → 11 (0.000000011 gonka)');
    expect(out[23]).toBe('    steps[17].effects[0].amount: 18 (0.000000018 gonka) → 118 (0.000000118 gonka)');
    expect(out[24]).toBe('    … and 42 more');
    expect(out[25]).toBe('');
  });

  test('a missing golden file fails and says to run with --update', async () => {
    const r = await runCli(['check', 'case/a.yaml', '--golden', 'nowhere'], { files: { 'case/a.yaml': PASSING } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      ['✗ case/a.yaml   1 ms', '', '✗ case/a.yaml · pays h1 · rules: deferred', '  no golden file nowhere/a.json; run with --update to create it', '', '0 passed, 1 failed', ''].join('\n'),
    );
  });

  test('a golden file that is not JSON fails, and --update rewrites it', async () => {
    const files: Record<string, string> = { 'case/a.yaml': PASSING, 'g/a.json': '{ not json' };
    const r = await runCli(['check', 'case/a.yaml', '--golden', 'g'], { files });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\n {2}golden g\/a\.json cannot be read \(not JSON \(.+\)\); run with --update to rewrite it\n/);
    const u = await runCli(['check', 'case/a.yaml', '--golden', 'g', '--update'], { files });
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('✓ case/a.yaml   1 ms  golden rewritten\n');
    expect(u.stdout).toContain('\nGolden files in g: 0 created, 0 changed, 1 rewritten, 0 unchanged\n');
    expect(JSON.parse(files['g/a.json'] ?? '')).toMatchObject({ scenario: 'pays h1', ok: true });
  });

  test('a golden path naming a device, or a golden that is not UTF-8, is read bounded and named (built CLI, real files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epochsim-golden-'));
    try {
      mkdirSync(join(dir, 'g'));
      writeFileSync(join(dir, 'a.yaml'), PASSING);
      writeFileSync(join(dir, 'b.yaml'), PASSING);
      symlinkSync('/dev/zero', join(dir, 'g', 'a.json'));
      writeFileSync(join(dir, 'g', 'b.json'), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
      const goldenLine = (yaml: string): string => {
        const r = spawnSync(process.execPath, [BIN, 'check', yaml, '--golden', 'g', '--no-color'], { cwd: dir, encoding: 'utf8' });
        expect(r.status).toBe(1);
        return r.stdout.split('\n').find((line) => line.startsWith('  golden')) ?? r.stdout;
      };
      expect(goldenLine('a.yaml')).toBe('  golden g/a.json cannot be read (larger than 256 MiB); run with --update to rewrite it');
      expect(goldenLine('b.yaml')).toBe('  golden g/b.json cannot be read (not UTF-8 text); run with --update to rewrite it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with --rules R the golden files are DIR/<name>.R.json; the files\' own goldens stay as they are', async () => {
    const files: Record<string, string> = { 'case/a.yaml': PASSING, 'g/a.json': 'the default golden' };
    const r = await runCli(['check', 'case/a.yaml', '--golden', 'g', '--rules', 'immediate', '--update'], { files });
    expect(r.code).toBe(0);
    expect(files['g/a.json']).toBe('the default golden');
    expect(JSON.parse(files['g/a.immediate.json'] ?? '')).toMatchObject({ rules: 'immediate' });
  });

  test('two scenarios with the same golden file: the second is an input error', async () => {
    const files = { 'one/a.yaml': PASSING, 'two/a.yml': PASSING };
    const r = await runCli(['check', 'one', 'two', '--golden', 'g', '--update'], { files });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('epochsim: golden file g/a.json is also the golden file of one/a.yaml; give one of them another name\n');
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['✓ one/a.yaml   1 ms  golden created', '✗ two/a.yml    1 ms  golden file error']);
    expect(lastLine(r.stdout)).toBe('1 passed, 1 failed');
  });
});

describe('epochsim check: JUnit XML', () => {
  test('--junit writes valid JUnit: counts, one testcase per scenario, failure and error details', async () => {
    const files: Record<string, string> = {
      'case/a & <b>.yaml': PASSING,
      'case/bad.yaml': BAD_SCENARIO,
      'case/f.yaml': FAILING,
    };
    const r = await runCli(['check', 'case', '--junit', 'out/results.xml'], { files });
    expect(r.code).toBe(2);
    const xml = files['out/results.xml'] ?? '';
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' }).parse(xml) as {
      testsuites: { testsuite: Record<string, string> & { testcase: Record<string, unknown>[] } };
    };
    const suite = parsed.testsuites.testsuite;
    expect([suite['name'], suite['tests'], suite['failures'], suite['errors'], suite['time']]).toEqual(['epochsim', '3', '1', '1', '0.003']);
    expect(suite.testcase.map((t) => [t['classname'], t['name'], t['time']])).toEqual([
      ['epochsim', 'case/a & <b>.yaml', '0.001'],
      ['epochsim', 'case/bad.yaml', '0.001'],
      ['epochsim', 'case/f.yaml', '0.001'],
    ]);
    const [pass, bad, fail] = suite.testcase;
    expect(Object.keys(pass ?? {}).sort()).toEqual(['classname', 'name', 'time']);
    expect(bad?.['error']).toEqual({
      message: '2 errors in case/bad.yaml; nothing was run',
      type: 'input',
      '#text': expect.stringContaining('case/bad.yaml:5:5: error: unknown event "sttle_escrow"\n  5 |   - sttle_escrow'),
    });
    expect(fail?.['failure']).toEqual({
      message: '2 steps not as expected, 1 checkpoint failed',
      type: 'failure',
      '#text': [
        'step 1 (line 4, end_epoch): unexpected error: no epoch to end',
        'step 2 (line 5, start_epoch): expected an error containing "nothing <like> "this" & that", but the event succeeded',
        'step 3 (line 7, checkpoint): epoch: expected 7, actual 1',
        'step 3 (line 7, checkpoint): bank.h1: expected 2000000000 (2 gonka), actual 0 (0 gonka)',
      ].join('\n'),
    });
    expect(xml).toContain('name="case/a &amp; &lt;b&gt;.yaml"');
  });

  test('a golden difference is a JUnit failure with the paths in it', async () => {
    const files: Record<string, string> = { 'a.yaml': PASSING, 'g/a.json': '{"bank": {"h1": "1"}}' };
    await runCli(['check', 'a.yaml', '--golden', 'g', '--junit', 'j.xml'], { files });
    const xml = files['j.xml'] ?? '';
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<failure message="golden file differs at 20 paths" type="failure">golden g/a.json differs at 20 paths (golden → this run):\n  bank.alice: added 8500000000 (8.5 gonka)\n  bank.gov: added 0 (0 gonka)\n  bank.h1: 1 (0.000000001 gonka) → 1500000000 (1.5 gonka)\n');
  });
});

describe('epochsim check: the bundled scenarios', () => {
  const scenarios = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).sort();

  test('check scenarios --golden scenarios/expected passes every bundled scenario', async () => {
    const r = await runCli(['check', 'scenarios', '--golden', 'scenarios/expected']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '✓ scenarios/01-deferred-same-epoch.yaml              1 ms',
        '✓ scenarios/02-immediate-same-epoch.yaml             1 ms',
        '✓ scenarios/03-cross-epoch-unclaimed.yaml            1 ms',
        '✓ scenarios/04-cross-epoch-after-claim.yaml          1 ms',
        '✓ scenarios/05-punished-host-refund.yaml             1 ms',
        '✓ scenarios/06-punished-host-governance.yaml         1 ms',
        '✓ scenarios/07-settle-too-late.yaml                  1 ms',
        '✓ scenarios/08-fee-remainder-message-order.yaml      1 ms',
        '✓ scenarios/09-onchain-inference.yaml                1 ms',
        '✓ scenarios/10-exclusion-forfeits-work.yaml          1 ms',
        '✓ scenarios/11-claim-mistakes.yaml                   1 ms',
        '✓ scenarios/12-reward-decay-and-expiry.yaml          1 ms',
        '✓ scenarios/13-settle-after-epoch-end.yaml           1 ms',
        '✓ scenarios/14-v0211-cost-only-unchecked-sums.yaml   1 ms',
        '✓ scenarios/15-fees-kept.yaml                        1 ms',
        '✓ scenarios/16-fees-split-stranded-work.yaml         1 ms',
        '✓ scenarios/17-pr1000-trapped-payout.yaml            1 ms',
        '✓ scenarios/18-v0212-ledger-or-bank.yaml             1 ms',
        '✓ scenarios/19-newest-forfeit-to-governance.yaml     1 ms',
        '✓ scenarios/20-one-story-six-versions.yaml           1 ms',
        '✓ scenarios/21-inference-lifecycle.yaml              1 ms',
        '✓ scenarios/22-validation-sharing-and-debt.yaml      1 ms',
        '✓ scenarios/23-power-capping.yaml                    1 ms',
        '✓ scenarios/24-downtime-test.yaml                    1 ms',
        '✓ scenarios/25-vesting.yaml                          1 ms',
        '',
        '25 passed, 0 failed',
        '',
      ].join('\n'),
    );
  });

  test('scenarios/expected holds exactly one golden per bundled scenario, byte for byte its run --json', async () => {
    const goldens = readdirSync('scenarios/expected').sort();
    expect(goldens).toEqual(scenarios.map((f) => f.replace(/\.yaml$/, '.json')));
    for (const f of scenarios) {
      const json = await runCli(['run', `scenarios/${f}`, '--json']);
      expect(readFileSync(`scenarios/expected/${f.replace(/\.yaml$/, '.json')}`, 'utf8')).toBe(json.stdout);
    }
  });
});

describe('epochsim check: colour and help', () => {
  test('colour only on a terminal; the count line reads the same without it', async () => {
    const files = { 'case/a.yaml': PASSING, 'case/f.yaml': FAILING };
    const tty = await runCli(['check', 'case'], { files, tty: true });
    expect(tty.stdout).toContain('\u001b[32m✓\u001b[39m case/a.yaml');
    expect(lastLine(tty.stdout)).toBe('\u001b[32m1 passed\u001b[39m, \u001b[31m1 failed\u001b[39m');
    expect((await runCli(['check', 'case'], { files, tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await runCli(['check', 'case', '--no-color'], { files, tty: true })).stdout).not.toContain('\u001b[');
  });

  test('--help has a real example and explains goldens and --update', async () => {
    const r = await runCli(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$ epochsim check scenarios/ --golden scenarios/expected --junit out.xml\n');
    expect(r.stdout).toContain('--update writes the golden files instead of failing on them');
    expect(r.stdout).toContain('With --rules R the\ngolden files are DIR/<name>.R.json');
  });
});

/**
 * The CLI end to end, in-process: exit codes, stdout/stderr discipline, colour policy, --help.
 */
import { readFileSync } from 'node:fs';
import { BAD_SCENARIO, runCli } from './fakeIo.js';

const S01 = 'scenarios/01-deferred-same-epoch.yaml';

describe('epochsim run', () => {
  test('a passing scenario exits 0 with the report on stdout and nothing on stderr', async () => {
    const r = await runCli(['run', S01]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'Same-epoch devshard settlement is paid at epoch end',
      'scenarios/01-deferred-same-epoch.yaml · rules: deferred',
      'Effective epoch 2 · epochs ended: 1',
    ]);
    expect(r.stdout).toContain('  h1         500,400,000,000  500.4');
    expect(r.stdout).toContain('  h2    ACTIVE             0                  0  1 / 0.3 / 500                               0');
    expect(r.stdout).toContain('       inference → alice  6.3 gonka  subnet_escrow_refund');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('OK: 7 events, 3 checkpoints, invariants hold');
  });

  test('--json prints exactly one canonical JSON object with the contract fields', async () => {
    const r = await runCli(['run', S01, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      'bank', 'checks', 'epoch', 'escrows', 'exclusions', 'format_version', 'ok', 'participants', 'rules', 'scenario',
      'settle_amounts', 'steps', 'summaries', 'supply', 'surplus', 'transfers', 'violations',
    ]);
    expect(json['bank']).toEqual({
      alice: '19300000000',
      gov: '0',
      h1: '500400000000',
      h2: '0',
      inference: '500300000000',
    });
    expect(json['epoch']).toEqual({ effective: 2, ended: [1] });
    expect(json['settle_amounts']).toEqual({ h2: { epoch: 1, reward_coins: '500000000000', work_coins: '300000000' } });
    expect(json['format_version']).toBe(2);
    expect((json['steps'] as unknown[])[3]).toEqual({
      effects: [],
      event: 'claim_reward',
      expected: true,
      index: 5,
      line: 35,
      result: "Can't validate claim, current epoch group does not match previous epoch",
      status: 'ok',
    });
    expect((json['transfers'] as unknown[]).slice(0, 2)).toEqual([
      { amount: '7000000000', from: 'alice', memo: 'subnet_escrow_lock', step: 2, to: 'inference' },
      { amount: '6300000000', from: 'inference', memo: 'subnet_escrow_refund', step: 3, to: 'alice' },
    ]);
    expect(json['checks']).toEqual([
      { line: 28, ok: true, step: 4 },
      { line: 39, ok: true, step: 7 },
      { line: 51, ok: true, step: 10 },
    ]);
    expect(r.stdout.endsWith('}\n')).toBe(true);
  });

  test('--rules overrides the file: scenario 01 under immediate fails its deferred checkpoints, exit 1', async () => {
    const r = await runCli(['run', S01, '--rules', 'immediate']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('scenarios/01-deferred-same-epoch.yaml · rules: immediate');
    expect(r.stdout).toContain('bank.h1: expected 0 (0 gonka), actual 400000000 (0.4 gonka)');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('FAILED: 3 checkpoints failed');
  });

  test('a scenario read from stdin with -', async () => {
    const r = await runCli(['run', '-', '--json'], { stdin: readFileSync(S01, 'utf8') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scenario: 'Same-epoch devshard settlement is paid at epoch end', ok: true });
  });

  test('an unexpected failure, a wrong expectation and a failed checkpoint each make exit 1', async () => {
    const text = [
      'name: failing',
      'participants: { h1: { weight: 1 } }',
      'events:',
      '  - end_epoch',
      '  - start_epoch:',
      '    expect_error: nothing like this',
      '  - expect: { epoch: 7 }',
    ].join('\n');
    const r = await runCli(['run', 'f.yaml', '--no-color'], { files: { 'f.yaml': text } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  1  line 4    end_epoch            ✗ failed: no epoch to end\n     unexpected error: no epoch to end');
    expect(r.stdout).toContain('expected an error containing "nothing like this", but the event succeeded');
    expect(r.stdout).toContain('     epoch: expected 7, actual 1');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('FAILED: 2 steps not as expected, 1 checkpoint failed');
    const json = JSON.parse((await runCli(['run', 'f.yaml', '--json'], { files: { 'f.yaml': text } })).stdout) as { ok: boolean };
    expect(json.ok).toBe(false);
  });

  test('an invariant violation names the event and line and fails the run', async () => {
    const text = [
      'name: leak',
      'accounts: { alice: 5 gonka }',
      'participants: { h1: { weight: 1 } }',
      'events:',
      '  - transfer: { from: alice, to: inference, amount: 1 gonka }',
    ].join('\n');
    const r = await runCli(['run', 'leak.yaml', '--json'], { files: { 'leak.yaml': text } });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { violations: unknown[]; surplus: string };
    expect(json.surplus).toBe('1000000000');
    expect(json.violations).toEqual([
      {
        step: 1,
        line: 5,
        event: 'transfer',
        invariant: 'surplus',
        message:
          'bank(inference) 1000000000 ≠ obligations 0 (escrows 0 + owed coin balances 0 + settle amounts 0): coins with no owner, surplus 1000000000',
        expected: '0',
        actual: '1000000000',
      },
    ]);
  });
});

describe('input errors', () => {
  const bad = BAD_SCENARIO;

  test('every problem is reported as FILE:LINE:COL with the line and a caret, exit 2, nothing on stdout', async () => {
    const r = await runCli(['run', 'bad.yaml', '--json'], { files: { 'bad.yaml': bad } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'bad.yaml:5:5: error: unknown event "sttle_escrow"',
        '  5 |   - sttle_escrow: { escrow: 1, hosts: [] }',
        '    |     ^',
        '  hint: did you mean "settle_escrow"?',
        'bad.yaml:6:34: error: unknown participant "h2"',
        '  6 |   - claim_reward: { participant: h2, epoch: 1 }',
        '    |                                  ^',
        '  hint: did you mean "h1"?',
        '2 errors in bad.yaml; nothing was run',
        '',
      ].join('\n'),
    );
  });

  test('an unreadable file is exit 2', async () => {
    const r = await runCli(['run', 'does/not/exist.yaml']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'epochsim: cannot read does/not/exist.yaml: no such file\n' });
  });

  test('a bad command line is exit 2', async () => {
    const r = await runCli(['run', S01, '--rules', 'sometimes']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("error: option '--rules <ruleset>' argument 'sometimes' is invalid. choose one of: deferred, immediate");
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli([])).code).toBe(2);
  });
});

describe('colour, help and version', () => {
  test('colour only on a terminal, and never with --no-color or NO_COLOR', async () => {
    const esc = '\u001b[';
    expect((await runCli(['run', S01], { tty: true })).stdout).toContain(esc);
    expect((await runCli(['run', S01], { tty: false })).stdout).not.toContain(esc);
    expect((await runCli(['run', S01, '--no-color'], { tty: true })).stdout).not.toContain(esc);
    expect((await runCli(['run', S01], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(esc);
  });

  test('--help teaches with an example and exits 0; --version prints the package version', async () => {
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ epochsim run scenarios/02-immediate-same-epoch.yaml --rules deferred   # exit 1: its checkpoints are immediate\'s');
    expect(help.stdout).toContain('deferred    hosts are credited on their ledger');
    const version = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});

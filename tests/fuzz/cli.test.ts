/**
 * `epochsim fuzz` end to end, in-process with the fake Io (its clock advances 1 ms a read).
 */
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/engine/replay/run.js';
import { runCli } from '../cli/fakeIo.js';

describe('epochsim fuzz', () => {
  it('prints the header, the summary and the reproduce command of a clean campaign, exit 0', async () => {
    const r = await runCli(['fuzz', '--seed', '5', '--runs', '12', '--steps', '20', '--participants', '3']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'fuzz: seed 5, 12 runs, rules deferred, immediate, 20 steps, 3 participants',
        '12 runs, 24 replays in 0.001 s (12,000 runs/s)',
        '5 clean runs; deferred and immediate compared in 5',
        '12 passed, 0 failed',
        'seed 5; reproduce: epochsim fuzz --rules deferred,immediate --seed 5 --runs 12 --steps 20 --participants 3',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
  });

  it('runs one shard and says so in the reproduce command', async () => {
    const r = await runCli(['fuzz', '--seed', '5', '--runs', '12', '--steps', '20', '--participants', '3', '--shard', '1/4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fuzz: seed 5, 12 runs, shard 1/4,');
    expect(r.stdout).toContain('\n3 runs, 6 replays in');
    expect(r.stdout).toContain('--seed 5 --runs 12 --steps 20 --participants 3 --shard 1/4\n');
  });

  it('shows progress on a terminal only, on stderr, rewritten with \\r', async () => {
    const tty = await runCli(['fuzz', '--seed', '5', '--runs', '3', '--steps', '10'], { tty: true });
    expect(tty.stderr).toMatch(/^\r1 run · [0-9,]+ runs\/s · 0 failed\x1b\[K/);
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true);
    const pipe = await runCli(['fuzz', '--seed', '5', '--runs', '3', '--steps', '10']);
    expect(pipe.stderr).toBe('');
  });

  it('under pr-1000 --strict finds the trapped value, writes a replayable YAML, exit 1', async () => {
    const files: Record<string, string> = {};
    const r = await runCli(['fuzz', '--rules', 'pr-1000', '--seed', '1', '--runs', '200', '--strict', '--out', 'found'], { files });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ run 13 · seed 14 · pr-1000 · divergence:payout_trapped\n');
    expect(r.stdout).toContain('  replay:    epochsim run found/seed-14-pr-1000-divergence-payout_trapped.yaml --rules pr-1000\n');
    expect(r.stdout).toContain('  reproduce: epochsim fuzz --rules pr-1000 --seed 14 --runs 1 --steps 40 --participants 4 --strict\n');
    expect(r.stdout).toContain('seed 1; reproduce: epochsim fuzz --rules pr-1000 --seed 1 --runs 200 --steps 40 --participants 4 --strict\n');
    const text = files['found/seed-14-pr-1000-divergence-payout_trapped.yaml'];
    expect(text).toBeDefined();
    expect(text).toMatch(/^# epochsim fuzz: divergence:payout_trapped fails under pr-1000\n# seed 14 \(run 13 of the campaign from seed 1\)/);
    const loaded = loadScenario(text!, 'x.yaml');
    if (!loaded.ok) throw new Error('does not load');
    expect(loaded.scenario.items.length).toBeLessThanOrEqual(6);
    expect(runScenario(loaded.scenario).divergences.map((d) => d.id)).toContain('payout_trapped');
    // `epochsim run` of the written file shows the divergence
    const run = await runCli(['run', 'found/seed-14-pr-1000-divergence-payout_trapped.yaml'], { files });
    expect(run.stdout).toContain('Known divergences of pr-1000');

    // the single-run reproduce command finds the same failure
    const again = await runCli(['fuzz', '--rules', 'pr-1000', '--seed', '14', '--runs', '1', '--strict', '--out', 'again'], { files: {} });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('✗ run 0 · seed 14 · pr-1000 · divergence:payout_trapped\n');
  });

  it('without --strict counts the known divergences and exits 0', async () => {
    const r = await runCli(['fuzz', '--rules', 'pr-1000', '--seed', '1', '--runs', '50']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('known divergences (not failures; --strict makes them failures):\n  pr-1000 ');
    expect(r.stdout).toContain('50 passed, 0 failed\n');
  });

  it.each([
    [['--shard', '3/2'], "argument '3/2' is invalid. the shard must be i/n with 0 ≤ i < n"],
    [['--rules', 'nope'], 'unknown ruleset nope'],
    [['--runs', '0'], '--runs must be an integer from 1 to 100000000'],
    [['--seed', 'x'], '--seed must be an integer'],
    [['--workers', '0'], '--workers must be an integer from 1 to 64'],
  ])('refuses %j with exit 2 and nothing on stdout', async (args, message) => {
    const r = await runCli(['fuzz', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });
});

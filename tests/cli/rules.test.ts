/**
 * `epochsim rules`, and how `run` reports the known divergences of a chain version.
 */
import { RULE_NAMES } from '../../src/domain/scenario.js';
import { RULESET_WORDS } from '../../src/words/rulesets.js';
import { runCli } from './fakeIo.js';

const STORY = 'scenarios/20-one-story-six-versions.yaml';

describe('epochsim rules', () => {
  test('lists every ruleset with its version label, its sources and one line per difference from deferred', async () => {
    const r = await runCli(['rules']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const blocks = r.stdout.trimEnd().split('\n\n');
    expect(blocks.map((b) => b.split(' ')[0])).toEqual([...RULE_NAMES]);
    for (const [i, name] of RULE_NAMES.entries()) {
      const lines = (blocks[i] as string).split('\n');
      const r = RULESET_WORDS[name];
      expect(lines[0]).toBe(`${name}${name === 'deferred' ? ' (default)' : ''}  ${r.summary}`);
      expect(lines[1]).toBe(`  version  ${r.version.label}`);
      expect(lines.filter((l) => l.startsWith('  source   '))).toEqual(r.version.sources.map((s) => `  source   ${s}`));
      expect(lines.filter((l) => l.startsWith('    - '))).toEqual(r.differences.map((d) => `    - ${d}`));
    }
    expect(r.stdout).toContain('  version  V0211\n  source   gonka-ai/gonka "Upgrade v0.2.11 (#813)" @ bd1fd5083af80e4c8b50596becd15b042c36f0d7 (2026-03-20)\n');
    expect(r.stdout).toContain('  differs  nothing: this is the default\n');
    expect(r.stdout).toContain('(gonka-ai/gonka #1746) [known divergence]');
  });

  test('one ruleset by name; an unknown name is a command-line error (exit 2, nothing on stdout)', async () => {
    const one = await runCli(['rules', 'pr-1000']);
    expect(one.code).toBe(0);
    expect(one.stdout.split('\n')[0]).toBe(`pr-1000  ${RULESET_WORDS['pr-1000'].summary}`);
    expect(one.stdout).toContain('  source   Doog-bot534/gonka @ 1f890784b448d47725263a8a3c80d22706672bf1 (msg_server_settle_subnet_escrow.go)\n');
    expect(one.stdout.trimEnd().split('\n\n')).toHaveLength(1);
    const bad = await runCli(['rules', 'v0.2.13']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain("error: command-argument value 'v0.2.13' is invalid for argument 'ruleset'. choose one of: deferred, immediate, v0.2.11");
  });

  test('--help explains the rulesets with examples', async () => {
    const r = await runCli(['rules', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: epochsim rules [options] [ruleset]');
    expect(r.stdout).toContain('  $ epochsim rules pr-1000\n');
    expect(r.stdout).toContain('known divergence');
  });

  test('the program lists the command', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toMatch(/\n {2}rules \[options\] \[ruleset\] +list the rulesets/);
  });
});

describe('epochsim run under a chain version: known divergences', () => {
  test('the report has a "Known divergences" section before the verdict, and the run exits 0', async () => {
    const r = await runCli(['run', STORY]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    const at = lines.indexOf('Known divergences of pr-1000 (findings about that chain version, not violations)');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1)).toEqual([
      '  step 8 (line 43, end_epoch): 201 ngonka (0.000000201 gonka)',
      '    h2 is INVALID at the end of epoch 1: its 201 ngonka of work coins are zeroed and stay in the inference module with no owner',
      "    source: gonka-ai/gonka #1746: a non-ACTIVE participant's work coins are zeroed at settlement without moving the coins",
      '  step 16 (line 70, start_epoch): 1 ngonka (0.000000001 gonka)',
      '    unsettled escrow 3 of epoch 1 (1000 ngonka from bob) is pruned: 999 ngonka go to its 3 unique hosts, bob gets nothing back and 1 ngonka stay in the inference module',
      '    source: unsettled-escrow pruning (subnet_pruning.go / devshard_pruning.go): integer division, the remainder stays in the module; PR #1357 (closed) proposed a creator refund',
      '  total 202 ngonka (0.000000202 gonka), the whole surplus',
      '',
      'OK: 15 events, 5 checkpoints, invariants hold',
    ]);
    expect(lines[at - 2]).toBe('  surplus  ✓  bank(inference) − obligations = 202 ngonka');
  });

  test('--json adds a divergences array under a chain version, and only there', async () => {
    const json = JSON.parse((await runCli(['run', STORY, '--json'])).stdout) as Record<string, unknown>;
    expect(json['ok']).toBe(true);
    expect(json['surplus']).toBe('202');
    expect((json['divergences'] as { id: string; amount: string; step: number }[]).map((d) => [d.step, d.id, d.amount])).toEqual([
      [8, 'work_coins_stranded', '201'],
      [16, 'prune_remainder', '1'],
    ]);
    const newest = JSON.parse((await runCli(['run', STORY, '--json', '--rules', 'newest'])).stdout) as Record<string, unknown>;
    expect(newest['divergences']).toEqual([]);
    const deferred = JSON.parse((await runCli(['run', STORY, '--json', '--rules', 'deferred'])).stdout) as Record<string, unknown>;
    expect('divergences' in deferred).toBe(false);
  });

  test('deferred and immediate reports have no such section; a version without findings says so', async () => {
    expect((await runCli(['run', STORY, '--rules', 'deferred'])).stdout).not.toContain('Known divergences');
    expect((await runCli(['run', STORY, '--rules', 'newest'])).stdout).toContain('Known divergences of newest (findings about that chain version, not violations)\n  none in this run\n');
  });
});

/**
 * `epochsim compare`: every bundled scenario under deferred and immediate — both replays
 * complete, the JSON contract, the same totals with different timing when no host is punished
 * or excluded, and what the output says when one is; the chain versions' known divergences in
 * the summary and the verdict.
 */
import { readFileSync } from 'node:fs';
import { compareReplays, liquidTimeline, sparkline } from '../../src/cli/render/compare.js';
import { RULE_NAMES, type EventItem, type Scenario } from '../../src/domain/scenario.js';
import { holdingsOf } from '../../src/engine/storage/queries.js';
import { loadScenario } from '../../src/scenario/load.js';
import { BAD_SCENARIO, runCli } from './fakeIo.js';
import { file, SCENARIOS } from './narrative.js';

function load(f: string): Scenario {
  const loaded = loadScenario(readFileSync(f, 'utf8'), f);
  if (!loaded.ok) throw new Error(`invalid scenario ${f}`);
  return loaded.scenario;
}

const events = (s: Scenario): EventItem[] => s.items.filter((i): i is EventItem => i.kind === 'event');

/** A host is punished (end_epoch punish) or excluded somewhere in the story. */
/** The scenario punishes or excludes someone, or turns on a downtime test that may (deferred's settlement feeds it misses, immediate's does not). */
const punishesOrExcludes = (s: Scenario): boolean =>
  (s.params.downtimeTest !== undefined && s.params.downtimeTest !== 'off') ||
  events(s).some((i) => (i.event.type === 'end_epoch' && i.event.punish.length > 0) || i.event.type === 'exclude_participant');

interface RunJson {
  readonly steps: readonly { index: number; line: number; event: string; status: string }[];
  readonly transfers: readonly { step: number; memo: string }[];
  readonly bank: Record<string, string>;
  readonly settle_amounts: Record<string, unknown>;
  readonly participants: Record<string, { coin_balance: string }>;
}

interface CompareJson {
  readonly rules: string[];
  readonly runs: Record<string, RunJson>;
  readonly first_divergence: { step: number; line: number } | null;
}

async function compareJson(f: string): Promise<CompareJson> {
  const r = await runCli(['compare', f, '--rules', 'deferred,immediate', '--json']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as CompareJson;
}

describe.each(SCENARIOS)('%s under deferred,immediate', (f) => {
  const scenario = load(f);

  test('both replays complete; the JSON has exactly rules, runs and first_divergence, each run as `run --json` prints it', async () => {
    const r = await runCli(['compare', f, '--rules', 'deferred,immediate', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as CompareJson;
    expect(Object.keys(json)).toEqual(['first_divergence', 'rules', 'runs']);
    expect(json.rules).toEqual(['deferred', 'immediate']);
    expect(Object.keys(json.runs)).toEqual(['deferred', 'immediate']);
    for (const rules of json.rules) {
      expect(json.runs[rules]?.steps).toHaveLength(events(scenario).length);
      const alone = await runCli(['run', f, '--rules', rules, '--json']);
      expect(json.runs[rules]).toEqual(JSON.parse(alone.stdout));
    }
    const d = json.first_divergence;
    if (d !== null) {
      const item = scenario.items.find((i) => i.index === d.step);
      expect(item?.loc.line).toBe(d.line);
    }
  });

  if (!punishesOrExcludes(scenario)) {
    test('no host is punished or excluded: every participant ends with the same total under both', () => {
      const c = compareReplays(scenario, ['deferred', 'immediate']);
      const [a, b] = c.replays.map((r) => holdingsOf(r.run.final, r.run.world));
      for (const name of scenario.participants.map((p) => p.name)) {
        expect(a?.get(name)?.total).toBe(b?.get(name)?.total);
      }
    });
  }
});

describe('same totals, different timing', () => {
  /** No punishment or exclusion, and nothing left owed or claimable at the end under either ruleset. */
  async function settledAndClaimed(f: string): Promise<boolean> {
    if (punishesOrExcludes(load(f))) return false;
    const json = await compareJson(f);
    return Object.values(json.runs).every(
      (run) => Object.keys(run.settle_amounts).length === 0 && Object.values(run.participants).every((p) => p.coin_balance === '0'),
    );
  }

  test('the scenarios where every payout ends up claimed are 02, 03, 04 and 11', async () => {
    const chosen: string[] = [];
    for (const f of SCENARIOS) if (await settledAndClaimed(f)) chosen.push(f);
    expect(chosen).toEqual([file('02'), file('03'), file('04'), file('11')]);
  });

  test.each(['02', '03', '04'])(
    'scenario %s: the final liquid balances agree, the timeline differs from the first paying settlement',
    async (prefix) => {
      const f = file(prefix);
      const json = await compareJson(f);
      const [deferred, immediate] = [json.runs['deferred'], json.runs['immediate']] as [RunJson, RunJson];
      expect(deferred.bank).toEqual(immediate.bank);
      // The first settle_escrow that pays a host under immediate is where deferral starts to delay.
      const paying = immediate.transfers.find((t) => t.memo === 'subnet_escrow_payment');
      const step = immediate.steps.find((s) => s.index === paying?.step);
      expect(step?.event).toBe('settle_escrow');
      expect(json.first_divergence).toEqual({ step: step?.index, line: step?.line });
      // The liquid timeline differs at that step for some participant.
      const c = compareReplays(load(f), ['deferred', 'immediate']);
      const at = (step?.index ?? 0) as number;
      const differing = [...liquidTimeline(c).entries()].filter(([, [d, i]]) => d?.[at] !== i?.[at]).map(([name]) => name);
      expect(differing.length).toBeGreaterThan(0);
      const text = (await runCli(['compare', f, '--no-color'])).stdout;
      expect(text).toContain('Totals agree: every participant ends with the same total (liquid + owed +\nclaimable + escrowed) under deferred and immediate.');
      expect(text).toContain(`Timing differs: the replays diverge at step ${step?.index} (line ${step?.line}, settle_escrow).`);
      expect(text).toContain('By the end every participant holds the same liquid balance under each ruleset.');
    },
  );

  test('scenario 11 has no devshard payout: the replays never diverge', async () => {
    expect((await compareJson(file('11'))).first_divergence).toBeNull();
    const text = (await runCli(['compare', file('11'), '--no-color'])).stdout;
    expect(text).toContain('── First divergence: none ──');
    expect(text).toContain('Timing agrees too: the replays never diverge');
  });
});

describe('punished and excluded hosts: the difference is expected and said', () => {
  test.each([
    [
      '05',
      6,
      28,
      [
        'Totals differ: h2 ends with deferred 0, immediate 0.2 gonka.',
        'h2 was punished at the end of epoch 1 (step 3): a difference is expected. Under',
        "the deferred rules a host punished in an escrow's epoch is not paid that",
        "escrow's cross-epoch payout (skipped_payout: refund sends it back to the escrow",
        'creator); paying at settlement (immediate) pays every host, punished or not.',
      ],
    ],
    [
      '06',
      5,
      21,
      [
        'Totals differ: h2 ends with deferred 0, immediate 0.2 gonka.',
        'h2 was punished at the end of epoch 1 (step 3): a difference is expected. Under',
        "the deferred rules a host punished in an escrow's epoch is not paid that",
        "escrow's cross-epoch payout (skipped_payout: governance sends it to governance);",
        'paying at settlement (immediate) pays every host, punished or not.',
      ],
    ],
    [
      '10',
      3,
      18,
      [
        'Totals differ: h2 ends with deferred 0, immediate 1 gonka.',
        'h2 was excluded in epoch 1 (step 4): a difference is expected. Under the',
        'deferred rules its owed work coins are forfeited to governance when the epoch',
        'ends; paying at settlement (immediate) has already paid them.',
      ],
    ],
  ] as const)('scenario %s', async (prefix, step, line, verdict) => {
    const f = file(prefix);
    expect((await compareJson(f)).first_divergence).toEqual({ step, line });
    const c = compareReplays(load(f), ['deferred', 'immediate']);
    const totals = c.replays.map((r) => holdingsOf(r.run.final, r.run.world));
    const differing = load(f).participants.map((p) => p.name).filter((n) => totals[0]?.get(n)?.total !== totals[1]?.get(n)?.total);
    expect(differing).toEqual(['h2']);
    const text = (await runCli(['compare', f, '--no-color'])).stdout;
    expect(text).toContain(verdict.join('\n'));
    expect(text).not.toContain('No host punishment or exclusion explains');
  });
});

describe('the text of `compare scenarios/01-deferred-same-epoch.yaml`', () => {
  test('side by side, the timeline with its sparklines, the divergence with both explanations, the verdict', async () => {
    const r = await runCli(['compare', file('01'), '--no-color']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, lines.indexOf('── First divergence: step 3 (line 20) ──────────────────────────────────────────'))).toEqual([
      'Same-epoch devshard settlement is paid at epoch end',
      'scenarios/01-deferred-same-epoch.yaml · compared: deferred, immediate',
      '',
      'Replays',
      '  deferred   OK: 7 events, 3 checkpoints, invariants hold',
      '  immediate  FAILED: 3 checkpoints failed',
      "  A file's checkpoints and expectations are usually written for one ruleset, so",
      '  a replay that fails them under another is not an error of the comparison.',
      '',
      'Final holdings of the participants (gonka)',
      '  * differs between rulesets; escrowed is 0 for every participant and not shown',
      '  name  rules      liquid   owed   claimable   total',
      '  h1    deferred    500.4      0           0   500.4',
      '        immediate   500.4      0           0   500.4',
      '  h2    deferred        0*     0       500.3*  500.3',
      '        immediate     0.3*     0         500*  500.3',
      '',
      'Final bank balances (gonka)',
      '  account    deferred   immediate',
      '  inference     500.3*        500*',
      '  gov               0           0',
      '  alice          19.3        19.3',
      '  h1            500.4       500.4',
      '  h2                0*        0.3*',
      '',
      '── Timeline: liquid balance after each step ────────────────────────────────────',
      "Only the steps where a participant's bank balance changed under at least one",
      'ruleset are listed; * marks the values that differ between rulesets. Each line',
      'of marks is the balance after every step, ▁ for 0 up to █ for the largest value',
      "in that participant's table.",
      '',
      'h1 (gonka)',
      '  step  line  event          deferred   immediate',
      '     0        genesis               0           0',
      '     3    20  settle_escrow         0*        0.4*',
      '     9    49  claim_reward      500.4       500.4',
      '  deferred   ▁▁▁▁▁▁▁▁██',
      '  immediate  ▁▁▂▂▂▂▂▂██',
      '             steps 1–10; █ = 500.4 gonka',
      '',
      'h2 (gonka)',
      '  step  line  event          deferred   immediate',
      '     0        genesis               0           0',
      '     3    20  settle_escrow         0*        0.3*',
      '  deferred   ▁▁▁▁▁▁▁▁▁▁',
      '  immediate  ▁▁████████',
      '             steps 1–10; █ = 0.3 gonka',
      '',
    ]);
    const divergence = lines.indexOf('── First divergence: step 3 (line 20) ──────────────────────────────────────────');
    expect(lines.slice(divergence + 1, divergence + 6)).toEqual([
      'After this step the rulesets differ in 8 fields: bank.inference, bank.h1,',
      'bank.h2, participants.h1.coin_balance, participants.h1.earned_coins,',
      'participants.h2.coin_balance, participants.h2.earned_coins,',
      'participants.h2.missed_requests. What each did:',
      '',
    ]);
    expect(lines).toContain('── Step 3 · line 20 · settle_escrow · under deferred ───────────────────────────');
    expect(lines).toContain('── Step 3 · line 20 · settle_escrow · under immediate ──────────────────────────');
    expect(lines).toContain('  - h1 is owed 0.4 gonka (slots 0 and 1): credited to its ledger, to be paid');
    expect(lines).toContain('  - h2 is paid 0.3 gonka at once by bank (subnet_escrow_payment).');
    expect(lines.slice(lines.indexOf('── Verdict ─────────────────────────────────────────────────────────────────────'))).toEqual([
      '── Verdict ─────────────────────────────────────────────────────────────────────',
      'Totals agree: every participant ends with the same total (liquid + owed +',
      'claimable + escrowed) under deferred and immediate.',
      'Timing differs: the replays diverge at step 3 (line 20, settle_escrow).',
      'At the end, h2 still has coins owed or claimable under one ruleset that are',
      'liquid under another (h2: liquid deferred 0, immediate 0.3 gonka).',
      'Other accounts that end with a different balance: inference.',
      '',
    ]);
  });

  test('no line is longer than 80 columns, for every bundled scenario', async () => {
    for (const f of SCENARIOS) {
      const text = (await runCli(['compare', f, '--no-color'])).stdout;
      expect(text.split('\n').filter((l) => [...l].length > 80)).toEqual([]);
    }
  });

  test('colour only on a terminal: differences are highlighted there', async () => {
    const esc = '\u001b[';
    const tty = await runCli(['compare', file('01')], { tty: true });
    expect(tty.stdout).toContain('\u001b[33m0.3*\u001b[39m');
    expect((await runCli(['compare', file('01')])).stdout).not.toContain(esc);
    expect((await runCli(['compare', file('01'), '--no-color'], { tty: true })).stdout).not.toContain(esc);
  });
});

describe('chain versions: each run\'s known divergences, in the summary and in the verdict', () => {
  const STORY = ['compare', file('20'), '--rules', 'v0.2.11,pr-1000,v0.2.12,newest,deferred'];

  test('the one story under five rulesets: exit 0, each version\'s divergences with amounts', async () => {
    const r = await runCli([...STORY, '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, lines.indexOf('Final holdings of the participants (ngonka)'))).toEqual([
      'One devshard story replayed under every chain version',
      'scenarios/20-one-story-six-versions.yaml · compared: v0.2.11, pr-1000, v0.2.12,',
      '  newest, deferred',
      '',
      'Replays',
      '  v0.2.11   FAILED: 5 checkpoints failed',
      '            known divergence: 1 ngonka stays in the inference module with no',
      '            owner',
      '            - step 16: the 1 ngonka remainder of unsettled escrow 3, pruned',
      '  pr-1000   OK: 15 events, 5 checkpoints, invariants hold',
      '            known divergences: 202 ngonka stay in the inference module with no',
      '            owner',
      "            - step 8: h2's 201 ngonka of work coins zeroed at the end of epoch 1",
      '              (gonka-ai/gonka #1746)',
      '            - step 16: the 1 ngonka remainder of unsettled escrow 3, pruned',
      '  v0.2.12   FAILED: 3 checkpoints failed',
      '            known divergences: 202 ngonka stay in the inference module with no',
      '            owner',
      "            - step 8: h2's 201 ngonka of work coins zeroed at the end of epoch 1",
      '              (gonka-ai/gonka #1746)',
      '            - step 16: the 1 ngonka remainder of unsettled escrow 3, pruned',
      '  newest    FAILED: 4 checkpoints failed',
      '            known divergences: none in this run',
      '  deferred  FAILED: 4 checkpoints failed',
      "  A file's checkpoints and expectations are usually written for one ruleset, so",
      '  a replay that fails them under another is not an error of the comparison.',
      '',
    ]);
    expect(lines.slice(lines.indexOf('── Verdict ─────────────────────────────────────────────────────────────────────'))).toEqual([
      '── Verdict ─────────────────────────────────────────────────────────────────────',
      'Totals differ: h1 ends with v0.2.11 833 ngonka, pr-1000 1,035 ngonka, v0.2.12',
      '1,035 ngonka, newest 1,202 ngonka, deferred 702 ngonka; h2 ends with v0.2.11 683',
      'ngonka, pr-1000 583 ngonka, v0.2.12 583 ngonka, newest 400 ngonka, deferred 150',
      'ngonka; h3 ends with v0.2.11 633 ngonka, pr-1000 733 ngonka, v0.2.12 733 ngonka,',
      'newest 650 ngonka, deferred 400 ngonka.',
      'h2 was excluded in epoch 1 (step 7): a difference is expected. An excluded',
      "host's coins: under v0.2.11, its settlement payouts were paid at once, and its",
      'owed work coins are zeroed when the epoch ends (#1746); under pr-1000, its owed',
      'work coins, settlement credits included, are zeroed when the epoch ends (#1746);',
      'under v0.2.12, its owed work coins are zeroed when the epoch ends (#1746); under',
      'newest, its owed work coins go to governance when the epoch ends, and so do its',
      'later payouts from escrows of that epoch; under deferred, its owed work coins go',
      'to governance when the epoch ends, and a later cross-epoch payout counts as',
      'punished.',
      'Escrow 3 (1,000 ngonka from bob) was never settled. When epoch 3 started (step',
      '16) it was pruned — shared among its hosts per unique host under v0.2.11,',
      'pr-1000 and v0.2.12 and per slot under newest — with nothing back for bob; under',
      'deferred it stays locked (no pruning).',
      'Under v0.2.11 the settlement at step 5 ignores its 403 ngonka of fees (the',
      'v0.2.11 message has no fees field): the hosts are paid their costs only and',
      'alice keeps the fees.',
      'Known divergences of the chain versions account for part of it. Under v0.2.11, 1',
      'ngonka stays in the inference module with no owner: at step 16, the 1 ngonka',
      'remainder of unsettled escrow 3, pruned.',
      'Under pr-1000, 202 ngonka stay in the inference module with no owner: at step 8,',
      "h2's 201 ngonka of work coins zeroed at the end of epoch 1 (gonka-ai/gonka",
      '#1746); at step 16, the 1 ngonka remainder of unsettled escrow 3, pruned.',
      'Under v0.2.12, 202 ngonka stay in the inference module with no owner: at step 8,',
      "h2's 201 ngonka of work coins zeroed at the end of epoch 1 (gonka-ai/gonka",
      '#1746); at step 16, the 1 ngonka remainder of unsettled escrow 3, pruned.',
      'Timing differs: the replays diverge at step 5 (line 30, settle_escrow).',
      'Other accounts that end with a different balance: inference, gov and alice.',
      '',
    ]);
    // The first divergence is explained under each ruleset, the trapped payout included later in pr-1000's own words.
    expect(lines).toContain('── Step 5 · line 30 · settle_escrow · under pr-1000 ────────────────────────────');
  });

  test('--json stays {rules, runs, first_divergence}; each run is `run --json`, divergences included', async () => {
    const r = await runCli([...STORY, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as CompareJson & { runs: Record<string, { divergences?: { amount: string; id: string; step: number }[] }> };
    expect(Object.keys(json)).toEqual(['first_divergence', 'rules', 'runs']);
    expect(json.rules).toEqual(['v0.2.11', 'pr-1000', 'v0.2.12', 'newest', 'deferred']);
    expect(json.first_divergence).toEqual({ step: 5, line: 30 });
    for (const rules of json.rules) {
      const alone = await runCli(['run', file('20'), '--rules', rules, '--json']);
      expect(json.runs[rules]).toEqual(JSON.parse(alone.stdout));
    }
    expect(json.runs['pr-1000']?.divergences?.map((d) => [d.step, d.id, d.amount])).toEqual([
      [8, 'work_coins_stranded', '201'],
      [16, 'prune_remainder', '1'],
    ]);
    expect(json.runs['deferred']?.divergences).toBeUndefined();
  });

  test('fees-kept against fees-split: the kept fees explain the difference', async () => {
    const r = await runCli(['compare', file('15'), '--rules', 'fees-kept,fees-split', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        '  fees-kept   OK: 8 events, 2 checkpoints, invariants hold',
        '              known divergence: 403 ngonka stay in the inference module with no',
        '              owner',
        '              - step 3: the 403 ngonka of fees of escrow 1 kept with no owner',
        '                (FEESTAY)',
        '  fees-split  FAILED: 2 checkpoints failed',
        '              known divergences: none in this run',
      ].join('\n'),
    );
    expect(r.stdout).toContain('Known divergences of the chain versions account for part of it. Under fees-kept,');
    expect(r.stdout).not.toContain('the rest of the difference comes from');
  });

  test('no line is longer than 80 columns for every bundled scenario under all eight rulesets at once', async () => {
    for (const f of SCENARIOS) {
      const r = await runCli(['compare', f, '--rules', RULE_NAMES.join(','), '--no-color']);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').filter((l) => [...l].length > 80)).toEqual([]);
    }
  });
});

describe('command line and exit codes', () => {
  test('--rules defaults to deferred,immediate; the file rules: line is not used', async () => {
    const json = JSON.parse((await runCli(['compare', file('02'), '--json'])).stdout) as CompareJson;
    expect(json.rules).toEqual(['deferred', 'immediate']);
  });

  test('a bad --rules, an unreadable file or an invalid scenario is exit 2 with nothing on stdout', async () => {
    const one = await runCli(['compare', file('01'), '--rules', 'deferred']);
    expect(one.code).toBe(2);
    expect(one.stdout).toBe('');
    expect(one.stderr).toContain('name at least two rulesets, e.g. deferred,immediate');
    const twice = await runCli(['compare', file('01'), '--rules', 'deferred,deferred']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('each ruleset may be named once');
    expect(await runCli(['compare', 'no/such.yaml'])).toEqual({ code: 2, stdout: '', stderr: 'epochsim: cannot read no/such.yaml: no such file\n' });
    const bad = await runCli(['compare', 'bad.yaml', '--json'], { files: { 'bad.yaml': BAD_SCENARIO } });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
  });

  test('exit 0 even when the file checkpoints fail under one ruleset; exit 1 when an invariant breaks', async () => {
    expect((await runCli(['compare', file('01')])).code).toBe(0);
    const leak = [
      'name: leak',
      'accounts: { alice: 5 gonka }',
      'participants: { h1: { weight: 1 } }',
      'events:',
      '  - transfer: { from: alice, to: inference, amount: 1 gonka }',
    ].join('\n');
    const r = await runCli(['compare', 'leak.yaml'], { files: { 'leak.yaml': leak } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  deferred   FAILED: 1 invariant violation');
  });

  test('--help has a real example', async () => {
    const help = await runCli(['compare', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ epochsim compare scenarios/01-deferred-same-epoch.yaml');
  });
});

describe('sparkline', () => {
  test('▁ is 0, █ the largest value, and any positive value shows above 0', () => {
    expect(sparkline([0n, 1n, 250n, 500n], 500n)).toBe('▁▂▅█');
    expect(sparkline([0n, 0n], 0n)).toBe('▁▁');
    expect(sparkline(Array.from({ length: 120 }, (_, i) => BigInt(i)), 119n)).toHaveLength(60);
  });
});

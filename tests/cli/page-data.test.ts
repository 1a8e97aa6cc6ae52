/**
 * The data of a report page (render/page/data.ts): folding its steps over its genesis gives,
 * after every step, exactly the engine's state — bank, every ledger field, settle amounts,
 * escrows, the holdings buckets and the epoch — for every bundled scenario under every ruleset;
 * several rulesets keep compare's first divergence; the explanations are explain's own blocks.
 */
import { readFileSync } from 'node:fs';
import { compareReplays } from '../../src/cli/render/compare.js';
import { amount, buildPageData, EXPLAINED } from '../../src/cli/render/page/data.js';
import type { Amount, Delta, EscrowData, ParticipantRow, RunData } from '../../src/cli/render/page/format.js';
import { replay, stateAfter } from '../../src/cli/render/replay.js';
import { RULE_NAMES, type RuleName, type Scenario } from '../../src/domain/scenario.js';
import { vecForEach } from '../../src/engine/storage/pvec.js';
import { balanceOf, holdingsOf } from '../../src/engine/storage/queries.js';
import type { ChainState, World } from '../../src/engine/storage/state.js';
import { generateScenario } from '../../src/fuzz/generate.js';
import { loadScenario } from '../../src/scenario/load.js';
import { block, explain, file, SCENARIOS } from './narrative.js';

const load = (f: string): Scenario => {
  const loaded = loadScenario(readFileSync(f, 'utf8'), f);
  if (!loaded.ok) throw new Error(`${f} does not load`);
  return loaded.scenario;
};

/** A page run's state as the browser keeps it, folded one step at a time. */
class Fold {
  readonly bank: bigint[];
  readonly parts: ParticipantRow[];
  readonly escrows = new Map<number, EscrowData>();
  readonly escrowed: bigint[];
  epoch: [number, 0 | 1];

  constructor(run: RunData) {
    this.bank = run.genesis.bank.map((a) => BigInt(a));
    this.parts = run.genesis.participants.map((r) => [...r] as ParticipantRow);
    this.escrowed = run.genesis.escrowed.map((a) => BigInt(a));
    this.epoch = run.genesis.epoch;
  }

  apply(d: Delta | 0): void {
    if (d === 0) return;
    const b = d.b ?? [];
    for (let i = 0; i < b.length; i += 2) this.bank[b[i] as number] = BigInt(b[i + 1] as Amount);
    const p = d.p ?? [];
    for (let i = 0; i < p.length; i += 3) (this.parts[p[i] as number] as unknown[])[p[i + 1] as number] = p[i + 2];
    for (const [id, e] of d.e ?? []) {
      if (e === null) this.escrows.delete(id);
      else this.escrows.set(id, e);
    }
    const h = d.h ?? [];
    for (let i = 0; i < h.length; i += 2) this.escrowed[h[i] as number] = (this.escrowed[h[i] as number] as bigint) + BigInt(h[i + 1] as Amount);
    if (d.ep) this.epoch = d.ep;
  }
}

/**
 * The state the engine reached, in the page's terms; the holdings as holdingsOf gives them
 * ([liquid, owed, claimable, escrowed, vesting] of every account).
 */
function expected(state: ChainState, world: World): unknown {
  const participants: unknown[] = [];
  vecForEach(state.participants, (p) =>
    participants.push([
      p.status,
      p.weight,
      p.coinBalance,
      p.earnedCoins,
      p.inferenceCount,
      p.invalidatedInferences,
      p.missedRequests,
      p.settle ? [p.settle.epoch, p.settle.workCoins, p.settle.rewardCoins] : null,
      [...p.vesting],
    ]),
  );
  const escrows: unknown[] = [];
  vecForEach(state.escrows, (e) =>
    escrows.push([e.id, world.accounts.indexOf(e.creator), e.amount, e.epoch, e.settled ? 1 : 0, e.slots.map((s) => (world.participants.includes(s) ? world.participants.indexOf(s) : s))]),
  );
  const holdings = holdingsOf(state, world);
  return {
    bank: world.accounts.map((a) => balanceOf(state, world, a)),
    participants,
    escrows,
    holdings: world.accounts.map((a) => {
      const h = holdings.get(a);
      return [h?.liquid ?? 0n, h?.owed ?? 0n, h?.claimable ?? 0n, h?.escrowed ?? 0n, h?.vesting ?? 0n];
    }),
    epoch: [state.effectiveEpoch, state.epochEnded ? 1 : 0],
  };
}

const exact = (a: Amount): bigint => BigInt(a);

/** The holdings the page's data gives, derived as the browser derives them (page.ts holdingsOf). */
function actual(f: Fold, world: World): unknown {
  const holdings = world.accounts.map((name, a) => {
    const row = f.parts[world.participants.indexOf(name)];
    const settle = row?.[7] ?? null;
    return [
      f.bank[a],
      row === undefined ? 0n : exact(row[2]),
      settle === null ? 0n : exact(settle[1]) + exact(settle[2]),
      f.escrowed[a],
      (row?.[8] ?? []).reduce((sum: bigint, v) => sum + exact(v), 0n),
    ];
  });
  return {
    bank: f.bank,
    participants: f.parts.map((r) => [r[0], exact(r[1]), exact(r[2]), exact(r[3]), r[4], r[5], r[6], r[7] ? [r[7][0], exact(r[7][1]), exact(r[7][2])] : null, r[8].map(exact)]),
    escrows: [...f.escrows].sort((a, b) => a[0] - b[0]).map(([id, e]) => [id, e[0], exact(e[1]), e[2], e[3], e[4]]),
    holdings,
    epoch: f.epoch,
  };
}

/** Folds `run` and checks it against the replay's state after every step. */
function expectFoldMatches(scenario: Scenario, rules: RuleName, run: RunData): void {
  const r = replay(scenario, rules);
  const world = r.run.world;
  const fold = new Fold(run);
  expect(actual(fold, world)).toEqual(expected(r.run.initial, world));
  expect(run.deltas).toHaveLength(r.views.length);
  r.views.forEach((view, i) => {
    fold.apply(run.deltas[i] as Delta | 0);
    expect([i, actual(fold, world)]).toEqual([i, expected(stateAfter(view), world)]);
  });
}

describe('folding a page run gives the engine state after every step', () => {
  test.each(SCENARIOS.flatMap((f) => RULE_NAMES.map((rules) => [f, rules] as [string, RuleName])))('%s under %s', (f, rules) => {
    const scenario = load(f);
    const { data } = buildPageData(scenario, f, [rules], 'epochsim explain x');
    expect(data.runs.map((r) => r.rules)).toEqual([rules]);
    expectFoldMatches(scenario, rules, data.runs[0] as RunData);
  });

  test('fuzzed scenarios', () => {
    for (const seed of [3, 17, 101, 4242, 90001]) {
      const { scenario } = generateScenario(seed, { steps: 60, participants: 5 });
      for (const rules of ['deferred', 'v0.2.12'] as const) {
        const { data } = buildPageData(scenario, 'fuzz.yaml', [rules], 'epochsim explain x');
        expectFoldMatches(scenario, rules, data.runs[0] as RunData);
      }
    }
  });
});

describe('one step of scenario 03, as the page stores it', () => {
  const { data } = buildPageData(load(file('03')), file('03'), undefined, 'epochsim explain x');
  const run = data.runs[0] as RunData;
  const account = (name: string): number => data.accounts.indexOf(name);

  test('the cross-epoch settlement (step 5): the refund, both settle amounts, the escrow, the buckets', () => {
    const h1 = data.participants.indexOf('h1');
    const h2 = data.participants.indexOf('h2');
    expect(run.deltas[4]).toEqual({
      b: [account('inference'), 1_000_600_000_000, account('alice'), 19_400_000_000],
      p: [h1, 7, [1, 400_000_000, 500_000_000_000], h2, 7, [1, 200_000_000, 500_000_000_000]],
      e: [[1, [account('alice'), 5_000_000_000, 1, 1, [h1, h2]]]],
      h: [account('alice'), -5_000_000_000],
    });
    expect(run.status).toEqual([0, 0, 0, 0, 0, 3, 0, 0, 3]);
    expect(run.detail[6]).toEqual({ result: 'Rewards claimed successfully' });
    expect(run.detail[4]).toEqual({ note: 'Epoch 2 settles an epoch-1 escrow; h1 is owed 0.4 gonka and h2 0.2 gonka.' });
    expect(run.verdict).toBe('OK: 7 events, 2 checkpoints, invariants hold');
    expect(data.lines).toEqual([16, 17, 18, 19, 20, 27, 38, 40, 42]);
    expect(data.kinds.map((k) => data.events[k])).toEqual([
      'start_epoch', 'create_escrow', 'end_epoch', 'start_epoch', 'settle_escrow', 'expect', 'claim_reward', 'claim_reward', 'expect',
    ]);
  });

  test('the epoch end mints the reward pool; the epoch changes are marked', () => {
    expect(run.deltas[2]).toMatchObject({ m: 1_000_000_000_000, ep: [1, 1] });
    expect(run.deltas[3]).toMatchObject({ ep: [2, 0] });
    expect(run.deltas[5]).toBe(0);
  });

  test("each step's explanation is explain's own block", async () => {
    const text = await explain([file('03')]);
    for (let i = 0; i < 9; i++) expect(run.explain[i]).toBe(block(text, i + 1));
  });
});

test('amounts past 2^53 are kept as digits, the others as numbers', () => {
  expect(amount(9_007_199_254_740_991n)).toBe(9_007_199_254_740_991);
  expect(amount(9_007_199_254_740_992n)).toBe('9007199254740992');
  expect(amount(-9_007_199_254_740_992n)).toBe('-9007199254740992');
  expect(amount(9_223_372_036_854_775_807n)).toBe('9223372036854775807');
});

describe('several rulesets', () => {
  test.each(['01', '05', '17', '20'])("scenario %s: compare's first divergence, and each run folds to its own replay", (n) => {
    const scenario = load(file(n));
    const rules: RuleName[] = n === '17' || n === '20' ? ['pr-1000', 'newest', 'deferred'] : ['deferred', 'immediate'];
    const { data, runs } = buildPageData(scenario, file(n), rules, 'epochsim explain x');
    const d = compareReplays(scenario, rules).firstDivergence;
    expect(data.divergence).toEqual(d === null ? null : { position: d.position, step: d.step, line: d.line, fields: [...d.fields], outcome: d.outcome });
    expect(data.runs.map((r) => r.rules)).toEqual(rules);
    expect(runs.map((r) => r.rules)).toEqual(rules);
    data.runs.forEach((run, i) => expectFoldMatches(scenario, rules[i] as RuleName, run));
  });

  test('the first divergence is explained even past the first steps the page explains', () => {
    const yaml = [
      'name: a late divergence',
      'accounts: { alice: 20 gonka, bob: 0 }',
      'participants: { h1: { weight: 100 }, h2: { weight: 100 } }',
      'events:',
      '  - start_epoch',
      ...Array.from({ length: EXPLAINED }, () => '  - transfer: { from: alice, to: bob, amount: 1 }'),
      '  - create_escrow: { creator: alice, amount: 7 gonka, slots: [h1, h2] }',
      '  - settle_escrow: { escrow: 1, fees: 0, hosts: [{ slot: 0, cost: 0.1 gonka }, { slot: 1, cost: 0.2 gonka }] }',
      '',
    ].join('\n');
    const loaded = loadScenario(yaml, 'late.yaml');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const { data } = buildPageData(loaded.scenario, 'late.yaml', ['deferred', 'immediate'], 'epochsim explain late.yaml');
    const settle = EXPLAINED + 2;
    expect(data.divergence?.position).toBe(settle);
    expect(data.explained).toBe(EXPLAINED);
    for (const run of data.runs) {
      expect(Object.keys(run.explain).map(Number)).toEqual([...Array.from({ length: EXPLAINED }, (_, i) => i), settle]);
      expect(run.explain[settle]).toMatch(/^── Step 503 · line 507 · settle_escrow/);
    }
  });
});

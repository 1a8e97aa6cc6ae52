/**
 * Double entry: every movement of value is an effect. Folding a replay's effects over its genesis
 * must give exactly its final bank, ledgers (coin_balance, earned_coins), settle amounts and every
 * account's holdings (liquid, owed, claimable, escrowed, vesting) — for every bundled scenario
 * under every ruleset, and for fuzzed scenarios.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { RULE_NAMES, type RuleName, type Scenario } from '../../src/domain/scenario.js';
import type { Effect } from '../../src/engine/effects.js';
import { vecGet } from '../../src/engine/storage/pvec.js';
import { balanceOf, holdingsOf } from '../../src/engine/storage/queries.js';
import { runScenario, type RunResult } from '../../src/engine/replay/run.js';
import { generateScenario } from '../../src/fuzz/generate.js';
import { loadScenario } from '../../src/scenario/load.js';
import { SCENARIOS } from '../cli/narrative.js';

interface Folded {
  readonly bank: Map<string, bigint>;
  readonly coinBalance: Map<string, bigint>;
  readonly earned: Map<string, bigint>;
  readonly settle: Map<string, { epoch: number; work: bigint; reward: bigint }>;
  readonly escrowed: Map<string, bigint>;
  readonly vesting: Map<string, bigint>;
}

const add = (m: Map<string, bigint>, k: string, d: bigint): void => {
  m.set(k, (m.get(k) ?? 0n) + d);
};

/** Folds the effects of every applied step over the genesis of `run`. */
function fold(run: RunResult): Folded {
  const { world, initial } = run;
  const f: Folded = { bank: new Map(), coinBalance: new Map(), earned: new Map(), settle: new Map(), escrowed: new Map(), vesting: new Map() };
  for (const name of world.accounts) f.bank.set(name, balanceOf(initial, world, name));
  const apply = (e: Effect): void => {
    switch (e.kind) {
      case 'bank':
        if (e.from !== '(mint)') add(f.bank, e.from, -e.amount);
        add(f.bank, e.to, e.amount);
        break;
      case 'ledger':
        add(e.field === 'coin_balance' ? f.coinBalance : f.earned, e.participant, e.delta);
        break;
      case 'settle': {
        const held = f.settle.get(e.participant);
        if (e.op === 'written') {
          expect(held).toBeUndefined();
          f.settle.set(e.participant, { epoch: e.epoch, work: e.work, reward: e.reward });
        } else if (e.op === 'added') {
          expect(held?.epoch).toBe(e.epoch);
          if (held) held.work += e.work;
        } else {
          expect(held).toEqual({ epoch: e.epoch, work: e.work, reward: e.reward });
          f.settle.delete(e.participant);
        }
        break;
      }
      case 'escrow':
        add(f.escrowed, e.creator, e.op === 'locked' ? e.amount : -e.amount);
        break;
      case 'inference_escrow':
        add(f.escrowed, e.requester, e.op === 'held' ? e.amount : -e.amount);
        break;
      case 'vesting':
        add(f.vesting, e.participant, e.op === 'scheduled' ? e.amount : -e.amount);
        break;
    }
  };
  for (const step of run.steps) for (const e of step.effects) apply(e);
  return f;
}

/** The fold agrees with the final state, account by account and bucket by bucket. */
function expectBalanced(run: RunResult): void {
  const f = fold(run);
  const { world, final } = run;
  const holdings = holdingsOf(final, world);
  for (const name of world.accounts) {
    expect([name, f.bank.get(name) ?? 0n]).toEqual([name, balanceOf(final, world, name)]);
    const h = holdings.get(name);
    expect([name, f.escrowed.get(name) ?? 0n, f.vesting.get(name) ?? 0n]).toEqual([name, h?.escrowed ?? 0n, h?.vesting ?? 0n]);
  }
  world.participants.forEach((name, index) => {
    const p = vecGet(final.participants, index);
    const settle = f.settle.get(name);
    expect([name, f.coinBalance.get(name) ?? 0n, f.earned.get(name) ?? 0n, settle ?? null]).toEqual([
      name,
      p?.coinBalance,
      p?.earnedCoins,
      p?.settle ? { epoch: p.settle.epoch, work: p.settle.workCoins, reward: p.settle.rewardCoins } : null,
    ]);
    const h = holdings.get(name);
    expect(h?.owed).toBe(p?.coinBalance);
    expect(h?.claimable).toBe(settle ? settle.work + settle.reward : 0n);
  });
}

const load = (f: string): Scenario => {
  const loaded = loadScenario(readFileSync(f, 'utf8'), f);
  if (!loaded.ok) throw new Error(`${f} does not load`);
  return loaded.scenario;
};

describe('folding the effects over genesis gives the final state', () => {
  test.each(SCENARIOS.flatMap((f) => RULE_NAMES.map((rules) => [f, rules] as [string, RuleName])))('%s under %s', (f, rules) => {
    const run = runScenario(load(f), { rules });
    expect(run.steps.some((s) => s.effects.length > 0)).toBe(true);
    expectBalanced(run);
  });

  test('fuzzed scenarios, every ruleset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(...RULE_NAMES), (seed, rules) => {
        const { scenario } = generateScenario(seed, { steps: 40, participants: 4 });
        expectBalanced(runScenario(scenario, { rules }));
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  test('a failed event has no effects; an applied one lists its bank moves among them, in order', () => {
    const run = runScenario(load('scenarios/11-claim-mistakes.yaml'));
    for (const step of run.steps) {
      if (step.status === 'error') expect(step.effects).toEqual([]);
      const bank = step.effects.filter((e) => e.kind === 'bank').map(({ from, to, amount, memo }) => ({ step: step.index, from, to, amount, memo }));
      expect(bank).toEqual(run.transfers.filter((t) => t.step === step.index));
    }
  });
});

describe('the effects of a same-epoch deferred settlement, the epoch end and a claim (scenario 01)', () => {
  const run = runScenario(load('scenarios/01-deferred-same-epoch.yaml'));
  const at = (index: number): readonly Effect[] => run.steps.find((s) => s.index === index)?.effects ?? [];
  const GONKA = 1_000_000_000n;

  test('the settlement: the escrow is released, the hosts\' ledgers credited, the rest refunded', () => {
    expect(at(3)).toEqual([
      { kind: 'escrow', escrow: 1, creator: 'alice', op: 'released', amount: 7n * GONKA },
      { kind: 'ledger', participant: 'h1', field: 'coin_balance', delta: 400_000_000n, reason: 'settlement', escrow: 1 },
      { kind: 'ledger', participant: 'h1', field: 'earned_coins', delta: 400_000_000n, reason: 'settlement', escrow: 1 },
      { kind: 'ledger', participant: 'h2', field: 'coin_balance', delta: 300_000_000n, reason: 'settlement', escrow: 1 },
      { kind: 'ledger', participant: 'h2', field: 'earned_coins', delta: 300_000_000n, reason: 'settlement', escrow: 1 },
      { kind: 'bank', from: 'inference', to: 'alice', amount: 6_300_000_000n, memo: 'subnet_escrow_refund' },
    ]);
  });

  test('the epoch end: the owed coins become settle amounts with the reward', () => {
    expect(at(6)).toEqual([
      { kind: 'bank', from: '(mint)', to: 'inference', amount: 1000n * GONKA, memo: 'reward_distribution' },
      { kind: 'ledger', participant: 'h1', field: 'coin_balance', delta: -400_000_000n, reason: 'epoch_settled', epoch: 1 },
      { kind: 'ledger', participant: 'h1', field: 'earned_coins', delta: -400_000_000n, reason: 'epoch_settled', epoch: 1 },
      { kind: 'settle', participant: 'h1', op: 'written', epoch: 1, work: 400_000_000n, reward: 500n * GONKA },
      { kind: 'ledger', participant: 'h2', field: 'coin_balance', delta: -300_000_000n, reason: 'epoch_settled', epoch: 1 },
      { kind: 'ledger', participant: 'h2', field: 'earned_coins', delta: -300_000_000n, reason: 'epoch_settled', epoch: 1 },
      { kind: 'settle', participant: 'h2', op: 'written', epoch: 1, work: 300_000_000n, reward: 500n * GONKA },
    ]);
  });

  test('the claim: the bank pays the work and the reward, and the settle amount is gone', () => {
    expect(at(9)).toEqual([
      { kind: 'bank', from: 'inference', to: 'h1', amount: 400_000_000n, memo: 'work_coins:h1' },
      { kind: 'bank', from: 'inference', to: 'h1', amount: 500n * GONKA, memo: 'reward_coins:h1' },
      { kind: 'settle', participant: 'h1', op: 'claimed', epoch: 1, work: 400_000_000n, reward: 500n * GONKA },
    ]);
  });
});

/**
 * The shrinker on params, genesis balances and weights: it lowers them to the least values that
 * still fail (exact outputs for planted bugs where a large balance, weight or param does not
 * matter), every accepted step is smaller in the size measure and larger in none, and the
 * shrunk scenario still fails the same way (properties, over generated scenarios).
 */
import fc from 'fast-check';
import { DEFAULT_PARAMS, type Scenario } from '../../src/domain/scenario.js';
import { runScenario } from '../../src/engine/replay/run.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import type { Ruleset } from '../../src/engine/rules/ruleset.js';
import { runCampaign } from '../../src/fuzz/campaign.js';
import { eventsOf, generateScenario, itemsOf } from '../../src/fuzz/generate.js';
import { checkRuleset, stillFails } from '../../src/fuzz/properties.js';
import { noLarger, shrinkScenario, sizeOf, smaller } from '../../src/fuzz/shrink.js';
import { scenarioToYaml } from '../../src/fuzz/yaml.js';

const GNK = 1_000_000_000n;

/** deferred with one hook broken: every settlement refunds its creator 1 ngonka short. */
const refundShort: Ruleset = {
  ...RULESETS.deferred,
  deliverPayouts: (draft, ctx, s) => {
    const d = RULESETS.deferred.deliverPayouts(draft, ctx, s);
    return { ...d, paid: d.paid + 1n };
  },
};

/** Shrinks with `fails`, checking that every accepted candidate is smaller than the one before. */
function shrinkChecked(start: Scenario, fails: (s: Scenario) => boolean): Scenario {
  let previous = sizeOf(start);
  const accepted = (s: Scenario): boolean => {
    const ok = fails(s);
    if (ok) {
      const size = sizeOf(s);
      if (!smaller(size, previous)) throw new Error(`an accepted step is not smaller: ${String(Object.entries(size))} after ${String(Object.entries(previous))}`);
      previous = size;
    }
    return ok;
  };
  const { scenario } = shrinkScenario(start, accepted);
  expect(fails(scenario)).toBe(true);
  expect(noLarger(sizeOf(scenario), sizeOf(start))).toBe(true);
  return scenario;
}

/** Each genesis balance, genesis weight and a fixed epoch reward is the least that fails: one less does not. */
function expectLeast(s: Scenario, fails: (s: Scenario) => boolean): void {
  s.accounts.forEach((a, i) => {
    if (a.balance > 0n) expect(fails({ ...s, accounts: s.accounts.map((x, j) => (j === i ? { ...x, balance: x.balance - 1n } : x)) })).toBe(false);
  });
  s.participants.forEach((p, i) => {
    const less = (q: Partial<typeof p>): Scenario => ({ ...s, participants: s.participants.map((x, j) => (j === i ? { ...x, ...q } : x)) });
    if (p.balance > 0n) expect(fails(less({ balance: p.balance - 1n }))).toBe(false);
    if (p.weight > 1n) expect(fails(less({ weight: p.weight - 1n }))).toBe(false);
  });
  const reward = s.params.epochReward;
  if (reward !== undefined && reward > 0n) expect(fails({ ...s, params: { ...s.params, epochReward: reward - 1n } })).toBe(false);
}

describe('shrinking params, genesis balances and weights', () => {
  it('lowers each to the least value the failure needs and resets the params it does not need (exact)', () => {
    const start: Scenario = {
      name: 'synthetic',
      description: undefined,
      rules: undefined,
      params: { ...DEFAULT_PARAMS, epochReward: 1000n * GNK, skippedPayout: 'governance', powerCapping: 'chain', downtimeTest: 'chain' },
      accounts: [
        { name: 'u1', balance: 1000n * GNK },
        { name: 'u2', balance: 5n * GNK },
      ],
      participants: [
        { name: 'h1', weight: 300n, balance: GNK },
        { name: 'h2', weight: 200n, balance: 7n },
      ],
      items: itemsOf([
        { type: 'start_epoch', active: undefined, weights: [['h2', 250n]] },
        { type: 'create_escrow', creator: 'u1', amount: 5000n, slots: ['h1', 'h2'], id: undefined },
        { type: 'transfer', from: 'u2', to: 'h2', amount: 10n },
      ]),
    };
    // fails while u1 holds 12 345 ngonka, h1 weighs 7, a fixed epoch reward is at least 300 and
    // a start_epoch gives h2 a weight override of at least 40; nothing else matters
    const fails = (s: Scenario): boolean => {
      const u1 = s.accounts.find((a) => a.name === 'u1')?.balance ?? 0n;
      const h1 = s.participants.find((p) => p.name === 'h1')?.weight ?? 0n;
      const override = eventsOf(s).some((e) => e.type === 'start_epoch' && e.weights.some(([n, w]) => n === 'h2' && w >= 40n));
      return u1 >= 12_345n && h1 >= 7n && (s.params.epochReward ?? 0n) >= 300n && override;
    };
    const shrunk = shrinkChecked(start, fails);
    expect(scenarioToYaml(shrunk)).toBe(
      [
        'name: "synthetic"',
        'params:',
        '  escrow: { min_amount: 5000000000, max_amount: 10000000000, max_per_epoch: 100 }',
        '  epoch_reward: 300',
        'accounts:',
        '  u1: 12345',
        'participants:',
        '  h1: { weight: 7 }',
        '  h2: { weight: 1 }',
        'events:',
        '  - start_epoch: { weights: { h2: 40 } }',
        '',
      ].join('\n'),
    );
    expectLeast(shrunk, fails);
  });

  it('swaps a fixed epoch reward for the formula (the default) only when the formula mints no more', () => {
    const base = generateScenario(3, { steps: 10, participants: 2, mode: 'free' }).scenario;
    const anything = (): boolean => true;
    const withReward = (epochReward: bigint | undefined): Scenario => ({ ...base, params: { ...base.params, epochReward } });
    expect(shrinkChecked(withReward(300_000n * 1000n * GNK), anything).params.epochReward).toBeUndefined();
    expect(shrinkChecked(withReward(7n * GNK), anything).params.epochReward).toBe(0n);
    expect(shrinkChecked(withReward(undefined), anything).params.epochReward).toBeUndefined();
  });

  it('a planted engine bug (a refund 1 ngonka short) keeps no large balance, weight or epoch reward (exact)', () => {
    const r = runCampaign({ seed: 11, runs: 20, steps: 40, participants: 4, rulesets: [refundShort], strict: false });
    const found = r.found.find((f) => f.property === 'invariant:surplus');
    expect(found).toBeDefined();
    const { original, shrunk } = found!;
    // the generated scenario: 1000 gonka for u1, weights up to 244, a fixed epoch reward of
    // 7 gonka and skipped payouts to governance
    expect(original.accounts.map((a) => a.balance)).toEqual([1000n * GNK, 288_113_699n]);
    expect(original.participants.map((p) => p.weight)).toEqual([216n, 115n, 244n, 68n]);
    expect(original.params).toMatchObject({ epochReward: 7n * GNK, skippedPayout: 'governance' });
    // shrunk: u1 holds exactly the escrow it creates, the one host weighs 1, the epoch reward is
    // 0 and the other params are the defaults (but the generator's escrow bounds, which the
    // shrinker leaves alone)
    expect(scenarioToYaml(shrunk)).toBe(
      [
        `name: "fuzz seed ${found!.seed} (clean)"`,
        'params:',
        '  escrow: { min_amount: 1000, max_amount: 10000000000, max_per_epoch: 100 }',
        '  epoch_reward: 0',
        'accounts:',
        '  u1: 1075',
        'participants:',
        '  h4: { weight: 1 }',
        'events:',
        '  - start_epoch',
        '  - create_escrow: { creator: u1, amount: 1075, slots: [h4] }',
        '  - settle_escrow: { escrow: 1, fees: 0, hosts: [] }',
        '',
      ].join('\n'),
    );
    const fails = (s: Scenario): boolean => stillFails(s, found!, [refundShort], false);
    expectLeast(shrunk, fails);
    // the registered deferred ruleset passes the shrunk scenario
    expect(runScenario(shrunk, { rules: 'deferred' }).violations).toEqual([]);
  });

  it('under pr-1000 --strict keeps the trapped payout with the least balance and weight', () => {
    const { scenario } = generateScenario(14, { steps: 40, participants: 4 });
    const f = checkRuleset(scenario, RULESETS['pr-1000'], true).failures.find((x) => x.property === 'divergence:payout_trapped');
    expect(f).toBeDefined();
    const fails = (s: Scenario): boolean => stillFails(s, f!, [RULESETS['pr-1000']], true);
    const shrunk = shrinkChecked(scenario, fails);
    expect(shrunk.params.epochReward).toBe(0n); // 300 generated
    expect(shrunk.participants.map((p) => [p.name, p.weight, p.balance])).toEqual([['h1', 1n, 0n]]);
    const escrow = eventsOf(shrunk).find((e) => e.type === 'create_escrow');
    // u2 stays as the slot address with no participant record, with nothing in the bank
    expect(shrunk.accounts).toEqual([
      { name: 'u1', balance: escrow?.type === 'create_escrow' ? escrow.amount : -1n },
      { name: 'u2', balance: 0n },
    ]);
    expectLeast(shrunk, fails);
  });
});

describe('shrinker properties', () => {
  it('with thresholds on balances, weights and the reward: every step smaller, and each shrinks to its threshold', () => {
    let shrunkCount = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.bigInt({ min: 0n, max: 1000n * GNK }),
        fc.bigInt({ min: 1n, max: 300n }),
        fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 7n * GNK })),
        fc.constantFrom('free' as const, 'clean' as const),
        (seed, balance, weight, reward, mode) => {
          const { scenario } = generateScenario(seed, { steps: 20, participants: 3, mode });
          // u1 holds at least `balance`, some host weighs at least `weight`, and the epoch
          // reward (the formula's initial reward when unset) is at least `reward`
          const fails = (s: Scenario): boolean =>
            (s.accounts.find((a) => a.name === 'u1')?.balance ?? 0n) >= balance &&
            s.participants.some((p) => p.weight >= weight) &&
            (s.params.epochReward ?? s.params.initialEpochReward) >= reward;
          if (!fails(scenario)) return;
          shrunkCount += 1;
          const shrunk = shrinkChecked(scenario, fails);
          expect(eventsOf(shrunk)).toEqual([]);
          expect(shrunk.accounts).toEqual([{ name: 'u1', balance }]);
          expect(shrunk.participants).toEqual([{ name: expect.any(String), weight, balance: 0n }]);
          // a fixed reward falls to the threshold; the formula (unset) stays, as a fixed one would be a param more
          const epochReward = scenario.params.epochReward === undefined ? undefined : reward;
          expect(shrunk.params).toEqual({ ...DEFAULT_PARAMS, escrow: scenario.params.escrow, epochReward });
        },
      ),
      { seed: 7, numRuns: 100 },
    );
    expect(shrunkCount).toBeGreaterThan(30);
  });

  it('with a planted engine bug: every step smaller, and the shrunk scenario still fails the same property', () => {
    let shrunkCount = 0;
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (seed) => {
        const { scenario } = generateScenario(seed, { steps: 30, participants: 4 });
        const f = checkRuleset(scenario, refundShort, false, false).failures[0];
        if (f === undefined) return;
        shrunkCount += 1;
        const shrunk = shrinkChecked(scenario, (s) => stillFails(s, f, [refundShort], false));
        expect(stillFails(shrunk, f, [refundShort], false)).toBe(true);
        expect(eventsOf(shrunk).length).toBeLessThanOrEqual(eventsOf(scenario).length);
      }),
      { seed: 11, numRuns: 25 },
    );
    expect(shrunkCount).toBeGreaterThan(10);
  });

  it('on real pr-1000 findings (strict): every step smaller, and each shrunk scenario still fails the same divergence', () => {
    let shrunkCount = 0;
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (seed) => {
        const { scenario } = generateScenario(seed, { steps: 30, participants: 4 });
        for (const f of checkRuleset(scenario, RULESETS['pr-1000'], true, false).failures) {
          shrunkCount += 1;
          const shrunk = shrinkChecked(scenario, (s) => stillFails(s, f, [RULESETS['pr-1000']], true));
          expect(runScenario(shrunk, { rules: 'pr-1000' }).divergences.map((d) => `divergence:${d.id}`)).toContain(f.property);
        }
      }),
      { seed: 5, numRuns: 40 },
    );
    expect(shrunkCount).toBeGreaterThan(8);
  });
});

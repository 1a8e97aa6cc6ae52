/**
 * Campaigns through the library API: shards partition the runs, the shrinker keeps the failure
 * and never grows a scenario, a planted bug is found and shrunk, pr-1000's trapped value is
 * found (a failure only with strict), and deferred and immediate break nothing.
 */
import fc from 'fast-check';
import type { Scenario } from '../../src/domain/scenario.js';
import { runScenario } from '../../src/engine/replay/run.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import type { Ruleset } from '../../src/engine/rules/ruleset.js';
import { mergeResults, runCampaign, shardRuns, subShard } from '../../src/fuzz/campaign.js';
import { eventsOf, generateScenario } from '../../src/fuzz/generate.js';
import { checkRuleset, replay, stillFails, type Failure } from '../../src/fuzz/properties.js';
import { noLarger, shrinkScenario, sizeOf, smaller } from '../../src/fuzz/shrink.js';
import { canonicalJson, runToJson } from '../../src/engine/replay/json.js';

/** deferred with one hook broken: every settlement refunds its creator 1 ngonka short. */
const refundShort: Ruleset = {
  ...RULESETS.deferred,
  deliverPayouts: (draft, ctx, s) => {
    const d = RULESETS.deferred.deliverPayouts(draft, ctx, s);
    return { ...d, paid: d.paid + 1n };
  },
};

/** immediate with every host payout 1 ngonka short (refunded to the creator): invariants hold, the differential does not. */
const hostsShort: Ruleset = {
  ...RULESETS.immediate,
  deliverPayouts: (draft, ctx, s) =>
    RULESETS.immediate.deliverPayouts(draft, ctx, { ...s, payouts: s.payouts.map((p) => ({ ...p, amount: p.amount > 0n ? p.amount - 1n : 0n })) }),
};

describe('shards', () => {
  it('cover every run index exactly once (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 500 }), fc.integer({ min: 1, max: 17 }), (runs, n) => {
        const all = Array.from({ length: n }, (_, i) => shardRuns(runs, { index: i, count: n })).flat();
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: runs }, (_, i) => i));
      }),
      { seed: 1, numRuns: 200 },
    );
  });

  it('sum to the whole campaign', () => {
    const base = { seed: 1, runs: 30, steps: 30, participants: 3, rulesets: [RULESETS['pr-1000']], strict: false };
    const whole = runCampaign(base);
    const parts = [0, 1, 2].map((i) => runCampaign({ ...base, shard: { index: i, count: 3 } }));
    expect(parts.reduce((a, p) => a + p.runs, 0)).toBe(whole.runs);
    const sum = new Map<string, number>();
    for (const p of parts) for (const [k, v] of p.divergences) sum.set(k, (sum.get(k) ?? 0) + v);
    expect(sum).toEqual(whole.divergences);
  });
});

describe('workers', () => {
  it('split a shard into sub-shards whose merged result equals the shard run in one piece', () => {
    const base = { seed: 3, runs: 60, steps: 30, participants: 3, rulesets: [RULESETS['pr-1000']], strict: true };
    const shard = { index: 1, count: 2 };
    const whole = runCampaign({ ...base, shard });
    const merged = mergeResults([0, 1, 2].map((k) => runCampaign({ ...base, shard: subShard(shard, k, 3) })));
    expect(merged.runs).toBe(whole.runs);
    expect(merged.failedRuns).toBe(whole.failedRuns);
    expect([...merged.failuresByKind]).toEqual([...whole.failuresByKind]);
    expect(merged.divergences).toEqual(whole.divergences);
    expect(merged.found.map((f) => [f.run, f.property, eventsOf(f.shrunk).length])).toEqual(
      whole.found.map((f) => [f.run, f.property, eventsOf(f.shrunk).length]),
    );
  });
});

describe('replay', () => {
  it('of a registered ruleset value through the copy of the loop gives what runScenario gives', () => {
    const copy: Ruleset = { ...RULESETS['pr-1000'] }; // not the registered object: replayed by the fuzzer's loop
    for (let seed = 0; seed < 40; seed++) {
      const { scenario } = generateScenario(seed, { steps: 30, participants: 3 });
      const a = canonicalJson(runToJson(replay(scenario, copy)));
      const b = canonicalJson(runToJson(runScenario(scenario, { rules: 'pr-1000' })));
      expect(a).toBe(b);
    }
  });
});

describe('shrinker', () => {
  it('keeps the failure and never grows the scenario: every accepted step is smaller (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 4_000_000 }), (seed, threshold) => {
        const { scenario } = generateScenario(seed, { steps: 30, participants: 4, mode: 'free' });
        // a synthetic property: some settlement or escrow moves at least `threshold` ngonka
        const fails = (s: Scenario): boolean =>
          eventsOf(s).some(
            (e) => (e.type === 'create_escrow' && e.amount >= BigInt(threshold)) || (e.type === 'settle_escrow' && e.fees >= BigInt(threshold)),
          );
        if (!fails(scenario)) return;
        let previous = sizeOf(scenario);
        const accepted = (s: Scenario): boolean => {
          const ok = fails(s);
          if (ok) {
            const size = sizeOf(s);
            expect(smaller(size, previous)).toBe(true);
            previous = size;
          }
          return ok;
        };
        const { scenario: shrunk } = shrinkScenario(scenario, accepted);
        expect(fails(shrunk)).toBe(true);
        expect(noLarger(sizeOf(shrunk), sizeOf(scenario))).toBe(true);
        expect(eventsOf(shrunk)).toHaveLength(1);
      }),
      { seed: 3, numRuns: 60 },
    );
  });

  it('keeps a real engine failure (pr-1000 strict) and never grows it', () => {
    let checked = 0;
    for (let seed = 0; seed < 60 && checked < 5; seed++) {
      const { scenario } = generateScenario(seed, { steps: 40, participants: 4 });
      const f = checkRuleset(scenario, RULESETS['pr-1000'], true).failures[0];
      if (f === undefined) continue;
      checked += 1;
      const target: Failure = f;
      const { scenario: shrunk } = shrinkScenario(scenario, (s) => stillFails(s, target, [RULESETS['pr-1000']], true));
      expect(stillFails(shrunk, target, [RULESETS['pr-1000']], true)).toBe(true);
      expect(noLarger(sizeOf(shrunk), sizeOf(scenario))).toBe(true);
    }
    expect(checked).toBe(5);
  });
});

describe('campaigns', () => {
  it('find a planted bug (a refund 1 ngonka short) and shrink it to start, create, settle', () => {
    const r = runCampaign({ seed: 11, runs: 20, steps: 40, participants: 4, rulesets: [refundShort], strict: false });
    expect(r.failedRuns).toBeGreaterThan(0);
    const found = r.found.find((f) => f.property === 'invariant:surplus');
    expect(found).toBeDefined();
    const events = eventsOf(found!.shrunk);
    expect(events.map((e) => e.type)).toEqual(['start_epoch', 'create_escrow', 'settle_escrow']);
    expect(found!.shrunk.participants.length).toBeLessThanOrEqual(1);
    // the registered deferred ruleset passes the shrunk scenario
    expect(runScenario(found!.shrunk, { rules: 'deferred' }).violations).toEqual([]);
  });

  it('find a planted differential bug (hosts paid 1 ngonka short under immediate) in clean runs', () => {
    const r = runCampaign({ seed: 5, runs: 30, steps: 30, participants: 3, rulesets: [RULESETS.deferred, hostsShort], strict: false });
    const found = r.found.find((f) => f.property === 'differential');
    expect(found).toBeDefined();
    expect(found!.rules).toBe('deferred/immediate');
    expect(eventsOf(found!.shrunk).length).toBeLessThanOrEqual(8);
    expect([...r.failuresByKind.keys()]).toEqual(['deferred/immediate differential']);
  });

  it('under pr-1000 find the trapped value: counted, not failed, without strict', () => {
    const r = runCampaign({ seed: 1, runs: 200, steps: 40, participants: 4, rulesets: [RULESETS['pr-1000']], strict: false });
    expect(r.failedRuns).toBe(0);
    expect(r.divergences.get('pr-1000 payout_trapped')).toBeGreaterThan(0);
  });

  it('under pr-1000 --strict fail on the trapped value and shrink it to at most 6 events', () => {
    const r = runCampaign({ seed: 1, runs: 200, steps: 40, participants: 4, rulesets: [RULESETS['pr-1000']], strict: true });
    const found = r.found.find((f) => f.property === 'divergence:payout_trapped');
    expect(found).toBeDefined();
    expect(eventsOf(found!.shrunk).length).toBeLessThanOrEqual(6);
    expect(runScenario(found!.shrunk, { rules: 'pr-1000' }).divergences.map((d) => d.id)).toContain('payout_trapped');
  });

  it('under deferred and immediate break nothing (300 runs, a third of them clean)', () => {
    const r = runCampaign({ seed: 1000, runs: 300, steps: 40, participants: 4, rulesets: [RULESETS.deferred, RULESETS.immediate], strict: true });
    expect(r.failedRuns).toBe(0);
    expect([...r.failuresByKind]).toEqual([]);
    expect(r.cleanRuns).toBeGreaterThan(60);
    expect(r.differentialChecks).toBeGreaterThan(r.cleanRuns * 0.8);
  });
});

/**
 * The generator only produces scenarios that load, and the serializer writes YAML that loads
 * back to an equal scenario.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { loadScenario } from '../../src/scenario/load.js';
import { eventsOf, generateScenario } from '../../src/fuzz/generate.js';
import { makeRng } from '../../src/fuzz/rng.js';
import { scenarioToYaml } from '../../src/fuzz/yaml.js';
import type { Scenario } from '../../src/domain/scenario.js';

const comparable = (s: Scenario) => ({
  name: s.name,
  rules: s.rules,
  params: s.params,
  accounts: s.accounts,
  participants: s.participants,
  events: eventsOf(s),
});

describe('generator', () => {
  it('only produces scenarios that load, and load back equal (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(undefined, 'free' as const, 'clean' as const),
        (seed, steps, participants, mode) => {
          const { scenario } = generateScenario(seed, { steps, participants, mode });
          const loaded = loadScenario(scenarioToYaml(scenario, ['a header']), 'gen.yaml');
          if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
          expect(comparable(loaded.scenario)).toEqual(comparable(scenario));
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it('is a pure function of the seed', () => {
    const a = scenarioToYaml(generateScenario(123, { steps: 40, participants: 4 }).scenario);
    const b = scenarioToYaml(generateScenario(123, { steps: 40, participants: 4 }).scenario);
    const c = scenarioToYaml(generateScenario(124, { steps: 40, participants: 4 }).scenario);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('reaches every branch the issue names over a few hundred seeds', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const { scenario, mode } = generateScenario(seed, { steps: 40, participants: 4 });
      seen.add(mode);
      for (const e of eventsOf(scenario)) {
        seen.add(e.type);
        if (e.type === 'end_epoch' && e.punish.length > 0) seen.add('punish');
        if (e.type === 'run_inference' && e.outcome === 'expired') seen.add('expired');
        if (e.type === 'start_epoch' && e.active !== undefined) seen.add('active subset');
        if (e.type === 'settle_escrow' && e.hosts.length > 0 && e.fees % BigInt(e.hosts.length) !== 0n) seen.add('fee remainder');
      }
    }
    for (const x of ['free', 'clean', 'start_epoch', 'end_epoch', 'create_escrow', 'settle_escrow', 'claim_reward', 'exclude_participant', 'run_inference', 'transfer', 'punish', 'expired', 'active subset', 'fee remainder']) {
      expect(seen).toContain(x);
    }
  });
});

describe('scenarioToYaml', () => {
  it('round-trips the events, params and declarations of every bundled scenario', () => {
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const original = loadScenario(readFileSync(`scenarios/${f}`, 'utf8'), f);
      if (!original.ok) throw new Error(f);
      const again = loadScenario(scenarioToYaml(original.scenario), f);
      if (!again.ok) throw new Error(`${f}: ${JSON.stringify(again.issues)}`);
      expect(comparable(again.scenario)).toEqual(comparable(original.scenario));
    }
  });
});

describe('rng', () => {
  it('stays in range and is reproducible', () => {
    const a = makeRng(7);
    const b = makeRng(7);
    for (let i = 0; i < 1000; i++) {
      const x = a.int(10);
      expect(x).toBe(b.int(10));
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(10);
      const y = a.big(5n, 9n);
      expect(b.big(5n, 9n)).toBe(y);
      expect(y >= 5n && y <= 9n).toBe(true);
    }
  });
});

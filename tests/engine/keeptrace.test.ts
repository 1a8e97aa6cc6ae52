/**
 * runScenario({ keepTrace: false }): no per-step history, the same outcome otherwise.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario, type StepView } from '../../src/engine/replay/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import type { RuleName } from '../../src/domain/scenario.js';
import { applyEvent } from '../../src/engine/rules/reducers/index.js';
import { genesis } from '../../src/engine/storage/state.js';

const dir = join(process.cwd(), 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

test.each(files)('%s: same outcome without the trace, steps and transfers counted', (f) => {
  const loaded = loadScenario(readFileSync(join(dir, f), 'utf8'), f);
  if (!loaded.ok) throw new Error(`${f} does not load`);
  const seen: StepView[] = [];
  const full = runScenario(loaded.scenario);
  const lean = runScenario(loaded.scenario, { keepTrace: false, observe: (v) => seen.push(v) });
  expect(lean.steps).toEqual([]);
  expect(lean.transfers).toEqual([]);
  expect({ ...lean, steps: full.steps, transfers: full.transfers }).toEqual(full);
  expect(full.counts).toEqual({
    events: full.steps.length,
    failed: full.steps.filter((s) => s.status === 'error').length,
    transfers: full.transfers.length,
  });
  expect(seen.length).toBe(loaded.scenario.items.length);
});

/*
 * With no trace kept and neither an observer nor a sink, no one reads a step's records, so the
 * reducers build no effects and no transfer records and only count the moves (TxContext.record):
 * the outcome, the counts included, must be the full run's under every ruleset.
 */
const everyRuleset = files.flatMap((f) => (Object.keys(RULESETS) as RuleName[]).map((rules) => [f, rules] as const));

test.each(everyRuleset)('%s under %s: the same outcome and counts when no step record is built', (f, rules) => {
  const loaded = loadScenario(readFileSync(join(dir, f), 'utf8'), f);
  if (!loaded.ok) throw new Error(`${f} does not load`);
  const full = runScenario(loaded.scenario, { rules });
  const bare = runScenario(loaded.scenario, { rules, keepTrace: false });
  expect({ ...bare, steps: full.steps, transfers: full.transfers }).toEqual(full);
  expect(bare.counts?.transfers).toBe(full.transfers.length);
});

/*
 * The switch itself: applied with `record: false`, every event of a bundled scenario lists no
 * transfer and no effect, and counts as many moves as the recorded one lists transfers, with the
 * same next state.
 */
test.each(files)('%s: an event applied without records lists none and counts its moves', (f) => {
  const loaded = loadScenario(readFileSync(join(dir, f), 'utf8'), f);
  if (!loaded.ok) throw new Error(`${f} does not load`);
  const { scenario } = loaded;
  const { world, state: initial } = genesis(scenario.params, scenario.accounts, scenario.participants);
  const env = { world, rules: RULESETS[scenario.rules ?? 'deferred'], params: scenario.params };
  let state = initial;
  let moves = 0;
  for (const item of scenario.items) {
    if (item.kind !== 'event') continue;
    const recorded = applyEvent(state, item.event, env);
    const bare = applyEvent(state, item.event, { ...env, record: false });
    if (!recorded.ok || !bare.ok) {
      expect(bare.ok).toBe(recorded.ok);
      continue;
    }
    expect([bare.transfers, bare.effects, bare.moves]).toEqual([[], [], recorded.transfers.length]);
    expect(recorded.moves).toBe(recorded.transfers.length);
    expect(bare.state).toEqual(recorded.state);
    moves += bare.moves;
    state = recorded.state;
  }
  // every bundled scenario moves coins
  expect(moves).toBeGreaterThan(0);
});

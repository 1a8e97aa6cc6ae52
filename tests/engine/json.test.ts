/**
 * `runJsonText` prints the `run --json` text without canonicalJson's sorting pass, relying on
 * runToJson inserting every key in code-unit order: the two must give the same bytes.
 */
import { canonicalJson, runJsonText, runToJson } from '../../src/engine/replay/json.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import { runScenario } from '../../src/engine/replay/run.js';
import { generateScenario } from '../../src/fuzz/generate.js';
import { bundledScenarios } from '../builders.js';
import type { RuleName } from '../../src/domain/scenario.js';
import { loadScenario } from '../../src/scenario/load.js';

const RULE_NAMES = Object.keys(RULESETS) as RuleName[];
const bundled = bundledScenarios();

describe('runJsonText is the canonical JSON of runToJson', () => {
  it.each(bundled)('%s under every ruleset', (_file, scenario) => {
    for (const rules of RULE_NAMES) {
      const run = runScenario(scenario, { rules });
      expect(runJsonText(run)).toBe(canonicalJson(runToJson(run)));
    }
  });

  it('on generated scenarios (names that sort differently from their declaration order included)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { scenario } = generateScenario(seed, { steps: 40, participants: 12 });
      for (const rules of ['deferred', 'pr-1000'] as const) {
        const run = runScenario(scenario, { rules });
        expect(runJsonText(run)).toBe(canonicalJson(runToJson(run)));
      }
    }
  });

  it('with names whose declaration order, case and digits differ from code-unit order', () => {
    const text = [
      'name: odd names',
      'accounts: { u10: 100000000, u9: 100, Z: 100, a: 100 }',
      'participants: { h2: { weight: 1 }, h11: { weight: 1 }, b: { weight: 1 }, B: { weight: 1 } }',
      'events:',
      '  - start_epoch',
      '  - run_inference: { requester: u10, executor: h11, prompt_tokens: 10, completion_tokens: 10 }',
      '  - end_epoch',
    ].join('\n');
    const loaded = loadScenario(text, 'odd.yaml');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const run = runScenario(loaded.scenario);
    const json = runJsonText(run);
    expect(json).toBe(canonicalJson(runToJson(run)));
    expect(Object.keys(JSON.parse(json).bank as object)).toEqual(['B', 'Z', 'a', 'b', 'gov', 'h11', 'h2', 'inference', 'u10', 'u9']);
  });
});

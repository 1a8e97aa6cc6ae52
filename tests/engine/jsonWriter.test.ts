/**
 * The streamed `run --json` writer (jsonWriter.ts) against the reference object: runJsonText
 * writes the document piece by piece, and must give exactly the bytes of
 * JSON.stringify(runToJson(run), null, 2) — for every bundled scenario under every ruleset,
 * fuzz-generated ones, hostile strings and failures with wrapped data. And the replay's sink and
 * one-shot items give the same run as the kept trace.
 */
import { runJsonText, runToJson } from '../../src/engine/replay/json.js';
import { RunJsonWriter } from '../../src/engine/replay/jsonWriter.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import { runScenario, type RunResult, type StepRecord, type TransferRecord } from '../../src/engine/replay/run.js';
import { generateScenario } from '../../src/fuzz/generate.js';
import type { RuleName, ScenarioItem } from '../../src/domain/scenario.js';
import { aScenario, bundledScenarios, ev, GNK } from '../builders.js';

const RULE_NAMES = Object.keys(RULESETS) as RuleName[];
const reference = (run: RunResult): string => `${JSON.stringify(runToJson(run), null, 2)}\n`;

describe('runJsonText gives the bytes of the reference object', () => {
  it.each(bundledScenarios())('%s under every ruleset', (_file, scenario) => {
    for (const rules of RULE_NAMES) {
      const run = runScenario(scenario, { rules });
      expect(runJsonText(run)).toBe(reference(run));
    }
  });

  it('on fuzz-generated scenarios under every ruleset (failed steps, wrapped error data, empty arrays)', () => {
    let failed = 0;
    let wrapped = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const { scenario } = generateScenario(seed, { steps: 60, participants: 6 });
      for (const rules of RULE_NAMES) {
        const run = runScenario(scenario, { rules });
        failed += run.steps.filter((s) => s.failure !== undefined).length;
        wrapped += run.steps.filter((s) => (s.failure?.wraps.length ?? 0) > 0).length;
        expect(runJsonText(run)).toBe(reference(run));
      }
    }
    // the comparison covered failures, and failures the chain wraps in prefixes
    expect(failed).toBeGreaterThan(100);
    expect(wrapped).toBeGreaterThan(0);
  });

  it('with hostile strings: controls, lone surrogates, U+2028, bidi controls, quotes and backslashes', () => {
    const hostile = 'a\u0000\u0007\u001b[31m\u007f\u0085\u061c\u200e\u2028\u2029\u202e\u2066\ud800\udbff[1m\udc00"\\\t\n';
    const scenario = aScenario({
      accounts: { dev: GNK },
      items: [
        ev.start(),
        { type: 'start_inference', id: hostile, requester: 'dev', executor: 'h1', promptTokens: 10n, maxTokens: 0n, price: undefined },
        { type: 'invalidate_inference', id: `${hostile}2` },
        { type: 'expire_inference', id: hostile },
      ],
    });
    const run = runScenario({ ...scenario, name: hostile });
    const text = runJsonText(run);
    expect(text).toBe(reference(run));
    expect(text).toContain('"scenario": "a\\u0000\\u0007\\u001b[31m\u007f\u0085\u061c\u200e\u2028\u2029\u202e\u2066\\ud800\\udbff[1m\\udc00\\"\\\\\\t\\n",');
  });

  it('an empty run: empty steps and transfers arrays', () => {
    const run = runScenario(aScenario({ items: [] }));
    const text = runJsonText(run);
    expect(text).toBe(reference(run));
    expect(text).toContain('\n  "steps": [],\n');
    expect(text).toContain('\n  "transfers": [],\n');
  });
});

describe('the replay hands steps to a sink and reads one-shot items', () => {
  const [, scenario] = bundledScenarios().find(([f]) => f.includes('22-')) ?? [];

  it('a sink sees every step record and transfer the kept trace has, in order', () => {
    if (scenario === undefined) throw new Error('scenario 22 is missing');
    const kept = runScenario(scenario);
    const steps: StepRecord[] = [];
    const transfers: TransferRecord[] = [];
    const streamed = runScenario(scenario, {
      keepTrace: false,
      sink: {
        step: (record, moved) => {
          steps.push(record);
          for (const t of moved) transfers.push({ step: record.index, ...t });
        },
      },
    });
    expect(streamed.steps).toEqual([]);
    expect(steps).toEqual(kept.steps);
    expect(transfers).toEqual(kept.transfers);
    expect(runJsonText({ ...streamed, steps, transfers })).toBe(runJsonText(kept));
  });

  it('items from a generator give the same run as the array', () => {
    if (scenario === undefined) throw new Error('scenario 22 is missing');
    function* items(): Generator<ScenarioItem> {
      yield* scenario?.items ?? [];
    }
    expect(runJsonText(runScenario({ ...scenario, items: items() }))).toBe(runJsonText(runScenario(scenario)));
  });

  it('the writer separates elements with commas, none before the first', () => {
    const writer = new RunJsonWriter();
    const t = { from: 'a', to: 'b', amount: 12n, memo: 'm' };
    expect(writer.transferText(3, t, true)).toBe('\n    {\n      "amount": "12",\n      "from": "a",\n      "memo": "m",\n      "step": 3,\n      "to": "b"\n    }');
    expect(writer.transferText(3, t, false).startsWith(',\n    {')).toBe(true);
  });
});

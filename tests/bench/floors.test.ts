/**
 * The bench's replay floors (bench/floors.js, issue 15) are only worth their ratios if they do
 * the same work as epochsim: the state floor must end in epochsim's state, field by field, and
 * the check must see any field that differs. Here on a small seeded workload (40 participants,
 * 2 999 events of one epoch), against the engine built from src/.
 */
import { resolve } from 'node:path';
import * as lib from '../../src/index.js';
import { inferenceOf } from '../../src/engine/storage/inferences.js';

// The bench is plain JavaScript without types: loaded by path.
const floorsPath = resolve('bench/floors.js');
const workloadPath = resolve('bench/workload.js');
type Untyped = any;
const floors: Untyped = await import(floorsPath);
const { makeScenario }: Untyped = await import(workloadPath);

const scenario = floors.floorWorkload(makeScenario, 40, 3_000);

describe('the state floor ends in epochsim state', () => {
  it.each(['deferred', 'immediate'] as const)('under %s: every modelled field equal, the same failures', (rules) => {
    const result = lib.runScenario(scenario, { rules, keepTrace: false });
    const model = floors.floorReplayState(scenario, rules);
    expect(floors.compareStateWithEngine(model, result, lib, inferenceOf)).toEqual([]);
    expect(floors.compareWithEngine(floors.floorReplay(scenario, rules), result, lib)).toEqual([]);
    // The workload exercised every modelled part: 1 030 inferences, 748 escrows, 11 deliberate failures, one exclusion.
    expect([model.inferences.size, model.escrows.length, model.failed, model.exclusions.get(1)]).toEqual([1_030, 748, 11, ['host00037']]);
    expect(model.hostStats.get(1).size).toBe(40);
  });

  it('deferred credits the hosts ledgers and counters, immediate pays them by bank', () => {
    const deferred = floors.floorReplayState(scenario, 'deferred').people.get('host00007');
    const immediate = floors.floorReplayState(scenario, 'immediate').people.get('host00007');
    expect(deferred).toEqual({ status: 'ACTIVE', coinBalance: 55_049_093_127n, earnedCoins: 55_049_093_127n, inferenceCount: 375, missedRequests: 49, invalidatedInferences: 24 });
    expect(immediate).toEqual({ status: 'ACTIVE', coinBalance: 75_001_000n, earnedCoins: 75_001_000n, inferenceCount: 21, missedRequests: 2, invalidatedInferences: 0 });
  });
});

describe('the state check sees every kind of difference', () => {
  const result = lib.runScenario(scenario, { rules: 'deferred', keepTrace: false });
  const differs = (change: (model: Untyped) => void): string[] => {
    const model = floors.floorReplayState(scenario, 'deferred');
    change(model);
    return floors.compareStateWithEngine(model, result, lib, inferenceOf);
  };

  it('a participant counter, a host stat, an inference and its token count, an escrow, an exclusion, a balance, the failures', () => {
    expect(differs((m) => m.people.get('host00003').inferenceCount++)).toEqual(['host00003.inferenceCount: engine 440, floor 441']);
    expect(differs((m) => (m.hostStats.get(1).get('host00012').cost += 1n))).toEqual(['host stats 1 host00012.cost: engine 52443876663, floor 52443876664']);
    expect(differs((m) => (m.inferences.get('inf-7').actualCost += 1n))).toEqual(['inference inf-7.actualCost: engine 1969000, floor 1969001']);
    expect(differs((m) => (m.inferences.get('inf-7').completionTokens += 1n))).toEqual(['inference inf-7.completionTokens: engine 1498, floor 1499']);
    expect(differs((m) => (m.escrows[3].settled = !m.escrows[3].settled))).toEqual(['escrow 4.settled: engine true, floor false']);
    expect(differs((m) => m.exclusions.set(1, []))).toEqual(['exclusions of 1: engine host00037, floor ']);
    expect(differs((m) => m.bank.set('user0001', m.bank.get('user0001') + 1n))[0]).toMatch(/^bank user0001: engine \d+, floor \d+$/);
    expect(differs((m) => m.failed++)).toEqual(['failed events: engine 11, floor 12']);
  });
});

describe('the state floor refuses what it does not model', () => {
  const at = (event: object) => ({ ...scenario, items: [...scenario.items, { ...scenario.items[1], event }] });

  it('a second epoch, an explicit settler or inference id, an epoch end', () => {
    expect(() => floors.floorReplayState(at({ type: 'start_epoch', active: undefined, weights: [] }), 'deferred')).toThrow('bench: the state floor does not model a second epoch');
    expect(() => floors.floorReplayState(at({ type: 'settle_escrow', escrow: 1n, settler: 'user0001', fees: 0n, nonce: undefined, hosts: [] }), 'deferred')).toThrow(
      'bench: the state floor does not model an explicit settler',
    );
    expect(() =>
      floors.floorReplayState(at({ type: 'run_inference', requester: 'user0001', executor: 'host00001', promptTokens: 1n, completionTokens: 1n, maxTokens: 1n, price: undefined, id: 'x', outcome: 'finished' }), 'deferred'),
    ).toThrow('bench: the state floor does not model an explicit inference id');
    expect(() => floors.floorReplayState(at({ type: 'end_epoch', punish: [] }), 'deferred')).toThrow('bench: the state floor does not model end_epoch');
  });
});

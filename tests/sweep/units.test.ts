/**
 * The pure parts of a sweep: metric paths read from a run --json document, param specs read as
 * the scenario's params, the grid's order, and a point's first failure.
 */
import type { Json } from '../../src/engine/replay/json.js';
import type { RunResult } from '../../src/engine/replay/run.js';
import { parseMetric, readMetric } from '../../src/sweep/metric.js';
import { parseParamSpec, SWEEPABLE_PARAMS, type ParamSpec } from '../../src/sweep/params.js';
import { firstFailure, gridPoints } from '../../src/sweep/sweep.js';
import { DEFAULT_PARAMS } from '../../src/domain/scenario.js';

const metric = (text: string) => {
  const m = parseMetric(text);
  if (!m.ok) throw new Error(m.message);
  return m.value;
};
const spec = (text: string): ParamSpec => {
  const p = parseParamSpec(text);
  if (!p.ok) throw new Error(p.message);
  return p.value;
};

describe('metric paths', () => {
  const doc: Json = {
    bank: { 'h.1': '5', gov: '7' },
    steps: [{ status: 'ok', error_data: { limit: '9', nested: { a: 1 } } }, { status: 'error' }],
    transfers: [{ amount: '3' }, { amount: '4' }],
    vesting: { h1: ['1', '2'] },
  };

  it.each([
    ['bank.gov', '7'],
    ['bank["h.1"]', '5'],
    ['["bank"]["gov"]', '7'],
    ['steps[0].status', 'ok'],
    ['steps[-1].status', 'error'],
    ['steps[-3].status', undefined],
    ['steps[5].status', undefined],
    ['steps.count', 2],
    ['transfers.total', '7'],
    ['transfers[1].amount', '4'],
    ['divergences.total', '0'],
    ['divergences.count', 0],
    ['vesting.h1.count', 2],
    ['vesting.h2.count', 0],
    ['vesting.h1[0]', '1'],
    ['steps[0].error_data.limit', '9'],
    ['steps[0].error_data.nested.a', 1],
    ['steps[1].error_data.limit', undefined],
    ['bank.nobody', undefined],
    ['surplus', undefined],
  ] as const)('%s reads %j', (path, value) => {
    expect(readMetric(doc, metric(path))).toEqual(value);
  });

  it('knows every value the document has, and nothing it has not', () => {
    for (const ok of ['format_version', 'ok', 'rules', 'scenario', 'supply.total', 'epoch.effective', 'epoch.ended[0]', 'epoch.ended.count', 'exclusions.1[0]', 'escrows.1.slots.count', 'summaries.2.h1.claimed', 'violations[0].invariant', 'checks[0].ok', 'steps[0].effects[0].kind', 'steps[0].effects[0].amount', 'steps[0].effects[0].delta']) {
      expect({ ok, parsed: parseMetric(ok).ok }).toEqual({ ok, parsed: true });
    }
    for (const bad of ['steps[0].effects[0].nope', 'supply.nope', 'violations.total', 'epoch.ended.total', 'exclusions.1.x', 'summaries.2.h1', '.bank', 'bank.', 'bank[0]', 'steps[x]', 'steps[1', 'bank["a"', 'bank["a"]x']) {
      expect({ bad, parsed: parseMetric(bad).ok }).toEqual({ bad, parsed: false });
    }
  });
});

describe('param specs', () => {
  it('every value param of the schema can be swept; maps and lists cannot', () => {
    expect(SWEEPABLE_PARAMS).toEqual([
      'token_price',
      'escrow.min_amount',
      'escrow.max_amount',
      'escrow.max_per_epoch',
      'epoch_reward',
      'initial_epoch_reward',
      'genesis_epoch',
      'decay_rate',
      'standard_reward_amount',
      'skipped_payout',
      'work_vesting_period',
      'reward_vesting_period',
      'power_capping',
      'downtime_test',
      'auto_status',
      'validation.false_positive_rate',
      'validation.quick_failure_threshold',
      'validation.bad_participant_invalidation_rate',
      'validation.invalidation_h_threshold',
      'validation.downtime_bad_percentage',
      'validation.downtime_good_percentage',
      'validation.downtime_h_threshold',
      'binom_test_p0',
    ]);
  });

  it.each([
    ['epoch_reward=1 gonka, 2gonka,3_000', ['1000000000', '2000000000', '3000']],
    ['epoch_reward=0.5gonka..1.5gonka:0.5gonka', ['500000000', '1000000000', '1500000000']],
    ['epoch_reward=0..10:4', ['0', '4', '8']],
    ['work_vesting_period=1..3', ['1', '2', '3']],
    ['epoch_reward=7,1..2', ['7', '1', '2']],
    ['validation.false_positive_rate=0.050,0.1', ['0.05', '0.1']],
    ['decay_rate=-0.0004750,0', ['-0.000475', '0']],
    ['binom_test_p0=0.10,0.2', ['0.10', '0.2']],
    ['power_capping=chain,off', ['chain', 'off']],
  ])('%s gives %j', (text, values) => {
    expect(spec(text).values.map((v) => v.text)).toEqual(values);
  });

  it('the grid: the first param slowest, the rulesets fastest, each point with its params', () => {
    const grid = gridPoints(DEFAULT_PARAMS, [spec('skipped_payout=refund,governance'), spec('escrow.max_amount=10gonka,20gonka')], ['deferred', 'immediate']);
    if (!grid.ok) throw new Error(grid.message);
    expect(grid.value.map((p) => [p.index, p.params.skippedPayout, p.params.escrow.maxAmount, p.rules])).toEqual([
      [0, 'refund', 10_000_000_000n, 'deferred'],
      [1, 'refund', 10_000_000_000n, 'immediate'],
      [2, 'refund', 20_000_000_000n, 'deferred'],
      [3, 'refund', 20_000_000_000n, 'immediate'],
      [4, 'governance', 10_000_000_000n, 'deferred'],
      [5, 'governance', 10_000_000_000n, 'immediate'],
      [6, 'governance', 20_000_000_000n, 'deferred'],
      [7, 'governance', 20_000_000_000n, 'immediate'],
    ]);
    // the other params are the base's
    expect(grid.value[0]?.params.escrow.minAmount).toBe(DEFAULT_PARAMS.escrow.minAmount);
  });
});

describe('a point\'s first failure', () => {
  const step = (index: number, problem?: string) => ({ index, line: index + 10, event: 'transfer', problem });
  const violation = (s: number) => ({ step: s, line: s + 10, event: 'settle_escrow', invariant: 'surplus', message: 'bank(inference) − obligations = 1 ngonka, expected 0' });
  const run = (steps: unknown[], violations: unknown[]): RunResult => ({ steps, violations }) as unknown as RunResult;

  it('is the earlier of the first step not as expected and the first invariant broken', () => {
    expect(firstFailure(run([step(1), step(4, 'unexpected error: x')], [violation(3)]))).toEqual({
      step: 3,
      line: 13,
      event: 'settle_escrow',
      message: 'surplus: bank(inference) − obligations = 1 ngonka, expected 0',
    });
    expect(firstFailure(run([step(3, 'unexpected error: x')], [violation(3)]))).toEqual({ step: 3, line: 13, event: 'transfer', message: 'unexpected error: x' });
    expect(firstFailure(run([step(1), step(2)], []))).toBeUndefined();
  });
});

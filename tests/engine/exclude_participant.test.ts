/**
 * exclude_participant (format section 3 and 6a): status INVALID or INACTIVE for the rest of the
 * epoch and an exclusion record for the effective epoch.
 */
import { runScenario } from '../../src/engine/replay/run.js';
import { exclusionsOf } from '../../src/engine/storage/queries.js';
import { runToJson, type Json } from '../../src/engine/replay/json.js';
import { aScenario, Chain, ev, expectSkippedInReplay, GNK, hosts, tr } from '../builders.js';

const spec = { params: { epochReward: 90n }, accounts: { alice: 100n * GNK }, participants: hosts(3) };

describe('exclude_participant', () => {
  test('invalid → INVALID, inactive → INACTIVE; records kept per epoch in the order excluded; no money moves', () => {
    const c = new Chain(spec).run(ev.start());
    const first = c.ok(ev.exclude('h3', 'invalid'));
    expect(first).toEqual({ transfers: [], result: undefined });
    c.ok(ev.exclude('h1', 'inactive'));
    expect(c.p('h3').status).toBe('INVALID');
    expect(c.p('h1').status).toBe('INACTIVE');
    expect(c.p('h2').status).toBe('ACTIVE');
    expect([exclusionsOf(c.state, 1), exclusionsOf(c.state, 2)]).toEqual([['h3', 'h1'], []]);
  });

  test('the record outlives the epoch; the next start makes the member ACTIVE again', () => {
    const c = new Chain(spec).run(ev.start(), ev.exclude('h2'), ev.end(), ev.start(), ev.exclude('h1'));
    expect(c.p('h2').status).toBe('ACTIVE');
    expect([exclusionsOf(c.state, 1), exclusionsOf(c.state, 2)]).toEqual([['h2'], ['h1']]);
    const json = runToJson(
      runScenario(aScenario({ ...spec, items: [ev.start(), ev.exclude('h2'), ev.end(), ev.start(), ev.exclude('h1')] })),
    ) as { readonly [key: string]: Json };
    expect(json.exclusions).toEqual({ 1: ['h2'], 2: ['h1'] });
  });

  test('an excluded member gets no reward (its share goes to governance) and forfeits its owed coins', () => {
    const c = new Chain(spec).run(ev.start(), ev.inference('alice', 'h2', 0n, 5n, { price: 1n }), ev.exclude('h2'));
    const { transfers } = c.ok(ev.end());
    expect(transfers).toEqual([
      tr('(mint)', 'inference', 90n, 'reward_distribution'),
      tr('inference', 'gov', 30n, 'bitcoin_reward_to_governance:epoch=1'),
      tr('inference', 'gov', 5n, 'forfeited_work_coins_to_governance:epoch=1'),
    ]);
    expect(c.summary(1, 'h2')).toMatchObject({ earnedCoins: 0n, rewardedCoins: 0n });
    expect(c.settleOf('h2')).toBeNull();
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 30n });
  });

  test('errors: "participant is not active" (no epoch, non-member, account); excluded twice', () => {
    expect(new Chain(spec).fail(ev.exclude('h1'))).toBe('participant is not active');
    const c = new Chain(spec).run(ev.start(['h1', 'h2']));
    expect(c.fail(ev.exclude('h3'))).toBe('participant is not active');
    expect(c.fail(ev.exclude('alice'))).toBe('participant is not active');
    c.run(ev.exclude('h1', 'inactive'));
    expect(c.fail(ev.exclude('h1', 'invalid'))).toBe('participant h1 already excluded in epoch 1');
    expect(c.p('h1').status).toBe('INACTIVE');
  });

  test('a failed exclusion leaves the state unchanged and the replay goes on from the old state', () => {
    const error = expectSkippedInReplay(
      { ...spec, items: [ev.start(['h1']), ev.exclude('h2'), ev.exclude('h1'), ev.end()] },
      2,
    );
    expect(error).toBe('participant is not active');
  });
});

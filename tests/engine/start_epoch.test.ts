/**
 * start_epoch (format section 3 and 6a): effective epoch N → N+1, the active set of N+1 is fixed
 * in list order with its weights, members become ACTIVE; fails while epoch N is still running.
 */
import { Chain, ev, expectSkippedInReplay, GNK, hosts } from '../builders.js';
import { activeSetOf, endedEpochs } from '../../src/engine/storage/queries.js';

const spec = { participants: hosts(3) };

describe('start_epoch', () => {
  test('genesis: epoch 0, nothing running, every participant ACTIVE, no active set', () => {
    const c = new Chain(spec);
    expect(c.state.effectiveEpoch).toBe(0);
    expect(c.state.epochEnded).toBe(false);
    expect(endedEpochs(c.state)).toEqual([]);
    expect(activeSetOf(c.state, 1)).toBeUndefined();
    for (const h of ['h1', 'h2', 'h3']) expect(c.p(h).status).toBe('ACTIVE');
  });

  test('the first start makes epoch 1 with every participant in list order, and moves no money', () => {
    const c = new Chain(spec);
    const { transfers, result } = c.ok(ev.start());
    expect(transfers).toEqual([]);
    expect(result).toBeUndefined();
    expect(c.state.effectiveEpoch).toBe(1);
    expect(c.state.epochEnded).toBe(false);
    expect(activeSetOf(c.state, 1)).toEqual({
      members: [0, 1, 2],
      weights: [100n, 100n, 100n],
      totalWeight: 300n,
      isMember: [true, true, true],
    });
  });

  test('`active` is kept in list order whatever order it is written in', () => {
    const c = new Chain(spec).run(ev.start(['h3', 'h1']));
    expect(activeSetOf(c.state, 1)).toEqual({
      members: [0, 2],
      weights: [100n, 100n],
      totalWeight: 200n,
      isMember: [true, false, true],
    });
  });

  test('an empty `active` makes an empty set', () => {
    const c = new Chain(spec).run(ev.start([]));
    expect(activeSetOf(c.state, 1)).toEqual({ members: [], weights: [], totalWeight: 0n, isMember: [false, false, false] });
  });

  test('a weight override applies to the new set and lasts until changed, for members and non-members', () => {
    const c = new Chain(spec).run(ev.start(['h1', 'h2'], [['h2', 300n], ['h3', 7n]]));
    expect(activeSetOf(c.state, 1)?.weights).toEqual([100n, 300n]);
    expect(activeSetOf(c.state, 1)?.totalWeight).toBe(400n);
    expect(c.p('h2').weight).toBe(300n);
    expect(c.p('h3').weight).toBe(7n);
    c.run(ev.end(), ev.start());
    expect(activeSetOf(c.state, 2)?.weights).toEqual([100n, 300n, 7n]);
    expect(activeSetOf(c.state, 2)?.totalWeight).toBe(407n);
    c.run(ev.end(), ev.start(undefined, [['h2', 0n]]));
    expect(activeSetOf(c.state, 3)?.weights).toEqual([100n, 0n, 7n]);
    expect(activeSetOf(c.state, 3)?.totalWeight).toBe(107n);
  });

  test('the later of two overrides of one name wins', () => {
    const c = new Chain(spec).run(ev.start(undefined, [['h1', 5n], ['h1', 9n]]));
    expect(activeSetOf(c.state, 1)?.weights).toEqual([9n, 100n, 100n]);
  });

  test('members become ACTIVE again; participants left out keep their status', () => {
    const c = new Chain(spec).run(ev.start(), ev.exclude('h1', 'invalid'), ev.exclude('h2', 'inactive'), ev.end());
    expect(c.p('h1').status).toBe('INVALID');
    expect(c.p('h2').status).toBe('INACTIVE');
    c.ok(ev.start(['h1', 'h3']));
    expect(c.p('h1').status).toBe('ACTIVE');
    expect(c.p('h2').status).toBe('INACTIVE');
    expect(c.p('h3').status).toBe('ACTIVE');
    expect(c.state.effectiveEpoch).toBe(2);
    expect(endedEpochs(c.state)).toEqual([1]);
  });

  test('after end_epoch the next start clears the ended flag and keeps the older sets', () => {
    const c = new Chain(spec).run(ev.start(['h1']), ev.end());
    expect(c.state.epochEnded).toBe(true);
    c.ok(ev.start(['h2']));
    expect(c.state.epochEnded).toBe(false);
    expect(activeSetOf(c.state, 1)?.members).toEqual([0]);
    expect(activeSetOf(c.state, 2)?.members).toEqual([1]);
  });

  test('fails while the running epoch has not ended, and changes nothing (not even a weight override)', () => {
    const c = new Chain(spec).run(ev.start());
    expect(c.fail(ev.start(undefined, [['h1', 5n]]))).toBe('cannot start epoch 2: epoch 1 has not ended');
    expect(c.p('h1').weight).toBe(100n);
    c.run(ev.end(), ev.start(), ev.exclude('h2'));
    expect(c.fail(ev.start())).toBe('cannot start epoch 3: epoch 2 has not ended');
    expect(c.p('h2').status).toBe('INVALID');
  });

  test('in a replay the event after a failed start sees the old state', () => {
    const error = expectSkippedInReplay(
      {
        params: { epochReward: 300n },
        participants: hosts(3),
        items: [ev.start(['h1']), ev.start(undefined, [['h1', 1n]]), ev.end(), ev.start()],
      },
      2,
    );
    expect(error).toBe('cannot start epoch 2: epoch 1 has not ended');
  });

  test('end_epoch shares the reward by the weights fixed in the set, overrides included', () => {
    const c = new Chain({ params: { epochReward: 90n * GNK }, participants: hosts(3) }).run(ev.start(), ev.end());
    expect(c.settleOf('h1')?.rewardCoins).toBe(30n * GNK);
    c.run(ev.start(undefined, [['h1', 400n]]), ev.end());
    // W = 400 + 100 + 100 = 600: 90 × 400 / 600 = 60, 90 × 100 / 600 = 15.
    expect(c.settleOf('h1')?.rewardCoins).toBe(60n * GNK);
    expect(c.settleOf('h2')?.rewardCoins).toBe(15n * GNK);
  });
});

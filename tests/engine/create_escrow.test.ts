/**
 * create_escrow (format section 3 and 6a): locks `amount` from the creator for a devshard of the
 * effective epoch; checks in the chain's order.
 */
import { Chain, escrowParams, ev, expectSkippedInReplay, GNK, hosts, tr } from '../builders.js';
import { escrowsCreatedIn } from '../../src/engine/storage/queries.js';

const spec = { accounts: { alice: 100n * GNK, bob: GNK }, participants: hosts(3) };

describe('create_escrow: success', () => {
  test('locks the amount in `inference` and stores escrow 1 for the effective epoch', () => {
    const c = new Chain(spec).run(ev.start());
    const { transfers, result } = c.ok(ev.create('alice', 7n * GNK, ['h1', 'h1', 'h2']));
    expect(result).toBeUndefined();
    expect(transfers).toEqual([tr('alice', 'inference', 7n * GNK, 'subnet_escrow_lock')]);
    expect(c.bank('alice')).toBe(93n * GNK);
    expect(c.bank('inference')).toBe(7n * GNK);
    expect(c.escrow(1)).toEqual({ id: 1, creator: 'alice', amount: 7n * GNK, epoch: 1, slots: ['h1', 'h1', 'h2'], settled: false });
    expect([escrowsCreatedIn(c.state, 1), escrowsCreatedIn(c.state, 2)]).toEqual([1, 0]);
  });

  test('ids count from 1 across epochs; an explicit id equal to the next one is accepted', () => {
    const c = new Chain(spec).run(ev.start(), ev.create('alice', 5n * GNK, ['h1']));
    c.ok(ev.create('alice', 5n * GNK, ['h2'], 2n));
    c.run(ev.end(), ev.start(), ev.create('alice', 10n * GNK, ['h3'], 3n));
    expect(c.escrow(3)).toMatchObject({ id: 3, epoch: 2, amount: 10n * GNK });
    expect([escrowsCreatedIn(c.state, 1), escrowsCreatedIn(c.state, 2)]).toEqual([2, 1]);
  });

  test('the amount bounds are inclusive: min 5 gonka and max 10 gonka by default', () => {
    const c = new Chain(spec).run(ev.start(), ev.create('alice', 5n * GNK, ['h1']), ev.create('alice', 10n * GNK, ['h1']));
    expect(c.bank('inference')).toBe(15n * GNK);
  });

  test('after end_epoch and before the next start it is allowed, for the epoch already ended', () => {
    const c = new Chain(spec).run(ev.start(), ev.end(), ev.create('alice', 5n * GNK, ['h1']));
    expect(c.escrow(1)?.epoch).toBe(1);
    expect([escrowsCreatedIn(c.state, 1), escrowsCreatedIn(c.state, 2)]).toEqual([1, 0]);
  });

  test('a creator on the allow-list may create; a participant may be a creator', () => {
    const c = new Chain({
      ...spec,
      participants: { h1: { weight: 100n, balance: 6n * GNK } },
      params: { escrow: escrowParams({ allowedCreators: ['h1'] }) },
    }).run(ev.start());
    const { transfers } = c.ok(ev.create('h1', 6n * GNK, ['h1']));
    expect(transfers).toEqual([tr('h1', 'inference', 6n * GNK, 'subnet_escrow_lock')]);
    expect(c.bank('h1')).toBe(0n);
  });

  test('a slot host that is excluded but still in the active set is accepted', () => {
    const c = new Chain(spec).run(ev.start(), ev.exclude('h2'));
    c.ok(ev.create('alice', 5n * GNK, ['h2']));
  });
});

describe('create_escrow: errors, in the order of the format', () => {
  const started = (params = {}): Chain => new Chain({ ...spec, params }).run(ev.start(['h1', 'h2']));

  test('allow-list', () => {
    const c = started({ escrow: escrowParams({ allowedCreators: ['bob'] }) });
    expect(c.fail(ev.create('alice', 5n * GNK, ['h1']))).toBe('address is not allowed to create subnet escrows for subnets');
  });

  test('amount out of [min, max]', () => {
    const c = started();
    expect(c.fail(ev.create('alice', 5n * GNK - 1n, ['h1']))).toBe(
      'escrow amount 4999999999 out of range [5000000000, 10000000000]',
    );
    expect(c.fail(ev.create('alice', 10n * GNK + 1n, ['h1']))).toBe(
      'escrow amount 10000000001 out of range [5000000000, 10000000000]',
    );
  });

  test('escrows per epoch; a failed create does not count, and the count is per epoch', () => {
    const c = started({ escrow: escrowParams({ maxPerEpoch: 2n }) });
    c.run(ev.create('alice', 5n * GNK, ['h1']));
    c.fail(ev.create('bob', 5n * GNK, ['h1']));
    c.run(ev.create('alice', 5n * GNK, ['h1']));
    expect(c.fail(ev.create('alice', 5n * GNK, ['h1']))).toBe('epoch 1 already has 2 escrows (max 2)');
    c.run(ev.end(), ev.start(), ev.create('alice', 5n * GNK, ['h1']));
    expect([escrowsCreatedIn(c.state, 1), escrowsCreatedIn(c.state, 2)]).toEqual([2, 1]);
  });

  test('no epoch has started', () => {
    expect(new Chain(spec).fail(ev.create('alice', 5n * GNK, ['h1']))).toBe('no epoch has started');
  });

  test('no slots', () => {
    expect(started().fail(ev.create('alice', 5n * GNK, []))).toBe('escrow has no slots');
  });

  test('a slot host outside the active set (a non-member participant or an account)', () => {
    const c = started();
    expect(c.fail(ev.create('alice', 5n * GNK, ['h1', 'h3', 'h2']))).toBe('slot host h3 is not in the active set of epoch 1');
    expect(c.fail(ev.create('alice', 5n * GNK, ['alice']))).toBe('slot host alice is not in the active set of epoch 1');
  });

  test('a wrong id', () => {
    const c = started();
    expect(c.fail(ev.create('alice', 5n * GNK, ['h1'], 5n))).toBe('escrow id 5 is not the next id 1');
    c.run(ev.create('alice', 5n * GNK, ['h1']));
    expect(c.fail(ev.create('alice', 5n * GNK, ['h1'], 1n))).toBe('escrow id 1 is not the next id 2');
  });

  test('insufficient funds: "failed to lock funds: …insufficient funds"', () => {
    const error = started().fail(ev.create('bob', 5n * GNK, ['h1']));
    expect(error.startsWith('failed to lock funds:')).toBe(true);
    expect(error).toContain('insufficient funds');
    expect(error).toBe('failed to lock funds: spendable balance 1000000000ngonka is smaller than 5000000000ngonka: insufficient funds');
  });

  test('each check comes before the next', () => {
    const limited = { escrow: escrowParams({ allowedCreators: ['alice'], maxPerEpoch: 1n }) };
    // allow-list before range
    expect(started(limited).fail(ev.create('bob', 1n, []))).toBe('address is not allowed to create subnet escrows for subnets');
    // range before the per-epoch count
    const full = started(limited).run(ev.create('alice', 5n * GNK, ['h1']));
    expect(full.fail(ev.create('alice', 1n, []))).toBe('escrow amount 1 out of range [5000000000, 10000000000]');
    // per-epoch count before "no epoch": at epoch 0 with max 0
    expect(
      new Chain({ ...spec, params: { escrow: escrowParams({ maxPerEpoch: 0n }) } }).fail(ev.create('alice', 5n * GNK, [])),
    ).toBe('epoch 0 already has 0 escrows (max 0)');
    // "no epoch" before "no slots"
    expect(new Chain(spec).fail(ev.create('alice', 5n * GNK, []))).toBe('no epoch has started');
    // slot check before the id
    expect(started().fail(ev.create('bob', 5n * GNK, ['h3'], 9n))).toBe('slot host h3 is not in the active set of epoch 1');
    // id before funds
    expect(started().fail(ev.create('bob', 5n * GNK, ['h1'], 9n))).toBe('escrow id 9 is not the next id 1');
  });

  test('a failed create leaves the state unchanged and the replay goes on from the old state', () => {
    const error = expectSkippedInReplay(
      {
        ...spec,
        items: [ev.start(), ev.create('bob', 5n * GNK, ['h1']), ev.create('alice', 5n * GNK, ['h1'], 1n), ev.end()],
      },
      2,
    );
    expect(error).toBe('failed to lock funds: spendable balance 1000000000ngonka is smaller than 5000000000ngonka: insufficient funds');
  });
});

/**
 * transfer (format section 3): a plain bank send, memo `transfer`, "insufficient funds" when short.
 */
import { MAX_INT64 } from '../../src/domain/money.js';
import { Chain, ev, expectSkippedInReplay, GNK, tr } from '../builders.js';

const spec = {
  accounts: { alice: 10n * GNK, bob: 0n },
  participants: { h1: { weight: 100n, balance: 3n * GNK } },
};

describe('transfer', () => {
  test('moves the amount with memo `transfer`, at any epoch', () => {
    const c = new Chain(spec);
    const { transfers, result } = c.ok(ev.transfer('alice', 'bob', 4n * GNK));
    expect(result).toBeUndefined();
    expect(transfers).toEqual([tr('alice', 'bob', 4n * GNK, 'transfer')]);
    expect(c.bank('alice')).toBe(6n * GNK);
    expect(c.bank('bob')).toBe(4n * GNK);
  });

  test('participants and governance are accounts too; the whole balance may be sent', () => {
    const c = new Chain(spec).run(ev.start());
    expect(c.ok(ev.transfer('h1', 'alice', 3n * GNK)).transfers).toEqual([tr('h1', 'alice', 3n * GNK, 'transfer')]);
    expect(c.ok(ev.transfer('alice', 'gov', 1n)).transfers).toEqual([tr('alice', 'gov', 1n, 'transfer')]);
    expect(c.bank('h1')).toBe(0n);
    expect(c.bank('alice')).toBe(13n * GNK - 1n);
    expect(c.bank('gov')).toBe(1n);
  });

  test('a zero amount moves and records nothing; a send to oneself changes nothing', () => {
    const c = new Chain(spec);
    expect(c.ok(ev.transfer('bob', 'alice', 0n)).transfers).toEqual([]);
    expect(c.ok(ev.transfer('alice', 'alice', 2n * GNK)).transfers).toEqual([tr('alice', 'alice', 2n * GNK, 'transfer')]);
    expect(c.bank('alice')).toBe(10n * GNK);
  });

  test('insufficient funds', () => {
    const c = new Chain(spec);
    expect(c.fail(ev.transfer('alice', 'bob', 10n * GNK + 1n))).toBe(
      'spendable balance 10000000000ngonka is smaller than 10000000001ngonka: insufficient funds',
    );
    expect(c.fail(ev.transfer('bob', 'alice', 1n))).toBe('spendable balance 0ngonka is smaller than 1ngonka: insufficient funds');
  });

  test('a balance would pass MaxInt64', () => {
    const c = new Chain({ accounts: { alice: 10n, bob: MAX_INT64 } });
    expect(c.fail(ev.transfer('alice', 'bob', 1n))).toBe(
      'bank balance of bob would exceed max int64 (9223372036854775808 > 9223372036854775807)',
    );
    c.ok(ev.transfer('bob', 'alice', 1n));
    c.ok(ev.transfer('alice', 'bob', 1n));
    expect(c.bank('bob')).toBe(MAX_INT64);
  });

  test('a failed transfer leaves the state unchanged and the replay goes on from the old state', () => {
    const error = expectSkippedInReplay(
      { ...spec, items: [ev.transfer('bob', 'alice', 1n), ev.transfer('alice', 'bob', 1n), ev.transfer('bob', 'alice', 1n)] },
      1,
    );
    expect(error).toBe('spendable balance 0ngonka is smaller than 1ngonka: insufficient funds');
  });
});

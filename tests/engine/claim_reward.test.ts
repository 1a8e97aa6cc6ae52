/**
 * claim_reward (format section 3.3): a transaction error only for "participant is not active";
 * otherwise the transaction succeeds with a result text, and pays only on success.
 */
import { applyEvent } from '../../src/engine/rules/reducers/index.js';
import { vecGet, vecSet } from '../../src/engine/storage/pvec.js';
import type { ParticipantState } from '../../src/engine/storage/state.js';
import { Chain, ev, expectSkippedInReplay, GNK, hosts, tr } from '../builders.js';

const MISMATCH = "Can't validate claim, current epoch group does not match previous epoch";
const NO_REWARDS = 'No rewards for this address';
const WRONG_EPOCH = 'No rewards for this block height';
const CLAIMED = 'Rewards claimed successfully';

const spec = { params: { epochReward: 1000n * GNK }, accounts: { alice: 100n * GNK }, participants: hosts(2) };
/** Epoch 1 with 300 000 ngonka of work for h1, ended; epoch 2 started. */
const claimable = (): Chain =>
  new Chain(spec).run(ev.start(), ev.inference('alice', 'h1', 100n, 200n), ev.end(), ev.start());

/** A claim whose result is `text`: the transaction succeeds, moves nothing and returns the same state. */
function expectResultOnly(c: Chain, participant: string, epoch: bigint, text: string): void {
  const before = c.state;
  const outcome = applyEvent(before, ev.claim(participant, epoch), c.env);
  expect(outcome).toMatchObject({ ok: true, state: before, transfers: [], result: text });
  if (outcome.ok) expect(outcome.state).toBe(before);
  // and the answer is recorded as the one claim decision, for explanations
  expect(outcome.decisions.map((d) => d.kind)).toEqual(['claim']);
}

describe('claim_reward: success', () => {
  test('pays work then reward with their memos, deletes the settle amount, marks the summary claimed', () => {
    const c = claimable();
    expect(c.settleOf('h1')).toEqual({ epoch: 1, workCoins: 300_000n, rewardCoins: 500n * GNK });
    const { transfers, result } = c.ok(ev.claim('h1', 1n));
    expect(result).toBe(CLAIMED);
    expect(transfers).toEqual([
      tr('inference', 'h1', 300_000n, 'work_coins:h1'),
      tr('inference', 'h1', 500n * GNK, 'reward_coins:h1'),
    ]);
    expect(c.bank('h1')).toBe(500n * GNK + 300_000n);
    expect(c.settleOf('h1')).toBeNull();
    expect(c.summary(1, 'h1')).toEqual({ earnedCoins: 300_000n, rewardedCoins: 500n * GNK, inferenceCount: 1, missedRequests: 0, invalidatedInferences: 0, claimed: true });
    expect(c.summary(1, 'h2')?.claimed).toBe(false);
    expect(c.bank('inference')).toBe(500n * GNK);
  });

  test('a zero part is not transferred (reward only)', () => {
    const c = claimable();
    const { transfers, result } = c.ok(ev.claim('h2', 1n));
    expect(result).toBe(CLAIMED);
    expect(transfers).toEqual([tr('inference', 'h2', 500n * GNK, 'reward_coins:h2')]);
  });

  test('a member of only the previous epoch may claim', () => {
    const c = new Chain(spec).run(ev.start(), ev.end(), ev.start(['h1']));
    expect(c.ok(ev.claim('h2', 1n)).result).toBe(CLAIMED);
    expect(c.bank('h2')).toBe(500n * GNK);
  });
});

describe('claim_reward: result texts (the transaction succeeds and changes nothing)', () => {
  test('too early: the running epoch, or an ended epoch before the next starts', () => {
    const c = new Chain(spec).run(ev.start());
    expectResultOnly(c, 'h1', 1n, MISMATCH);
    c.run(ev.end());
    expectResultOnly(c, 'h1', 1n, MISMATCH);
    expectResultOnly(c, 'h1', 2n, MISMATCH);
  });

  test('too late: after the next switch', () => {
    const c = claimable().run(ev.end(), ev.start());
    expectResultOnly(c, 'h1', 1n, MISMATCH);
  });

  test('twice: "No rewards for this address"', () => {
    const c = claimable().run(ev.claim('h1', 1n));
    expectResultOnly(c, 'h1', 1n, NO_REWARDS);
  });

  test('nothing earned (punished, no work): "No rewards for this address"', () => {
    const c = new Chain(spec).run(ev.start(), ev.end(['h1']), ev.start());
    expectResultOnly(c, 'h1', 1n, NO_REWARDS);
  });

  test('the settle amount is of another epoch: "No rewards for this block height"', () => {
    // h1 earns in epoch 1, sits out epoch 2, is back in epoch 3 and claims epoch 2.
    const c = new Chain(spec).run(ev.start(), ev.end(), ev.start(['h2']), ev.end(), ev.start());
    expect(c.settleOf('h1')?.epoch).toBe(1);
    expectResultOnly(c, 'h1', 2n, WRONG_EPOCH);
  });

  test('a settle amount with total 0: "No rewards for this address"', () => {
    // Not reachable through events (settle amounts are only written when work + reward > 0): set one up directly.
    const c = claimable();
    const p = vecGet(c.state.participants, 0) as ParticipantState;
    c.state = {
      ...c.state,
      participants: vecSet(c.state.participants, 0, { ...p, settle: { epoch: 1, workCoins: 0n, rewardCoins: 0n } }),
    };
    expectResultOnly(c, 'h1', 1n, NO_REWARDS);
  });
});

describe('claim_reward: transaction error', () => {
  test('"participant is not active": in neither the effective nor the previous active set', () => {
    const c = new Chain(spec);
    expect(c.fail(ev.claim('h1', 0n))).toBe('participant is not active'); // epoch 0: no set at all
    c.run(ev.start(['h1']), ev.end());
    expect(c.fail(ev.claim('h2', 1n))).toBe('participant is not active');
    c.run(ev.start(['h1']), ev.end(), ev.start(['h1']));
    expect(c.fail(ev.claim('h2', 2n))).toBe('participant is not active');
  });

  test('"participant is not active" for an account', () => {
    expect(claimable().fail(ev.claim('alice', 1n))).toBe('participant is not active');
  });

  test('the permission check comes before the epoch check', () => {
    const c = new Chain(spec).run(ev.start(['h1']), ev.end(), ev.start(['h1']));
    expect(c.fail(ev.claim('h2', 7n))).toBe('participant is not active');
  });

  test('a failed claim leaves the state unchanged and the replay goes on from the old state', () => {
    const error = expectSkippedInReplay(
      { ...spec, items: [ev.start(['h1']), ev.end(), ev.start(), ev.claim('alice', 1n), ev.claim('h1', 1n)] },
      4,
    );
    expect(error).toBe('participant is not active');
  });
});

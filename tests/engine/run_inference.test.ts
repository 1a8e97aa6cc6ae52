/**
 * run_inference (format section 3 and 6a): escrow (max_tokens + prompt) × price, a finished
 * inference credits min(cost, escrow) to the executor's ledger and refunds the rest, an expired
 * one refunds everything and counts a miss.
 */
import { MAX_INT64 } from '../../src/domain/money.js';
import { Chain, ev, expectSkippedInReplay, GNK, hosts, tr } from '../builders.js';

const spec = { accounts: { alice: 100n * GNK, bob: 1n }, participants: hosts(3) };

describe('run_inference: money', () => {
  test('finished, default price 1000 and max_tokens 5000: escrow 5 100 000, cost 300 000, refund 4 800 000', () => {
    const c = new Chain(spec).run(ev.start());
    const { transfers, result } = c.ok(ev.inference('alice', 'h1', 100n, 200n));
    expect(result).toBeUndefined();
    expect(transfers).toEqual([
      tr('alice', 'inference', 5_100_000n, 'escrow for inferenceId:inf-1'),
      tr('inference', 'alice', 4_800_000n, 'inference_refund:inf-1'),
    ]);
    expect(c.bank('alice')).toBe(100n * GNK - 300_000n);
    expect(c.bank('inference')).toBe(300_000n);
    expect(c.bank('h1')).toBe(0n);
    expect(c.p('h1')).toMatchObject({ coinBalance: 300_000n, earnedCoins: 300_000n, inferenceCount: 1, missedRequests: 0 });
    expect(c.state.inferenceSeq).toBe(1);
  });

  test('automatic ids count the inferences: inf-1, inf-2, …; credits add up', () => {
    const c = new Chain(spec).run(ev.start(), ev.inference('alice', 'h1', 100n, 200n));
    const { transfers } = c.ok(ev.inference('alice', 'h1', 0n, 1n));
    expect(transfers).toEqual([
      tr('alice', 'inference', 5_000_000n, 'escrow for inferenceId:inf-2'),
      tr('inference', 'alice', 4_999_000n, 'inference_refund:inf-2'),
    ]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 301_000n, earnedCoins: 301_000n, inferenceCount: 2 });
  });

  test('explicit price, max_tokens and id', () => {
    const c = new Chain(spec).run(ev.start());
    const { transfers } = c.ok(ev.inference('alice', 'h2', 10n, 20n, { price: 7n, maxTokens: 100n, id: 'job-a' }));
    expect(transfers).toEqual([
      tr('alice', 'inference', 770n, 'escrow for inferenceId:job-a'),
      tr('inference', 'alice', 560n, 'inference_refund:job-a'),
    ]);
    expect(c.p('h2').coinBalance).toBe(210n);
  });

  test('the token_price param is the default price', () => {
    const c = new Chain({ ...spec, params: { tokenPrice: 3n } }).run(ev.start());
    const { transfers } = c.ok(ev.inference('alice', 'h1', 1n, 2n));
    expect(transfers).toEqual([
      tr('alice', 'inference', 15_003n, 'escrow for inferenceId:inf-1'),
      tr('inference', 'alice', 14_994n, 'inference_refund:inf-1'),
    ]);
    expect(c.p('h1').coinBalance).toBe(9n);
  });

  test('cost above the escrow: the executor gets the escrow, nothing is refunded (no zero transfer)', () => {
    const c = new Chain(spec).run(ev.start());
    const { transfers } = c.ok(ev.inference('alice', 'h1', 10n, 6000n));
    expect(transfers).toEqual([tr('alice', 'inference', 5_010_000n, 'escrow for inferenceId:inf-1')]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 5_010_000n, earnedCoins: 5_010_000n, inferenceCount: 1 });
    expect(c.bank('inference')).toBe(5_010_000n);
  });

  test('expired: the whole escrow comes back and the executor gets a miss, no pay', () => {
    const c = new Chain(spec).run(ev.start());
    const { transfers } = c.ok(ev.inference('alice', 'h1', 100n, 200n, { outcome: 'expired' }));
    expect(transfers).toEqual([
      tr('alice', 'inference', 5_100_000n, 'escrow for inferenceId:inf-1'),
      tr('inference', 'alice', 5_100_000n, 'expired_inference:inf-1'),
    ]);
    expect(c.bank('alice')).toBe(100n * GNK);
    expect(c.bank('inference')).toBe(0n);
    expect(c.p('h1')).toMatchObject({ coinBalance: 0n, earnedCoins: 0n, inferenceCount: 0, missedRequests: 1 });
    expect(c.state.inferenceSeq).toBe(1);
  });

  test('price 0 moves nothing but still counts the inference', () => {
    const c = new Chain(spec).run(ev.start());
    const { transfers } = c.ok(ev.inference('bob', 'h1', 10n, 10n, { price: 0n }));
    expect(transfers).toEqual([]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 0n, inferenceCount: 1 });
  });

  test('token counts of exactly 1 000 000 are allowed', () => {
    const c = new Chain(spec).run(ev.start());
    const { transfers } = c.ok(ev.inference('alice', 'h1', 1_000_000n, 1_000_000n, { maxTokens: 1_000_000n, price: 1n }));
    expect(transfers).toEqual([tr('alice', 'inference', 2_000_000n, 'escrow for inferenceId:inf-1')]);
    expect(c.p('h1').coinBalance).toBe(2_000_000n);
  });

  test('a participant may be the requester, and the executor may request its own inference', () => {
    const c = new Chain({ ...spec, participants: { h1: { weight: 100n, balance: GNK }, h2: 100n } }).run(ev.start());
    c.ok(ev.inference('h1', 'h1', 0n, 10n));
    expect(c.bank('h1')).toBe(GNK - 10_000n);
    expect(c.p('h1').coinBalance).toBe(10_000n);
  });

  test('an inference during an ended epoch is credited and becomes work of the next epoch the host is in', () => {
    const c = new Chain({ ...spec, params: { epochReward: 100n } }).run(ev.start(), ev.end());
    c.ok(ev.inference('alice', 'h2', 0n, 7n, { price: 1n }));
    expect(c.p('h2').coinBalance).toBe(7n);
    // Epoch 2 without h2: the credit is not settled, stays owed, no summary, no settle amount.
    c.run(ev.start(['h1']), ev.end());
    expect(c.p('h2').coinBalance).toBe(7n);
    expect(c.p('h2').earnedCoins).toBe(7n);
    expect(c.summary(2, 'h2')).toBeUndefined();
    expect(c.settleOf('h2')).toEqual({ epoch: 1, workCoins: 0n, rewardCoins: 33n });
    expect(c.settleOf('h1')).toEqual({ epoch: 2, workCoins: 0n, rewardCoins: 100n });
    // Epoch 3 with h2: the owed 7 become its work of epoch 3.
    c.run(ev.start(), ev.end());
    expect(c.p('h2').coinBalance).toBe(0n);
    expect(c.summary(3, 'h2')).toMatchObject({ earnedCoins: 7n, rewardedCoins: 33n, inferenceCount: 1 });
    expect(c.settleOf('h2')).toEqual({ epoch: 3, workCoins: 7n, rewardCoins: 33n });
    c.ok(ev.start());
    const { transfers, result } = c.ok(ev.claim('h2', 3n));
    expect(result).toBe('Rewards claimed successfully');
    expect(transfers).toEqual([tr('inference', 'h2', 7n, 'work_coins:h2'), tr('inference', 'h2', 33n, 'reward_coins:h2')]);
  });
});

describe('run_inference: errors, in the order of section 6a', () => {
  const started = (): Chain => new Chain(spec).run(ev.start(['h1', 'h2']));
  const over = 1_000_001n;

  test('executor not in the active set, an account, or no epoch yet: "participant is not active"', () => {
    expect(new Chain(spec).fail(ev.inference('alice', 'h1', 1n, 1n))).toBe('participant is not active');
    const c = started();
    expect(c.fail(ev.inference('alice', 'h3', 1n, 1n))).toBe('participant is not active');
    expect(c.fail(ev.inference('h1', 'alice', 1n, 1n))).toBe('participant is not active');
  });

  test('limits: max_tokens, then prompt, then completion', () => {
    const c = started();
    expect(c.fail(ev.inference('alice', 'h1', 1n, 1n, { maxTokens: over }))).toBe(
      'max_tokens exceeds limit (1000001 > 1000000)',
    );
    expect(c.fail(ev.inference('alice', 'h1', over, 1n))).toBe('prompt_token_count exceeds limit (1000001 > 1000000)');
    expect(c.fail(ev.inference('alice', 'h1', 1n, over))).toBe(
      'completion_token_count exceeds limit (1000001 > 1000000)',
    );
  });

  test('escrow and cost above MaxInt64', () => {
    const c = started();
    // (1e6 + 1e6) × 5e12 = 1e19 > MaxInt64
    expect(c.fail(ev.inference('alice', 'h1', 1_000_000n, 1_000_000n, { maxTokens: 1_000_000n, price: 5_000_000_000_000n }))).toBe(
      'escrow amount out of range',
    );
    // escrow (0 + 0) × 1e13 = 0, cost (0 + 1e6) × 1e13 = 1e19
    expect(c.fail(ev.inference('alice', 'h1', 0n, 1_000_000n, { maxTokens: 0n, price: 10_000_000_000_000n }))).toBe(
      'inference cost out of range',
    );
  });

  test('escrow of exactly MaxInt64 passes the range check and fails on payment', () => {
    const c = started();
    // MaxInt64 = 7² × 73 × 127 × 337 × 92737 × 649657; (max 0 + prompt 7) × price = MaxInt64
    const price = MAX_INT64 / 7n;
    expect(price * 7n).toBe(MAX_INT64);
    expect(c.fail(ev.inference('alice', 'h1', 7n, 0n, { maxTokens: 0n, price }))).toBe('requester cannot pay for inference');
  });

  test('requester cannot pay', () => {
    expect(started().fail(ev.inference('bob', 'h1', 0n, 0n))).toBe('requester cannot pay for inference');
  });

  test('each check comes before the next', () => {
    const c = started();
    expect(c.fail(ev.inference('bob', 'h3', over, over, { maxTokens: over }))).toBe('participant is not active');
    expect(c.fail(ev.inference('bob', 'h1', over, over, { maxTokens: over }))).toBe(
      'max_tokens exceeds limit (1000001 > 1000000)',
    );
    expect(c.fail(ev.inference('bob', 'h1', over, over))).toBe('prompt_token_count exceeds limit (1000001 > 1000000)');
    expect(c.fail(ev.inference('bob', 'h1', 0n, over, { price: 10_000_000_000_000n }))).toBe(
      'completion_token_count exceeds limit (1000001 > 1000000)',
    );
    expect(c.fail(ev.inference('bob', 'h1', 1_000_000n, 1_000_000n, { maxTokens: 1_000_000n, price: 5_000_000_000_000n }))).toBe(
      'escrow amount out of range',
    );
    expect(c.fail(ev.inference('bob', 'h1', 0n, 1_000_000n, { maxTokens: 0n, price: 10_000_000_000_000n }))).toBe(
      'inference cost out of range',
    );
  });

  test('an id already used fails (beyond the contract: the engine keeps ids unique)', () => {
    const c = started().run(ev.inference('alice', 'h1', 1n, 1n, { id: 'job' }), ev.inference('alice', 'h1', 1n, 1n));
    expect(c.fail(ev.inference('alice', 'h1', 1n, 1n, { id: 'job' }))).toBe('inference id job already exists');
    // explicit ids do not use up automatic ones: the second inference was given inf-1
    expect(c.fail(ev.inference('alice', 'h1', 1n, 1n, { id: 'inf-1' }))).toBe('inference id inf-1 already exists');
  });

  test('automatic ids skip an id an explicit inf-<n> has taken, and never fail because of it', () => {
    const c = started().run(ev.inference('alice', 'h1', 1n, 1n, { id: 'inf-2' }));
    const memos = (e: ReturnType<typeof ev.inference>): string => (c.ok(e).transfers[0] as { memo: string }).memo;
    expect(memos(ev.inference('alice', 'h1', 1n, 1n))).toBe('escrow for inferenceId:inf-1');
    expect(memos(ev.inference('alice', 'h1', 1n, 1n))).toBe('escrow for inferenceId:inf-3');
    expect(memos(ev.inference('alice', 'h1', 1n, 1n))).toBe('escrow for inferenceId:inf-4');
    expect(c.state.inferenceSeq).toBe(4);
  });

  test('a failed inference leaves the state unchanged and the replay goes on from the old state', () => {
    const error = expectSkippedInReplay(
      {
        ...spec,
        items: [ev.start(), ev.inference('bob', 'h1', 10n, 10n), ev.inference('alice', 'h1', 10n, 10n), ev.end()],
      },
      2,
    );
    expect(error).toBe('requester cannot pay for inference');
  });
});

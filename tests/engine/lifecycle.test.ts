/**
 * The on-chain inference lifecycle (domain rules 2.2–2.6): start_inference and finish_inference
 * in either order, validate_inference (work sharing), invalidate_inference (refund and executor
 * debt), expire_inference; and run_inference as their shorthand. Exact amounts, the chain's test
 * vectors where it has them, every error text, and that a failed message changes nothing.
 */
import type { ChainEvent } from '../../src/domain/scenario.js';
import { inferenceOf } from '../../src/engine/storage/inferences.js';
import { recount, surplusOf } from '../../src/engine/replay/invariants.js';
import { RULESETS } from '../../src/engine/rules/registry.js';
import type { Decision } from '../../src/engine/trace.js';
import { loadScenario } from '../../src/scenario/load.js';
import { Chain, ev, expectSkippedInReplay, GNK, hosts, tr } from '../builders.js';

const spec = { accounts: { dev: 100n * GNK, poor: 1000n, rich: 100_000n * GNK }, participants: hosts(4) };
const started = (active?: string[]): Chain => new Chain(spec).run(ev.start(active));
const inf = (c: Chain, id: string) => inferenceOf(c.state, id);
const held = (c: Chain): bigint => recount(c.state, c.world).inferenceEscrows;
const decisionsOf = <K extends Decision['kind']>(c: Chain, event: ChainEvent, kind: K): Extract<Decision, { kind: K }>[] => {
  const outcome = c.apply(event);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.decisions.filter((d): d is Extract<Decision, { kind: K }> => d.kind === kind);
};

describe('start_inference first, then finish_inference', () => {
  test('start locks (max_tokens + prompt) × price; the escrow is held by the module as an obligation', () => {
    const c = started();
    const { transfers } = c.ok(ev.startInf('a', 'dev', 'h1', 100n));
    expect(transfers).toEqual([tr('dev', 'inference', 5_100_000n, 'escrow for inferenceId:a')]);
    expect(inf(c, 'a')).toMatchObject({ status: 'STARTED', requester: 'dev', executor: 'h1', escrow: 5_100_000n, maxTokens: 5000n, actualCost: 0n, epoch: 0 });
    expect(held(c)).toBe(5_100_000n);
    expect(c.bank('inference')).toBe(5_100_000n);
    expect(surplusOf(recount(c.state, c.world))).toBe(0n);
    expect(c.p('h1')).toMatchObject({ coinBalance: 0n, inferenceCount: 0 });
  });

  test('finish pays min(cost, escrow) to the ledger and refunds the rest: the same as run_inference', () => {
    const c = started().run(ev.startInf('a', 'dev', 'h1', 100n));
    const { transfers } = c.ok(ev.finishInf('a', 'h1', 200n));
    expect(transfers).toEqual([tr('inference', 'dev', 4_800_000n, 'inference_refund:a')]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 300_000n, earnedCoins: 300_000n, inferenceCount: 1 });
    expect(inf(c, 'a')).toMatchObject({ status: 'FINISHED', escrow: 5_100_000n, actualCost: 300_000n, epoch: 1, completionTokens: 200n });
    expect(held(c)).toBe(0n);
    const shorthand = started().run(ev.inference('dev', 'h1', 100n, 200n, { id: 'a' }));
    expect(shorthand.bank('dev')).toBe(c.bank('dev'));
    expect(shorthand.p('h1')).toEqual(c.p('h1'));
    expect(inf(shorthand, 'a')).toEqual(inf(c, 'a'));
  });

  test('an overrun is not charged: cost above the escrow pays the escrow, nothing is refunded; actual_cost stays raw', () => {
    const c = started().run(ev.startInf('a', 'dev', 'h1', 10n, { maxTokens: 100n, price: 1n }));
    const { transfers } = c.ok(ev.finishInf('a', 'h1', 500n));
    expect(transfers).toEqual([]);
    expect(c.p('h1').coinBalance).toBe(110n);
    // inference_state.go ProcessFinishInference: ActualCost = the raw cost, the payment capped at the escrow
    expect(inf(c, 'a')).toMatchObject({ escrow: 110n, actualCost: 510n });
    const shorthand = started().run(ev.inference('dev', 'h1', 10n, 500n, { id: 'a', maxTokens: 100n, price: 1n }));
    expect(inf(shorthand, 'a')).toMatchObject({ escrow: 110n, actualCost: 510n });
    expect(shorthand.p('h1').coinBalance).toBe(110n);
  });

  test('finish first caps actual_cost at what start pays (setEscrowForFinished)', () => {
    const c = started().run(ev.finishInf('a', 'h1', 500n, 10n), ev.startInf('a', 'dev', 'h1', 10n, { maxTokens: 100n }));
    expect(inf(c, 'a')).toMatchObject({ escrow: 110_000n, actualCost: 110_000n });
  });

  test('a raw actual_cost above the escrow: sharing splits it, invalidation refunds it all and the executor owes the rest', () => {
    // E = 1000 escrowed (prompt 100 + max 900, price 1), C = 1500 (completion 1400): the executor is paid 1000.
    // Another inference's escrow is held in the module too: the refund is paid from the pooled coins.
    const c = started().run(ev.startInf('b', 'rich', 'h3', 0n), ev.startInf('a', 'dev', 'h1', 100n, { maxTokens: 900n, price: 1n }), ev.finishInf('a', 'h1', 1400n, 100n));
    expect(c.p('h1').coinBalance).toBe(1000n);
    // ShareWork([h1], [h2], 1500): h1 750 → −750, h2 +750
    c.ok(ev.validate('a', 'h2'));
    expect([c.p('h1').coinBalance, c.p('h2').coinBalance]).toEqual([250n, 750n]);
    // refundInvalidatedInference: the requester gets the raw 1500 back, the executor alone is debited it
    const dev = c.bank('dev');
    const { transfers } = c.ok(ev.invalidate('a'));
    expect(transfers).toEqual([tr('inference', 'dev', 1500n, 'invalidated_inference:a')]);
    expect(c.bank('dev') - dev).toBe(1500n);
    expect([c.p('h1').coinBalance, c.p('h2').coinBalance]).toEqual([-1250n, 750n]);
    // The module now holds 500 less than the escrows it holds for others and the positive claims:
    // the executor's debt stands for them (the chain's end of epoch forgives what its reward cannot cover).
    expect(held(c)).toBe(5_000_000n);
  });

  test('max_tokens 0 is the chain default 5000; a finish prompt count of 0 keeps the start count', () => {
    const c = started().run(ev.startInf('a', 'dev', 'h1', 7n, { maxTokens: 0n, price: 1n }));
    expect(inf(c, 'a')).toMatchObject({ maxTokens: 5000n, escrow: 5007n });
    c.ok(ev.finishInf('a', 'h1', 3n, 0n));
    expect(inf(c, 'a')).toMatchObject({ promptTokens: 7n, actualCost: 10n });
    // a non-zero finish prompt count replaces it
    c.run(ev.startInf('b', 'dev', 'h1', 7n, { price: 1n }), ev.finishInf('b', 'h1', 3n, 20n));
    expect(inf(c, 'b')).toMatchObject({ promptTokens: 20n, actualCost: 23n });
  });

  test('the executor of an inference started in epoch 1 may finish it in epoch 2 without being in its set', () => {
    const c = new Chain({ ...spec, params: { epochReward: 0n } }).run(ev.start(), ev.startInf('a', 'dev', 'h1', 0n, { price: 1n, maxTokens: 10n }), ev.end());
    c.ok(ev.start(['h2', 'h3']));
    c.ok(ev.finishInf('a', 'h1', 4n));
    expect(c.p('h1').coinBalance).toBe(4n);
    expect(inf(c, 'a')?.epoch).toBe(2);
    // two epochs on, h1 is in neither set: the chain's permission fails
    c.run(ev.startInf('b', 'dev', 'h2', 0n, { price: 1n, maxTokens: 10n }), ev.end(), ev.start(['h2', 'h3']));
    expect(c.fail(ev.finishInf('b', 'h1', 4n))).toBe('participant is not active');
  });
});

describe('finish_inference first, then start_inference', () => {
  test('finish records the inference and moves nothing; start escrows exactly the pay and credits it', () => {
    const c = started();
    expect(c.ok(ev.finishInf('b', 'h2', 200n, 100n)).transfers).toEqual([]);
    expect(inf(c, 'b')).toMatchObject({ status: 'FINISHED', started: false, finished: true, requester: undefined, price: 1000n, escrow: 0n, actualCost: 0n });
    expect(held(c)).toBe(0n);
    expect(c.p('h2')).toMatchObject({ coinBalance: 0n, inferenceCount: 0 });
    const { transfers } = c.ok(ev.startInf('b', 'dev', 'h2', 100n));
    expect(transfers).toEqual([tr('dev', 'inference', 300_000n, 'escrow for inferenceId:b')]);
    expect(c.p('h2')).toMatchObject({ coinBalance: 300_000n, earnedCoins: 300_000n, inferenceCount: 1 });
    expect(inf(c, 'b')).toMatchObject({ status: 'FINISHED', started: true, requester: 'dev', escrow: 300_000n, actualCost: 300_000n, epoch: 1 });
    expect(c.bank('dev')).toBe(100n * GNK - 300_000n);
  });

  test('a finish prompt count of 0 takes the start count; a cost above the escrow formula pays the formula', () => {
    const c = started().run(ev.finishInf('c', 'h2', 200n), ev.startInf('c', 'dev', 'h2', 100n));
    expect(inf(c, 'c')?.actualCost).toBe(300_000n);
    c.run(ev.finishInf('d', 'h3', 6000n, 10n));
    const [d] = decisionsOf(c, ev.startInf('d', 'dev', 'h3', 10n), 'inference_start');
    expect(d).toMatchObject({ mode: 'pay', escrowFormula: 5_010_000n, cost: 6_010_000n, pay: 5_010_000n });
    expect(c.ok(ev.startInf('d', 'dev', 'h3', 10n)).transfers).toEqual([tr('dev', 'inference', 5_010_000n, 'escrow for inferenceId:d')]);
  });

  test('the price is locked by finish (params.token_price); start may repeat it but not change it', () => {
    const c = new Chain({ ...spec, params: { tokenPrice: 3n } }).run(ev.start(), ev.finishInf('b', 'h2', 2n, 1n));
    expect(c.fail(ev.startInf('b', 'dev', 'h2', 1n, { price: 7n }))).toBe('price mismatch: start=7 finish=3');
    expect(c.ok(ev.startInf('b', 'dev', 'h2', 1n, { price: 3n })).transfers).toEqual([tr('dev', 'inference', 9n, 'escrow for inferenceId:b')]);
  });
});

describe('start and finish: errors in the chain order, nothing changed', () => {
  const over = 1_000_001n;

  test('start: the executor must be in the active set of the effective epoch', () => {
    const c = started(['h1', 'h2']);
    expect(c.fail(ev.startInf('a', 'dev', 'h3', 1n))).toBe('participant is not active');
    expect(c.fail(ev.startInf('a', 'h1', 'dev', 1n))).toBe('participant is not active');
    expect(new Chain(spec).fail(ev.startInf('a', 'dev', 'h1', 1n))).toBe('participant is not active');
  });

  test('start: token limits, then an id already start-processed', () => {
    const c = started().run(ev.startInf('a', 'dev', 'h1', 1n), ev.inference('dev', 'h1', 1n, 1n, { id: 'r' }));
    expect(c.fail(ev.startInf('x', 'dev', 'h1', over, { maxTokens: over }))).toBe('max_tokens exceeds limit (1000001 > 1000000)');
    expect(c.fail(ev.startInf('x', 'dev', 'h1', over))).toBe('prompt_token_count exceeds limit (1000001 > 1000000)');
    expect(c.fail(ev.startInf('a', 'dev', 'h1', 1n))).toBe('inference has already start processed');
    expect(c.fail(ev.startInf('r', 'dev', 'h1', 1n))).toBe('inference has already start processed');
  });

  test('start after finish: the executor must be the one finish named', () => {
    const c = started().run(ev.finishInf('b', 'h2', 1n));
    expect(c.fail(ev.startInf('b', 'dev', 'h3', 1n))).toBe('executor mismatch: start.assigned_to=h3 finish.executed_by=h2');
  });

  test('start: escrow out of range, then a requester who cannot pay', () => {
    const c = started();
    expect(c.fail(ev.startInf('a', 'dev', 'h1', 1_000_000n, { maxTokens: 1_000_000n, price: 5_000_000_000_000n }))).toBe('escrow amount out of range');
    expect(c.fail(ev.startInf('a', 'poor', 'h1', 1n))).toBe('requester cannot pay for inference');
  });

  test('finish: permission, token limits, already finished, expired, executor mismatch, cost out of range', () => {
    const c = started(['h1', 'h2', 'h3']).run(ev.startInf('a', 'dev', 'h1', 1n), ev.finishInf('a', 'h1', 1n), ev.startInf('e', 'dev', 'h1', 1n), ev.expire('e'));
    c.run(ev.startInf('s', 'dev', 'h1', 1n));
    expect(c.fail(ev.finishInf('s', 'h4', 1n))).toBe('participant is not active');
    expect(c.fail(ev.finishInf('s', 'h1', 1n, over))).toBe('prompt_token_count exceeds limit (1000001 > 1000000)');
    expect(c.fail(ev.finishInf('s', 'h1', over))).toBe('completion_token_count exceeds limit (1000001 > 1000000)');
    expect(c.fail(ev.finishInf('a', 'h1', 1n))).toBe('inference has already finished processed');
    expect(c.fail(ev.finishInf('e', 'h1', 1n))).toBe('inference has already expired');
    expect(c.fail(ev.finishInf('s', 'h2', 1n))).toBe('executor mismatch: finish.executed_by=h2 start.assigned_to=h1');
    // escrow (1 + 1) × 1e13 fits, cost (1 + 1 000 000) × 1e13 does not
    c.run(ev.startInf('big', 'rich', 'h1', 1n, { maxTokens: 1n, price: 10_000_000_000_000n }));
    expect(c.fail(ev.finishInf('big', 'h1', 1_000_000n))).toBe('inference cost out of range');
  });

  test('a failed start leaves the state unchanged and the replay goes on from the old state', () => {
    const error = expectSkippedInReplay(
      { ...spec, items: [ev.start(), ev.startInf('a', 'poor', 'h1', 10n), ev.startInf('a', 'dev', 'h1', 10n), ev.finishInf('a', 'h1', 5n), ev.end()] },
      2,
    );
    expect(error).toBe('requester cannot pay for inference');
  });
});

describe('expire_inference', () => {
  test('a STARTED inference expires: the whole escrow back, a missed request for the executor', () => {
    const c = started().run(ev.startInf('a', 'dev', 'h1', 100n));
    const { transfers } = c.ok(ev.expire('a'));
    expect(transfers).toEqual([tr('inference', 'dev', 5_100_000n, 'expired_inference:a')]);
    expect(c.bank('dev')).toBe(100n * GNK);
    expect(c.p('h1')).toMatchObject({ missedRequests: 1, inferenceCount: 0, coinBalance: 0n });
    expect(inf(c, 'a')).toMatchObject({ status: 'EXPIRED', actualCost: 0n });
    expect(held(c)).toBe(0n);
  });

  test('only a STARTED inference expires', () => {
    const c = started().run(ev.startInf('a', 'dev', 'h1', 1n), ev.finishInf('a', 'h1', 1n), ev.finishInf('b', 'h1', 1n), ev.startInf('e', 'dev', 'h1', 1n), ev.expire('e'));
    expect(c.fail(ev.expire('zz'))).toBe('inference with id not found');
    expect(c.fail(ev.expire('a'))).toBe('inference a is FINISHED: only a STARTED inference expires');
    expect(c.fail(ev.expire('b'))).toBe('inference b is FINISHED: only a STARTED inference expires');
    expect(c.fail(ev.expire('e'))).toBe('inference e is EXPIRED: only a STARTED inference expires');
  });
});

describe('validate_inference', () => {
  // Executor h1 is owed 100 for inference a (price 1, 50 + 50 tokens).
  const paid = (): Chain => started().run(ev.startInf('a', 'dev', 'h1', 50n, { price: 1n, maxTokens: 100n }), ev.finishInf('a', 'h1', 50n));

  test('passed in the same epoch: the pay is re-split, floor(cost / k) each, the remainder to the executor', () => {
    const c = paid();
    const [first] = decisionsOf(c, ev.validate('a', 'h2'), 'inference_validation');
    expect(first).toMatchObject({ outcome: 'shared', cost: 100n, adjustments: [{ name: 'h1', amount: -50n }, { name: 'h2', amount: 50n }] });
    expect(c.ok(ev.validate('a', 'h2')).transfers).toEqual([]);
    expect([c.p('h1').coinBalance, c.p('h2').coinBalance]).toEqual([50n, 50n]);
    c.ok(ev.validate('a', 'h3'));
    // "Existing and new workers" of the chain's test: 100 among 3 → −66 for the executor, +33 each
    expect([c.p('h1').coinBalance, c.p('h2').coinBalance, c.p('h3').coinBalance]).toEqual([34n, 33n, 33n]);
    // coin_balance only: earned_coins is statistics and stays with the executor
    expect([c.p('h1').earnedCoins, c.p('h2').earnedCoins]).toEqual([100n, 0n]);
    expect(c.p('h1').validatedInferences).toBe(2);
    expect(inf(c, 'a')).toMatchObject({ status: 'VALIDATED', validatedBy: ['h2', 'h3'], validations: ['h2', 'h3'] });
  });

  test('the executor cannot validate, nor can anyone twice; a failed validation is only recorded', () => {
    const c = paid();
    expect(c.fail(ev.validate('a', 'h1'))).toBe('participant cannot validate own inference');
    c.ok(ev.validate('a', 'h2', false));
    expect(inf(c, 'a')).toMatchObject({ status: 'FINISHED', validatedBy: [], validations: ['h2'] });
    expect(c.p('h1')).toMatchObject({ coinBalance: 100n, validatedInferences: 0 });
    expect(c.fail(ev.validate('a', 'h2'))).toBe('duplicate validation');
  });

  test('no sharing once the epoch is settled or over; two epochs on the validation is ignored', () => {
    const c = new Chain({ ...spec, params: { epochReward: 0n } }).run(ev.start(), ev.inference('dev', 'h1', 50n, 50n, { id: 'a', price: 1n, maxTokens: 100n }), ev.end());
    const [settled] = decisionsOf(c, ev.validate('a', 'h2'), 'inference_validation');
    expect(settled?.outcome).toBe('epoch_settled');
    c.ok(ev.validate('a', 'h2'));
    expect(inf(c, 'a')).toMatchObject({ status: 'VALIDATED', validatedBy: [] });
    expect(c.p('h2').coinBalance).toBe(0n);
    c.ok(ev.start());
    const [other] = decisionsOf(c, ev.validate('a', 'h3'), 'inference_validation');
    expect(other?.outcome).toBe('other_epoch');
    c.run(ev.validate('a', 'h3'), ev.end(), ev.start());
    const before = c.state;
    const [late] = decisionsOf(c, ev.validate('a', 'h4'), 'inference_validation');
    expect(late?.outcome).toBe('late');
    c.ok(ev.validate('a', 'h4'));
    expect(inf(c, 'a')?.validations).toEqual(['h2', 'h3']);
    expect(c.state.inferences).toBe(before.inferences);
  });

  test('errors in the chain order', () => {
    const c = started(['h1', 'h2', 'h3']).run(ev.startInf('s', 'dev', 'h1', 1n), ev.inference('dev', 'h1', 1n, 1n, { id: 'a' }), ev.startInf('e', 'dev', 'h1', 1n), ev.expire('e'));
    expect(c.fail(ev.validate('a', 'h4'))).toBe('participant is not active');
    expect(c.fail(ev.validate('zz', 'h2'))).toBe('inference with id not found');
    expect(c.fail(ev.validate('s', 'h2'))).toBe('inference not finished');
    expect(c.fail(ev.validate('e', 'h2'))).toBe('inference not finished');
    c.run(ev.finishInf('f', 'h1', 1n));
    expect(c.fail(ev.validate('f', 'h2'))).toBe('inference not finished');
    // a member of the effective epoch that was not in the inference's epoch
    const d = new Chain({ ...spec, params: { epochReward: 0n } }).run(ev.start(['h1', 'h2']), ev.inference('dev', 'h1', 1n, 1n, { id: 'a' }), ev.end(), ev.start());
    expect(d.fail(ev.validate('a', 'h3'))).toBe('participant not found');
  });

  test('a chain version shares by ShareWork too: four workers end at 25 each of 100, nothing created', () => {
    const c = new Chain(spec, RULESETS['v0.2.12']).run(ev.start(), ev.startInf('a', 'dev', 'h1', 50n, { price: 1n, maxTokens: 100n }), ev.finishInf('a', 'h1', 50n));
    c.run(ev.validate('a', 'h2'), ev.validate('a', 'h3'), ev.validate('a', 'h4'));
    expect([c.p('h1').coinBalance, c.p('h2').coinBalance, c.p('h3').coinBalance, c.p('h4').coinBalance]).toEqual([25n, 25n, 25n, 25n]);
    expect(surplusOf(recount(c.state, c.world))).toBe(0n);
  });
});

describe('invalidate_inference', () => {
  test("the chain's test: coin_balance 1000, actual cost 123 → 877, the requester refunded", () => {
    const c = started().run(
      ev.inference('dev', 'h1', 0n, 877n, { price: 1n, maxTokens: 1000n }),
      ev.startInf('x', 'dev', 'h1', 23n, { price: 1n, maxTokens: 1000n }),
      ev.finishInf('x', 'h1', 100n),
    );
    expect(c.p('h1').coinBalance).toBe(1000n);
    const { transfers } = c.ok(ev.invalidate('x'));
    expect(transfers).toEqual([tr('inference', 'dev', 123n, 'invalidated_inference:x')]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 877n, earnedCoins: 1000n, invalidatedInferences: 1 });
    expect(inf(c, 'x')?.status).toBe('INVALIDATED');
    // idempotent: a second invalidation is a success that changes nothing
    expect(c.ok(ev.invalidate('x')).transfers).toEqual([]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 877n, invalidatedInferences: 1 });
  });

  test("the chain's next-epoch test: balance 2000 unchanged, actual cost 777 not refunded, status only", () => {
    const c = new Chain({ ...spec, params: { epochReward: 0n } }).run(ev.start(), ev.inference('dev', 'h1', 0n, 777n, { id: 'x', price: 1n, maxTokens: 1000n }), ev.end(), ev.start());
    c.ok(ev.inference('dev', 'h1', 0n, 2000n, { price: 1n, maxTokens: 2000n }));
    const [d] = decisionsOf(c, ev.invalidate('x'), 'inference_invalidation');
    expect(d).toMatchObject({ outcome: 'other_epoch', amount: 0n });
    expect(c.ok(ev.invalidate('x')).transfers).toEqual([]);
    expect(c.p('h1')).toMatchObject({ coinBalance: 2000n, invalidatedInferences: 1 });
    expect(inf(c, 'x')?.status).toBe('INVALIDATED');
  });

  test('after sharing, only the executor is debited: it can go negative (debt), validators keep their shares', () => {
    const c = started().run(ev.startInf('a', 'dev', 'h1', 50n, { price: 1n, maxTokens: 100n }), ev.finishInf('a', 'h1', 50n), ev.validate('a', 'h2'));
    const [d] = decisionsOf(c, ev.invalidate('a'), 'inference_invalidation');
    expect(d).toMatchObject({ outcome: 'refunded', amount: 100n, executorBalance: -50n });
    c.ok(ev.invalidate('a'));
    expect([c.p('h1').coinBalance, c.p('h2').coinBalance]).toEqual([-50n, 50n]);
    expect(c.bank('inference')).toBe(0n);
    expect(surplusOf(recount(c.state, c.world))).toBe(0n);
  });

  test('in the window after end_epoch: status only', () => {
    const c = new Chain({ ...spec, params: { epochReward: 0n } }).run(ev.start(), ev.inference('dev', 'h1', 1n, 1n, { id: 'a' }), ev.end());
    expect(c.ok(ev.invalidate('a')).transfers).toEqual([]);
    expect(inf(c, 'a')?.status).toBe('INVALIDATED');
  });

  test('errors: unknown, not finished', () => {
    const c = started().run(ev.startInf('s', 'dev', 'h1', 1n), ev.startInf('e', 'dev', 'h1', 1n), ev.expire('e'), ev.finishInf('f', 'h1', 1n));
    expect(c.fail(ev.invalidate('zz'))).toBe('inference with id not found');
    expect(c.fail(ev.invalidate('s'))).toBe('inference not finished');
    expect(c.fail(ev.invalidate('e'))).toBe('inference not finished');
    expect(c.fail(ev.invalidate('f'))).toBe('inference not finished');
  });

  test('a validation of an invalidated inference changes nothing', () => {
    const c = started().run(ev.inference('dev', 'h1', 1n, 1n, { id: 'a' }), ev.invalidate('a'));
    const before = c.state;
    c.ok(ev.validate('a', 'h2'));
    expect(c.state.inferences).toBe(before.inferences);
    expect(c.p('h2').coinBalance).toBe(0n);
  });
});

describe('ids', () => {
  test('run_inference records its inference; automatic ids skip ids the messages took', () => {
    const c = started().run(ev.startInf('inf-1', 'dev', 'h1', 1n));
    const { transfers } = c.ok(ev.inference('dev', 'h1', 1n, 1n));
    expect(transfers[0]?.memo).toBe('escrow for inferenceId:inf-2');
    expect(inf(c, 'inf-2')).toMatchObject({ status: 'FINISHED', started: true, finished: true, epoch: 1 });
    expect(c.fail(ev.inference('dev', 'h1', 1n, 1n, { id: 'inf-1' }))).toBe('inference id inf-1 already exists');
    c.ok(ev.inference('dev', 'h1', 1n, 1n, { outcome: 'expired' }));
    expect(inf(c, 'inf-3')).toMatchObject({ status: 'EXPIRED', actualCost: 0n });
  });

  test('many ids: each is found again (hash buckets)', () => {
    const c = started();
    for (let i = 0; i < 300; i++) c.ok(ev.inference('dev', 'h1', 0n, 1n, { id: `job-${i}`, maxTokens: 1n, price: 1n }));
    for (let i = 0; i < 300; i++) expect(inf(c, `job-${i}`)?.id).toBe(`job-${i}`);
    expect(inf(c, 'job-300')).toBeUndefined();
  });
});

describe('loading the lifecycle events and the reward-math params', () => {
  const yaml = (body: string): string =>
    ['name: t', 'accounts: { dev: 1 gonka }', 'participants: { h1: { weight: 1 }, h2: { weight: 1 } }', body].join('\n');

  test('fields, defaults and params', () => {
    const loaded = loadScenario(
      yaml(
        [
          'params: { power_capping: chain, downtime_test: chain, binom_test_p0: 0.15 }',
          'events:',
          '  - start_inference: { id: a, requester: dev, executor: h1, prompt_tokens: 10 }',
          '  - finish_inference: { id: a, executor: h1, completion_tokens: 5 }',
          '  - validate_inference: { id: a, validator: h2 }',
          '  - validate_inference: { id: a, validator: h2, passed: false }',
          '  - invalidate_inference: { id: a }',
          '  - expire_inference: { id: 7 }',
          '  - end_epoch',
          '  - end_epoch: { punish: [] }',
          '  - expect: { participants: { h1: { coin_balance: -66 } }, inferences: { a: { status: INVALIDATED, validated_by: [h2] }, b: null } }',
        ].join('\n'),
      ),
      't.yaml',
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const s = loaded.scenario;
    expect(s.params).toMatchObject({ powerCapping: 'chain', downtimeTest: 'chain', binomTestP0: { num: 15n, den: 100n } });
    expect(s.items.map((i) => (i.kind === 'event' ? i.event : i.expect))).toEqual([
      { type: 'start_inference', id: 'a', requester: 'dev', executor: 'h1', promptTokens: 10n, maxTokens: 0n, price: undefined },
      { type: 'finish_inference', id: 'a', executor: 'h1', promptTokens: 0n, completionTokens: 5n },
      { type: 'validate_inference', id: 'a', validator: 'h2', passed: true },
      { type: 'validate_inference', id: 'a', validator: 'h2', passed: false },
      { type: 'invalidate_inference', id: 'a' },
      { type: 'expire_inference', id: '7' },
      { type: 'end_epoch', punish: [] },
      { type: 'end_epoch', punish: [], punishListed: true },
      { participants: [['h1', { coin_balance: -66n }]], inferences: [['a', { status: 'INVALIDATED', validated_by: ['h2'] }], ['b', null]] },
    ]);
  });

  test('mistakes are located with the usual hints', () => {
    const loaded = loadScenario(
      yaml(
        [
          'params: { power_caping: chain, binom_test_p0: -0.7 }',
          'events:',
          '  - start_inferance: { id: a, requester: dev, executor: h1, prompt_tokens: 1 }',
          '  - finish_inference: { id: a, executer: h1, completion_tokens: 1 }',
          '  - validate_inference: { id: a, validator: h3 }',
        ].join('\n'),
      ),
      't.yaml',
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.issues.map((i) => [i.line, i.message, i.hint])).toEqual([
      [4, 'unknown key "power_caping" in params', 'did you mean "power_capping"?'],
      [4, 'params.binom_test_p0 must be a non-negative decimal such as 0.10, found -0.7', undefined],
      [6, 'unknown event "start_inferance"', 'did you mean "start_inference"?'],
      [7, 'missing required field "executor" in finish_inference', undefined],
      [7, 'unknown key "executer" in finish_inference', 'did you mean "executor"?'],
      [8, 'unknown participant "h3"', 'did you mean "h1"?'],
    ]);
  });
});

/**
 * ShareWork (inference-chain/x/inference/calculations/share_work.go, as changed by gonka-ai/gonka
 * #206 167e5385 and unchanged at v0.2.11 bd1fd508, v0.2.12 d8b8e907 and 8a35022b). Expected
 * values are the chain's own tests (calculations/share_work_test.go at those commits); the
 * properties are what the Go code's arithmetic implies, checked against an independent reading of
 * it written here (`goShareWork`, before its final correction step).
 */
import fc from 'fast-check';
import { shareWork, type WorkAdjustment } from '../../src/engine/storage/inferences.js';

const byName = (list: readonly WorkAdjustment[]): WorkAdjustment[] => [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const sum = (list: readonly WorkAdjustment[]): bigint => list.reduce((s, a) => s + a.amount, 0n);

describe('TestShareRewards (share_work_test.go; ElementsMatch, so order-insensitive)', () => {
  const cases: [string, string[], string[], bigint, [string, bigint][]][] = [
    ['no workers', [], [], 100n, []],
    ['no new workers', ['w1', 'w2'], [], 100n, []],
    ['only new workers', [], ['w1', 'w2'], 100n, [['w1', 50n], ['w2', 50n]]],
    ['existing and new workers', ['w1'], ['w2', 'w3'], 100n, [['w1', -66n], ['w2', 33n], ['w3', 33n]]],
    ['one existing, one new', ['w1'], ['w2'], 100n, [['w1', -50n], ['w2', 50n]]],
    [
      'very uneven distribution',
      ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8'],
      ['w9'],
      100n,
      [['w1', -4n], ['w2', -1n], ['w3', -1n], ['w4', -1n], ['w5', -1n], ['w6', -1n], ['w7', -1n], ['w8', -1n], ['w9', 11n]],
    ],
  ];
  test.each(cases)('%s', (_name, existing, joining, cost, expected) => {
    expect(byName(shareWork(existing, joining, cost))).toEqual(byName(expected.map(([name, amount]) => ({ name, amount }))));
  });
});

/** Starts with the executor holding `cost`, adds workers one at a time, applies each adjustment. */
function sequential(cost: bigint, workers: number): bigint[] {
  const names = Array.from({ length: workers }, (_, i) => `worker${i + 1}`);
  const balances = new Map<string, bigint>([['worker1', cost]]);
  for (let k = 1; k < workers; k++) {
    for (const { name, amount } of shareWork(names.slice(0, k), [names[k] as string], cost)) {
      balances.set(name, (balances.get(name) ?? 0n) + amount);
    }
  }
  return names.map((n) => balances.get(n) ?? 0n);
}

describe('TestSequentialWorkShare (share_work_test.go): the balances always sum to the cost', () => {
  test.each([
    ['Real-world scenario', 1_136_000n, 4],
    ['Simple case', 100n, 2],
    ['Large group', 1_000_000n, 10],
    ['Small amount', 7n, 3],
  ] as const)('%s: %d among %d workers', (_name, cost, workers) => {
    const balances = sequential(cost, workers);
    expect(balances.reduce((a, b) => a + b, 0n)).toBe(cost);
    // and each worker ends at the equal split, the remainder with the executor
    const share = cost / BigInt(workers);
    expect(balances).toEqual(balances.map((_, i) => share + (i === 0 ? cost % BigInt(workers) : 0n)));
  });
});

/** The Go function read line by line, without its final correction: [entries, pre-correction sum]. */
function goShareWork(existing: readonly string[], joining: readonly string[], cost: bigint): [WorkAdjustment[], bigint] {
  const t = BigInt(existing.length + joining.length);
  if (t === 0n) return [[], 0n];
  const ns = cost / t;
  const r = cost % t;
  if (existing.length === 0) return [joining.map((name, i) => ({ name, amount: ns + (i === 0 ? r : 0n) })), 0n];
  const os = cost / BigInt(existing.length);
  const orr = cost % BigInt(existing.length);
  const out: WorkAdjustment[] = [];
  let total = 0n;
  existing.forEach((name, i) => {
    const d = os + (i === 0 ? orr : 0n) - (ns + (i === 0 && r > 0n ? r : 0n));
    if (d !== 0n) {
      out.push({ name, amount: -d });
      total += -d;
    }
  });
  for (const name of joining) {
    out.push({ name, amount: ns });
    total += ns;
  }
  return [out, total];
}

const workers = (prefix: string, max: number) => fc.integer({ min: 0, max }).map((n) => Array.from({ length: n }, (_, i) => `${prefix}${i}`));
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

describe('zero-sum, by property', () => {
  test('for a cost ≥ 0 the entries sum to zero before the correction, so the correction never fires', () => {
    fc.assert(
      fc.property(workers('e', 12).filter((e) => e.length > 0), workers('n', 4), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (existing, joining, cost) => {
        const [entries, total] = goShareWork(existing, joining, cost);
        expect(total).toBe(0n);
        expect(shareWork(existing, joining, cost)).toEqual(entries);
      }),
      { numRuns: 2000 },
    );
  });

  test('for any int64 cost the corrected entries sum to zero: the executor always has an entry to correct', () => {
    fc.assert(
      fc.property(workers('e', 12).filter((e) => e.length > 0), workers('n', 4), int64, (existing, joining, cost) => {
        const [entries, total] = goShareWork(existing, joining, cost);
        const out = shareWork(existing, joining, cost);
        expect(sum(out)).toBe(0n);
        if (total !== 0n) expect(entries.some((a) => a.name === existing[0])).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('with no existing worker the joiners are simply credited the cost (the caller always passes the executor)', () => {
    expect(shareWork([], ['a', 'b', 'c'], 7n)).toEqual([
      { name: 'a', amount: 3n },
      { name: 'b', amount: 2n },
      { name: 'c', amount: 2n },
    ]);
  });

  test('a joiner always gets an entry, zero included; an unchanged existing worker gets none', () => {
    expect(shareWork(['a'], ['b'], 0n)).toEqual([{ name: 'b', amount: 0n }]);
    // 2 from 2 to 3 workers: 1/1 → 2/0/0, the executor keeps the new remainder
    expect(shareWork(['a', 'b'], ['c'], 2n)).toEqual([
      { name: 'a', amount: 1n },
      { name: 'b', amount: -1n },
      { name: 'c', amount: 0n },
    ]);
    // 3 from 2 to 3 workers: 2/1 → 1/1/1, b unchanged
    expect(shareWork(['a', 'b'], ['c'], 3n)).toEqual([
      { name: 'a', amount: -1n },
      { name: 'c', amount: 1n },
    ]);
  });
});

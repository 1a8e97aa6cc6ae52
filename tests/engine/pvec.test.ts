/**
 * The persistent vector against a plain array model: reads, writes, removals, growth, the
 * index-order walk, and the diff — by walking the tries and by the write history — which the
 * per-event invariants rely on.
 */
import fc from 'fast-check';
import { emptyVec, sealed, sparseVec, vecDiff, vecForEach, vecGet, vecOf, vecRemove, vecSet, vecSet2, vecSetMany, writtenSince, type PVec } from '../../src/engine/storage/pvec.js';

type Op = { kind: 'set'; index: number; value: number } | { kind: 'remove'; index: number };

const op = (maxIndex: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), index: fc.nat({ max: maxIndex }), value: fc.integer() }),
    fc.record({ kind: fc.constant('remove' as const), index: fc.nat({ max: maxIndex }) }),
  );

function apply(vec: PVec<{ v: number }>, model: ({ v: number } | undefined)[], o: Op): PVec<{ v: number }> {
  if (o.kind === 'set') {
    const value = { v: o.value };
    while (model.length <= o.index) model.push(undefined);
    model[o.index] = value;
    return vecSet(vec, o.index, value);
  }
  if (o.index < model.length) model[o.index] = undefined;
  return vecRemove(vec, o.index);
}

const contents = (vec: PVec<{ v: number }>): [number, { v: number }][] => {
  const out: [number, { v: number }][] = [];
  vecForEach(vec, (value, index) => out.push([index, value]));
  return out;
};

/** The model's diff: every index whose element differs by identity, in index order. */
function modelDiff(a: ({ v: number } | undefined)[], b: ({ v: number } | undefined)[]): [number, unknown, unknown][] {
  const out: [number, unknown, unknown][] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push([i, a[i], b[i]]);
  return out;
}

describe('PVec', () => {
  it('reads, writes, removes and walks like an array, and never changes an older version (property)', () => {
    fc.assert(
      fc.property(fc.array(op(3000), { maxLength: 120 }), (ops) => {
        let vec = emptyVec<{ v: number }>();
        const model: ({ v: number } | undefined)[] = [];
        const versions: [PVec<{ v: number }>, [number, { v: number }][]][] = [];
        for (const o of ops) {
          vec = apply(vec, model, o);
          versions.push([vec, contents(vec)]);
        }
        model.forEach((value, index) => expect(vecGet(vec, index)).toBe(value));
        expect(vecGet(vec, model.length)).toBeUndefined();
        expect(contents(vec)).toEqual(model.flatMap((value, index) => (value === undefined ? [] : [[index, value]])));
        for (const [version, seen] of versions) expect(contents(version)).toEqual(seen);
      }),
      { numRuns: 50 },
    );
  });

  it('diffs two versions the same way by the walk, by the history, and as the model says (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 1100 }),
        fc.array(op(1200), { maxLength: 90 }),
        (initial, ops) => {
          const start = vecOf(initial.map((v) => ({ v })));
          const before = [...initial.map((_, i) => vecGet(start, i))];
          const model = [...before];
          let vec = start;
          // Removing an absent element writes nothing (the vector is returned as it was).
          const writes: number[] = [];
          for (const o of ops) {
            const next = apply(vec, model, o);
            if (next !== vec) writes.push(o.index);
            vec = next;
          }
          const walked: [number, unknown, unknown][] = [];
          vecDiff(start, vec, (i, b, a) => walked.push([i, b, a]));
          expect(walked).toEqual(modelDiff(before, model));
          const written = writtenSince(start, vec);
          // The history links at most 64 writes back; beyond that only the walk can tell.
          if (writes.length <= 64) {
            expect(written).toEqual([...new Set(writes)].sort((x, y) => x - y));
          } else {
            expect(written).toBeNull();
          }
          // Reading just the written indexes (what the invariants do) finds the same changes.
          const byHistory: [number, unknown, unknown][] = [];
          for (const i of written ?? []) {
            const [b, a] = [vecGet(start, i), vecGet(vec, i)];
            if (b !== a) byHistory.push([i, b, a]);
          }
          if (written) expect(byHistory).toEqual(walked);
        },
      ),
    );
  });

  it('writtenSince is null for versions not linked by writes, and sealing drops the history', () => {
    const a = vecOf([1, 2, 3]);
    const b = vecSet(vecSet(a, 1, 20), 5, 60);
    expect(writtenSince(a, b)).toEqual([1, 5]);
    expect(writtenSince(a, a)).toEqual([]);
    expect(writtenSince(b, a)).toBeNull();
    expect(writtenSince(a, vecOf([1, 20, 3]))).toBeNull();
    const s = sealed(b);
    expect(s.parent).toBeNull();
    expect(writtenSince(a, s)).toBeNull();
    expect(contents(s as unknown as PVec<{ v: number }>)).toEqual(contents(b as unknown as PVec<{ v: number }>));
    expect(sealed(s)).toBe(s);
    // A vector stored inside a vector is stored sealed.
    const outer = vecSet(emptyVec<PVec<number>>(), 0, b);
    expect(vecGet(outer, 0)?.parent).toBeNull();
  });

  it('a sparse vector holds nothing until written, and rejects indexes past 2^30', () => {
    const v = sparseVec<number>(40_000);
    expect(v.size).toBe(40_000);
    expect(vecGet(v, 39_999)).toBeUndefined();
    expect(vecGet(vecSet(v, 39_999, 7), 39_999)).toBe(7);
    expect(() => vecSet(v, 2 ** 30, 1)).toThrow('vector index 1073741824 out of range');
    expect(() => vecSet(v, -1, 1)).toThrow('vector index -1 out of range');
  });
});

describe('vecSet2', () => {
  it('equals two vecSets, keeps the vector it came from, and its history lists both indexes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 1200 }), fc.nat({ max: 40_000 }), fc.nat({ max: 40_000 }), fc.integer(), fc.integer(), (initial, i, j, a, b) => {
        const start = vecOf(initial);
        const two = vecSet2(start, i, a, j, b);
        const oneByOne = vecSet(vecSet(start, i, a), j, b);
        const all = (v: PVec<number>): [number, number][] => {
          const out: [number, number][] = [];
          vecForEach(v, (x, k) => out.push([k, x]));
          return out;
        };
        expect(two.size).toBe(oneByOne.size);
        expect(all(two)).toEqual(all(oneByOne));
        expect(writtenSince(start, two)).toEqual([...new Set([i, j])].sort((x, y) => x - y));
        initial.forEach((v, k) => expect(vecGet(start, k)).toBe(v));
      }),
    );
  });

  it('copies the nodes above both indexes once', () => {
    const v = vecOf(Array.from({ length: 2000 }, (_, k) => k));
    const two = vecSet2(v, 5, -5, 900, -900);
    expect(two.root[1]).toBe(v.root[1]);
    expect([vecGet(two, 5), vecGet(two, 900), vecGet(two, 6)]).toEqual([-5, -900, 6]);
    expect(() => vecSet2(v, 1, 0, -1, 0)).toThrow('vector index -1 out of range');
  });
});

describe('vecSetMany', () => {
  const all = (v: PVec<number>): [number, number][] => {
    const out: [number, number][] = [];
    vecForEach(v, (x, k) => out.push([k, x]));
    return out;
  };

  it('equals the vecSets one by one (undefined skipped, a repeated index last wins), keeps the vector it came from, and its history lists every index (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 1200 }),
        fc.array(fc.record({ index: fc.nat({ max: 40_000 }), value: fc.option(fc.integer(), { nil: undefined }) }), { maxLength: 12 }),
        (initial, writes) => {
          const start = vecOf(initial);
          const indexes = writes.map((w) => w.index);
          const values = writes.map((w) => w.value);
          const many = vecSetMany(start, indexes, values);
          let oneByOne = start;
          for (const w of writes) if (w.value !== undefined) oneByOne = vecSet(oneByOne, w.index, w.value);
          expect(many.size).toBe(oneByOne.size);
          expect(all(many)).toEqual(all(oneByOne));
          const written = [...new Set(writes.filter((w) => w.value !== undefined).map((w) => w.index))].sort((x, y) => x - y);
          if (written.length === 0) expect(many).toBe(start);
          else expect(writtenSince(start, many)).toEqual(written);
          initial.forEach((v, k) => expect(vecGet(start, k)).toBe(v));
          expect(all(oneByOne)).toEqual(all(many));
        },
      ),
    );
  });

  it('copies each node on the written paths once and shares the rest', () => {
    const v = vecOf(Array.from({ length: 2000 }, (_, k) => k));
    const many = vecSetMany(v, [5, 7, 900, 1500], [-5, -7, -900, -1500]);
    expect(many.root[1]).not.toBe(v.root[1]);
    expect((many.root[0] as PNodeOf)[1]).toBe((v.root[0] as PNodeOf)[1]);
    expect([vecGet(many, 5), vecGet(many, 7), vecGet(many, 900), vecGet(many, 1500), vecGet(many, 6)]).toEqual([-5, -7, -900, -1500, 6]);
    expect([vecGet(v, 5), vecGet(v, 1500)]).toEqual([5, 1500]);
    expect(() => vecSetMany(v, [1, -1], [0, 0])).toThrow('vector index -1 out of range');
  });

  it('seals a vector it stores, as vecSet does', () => {
    const inner = vecSet(vecOf([1, 2]), 0, 9);
    const outer = vecSetMany(emptyVec<PVec<number>>(), [0, 3], [inner, inner]);
    expect(writtenSince(vecOf([1, 2]), vecGet(outer, 3) as PVec<number>)).toBeNull();
    expect(all(vecGet(outer, 0) as PVec<number>)).toEqual([[0, 9], [1, 2]]);
  });
});

type PNodeOf = readonly unknown[];

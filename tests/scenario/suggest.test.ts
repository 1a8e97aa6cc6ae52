import fc from 'fast-check';
import { closest, didYouMean, editDistance } from '../../src/scenario/suggest.js';

describe('editDistance', () => {
  test.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['fees', 'fees', 0],
    ['fess', 'fees', 1],
    ['fees', 'fee', 1],
    ['h9', 'h1', 1],
    ['sttle_escrow', 'settle_escrow', 1],
    ['kitten', 'sitting', 3],
  ])('%j → %j is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closest', () => {
  test('suggests within 2 edits, and the nearest first', () => {
    expect(closest('fess', ['fees', 'hosts'])).toBe('fees');
    expect(closest('stat_epoch', ['end_epoch', 'start_epoch'])).toBe('start_epoch');
  });

  test('allows more than 2 edits only up to a third of the input length', () => {
    expect(editDistance('settle_esc', 'settle_escrow')).toBe(3);
    expect(closest('settle_esc', ['settle_escrow'])).toBe('settle_escrow'); // 10 characters: 3 allowed
    expect(editDistance('end_ep', 'end_epoch')).toBe(3);
    expect(closest('end_ep', ['end_epoch'])).toBeUndefined(); // 6 characters: 2 allowed
  });

  test('does not turn a short word into an unrelated one', () => {
    expect(closest('bob', ['gov', 'h1'])).toBeUndefined();
    expect(closest('x', ['h1'])).toBeUndefined();
  });

  test('breaks ties by candidate order', () => {
    expect(closest('h3', ['h1', 'h2'])).toBe('h1');
    expect(closest('h3', ['h2', 'h1'])).toBe('h2');
  });

  test('didYouMean quotes the suggestion, or gives nothing', () => {
    expect(didYouMean('defered', ['deferred', 'immediate'])).toBe('did you mean "deferred"?');
    expect(didYouMean('zzz', ['deferred', 'immediate'])).toBeUndefined();
  });
});

describe('closest, bounded', () => {
  /** The plain rule, written out: every candidate's full distance. */
  function reference(input: string, candidates: readonly string[]): string | undefined {
    const limit = Math.max(2, Math.floor(input.length / 3));
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
      const d = editDistance(input, candidate);
      if (d > limit || 2 * d > Math.max(input.length, candidate.length)) continue;
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  test('gives what the plain rule gives, on generated words', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', '_'), minLength: 0, maxLength: 14 });
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 12 }), (input, candidates) => {
        expect(closest(input, candidates)).toBe(reference(input, candidates));
        expect(closest(input, candidates, { steps: 1e9 })).toBe(reference(input, candidates));
      }),
      { numRuns: Number(process.env.SUGGEST_RUNS ?? 3000), seed: Number(process.env.SUGGEST_SEED ?? 12) },
    );
  });

  test('gives nothing for a very long input, and nothing once the budget is spent', () => {
    expect(closest('a'.repeat(65), ['a'.repeat(64)])).toBeUndefined();
    expect(closest('a'.repeat(64), ['a'.repeat(63)])).toBe('a'.repeat(63));
    const budget = { steps: 5 };
    expect(closest('h3', ['x', 'y', 'z', 'w', 'v', 'h1'], budget)).toBeUndefined();
    expect(budget.steps).toBeLessThan(0);
    expect(closest('h3', ['h1'], budget)).toBeUndefined();
  });

  test('2 000 unknown names against 100 000 declared ones take a bounded number of steps', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `p${String(i).padStart(6, '0')}`);
    const budget = { steps: 3_000_000 };
    let suggested = 0;
    for (let i = 0; i < 2000; i++) if (closest(`q${String(i).padStart(6, '0')}`, names, budget) !== undefined) suggested++;
    // the first ones get their suggestion (p000000 for q000000 …), then the budget is spent
    expect(closest('q000000', names)).toBe('p000000');
    expect(suggested).toBeGreaterThan(0);
    expect(suggested).toBeLessThan(2000);
    expect(budget.steps).toBeLessThan(0);
  });
});

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

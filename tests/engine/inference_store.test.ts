/**
 * The inference store's buckets (storage/inferences.ts): an id spelt `inf-<digits>` goes to the
 * bucket of its number modulo 2^15, so consecutive automatic ids share a trie leaf; any other id
 * is hashed (FNV-1a). Ids that share a bucket stay distinct records.
 */
import { bucketOf, inferenceOf } from '../../src/engine/storage/inferences.js';
import { INFERENCE_BUCKETS } from '../../src/engine/storage/state.js';
import { Chain, ev, GNK, hosts } from '../builders.js';

/** FNV-1a over UTF-16 code units, in bigints, as a reference independent of the store's. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x01000193n) % 2n ** 32n;
  return Number(h % BigInt(INFERENCE_BUCKETS));
}

describe('bucketOf', () => {
  test('inf-<digits>: the number modulo 2^15, leading zeros and long numbers included', () => {
    expect(INFERENCE_BUCKETS).toBe(32_768);
    expect(['inf-0', 'inf-1', 'inf-31', 'inf-32767', 'inf-32768', 'inf-32769', 'inf-007'].map(bucketOf)).toEqual([0, 1, 31, 32_767, 0, 1, 7]);
    expect(bucketOf('inf-123456789012345678901234567890')).toBe(Number(123456789012345678901234567890n % 32_768n));
  });

  test('32 consecutive automatic ids fill the buckets of one trie leaf', () => {
    const leaves = new Set(Array.from({ length: 32 }, (_, k) => bucketOf(`inf-${32 + k}`) >> 5));
    expect([...leaves]).toEqual([1]);
  });

  test('any other id is hashed', () => {
    for (const id of ['inf-', 'inf-1x', 'inf--1', 'Inf-1', 'job-1', 'x', '']) expect(bucketOf(id)).toBe(fnv1a(id));
  });
});

describe('ids that share a bucket', () => {
  test('inf-1, inf-32769 and inf-0001 are three inferences, each found by its own id', () => {
    const c = new Chain({ accounts: { alice: 100n * GNK }, participants: hosts(2) }).run(
      ev.start(['h1', 'h2']),
      ev.inference('alice', 'h1', 1n, 1n, { id: 'inf-32769' }),
      ev.inference('alice', 'h2', 2n, 2n, { id: 'inf-0001' }),
      ev.inference('alice', 'h1', 3n, 3n),
    );
    expect([bucketOf('inf-1'), bucketOf('inf-32769'), bucketOf('inf-0001')]).toEqual([1, 1, 1]);
    const found = ['inf-32769', 'inf-0001', 'inf-1'].map((id) => {
      const r = inferenceOf(c.state, id);
      return [r?.id, r?.executor, r?.promptTokens];
    });
    expect(found).toEqual([
      ['inf-32769', 'h1', 1n],
      ['inf-0001', 'h2', 2n],
      ['inf-1', 'h1', 3n],
    ]);
    expect(inferenceOf(c.state, 'inf-65537')).toBeUndefined();
  });
});

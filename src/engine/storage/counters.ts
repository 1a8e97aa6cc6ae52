/**
 * Statistics counters (inference_count, missed_requests, …) are JS numbers: they grow by at most
 * a uint32 per event, so they cannot pass 2^53 in any replay — but the sum is still checked so
 * that nothing is ever silently rounded.
 */
import { txError } from '../errors.js';

export function addCount(a: number, b: number, field: string, owner: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw txError('COUNTER_OVERFLOW', { field, owner }, `${field} overflow for ${owner}`);
  return sum;
}

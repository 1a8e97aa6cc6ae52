/**
 * A worker thread of `epochsim sweep --workers W`: replays its share of the grid's points and
 * posts their results in batches (structured clone keeps the bigints of the params); it stops
 * between points when the main thread sets `stop` (Ctrl-C). Loaded from dist/ only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '../domain/scenario.js';
import type { Metric } from '../sweep/metric.js';
import { runPoint, type Point, type PointResult } from '../sweep/sweep.js';

export interface SweepJob {
  /** Without its checkpoints (withoutCheckpoints). */
  readonly scenario: Scenario;
  readonly points: readonly Point[];
  readonly metrics: readonly Metric[];
  /** Set to 1 (Atomics) by the main thread to stop after the current point. */
  readonly stop: SharedArrayBuffer;
}

export type SweepMessage = { readonly type: 'results'; readonly results: readonly (readonly [number, PointResult])[] } | { readonly type: 'done' };

/** Points a batch holds at most; a batch also goes when 50 ms have passed. */
const BATCH = 64;

const job = workerData as SweepJob;
const port = parentPort;
if (port !== null) {
  const stop = new Int32Array(job.stop);
  let batch: [number, PointResult][] = [];
  let sent = performance.now();
  for (const point of job.points) {
    if (Atomics.load(stop, 0) !== 0) break;
    batch.push([point.index, runPoint(job.scenario, point, job.metrics)]);
    if (batch.length >= BATCH || performance.now() - sent > 50) {
      port.postMessage({ type: 'results', results: batch } satisfies SweepMessage);
      batch = [];
      sent = performance.now();
    }
  }
  if (batch.length > 0) port.postMessage({ type: 'results', results: batch } satisfies SweepMessage);
  port.postMessage({ type: 'done' } satisfies SweepMessage);
}

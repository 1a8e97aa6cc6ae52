/**
 * A worker thread of `epochsim fuzz --workers W`: runs one sub-shard of the campaign and posts
 * progress, each failure as it is shrunk, and its result (structured clone keeps Maps and
 * bigints); it stops between runs when the main thread sets `stop`. Loaded from dist/ only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RuleName } from '../domain/scenario.js';
import { RULESETS } from '../engine/rules/registry.js';
import { Campaign, type CampaignResult, type FoundFailure, type Shard } from '../fuzz/campaign.js';

export interface WorkerJob {
  readonly seed: number;
  readonly runs: number;
  readonly steps: number;
  readonly participants: number;
  readonly rules: readonly RuleName[];
  readonly strict: boolean;
  readonly shard: Shard;
  /** Set to 1 (Atomics) by the main thread to stop after the current run (Ctrl-C). */
  readonly stop: SharedArrayBuffer;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly failed: number }
  | { readonly type: 'found'; readonly found: FoundFailure }
  | { readonly type: 'done'; readonly result: CampaignResult };

const job = workerData as WorkerJob;
const port = parentPort;
if (port !== null) {
  const stop = new Int32Array(job.stop);
  const campaign = new Campaign({
    ...job,
    rulesets: job.rules.map((n) => RULESETS[n]),
    onRun: (done, failed) => {
      if (done % 25 === 0) port.postMessage({ type: 'progress', done, failed } satisfies WorkerMessage);
    },
    // each failure as soon as it is shrunk, so the main thread writes it at once
    onFound: (found) => port.postMessage({ type: 'found', found } satisfies WorkerMessage),
  });
  while (!campaign.done && Atomics.load(stop, 0) === 0) campaign.step();
  port.postMessage({ type: 'done', result: campaign.result() } satisfies WorkerMessage);
}

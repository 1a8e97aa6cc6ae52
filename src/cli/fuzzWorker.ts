/**
 * A worker thread of `epochsim fuzz --workers W`: runs one sub-shard of the campaign and posts
 * progress and its result (structured clone keeps Maps and bigints). Loaded from dist/ only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RuleName } from '../domain/scenario.js';
import { RULESETS } from '../engine/rules.js';
import { runCampaign, type Shard } from '../fuzz/campaign.js';

export interface WorkerJob {
  readonly seed: number;
  readonly runs: number;
  readonly steps: number;
  readonly participants: number;
  readonly rules: readonly RuleName[];
  readonly strict: boolean;
  readonly shard: Shard;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly failed: number }
  | { readonly type: 'done'; readonly result: ReturnType<typeof runCampaign> };

const job = workerData as WorkerJob;
const port = parentPort;
if (port !== null) {
  const result = runCampaign({
    ...job,
    rulesets: job.rules.map((n) => RULESETS[n]),
    onRun: (done, failed) => {
      if (done % 25 === 0) port.postMessage({ type: 'progress', done, failed } satisfies WorkerMessage);
    },
  });
  port.postMessage({ type: 'done', result } satisfies WorkerMessage);
}

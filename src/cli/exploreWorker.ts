/**
 * A worker thread of `epochsim explore --workers W`: builds the search's Expander once and
 * expands the chunks of the frontier the main thread sends, answering each with its result
 * (typed arrays transferred, not copied). The main thread merges the results in order, so the
 * outcome is the one-thread outcome. Loaded from dist/ only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RuleName } from '../domain/scenario.js';
import { RULESETS } from '../engine/rules/registry.js';
import { Expander, type ChunkJob, type ChunkResult, type SearchSpec } from '../explore/search.js';

/** The search, with its rulesets by name (a Ruleset holds functions: it cannot be posted). */
export interface ExploreWorkerData {
  readonly spec: Omit<SearchSpec, 'rulesets'> & { readonly rulesets?: undefined };
  readonly rules: readonly RuleName[];
}

export type ExploreWorkerMessage = { readonly type: 'result'; readonly result: ChunkResult } | { readonly type: 'error'; readonly message: string };

const data = workerData as ExploreWorkerData;
const port = parentPort;
if (port !== null) {
  const expander = new Expander({ ...data.spec, rulesets: data.rules.map((n) => RULESETS[n]) });
  port.on('message', (job: ChunkJob) => {
    try {
      const result = expander.expand(job);
      const transfer = [result.transitions.buffer, result.failed.buffer, result.successors.buffer];
      if (result.keys instanceof Uint32Array) transfer.push(result.keys.buffer);
      port.postMessage({ type: 'result', result } satisfies ExploreWorkerMessage, transfer as ArrayBuffer[]);
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ExploreWorkerMessage);
    }
  });
}

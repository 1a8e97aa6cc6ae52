/**
 * A worker thread of `epochsim explore --workers W`: for each search, builds its Expander, then
 * expands the chunks of the frontier the main thread sends, answering each with its result
 * (typed arrays transferred, not copied). The main thread merges the results in order, so the
 * outcome is the one-thread outcome. One pool serves every search of a command (started once,
 * its code warm). Loaded from dist/ only.
 */
import { parentPort } from 'node:worker_threads';
import type { RuleName } from '../domain/scenario.js';
import { RULESETS } from '../engine/rules/registry.js';
import { Expander, type ChunkJob, type ChunkResult, type SearchSpec } from '../explore/search.js';

/** The search, with its rulesets by name (a Ruleset holds functions: it cannot be posted). */
export interface ExploreWorkerData {
  readonly spec: Omit<SearchSpec, 'rulesets'> & { readonly rulesets?: undefined };
  readonly rules: readonly RuleName[];
}

/** To a worker: a new search (its chunks follow), or a chunk of the current one. */
export type ExploreWorkerRequest = { readonly type: 'search'; readonly data: ExploreWorkerData } | { readonly type: 'chunk'; readonly job: ChunkJob };

export type ExploreWorkerMessage = { readonly type: 'result'; readonly result: ChunkResult } | { readonly type: 'error'; readonly message: string };

const port = parentPort;
if (port !== null) {
  let expander: Expander | undefined;
  port.on('message', (m: ExploreWorkerRequest) => {
    try {
      if (m.type === 'search') {
        expander = new Expander({ ...m.data.spec, rulesets: m.data.rules.map((n) => RULESETS[n]) });
        return;
      }
      if (expander === undefined) throw new Error('a chunk before its search');
      const result = expander.expand(m.job);
      const transfer = [result.transitions.buffer, result.failed.buffer, result.successors.buffer];
      if (result.keys instanceof Uint32Array) transfer.push(result.keys.buffer);
      port.postMessage({ type: 'result', result } satisfies ExploreWorkerMessage, transfer as ArrayBuffer[]);
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ExploreWorkerMessage);
    }
  });
}

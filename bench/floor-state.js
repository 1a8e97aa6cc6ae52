/**
 * The memory floor of a replay (issue 15), run by the bench in a fresh process: the bench
 * workload of N events, generated lazily (never held whole), replayed through the library with
 * no per-step history (`keepTrace: false`). Its peak memory is the chain state's own (escrows
 * and inferences stay in the state) plus the process; `run --json` in bounded memory should grow
 * with the length no faster than this.
 *
 *   node bench/floor-state.js N
 */
const { runScenario } = await import('../dist/index.js');
const { makeScenario } = await import('./workload.js');

const events = Number(process.argv[2]);
const { scenario } = makeScenario({ participants: 1_000, events, stream: true });
const result = runScenario(scenario, { rules: 'deferred', keepTrace: false });
if (!result.ok) throw new Error('bench: the state floor replay is not ok');

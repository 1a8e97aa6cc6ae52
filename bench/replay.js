/**
 * Section 1b of the bench alone (issue 15): the replay against its floor, deferred and
 * immediate, on the same workload and with the same interleaving as `npm run bench`, in a
 * minute rather than the bench's several.
 *
 *   npm run build && node --expose-gc bench/replay.js [RUNS]     (RUNS: default 7)
 */
const lib = await import('../dist/index.js');
const { makeScenario } = await import('./workload.js');
const { replayFloorSection } = await import('./ratios.js');

const runs = Number(process.argv[2] ?? 7);
replayFloorSection({ lib, makeScenario, participants: 1_000, events: 100_000, runs });

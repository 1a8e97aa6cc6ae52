/**
 * Sections 1b and 3b of the bench alone (issue 15): the replay against its floor, deferred and
 * immediate, and the per-event cost's growth from 100 to 10 000 participants against the floor's,
 * on the same workloads and with the same interleaving as `npm run bench`, in a minute or two
 * rather than the bench's several.
 *
 *   npm run build && node --expose-gc bench/replay.js [RUNS]     (RUNS: default 9)
 */
const lib = await import('../dist/index.js');
const { inferenceOf } = await import('../dist/engine/storage/inferences.js');
const { makeScenario } = await import('./workload.js');
const { participantGrowthSection, printVerdicts, replayFloorSection } = await import('./ratios.js');

const runs = Number(process.argv[2] ?? 9);
replayFloorSection({ lib, inferenceOf, makeScenario, participants: 1_000, events: 100_000, runs });
participantGrowthSection({ small: 100, large: 10_000, events: 50_000, runs, rounds: 3 });
printVerdicts();

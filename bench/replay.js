/**
 * Sections 1b and 3b of the bench alone (issue 15): the replay against its floor, deferred and
 * immediate, and the per-event cost's growth from 100 to 10 000 participants against the floor's,
 * on the same workloads and with the same fresh processes and interleaving as `npm run bench`,
 * in about two minutes rather than the bench's several.
 *
 *   npm run build && node bench/replay.js [RUNS] [ROUNDS]     (defaults 7 and 5)
 */
const { participantGrowthSection, printVerdicts, replayFloorSection } = await import('./ratios.js');

const runs = Number(process.argv[2] ?? 7);
const rounds = Number(process.argv[3] ?? 5);
replayFloorSection({ participants: 1_000, events: 100_000, runs, rounds });
participantGrowthSection({ small: 100, large: 10_000, events: 50_000, runs, rounds: 3 });
printVerdicts();

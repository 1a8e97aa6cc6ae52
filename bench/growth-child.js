/**
 * One size of the bench's participant-growth section (issue 15, ratios.js), in a process of its
 * own: at P participants, the one-epoch workload replayed by epochsim and by the state floor,
 * interleaved after two warm-ups, the median milliseconds of each printed as JSON. A process per
 * size, because a process that has replayed a 10 000-participant state runs the 100-participant
 * one up to twice as slowly (a bigger heap, inline caches that have seen both): the sizes would
 * not be measured alike.
 *
 *   node --expose-gc bench/growth-child.js P EVENTS RUNS
 */
const lib = await import('../dist/index.js');
const { inferenceOf } = await import('../dist/engine/storage/inferences.js');
const { makeScenario } = await import('./workload.js');
const { compareStateWithEngine, floorReplayState, floorWorkload, interleave } = await import('./floors.js');

const [participants, events, runs] = process.argv.slice(2).map(Number);
const scenario = floorWorkload(makeScenario, participants, events);
const engine = () => lib.runScenario(scenario, { rules: 'deferred', keepTrace: false });
const floor = () => floorReplayState(scenario, 'deferred');
const diffs = compareStateWithEngine(floor(), engine(), lib, inferenceOf);
const [e, f] = interleave([engine, floor], runs);
console.log(JSON.stringify({ participants, events: scenario.items.length, engineMs: e.ms, floorMs: f.ms, diffs }));

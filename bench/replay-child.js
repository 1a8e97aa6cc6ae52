/**
 * One process of the bench's replay-floor section (issue 15, ratios.js): the one-epoch workload
 * under RULES, replayed by epochsim and by the two floor models (the state floor, which writes
 * what the events write, and the balances-only one), interleaved after two warm-ups, each timed
 * after a forced GC; the medians and the state checks printed as JSON. The section runs several
 * such processes (without concurrent marking: ratios.js CHILD_FLAGS) and takes the median of
 * their ratios, so that one process that ran unlike the others does not decide the figure.
 *
 *   node --expose-gc bench/replay-child.js RULES PARTICIPANTS EVENTS RUNS
 */
const lib = await import('../dist/index.js');
const { inferenceOf } = await import('../dist/engine/storage/inferences.js');
const { makeScenario } = await import('./workload.js');
const { compareStateWithEngine, compareWithEngine, floorReplay, floorReplayState, floorWorkload, interleave } = await import('./floors.js');

const [rules, participants, events, runs] = [process.argv[2], ...process.argv.slice(3).map(Number)];
const scenario = floorWorkload(makeScenario, participants, events);
const fns = [() => lib.runScenario(scenario, { rules, keepTrace: false }), () => floorReplayState(scenario, rules), () => floorReplay(scenario, rules)];
const result = fns[0]();
const diffs = compareStateWithEngine(fns[1](), result, lib, inferenceOf);
const balanceDiffs = compareWithEngine(fns[2](), result, lib);
const [engine, state, balances] = interleave(fns, runs);
console.log(JSON.stringify({ events: scenario.items.length, engine, state, balances, diffs, balanceDiffs }));

/**
 * Where the replay's time goes, against the state floor (issue 15): a CPU profile of epochsim's
 * replay of the one-epoch workload and one of the state floor (bench/floors.js), taken in this
 * process with the inspector, and epochsim's samples added up by event type (the time inside
 * each reducer), the transaction and loop around them, the invariants, and the collector. Not a
 * verdict (the profiler slows both sides; `node bench/replay.js` gives the ratio): a map of
 * where a change could gain.
 *
 *   npm run build && node bench/where.js [RULES] [RUNS]      (defaults deferred and 5)
 */
import { Session } from 'node:inspector';
import v8 from 'node:v8';

// As in the bench's replay processes (ratios.js CHILD_FLAGS): with V8's concurrent marking on,
// about half the processes that replay again and again run 2.5× more slowly, most of it GC.
v8.setFlagsFromString('--no-concurrent-marking');

const lib = await import('../dist/index.js');
const { REDUCERS } = await import('../dist/engine/rules/reducers/index.js');
const { makeScenario } = await import('./workload.js');
const { floorReplayState, floorWorkload } = await import('./floors.js');
const { attribute, floorClassifier, replayClassifier } = await import('./profile.js');

const rules = process.argv[2] ?? 'deferred';
const runs = Number(process.argv[3] ?? 5);
// (the state floor models these two rulesets only)
if (!['deferred', 'immediate'].includes(rules) || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: node bench/where.js [RULES] [RUNS]   (RULES deferred or immediate, RUNS ≥ 1)');
  process.exit(2);
}
const participants = 1_000;
const scenario = floorWorkload(makeScenario, participants, 100_000);
const counts = new Map();
for (const item of scenario.items) if (item.kind === 'event') counts.set(item.event.type, (counts.get(item.event.type) ?? 0) + 1);
const events = [...counts.values()].reduce((a, b) => a + b, 0);

const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

async function profiled(fn) {
  for (let i = 0; i < 2; i++) fn();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  for (let i = 0; i < runs; i++) fn();
  const { profile } = await post('Profiler.stop');
  await post('Profiler.disable');
  return profile;
}

function replayOnce() {
  return lib.runScenario(scenario, { rules, keepTrace: false });
}
const engine = attribute(await profiled(replayOnce), replayClassifier(new Map(Object.entries(REDUCERS).map(([type, reducer]) => [reducer.name, type])), 'replayOnce'));
const floor = attribute(await profiled(() => floorReplayState(scenario, rules)), floorClassifier('floorReplayState'));

const perEvent = (us) => us / runs / events;
const fmt = (x, digits = 2) => x.toFixed(digits).padStart(6);
const engineTotal = [...engine].filter(([label]) => label !== 'outside').reduce((sum, [, us]) => sum + us, 0);
const floorTotal = (floor.get('floor') ?? 0) + (floor.get('garbage collection') ?? 0);

console.log(
  `where the replay's time goes, ${rules}: ${events.toLocaleString('en-US')} events of one epoch, ${participants.toLocaleString('en-US')} participants; ` +
    `a CPU profile of ${runs} replays each (sampled every 100 µs, after 2 warm-ups), epochsim and the state floor in turn; V8's concurrent marking off`,
);
console.log('  epochsim, by event type (the time inside its reducer):');
console.log('    event                      events   µs per event of the type   share of the replay');
for (const [type, count] of [...counts].sort((a, b) => (engine.get(b[0]) ?? 0) - (engine.get(a[0]) ?? 0))) {
  const us = engine.get(type) ?? 0;
  console.log(`    ${type.padEnd(22)} ${count.toLocaleString('en-US').padStart(10)}   ${fmt(us / runs / count)}                     ${fmt((100 * us) / engineTotal, 0)} %`);
}
console.log('  epochsim, around every event (µs per event, over all events):');
for (const [label, what] of [
  ['transaction', 'the loop and the transaction (draft, commit, written indexes)'],
  ['invariants', 'the invariants after every event, and the recount at the end'],
  ['garbage collection', 'garbage collection'],
]) {
  const us = engine.get(label) ?? 0;
  console.log(`    ${what.padEnd(66)} ${fmt(perEvent(us))}   ${fmt((100 * us) / engineTotal, 0)} %`);
}
console.log(`    ${'all of it'.padEnd(66)} ${fmt(perEvent(engineTotal))}`);
console.log(
  `  the state floor: ${fmt(perEvent(floorTotal)).trim()} µs per event, of which garbage collection ${fmt(perEvent(floor.get('garbage collection') ?? 0)).trim()}; ` +
    `epochsim ${(engineTotal / floorTotal).toFixed(2)}× it under the profiler (no target: the verdict is bench/replay.js's)`,
);

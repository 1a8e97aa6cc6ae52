/**
 * The bench's ratio sections (issue 15), each a function bench.js calls: every figure is a
 * ratio to a floor measured in the same run (floors.js), printed with its target and PASS or
 * FAIL, and kept in `verdicts` for the summary at the end of the bench.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { alternate, FLOOR_LOAD, FLOOR_OUTPUT, median, verdict } from './floors.js';

/** The memory floor process: node bench/floor-state.js N (a streamed replay keeping no history). */
const FLOOR_STATE = new URL('./floor-state.js', import.meta.url).pathname;

/** Every target of the run: [what, ratio, target]; printed together by printVerdicts. */
export const verdicts = [];
const record = (what, ratio, target) => {
  verdicts.push([what, ratio, target]);
  return verdict(ratio, target);
};

const fmt = (x, d = 2) => x.toFixed(d);
const BIN = new URL('../bin/epochsim', import.meta.url).pathname;

/** JSON with bigints as strings (the JSON twin of a scenario file: what js-yaml read, as JSON). */
const jsonTwin = (value) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * Section 6a. `epochsim run --json` end to end on a 10^5-event file against the load floor:
 * js-yaml's `load` of the same file and `JSON.parse` of its JSON twin, each in a fresh process,
 * interleaved with the run. Once for the plain file (bench/gen-yaml.js toYaml) and once for the
 * same scenario in every spelling mixed (toMixedYaml), after checking that both read to the same
 * events. The run's peak RSS is reported per event (the loader holds the whole document).
 */
export async function loadFloorSection({ makeScenario, participants, events, runs, loadScenario }) {
  const { toYaml, toMixedYaml } = await import('./gen-yaml.js');
  const jsyaml = (await import('js-yaml')).default;
  const dir = mkdtempSync(join(os.tmpdir(), 'epochsim-floor-'));
  const scenario = makeScenario({ participants, events }).scenario;
  const files = [
    ['plain (bench/gen-yaml.js)', toYaml(scenario)],
    ['every spelling mixed (gen-yaml.js mixed)', toMixedYaml(scenario)],
  ];
  // both files read to the same events (a mixed spelling that read differently would be another workload)
  const eventsOf = (text) => {
    const r = loadScenario(text, 'x.yaml');
    if (!r.ok) throw new Error(`bench: a generated file does not load: ${r.issues[0]?.message}`);
    return jsonTwin(r.scenario.items.map((item) => [item.event, item.expectError ?? null]));
  };
  const same = eventsOf(files[0][1]) === eventsOf(files[1][1]);
  console.log(
    `\nrun --json end to end against the load floor: ${events.toLocaleString('en-US')} events, ${participants.toLocaleString('en-US')} participants, ` +
      `each command in a fresh process, interleaved, median of ${runs}; the two files read to the same events: ${same ? 'yes' : 'NO'}`,
  );
  const rows = [];
  for (const [label, text] of files) {
    const yamlFile = join(dir, `${label.split(' ')[0]}.yaml`);
    const jsonFile = join(dir, `${label.split(' ')[0]}.json`);
    writeFileSync(yamlFile, text);
    writeFileSync(jsonFile, jsonTwin(jsyaml.load(text)));
    const [run, floorYaml, floorJson] = alternate([[BIN, 'run', yamlFile, '--json'], [FLOOR_LOAD, yamlFile, 'yaml'], [FLOOR_LOAD, jsonFile, 'json']], runs);
    const mb = readFileSync(yamlFile).length / 1e6;
    rows.push({ label, mb, run, floorYaml, floorJson });
    console.log(
      `  ${label}, ${fmt(mb, 1)} MB: run --json ${fmt(run.ms / 1e3)} s, js-yaml load ${fmt(floorYaml.ms / 1e3)} s, JSON.parse of the JSON twin ${fmt(floorJson.ms / 1e3)} s`,
    );
    console.log(`    run --json / js-yaml load: ${record(`run --json / js-yaml load, ${label}`, run.ms / floorYaml.ms, 1.5)}`);
    console.log(`    run --json / JSON.parse: ${fmt(run.ms / floorJson.ms)}× (no target: JSON.parse is what a parser of a simpler format would cost)`);
    console.log(
      `    CPU time, all threads (garbage collection's helpers included): run --json ${fmt(run.cpuMs / 1e3)} s, js-yaml load ${fmt(floorYaml.cpuMs / 1e3)} s: ` +
        `${fmt(run.cpuMs / floorYaml.cpuMs)}× (no target; on a busy machine the wall-clock ratio grows with the threads' waits)`,
    );
    console.log(`    peak RSS: run --json ${fmt(run.rssMiB, 0)} MiB, js-yaml load ${fmt(floorYaml.rssMiB, 0)} MiB (${fmt(run.rssMiB / floorYaml.rssMiB)}×)`);
    // the loading step alone, in this process: epochsim's loader (typed, checked, located) against js-yaml's load
    const load = [];
    const floor = [];
    for (let i = 0; i < Math.max(3, runs); i++) {
      globalThis.gc?.();
      let t0 = process.hrtime.bigint();
      loadScenario(text, yamlFile);
      load.push(Number(process.hrtime.bigint() - t0) / 1e6);
      globalThis.gc?.();
      t0 = process.hrtime.bigint();
      jsyaml.load(text);
      floor.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(`    loading alone, in this process, interleaved: epochsim's loadScenario / js-yaml load ${fmt(median(load) / median(floor))}× (no target)`);
    if (label.startsWith('plain')) outputFloor(yamlFile, runs);
  }
  if (!same) verdicts.push(['the mixed file reads to the same events as the plain one', Infinity, 1]);
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

/**
 * Part of section 6a: what writing `run --json`'s output costs done the plainest way, against
 * js-yaml's load, both timed inside fresh processes (start-up and reading left out),
 * interleaved: the document epochsim printed for FILE, parsed, then `JSON.stringify` and one
 * write (bench/floor-output.js), checked to give the same bytes. No target: it says how much of
 * the 1.5× budget the output alone takes, before any replay.
 */
function outputFloor(yamlFile, runs) {
  const out = `${yamlFile}.out.json`;
  const fd = openSync(out, 'w');
  const r = spawnSync(process.execPath, [BIN, 'run', yamlFile, '--json'], { stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench: epochsim run --json exited ${r.status}: ${r.stderr}`);
  const [write, load] = alternate([[FLOOR_OUTPUT, out], [FLOOR_LOAD, yamlFile, 'yaml']], runs);
  rmSync(out, { force: true });
  console.log(
    `    the same output written the plainest way (JSON.stringify of epochsim's document, one write; the same bytes: ${write.sameBytes ? 'yes' : 'NO'}) ${fmt(write.innerMs / 1e3)} s, ` +
      `js-yaml's load ${fmt(load.innerMs / 1e3)} s, both timed inside fresh processes, interleaved: ${fmt(write.innerMs / load.innerMs)}× the load (no target: ` +
      `the load and the output alone, done the plainest way, take ${fmt(1 + write.innerMs / load.innerMs)}× the load floor before any replay)`,
  );
}

/**
 * Section 6b. Memory of `run --json` end to end against the scenario length: peak RSS at each
 * length, and its growth per event between the shortest and the longest, next to two floors
 * measured in the same run: js-yaml's load of the same files, and a replay of the same events
 * streamed from the generator with no per-step history (bench/floor-state.js), whose memory is
 * the chain state's own (escrows and inferences stay in it). Bounded: `run --json` grows by at
 * most 1 KiB per event more than that state does.
 */
export async function memorySection({ makeScenario, participants, lengths, runs, maxSizeMiB }) {
  const { toYaml } = await import('./gen-yaml.js');
  const dir = mkdtempSync(join(os.tmpdir(), 'epochsim-mem-'));
  const points = [];
  for (const n of lengths) {
    const file = join(dir, `m-${n}.yaml`);
    writeFileSync(file, toYaml(makeScenario({ participants, events: n, stream: true }).scenario));
    const [run, floor, state] = alternate([[BIN, 'run', file, '--json', '--max-size', String(maxSizeMiB)], [FLOOR_LOAD, file, 'yaml'], [FLOOR_STATE, String(n)]], runs);
    points.push({ n, run, floor, state });
    rmSync(file, { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  const [a, z] = [points[0], points[points.length - 1]];
  const growth = (key) => ((z[key].rssMiB - a[key].rssMiB) * 2 ** 20) / (z.n - a.n);
  const perEvent = growth('run');
  const floorPerEvent = growth('floor');
  const statePerEvent = growth('state');
  console.log(`\nmemory end to end (run --json, peak RSS of the whole process, loading included; median of ${runs}):`);
  for (const p of points) {
    console.log(
      `  ${p.n.toLocaleString('en-US')} events: run --json ${fmt(p.run.rssMiB, 0)} MiB, js-yaml load alone ${fmt(p.floor.rssMiB, 0)} MiB, ` +
        `the state alone (streamed replay, no history) ${fmt(p.state.rssMiB, 0)} MiB`,
    );
  }
  const over = (perEvent - statePerEvent) / 1024;
  console.log(
    `  growth per event: run --json ${fmt(perEvent / 1024, 2)} KiB, the state alone ${fmt(statePerEvent / 1024, 2)} KiB, js-yaml load ${fmt(floorPerEvent / 1024, 2)} KiB; ` +
      `run --json beyond the state ${fmt(over, 2)} KiB per event (bounded: < 1): ${over < 1 ? 'PASS' : 'FAIL'}`,
  );
  verdicts.push(['memory end to end beyond the chain state, KiB per event (bounded: < 1)', over, 1]);
  return { perEvent, floorPerEvent, statePerEvent, points };
}

/**
 * Section 1b. The replay against the replay floor: runScenario (a transaction per event,
 * invariants after every event, no per-step records) and the floor models (floors.js) on the
 * same events, interleaved in fresh processes (bench/replay-child.js), `rounds` processes per
 * ruleset, alternating; each process's medians give a ratio, and the median of those is the
 * figure. The target is against `floorReplayState`, the model that writes everything those
 * events write (the same work), checked to end in epochsim's state; `floorReplay`, which keeps
 * only the balances, is printed next to it without a target.
 */
export function replayFloorSection({ participants, events, runs, rounds }) {
  const all = { deferred: [], immediate: [] };
  for (let i = 0; i < rounds; i++) for (const rules of Object.keys(all)) all[rules].push(runChild(REPLAY_CHILD, rules, participants, events, runs));
  const n = all.deferred[0].events;
  console.log(
    `\nreplay against the replay floor (a minimal mutable model of the hot events: plain Maps, bigints, no history, no invariants): ` +
      `${n.toLocaleString('en-US')} events of one epoch, ${participants.toLocaleString('en-US')} participants; ${rounds} fresh processes per ruleset, alternating, ` +
      `in each epochsim and the floors interleaved, median of ${runs} after 2 warm-ups; the figure is the median of the processes' ratios; ${CHILD_NOTE}`,
  );
  const same = (d) => (d.length === 0 ? 'yes' : `NO (${d.slice(0, 5).join('; ')})`);
  for (const [rules, results] of Object.entries(all)) {
    const diffs = results.flatMap((r) => r.diffs);
    const balanceDiffs = results.flatMap((r) => r.balanceDiffs);
    const ratios = results.map((r) => r.engine.ms / r.state.ms);
    const ratio = median(ratios);
    const ms = (key) => fmt(median(results.map((r) => r[key].ms)), 0);
    console.log(
      `  ${rules}: the state floor ends in epochsim's state (balances, participants' counters, escrows, host stats, inferences, exclusions): ${same(diffs)}; ` +
        `epochsim ${ms('engine')} ms, state floor ${ms('state')} ms (medians); epochsim / floor ${record(`replay / replay floor, ${rules}`, diffs.length === 0 ? ratio : Infinity, 3)} ` +
        `(the processes: ${ratios.map((x) => fmt(x)).join(', ')}); CPU time ${fmt(median(results.map((r) => r.engine.cpuMs / r.state.cpuMs)))}× (no target)`,
    );
    console.log(
      `    the balances-only floor (same events, only bank and coin balances kept; ends with epochsim's balances: ${same(balanceDiffs)}) ${ms('balances')} ms: ` +
        `epochsim ${fmt(median(results.map((r) => r.engine.ms / r.balances.ms)))}× it, the state floor ${fmt(median(results.map((r) => r.state.ms / r.balances.ms)))}× it (no target: it does a third of the work)`,
    );
  }
}

/**
 * How sections 1b and 3b start their processes. V8's concurrent marking is off in them, for
 * epochsim and its floor alike: replaying the workload again and again in one process on a
 * 2-core machine, about half the processes fell into a mode where a major GC marks on a helper
 * thread for most of the run, every scavenge promotes ten times as much (5.2–6.2 MB against
 * 0.4–0.6), and epochsim ran 2.5× and its floor 2× more slowly from start to end, so the median
 * of five processes moved between 3.2× and 5×. With the marking done on the main thread
 * (incremental) none did, and the ratio is that of the normal processes (performance.md, "The
 * bimodal processes"). `epochsim run` replays once per process and was not seen in that mode.
 */
const CHILD_FLAGS = ['--expose-gc', '--no-concurrent-marking'];
const CHILD_NOTE = "V8's concurrent marking off in these processes, for both sides";

/** Runs one process of section 1b or 3b (`script` with `args`) and returns the JSON it printed. */
function runChild(script, ...args) {
  const r = spawnSync(process.execPath, [...CHILD_FLAGS, script, ...args.map(String)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: ${script.split('/').pop()} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The process of one round of section 1b. */
const REPLAY_CHILD = new URL('./replay-child.js', import.meta.url).pathname;

/**
 * Section 3b. How the per-event cost grows with the participant count, against how the floor's
 * grows on the same machine: the one-epoch workload at `small` and `large` participants (same
 * number of events), epochsim and the state floor interleaved, each size in a fresh process
 * (bench/growth-child.js), the sizes alternated `rounds` times. A bigger state is slower per
 * event even for plain Maps (caches, GC of a bigger heap), by a factor that depends on the
 * machine; epochsim's own growth is its growth divided by the floor's. That is computed as the
 * median of the processes' epochsim / floor ratios at the large size over the same at the small
 * size (the same quotient, (E_L / E_S) / (F_L / F_S)), so a process that ran slowly as a whole
 * slows both sides of its ratio and does not move the figure.
 */
export function participantGrowthSection({ small, large, events, runs, rounds }) {
  const results = { [small]: [], [large]: [] };
  for (let i = 0; i < rounds; i++) for (const p of [small, large]) results[p].push(runChild(GROWTH_CHILD, p, events, runs));
  const med = (p, key) => median(results[p].map((r) => r[key]));
  const diffs = [...results[small], ...results[large]].flatMap((r) => r.diffs);
  const n = results[small][0].events;
  const us = (ms) => fmt((ms * 1e3) / n, 2);
  const engineGrowth = med(large, 'engineMs') / med(small, 'engineMs');
  const floorGrowth = med(large, 'floorMs') / med(small, 'floorMs');
  const against = (p) => median(results[p].map((r) => r.engineMs / r.floorMs));
  const growth = against(large) / against(small);
  const int = (x) => x.toLocaleString('en-US');
  console.log(
    `\nper-event cost ${int(small)} → ${int(large)} participants against the floor's (deferred, ${int(n)} events of one epoch; ` +
      `each size in a fresh process, epochsim and the state floor interleaved in it, median of ${runs}; the sizes alternated, median of ${rounds} processes each; ` +
      `the state floor ends in epochsim's state: ${diffs.length === 0 ? 'yes' : `NO (${diffs.slice(0, 5).join('; ')})`}; ${CHILD_NOTE})`,
  );
  console.log(`  epochsim: ${us(med(small, 'engineMs'))} → ${us(med(large, 'engineMs'))} µs/event, ×${fmt(engineGrowth)}`);
  console.log(`  state floor: ${us(med(small, 'floorMs'))} → ${us(med(large, 'floorMs'))} µs/event, ×${fmt(floorGrowth)} (this machine's price of a bigger state)`);
  console.log(
    `  epochsim / floor: ${fmt(against(small))}× at ${int(small)}, ${fmt(against(large))}× at ${int(large)} (medians of the processes); ` +
      `epochsim's growth / the floor's: ${record(`µs/event growth ${int(small)} → ${int(large)} participants / the floor's growth`, diffs.length === 0 ? growth : Infinity, 1.5)}`,
  );
  return { engineGrowth, floorGrowth, growth };
}

/** The process of one size of section 3b. */
const GROWTH_CHILD = new URL('./growth-child.js', import.meta.url).pathname;

/** The summary: every target of the run, its ratio and PASS or FAIL. */
export function printVerdicts() {
  console.log('\ntargets (ratios to floors measured in this run):');
  const width = Math.max(...verdicts.map(([what]) => what.length));
  for (const [what, ratio, target] of verdicts) {
    console.log(`  ${what.padEnd(width)}  ${Number.isFinite(ratio) ? fmt(ratio) : '—'} (≤ ${target})  ${ratio <= target ? 'PASS' : 'FAIL'}`);
  }
}

export { record };

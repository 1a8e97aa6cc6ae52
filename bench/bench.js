/**
 * epochsim benchmark: replay throughput and per-event cost against the participant count.
 *
 *   npm run bench        (= npm run build && node --expose-gc bench/bench.js)
 *
 * What it does, in order:
 *   1. builds a typed Scenario in memory (no YAML) of >= 100 000 events over 1 000 participants,
 *      with a seeded PRNG, so every run replays exactly the same events;
 *   2. replays it with `runScenario` (every event as a transaction + the per-event invariant
 *      checks) under each ruleset: two warm-up runs (BENCH_WARMUP), then the median of 3 timed runs -> events/s,
 *      without a per-step trace (keepTrace: false, the replay) and with one (what `run` keeps);
 *   3. replays the same event mix (same seed, same number of events and epochs) at 100, 1 000 and
 *      10 000 participants -> microseconds per event, and splits that cost into the ordinary
 *      events and the epoch boundaries (start_epoch / end_epoch are O(members) by nature);
 *   The replay checks the workload too: "run ok = yes" means every event succeeded except the few
 *   deliberate failures (marked expect_error), and no invariant was violated.
 *   4. prints heap used after a forced GC, and the per-participant ratios (below).
 *
 * Issue 15: every target is a ratio to a floor measured in the same run (bench/floors.js, the
 * sections in bench/ratios.js), printed with PASS or FAIL and summed up at the end:
 *   - the replay (section 1b) against a minimal mutable model of the hot events that writes
 *     what they write, after checking that both end in the same state (target ≤ 3×);
 *   - how the per-event cost grows from 100 to 10 000 participants, divided by how the same
 *     floor's grows on the same machine (section 3b, target ≤ 1.5×; section 3 prints the raw
 *     growth of each event type);
 *   - `run --json` end to end against js-yaml's load of the same file (and JSON.parse of its
 *     JSON twin), each in a fresh process, for the plain file and for the same scenario in every
 *     spelling mixed (section 6a, target ≤ 1.5×), and next to it, with no target, what writing
 *     the same output costs the plainest way (bench/floor-output.js); memory of run --json
 *     against the length (6b);
 *   - `epochsim --version` against `node -e 0` (section 7, target ≤ 2×).
 *   BENCH_FLOOR_RUNS  interleaved runs of each end-to-end command (median)   (default 5)
 *   BENCH_MEM_LENGTHS scenario lengths of the memory section                  (default 10000,100000,1000000)
 *   BENCH_REPORT=0    skips issue 14's report section
 *
 * Timing is this layer's job (the engine never reads a clock): process.hrtime.bigint() only.
 * The generated data never uses Math.random or Date.
 *
 * Options (environment variables, all optional):
 *   BENCH_EVENTS   events of the throughput scenario        (default 100000)
 *   BENCH_SCALE    events of each scaling scenario          (default 50000)
 *   BENCH_RUNS     timed runs per measurement (median)      (default 3)
 *   BENCH_WARMUP   untimed runs before them                 (default 2)
 *   BENCH_PARTICIPANTS  participant counts of the scaling runs (default 100,1000,10000,100000)
 *   BENCH_LENGTHS  scenario lengths of the linearity runs    (default 10000,100000,1000000)
 *   BENCH_STARTS   process starts per start-up figure (median) (default 20)
 *   BENCH_YAML     events of the YAML end-to-end file, 0 to skip (default 100000)
 *
 * Added for issue 5 (after the sections above):
 *   5. events/s at 10^4, 10^5 and 10^6 events, streamed (the scenario's items are a generator)
 *      and replayed with keepTrace: false, so memory stays bounded: heap sampled during the run;
 *   6. `epochsim run --json` end to end on a generated 10^5-event YAML file (~20 MB);
 *   7. CLI start-up (`epochsim --version`, a small `run`) next to a bare `node -e 0`, median of
 *      BENCH_STARTS spawns each, interleaved; and the process's peak RSS.
 *
 * Added for issue 14 (in section 6, on the same file): `epochsim report` (the HTML page) next to
 * `run --json`, interleaved, as a ratio (target ≤ 2×), and the page's size (target < 25 MB);
 * where Debian's Chromium is installed, the page opened in it (load, and one arrow key), as a
 * ratio to the same for scenario 03's page.
 *
 * Added for issue 17: 8. `explore`'s distinct states/s as a ratio to fuzz's replays/s on the
 * same alphabet, a search to 10^6 states and its memory, hashed against exact keys, and
 * --workers 2 against 1 (bench/explore.js; BENCH_EXPLORE=0 skips it).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

// The replays measured in this process (and in sections 1b and 3b's, ratios.js CHILD_FLAGS) run
// without V8's concurrent marking: replaying again and again in one process, about half of the
// processes otherwise fell into a GC mode that ran them 2–2.5× more slowly (performance.md, "The
// bimodal processes"). The commands timed end to end (epochsim, js-yaml, node) run as a user's do.
v8.setFlagsFromString('--no-concurrent-marking');

// The engine as a library (built by `npm run build`); `advance` is the per-event invariant step,
// used here only to split the cost by event type.
const { runScenario, DEFAULT_PARAMS, applyEvent, genesis, RULESETS, recount } = await import('../dist/index.js');
const { advance } = await import('../dist/engine/replay/invariants.js');
const { makeScenario, EVENTS_PER_EPOCH, USERS, SEED } = await import('./workload.js');
// issue 15: every target as a ratio to a floor measured in this run (floors.js, ratios.js)
const lib = await import('../dist/index.js');
const ratios = await import('./ratios.js');

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const SCALE_EVENTS = Number(process.env.BENCH_SCALE ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WARMUP = Math.max(1, Number(process.env.BENCH_WARMUP ?? 2));
const THROUGHPUT_PARTICIPANTS = 1_000;
const SCALE_PARTICIPANTS = (process.env.BENCH_PARTICIPANTS ?? '100,1000,10000,100000').split(',').map(Number);
const LENGTHS = (process.env.BENCH_LENGTHS ?? '10000,100000,1000000').split(',').map(Number);
const STARTS = Number(process.env.BENCH_STARTS ?? 20);

const FLOOR_RUNS = Number(process.env.BENCH_FLOOR_RUNS ?? 5);
const MEMORY_LENGTHS = (process.env.BENCH_MEM_LENGTHS ?? '10000,100000,1000000').split(',').map(Number);
/** `epochsim --version` against `node -e 0`: start-up may cost at most this factor. */
const STARTUP_TARGET = 2;
/**
 * "Flat": from 100 to 10 000 participants (100x) end_epoch's cost per member may grow by at most
 * this factor (an O(members) step that allocated per member would not stay flat). Ordinary
 * events are held to the same factor against the floor's own growth (section 3b, ratios.js).
 */
const FLAT_TOLERANCE = 1.5;

// ---------------------------------------------------------------------------------------------
// Measurement helpers.
// ---------------------------------------------------------------------------------------------
const gc = globalThis.gc ?? (() => {});
if (!globalThis.gc) console.log('(run with node --expose-gc for heap figures after a forced GC)');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/**
 * Times one runScenario in seconds; GC happens outside the timed region. `keepTrace` false is
 * the replay itself (invariants after every event, no per-step history kept); true also keeps
 * every step and transfer record, as `epochsim run` does for its report.
 */
function timeRun(scenario, rules, keepTrace = false) {
  gc();
  const t0 = process.hrtime.bigint();
  const result = runScenario(scenario, { rules, keepTrace });
  const t1 = process.hrtime.bigint();
  return { seconds: Number(t1 - t0) / 1e9, result };
}

/**
 * WARMUP untimed runs (the JIT needs about two replays of 10^5 events to settle; the first is
 * reported as `first`), then RUNS timed runs; returns the median seconds and the last result.
 */
function measure(scenario, rules, keepTrace = true) {
  let { result, seconds: first } = timeRun(scenario, rules, keepTrace); // warm-up (JIT, inline caches)
  for (let i = 1; i < WARMUP; i++) result = timeRun(scenario, rules, keepTrace).result;
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    result = null;
    const run = timeRun(scenario, rules, keepTrace);
    times.push(run.seconds);
    result = run.result;
  }
  return { seconds: median(times), times, result, first };
}

/** Succeeded / failed events of a run, the unexpected problems, and claim results. */
function outcomeOf(result) {
  let ok = 0;
  let failed = 0;
  const problems = [];
  const claims = {};
  for (const step of result.steps) {
    if (step.status === 'ok') ok++;
    else failed++;
    if (step.problem !== undefined && problems.length < 5) problems.push(`#${step.index} ${step.event}: ${step.problem}`);
    if (step.event === 'claim_reward' && step.result !== undefined) claims[step.result] = (claims[step.result] ?? 0) + 1;
  }
  return { ok, failed, problems, claims };
}

/**
 * The runner's inner loop (applyEvent + the per-event invariant step `advance`), timed per event
 * type, so the cost of ordinary events can be told apart from the O(members) epoch boundaries.
 * It does what runScenario does per event minus building the step/transfer records.
 */
function breakdown(scenario, rules) {
  const { world, state: initial } = genesis(scenario.params, scenario.accounts, scenario.participants);
  const env = { world, rules: RULESETS[rules], params: scenario.params };
  let state = initial;
  let totals = recount(initial, world);
  const ns = {};
  const n = {};
  for (const item of scenario.items) {
    const type = item.event.type;
    const t0 = process.hrtime.bigint();
    const outcome = applyEvent(state, item.event, env);
    if (outcome.ok) {
      totals = advance(totals, state, outcome.state, world, undefined, outcome.written).totals;
      state = outcome.state;
    }
    const t1 = process.hrtime.bigint();
    ns[type] = (ns[type] ?? 0n) + (t1 - t0);
    n[type] = (n[type] ?? 0) + 1;
  }
  return { ns, n };
}

// ---------------------------------------------------------------------------------------------
// Output helpers: a small fixed-width table.
// ---------------------------------------------------------------------------------------------
function table(headers, rows, align) {
  const cells = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r) =>
    r.map((cell, c) => ((align?.[c] ?? 'r') === 'l' ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log('  ' + line(cells[0]));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log('  ' + line(r));
}
const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
const fmt = (x, d = 1) => x.toFixed(d);

// ---------------------------------------------------------------------------------------------
// 0. Machine context.
// ---------------------------------------------------------------------------------------------
const cpus = os.cpus();
console.log(
  `machine: node ${process.version}, ${cpus.length} cpus, ${cpus[0]?.model ?? 'unknown cpu'}, ` +
    `${os.platform()} ${os.arch()}, ${fmt(os.totalmem() / 2 ** 30)} GiB; load average ${os.loadavg().map((x) => fmt(x, 2)).join(' ')} ` +
    "(other work on the machine slows epochsim and its floors alike only roughly: compare runs at a similar load); V8's concurrent marking off for the replays in this process and in sections 1b and 3b",
);
const heapStart = heapMiB();

// ---------------------------------------------------------------------------------------------
// 1–2. Throughput: >= 100 000 events over 1 000 participants, under each ruleset.
// ---------------------------------------------------------------------------------------------
const tGen0 = performance.now();
const main = makeScenario({ participants: THROUGHPUT_PARTICIPANTS, events: EVENTS });
const genMs = performance.now() - tGen0;
const heapScenario = heapMiB();
const events = main.scenario.items.length;
const epochs = main.counts.end_epoch;
console.log(
  `\nworkload: ${fmtInt(events)} events, ${fmtInt(THROUGHPUT_PARTICIPANTS)} participants, ${USERS} users, ` +
    `${epochs} epochs of ~${fmtInt(events / epochs)} events (generated in ${fmt(genMs, 0)} ms, seed 0x${SEED.toString(16)})`,
);
console.log(
  '  mix: ' +
    Object.entries(main.counts)
      .sort((a, b) => b[1] - a[1])
      .map(([type, c]) => `${type} ${fmtInt(c)}`)
      .join(', '),
);

const throughput = [];
let heapHeld = 0;
for (const rules of ['deferred', 'immediate']) {
  // The replay: invariants after every event, no per-step history (keepTrace: false). Steps are
  // counted from the run's counts; the per-step records come from the traced run below.
  const m = measure(main.scenario, rules, false);
  const traced = measure(main.scenario, rules, true);
  const o = outcomeOf(traced.result);
  throughput.push({ rules, ...m, ...o, eps: events / m.seconds, firstEps: events / m.first, tracedEps: events / traced.seconds, tracedSeconds: traced.seconds });
  if (rules === 'deferred') heapHeld = heapMiB(); // the traced RunResult (steps, transfers, states) still held
  traced.result = null;
}

console.log(
  `\nreplay (runScenario, invariants checked after every event, keepTrace: false): ${WARMUP} warm-up runs, then the median of ${RUNS}; ` +
    `"first" is the first run in this process (JIT cold, as in a one-shot CLI run); "traced" also keeps every step and transfer record (what \`run\` prints)`,
);
table(
  ['rules', 'events/s', 'median s', 'runs (s)', 'µs/event', 'first events/s', 'traced events/s', 'ok', 'failed', 'ok %', 'run ok', 'violations'],
  throughput.map((t) => [
    t.rules,
    fmtInt(t.eps),
    fmt(t.seconds, 3),
    t.times.map((s) => fmt(s, 2)).join(' '),
    fmt((t.seconds * 1e6) / events, 2),
    fmtInt(t.firstEps),
    fmtInt(t.tracedEps),
    fmtInt(t.ok),
    fmtInt(t.failed),
    fmt((100 * t.ok) / (t.ok + t.failed), 2),
    t.result.ok ? 'yes' : 'NO',
    t.result.violations.length,
  ]),
  ['l'],
);
for (const t of throughput) {
  const claims = Object.entries(t.claims)
    .map(([text, c]) => `"${text}" ${fmtInt(c)}`)
    .join(', ');
  console.log(`  ${t.rules}: claim results: ${claims}`);
  for (const p of t.problems) console.log(`  ${t.rules}: UNEXPECTED ${p}`);
}
console.log('  (failed = the deliberate failures marked expect_error: double settlements, inactive executors)');

// 1b. The replay against its floor (issue 15).
ratios.replayFloorSection({ participants: THROUGHPUT_PARTICIPANTS, events: EVENTS, runs: Math.max(RUNS, 7), rounds: 5 });

// ---------------------------------------------------------------------------------------------
// 3. Per-event cost against the participant count: same event mix, same number of events.
// ---------------------------------------------------------------------------------------------
const boundary = new Set(['start_epoch', 'end_epoch']);
const split = (b) => {
  let ordNs = 0n;
  let ordN = 0;
  for (const type of Object.keys(b.n)) {
    if (boundary.has(type)) continue;
    ordNs += b.ns[type];
    ordN += b.n[type];
  }
  const us = (type) => (b.n[type] ? Number(b.ns[type]) / 1e3 / b.n[type] : 0);
  return { ordinary: Number(ordNs) / 1e3 / ordN, start: us('start_epoch'), end: us('end_epoch'), us };
};

const scaling = [];
for (const P of SCALE_PARTICIPANTS) {
  const { scenario } = makeScenario({ participants: P, events: SCALE_EVENTS });
  const m = measure(scenario, 'deferred', false);
  const o = { ok: m.result.counts.events - m.result.counts.failed, failed: m.result.counts.failed };
  m.result = null;
  // JIT already warm from measure(). RUNS breakdowns, the one with the median cost of ordinary
  // events kept: one run moved this ratio from 1.5 to 2.1 on a busy machine.
  const runs = Array.from({ length: Math.max(1, RUNS) }, () => breakdown(scenario, 'deferred'));
  const b = runs.sort((x, y) => split(x).ordinary - split(y).ordinary)[Math.floor(runs.length / 2)];
  scaling.push({ P, n: scenario.items.length, usPerEvent: (m.seconds * 1e6) / scenario.items.length, ...o, b });
}

console.log(
  `\nper-event cost vs participants (deferred, ${fmtInt(SCALE_EVENTS)} events, epochs of ~${fmtInt(EVENTS_PER_EPOCH)} events)`,
);
table(
  ['participants', 'µs/event (all)', 'ordinary µs', 'start_epoch ms', 'end_epoch ms', 'end_epoch µs/member', 'ok %'],
  scaling.map((s) => {
    const sp = split(s.b);
    return [
      fmtInt(s.P),
      fmt(s.usPerEvent, 2),
      fmt(sp.ordinary, 2),
      fmt(sp.start / 1e3, 2),
      fmt(sp.end / 1e3, 2),
      fmt(sp.end / s.P, 2),
      fmt((100 * s.ok) / (s.ok + s.failed), 2),
    ];
  }),
);
{
  const types = Object.keys(scaling[0].b.n).filter((t) => !boundary.has(t));
  console.log('  µs per event type (applyEvent + invariant step, no step records):');
  table(
    ['participants', ...types],
    scaling.map((s) => [fmtInt(s.P), ...types.map((t) => fmt(split(s.b).us(t), 2))]),
  );
}

// ---------------------------------------------------------------------------------------------
// 4. Memory and verdict.
// ---------------------------------------------------------------------------------------------
console.log(
  `\nheap used after gc: start ${fmt(heapStart)} MiB, with the ${fmtInt(events)}-event scenario ${fmt(heapScenario)} MiB, ` +
    `+ one RunResult held ${fmt(heapHeld)} MiB (${fmt(((heapHeld - heapScenario) * 2 ** 20) / events, 0)} B/event)`,
);

const first = scaling[0];
// "flat" as before: 100 → 10 000 participants (the 100 000 row is printed and compared below)
const last = scaling.find((x) => x.P === 10_000) ?? scaling[scaling.length - 1];
const biggest = scaling[scaling.length - 1];
const allRatio = last.usPerEvent / first.usPerEvent;
const ordRatio = split(last.b).ordinary / split(first.b).ordinary;
const memberRatio = split(last.b).end / last.P / (split(first.b).end / first.P);
// Flat: ordinary events cost about the same at 100x the participants, and the epoch boundary
// costs O(members) and no worse (its cost per member does not grow either).
console.log(
  `\ncost growth ${fmtInt(first.P)} → ${fmtInt(last.P)} participants (the floor: the cost at ${fmtInt(first.P)}): ` +
    `all events incl. epoch boundaries ×${fmt(allRatio, 2)} (no target: end_epoch is O(members) by nature)`,
);
console.log(
  `  ordinary events: ×${fmt(ordRatio, 2)} (no target of its own: a bigger state costs more per event on any machine, even to the floor; ` +
    `the target is this growth divided by the floor's, in 3b below)`,
);
console.log(`  end_epoch per member: ${ratios.record(`end_epoch µs/member at ${fmtInt(last.P)} / at ${fmtInt(first.P)}`, memberRatio, FLAT_TOLERANCE)}`);

if (biggest !== last) {
  console.log(
    `cost growth ${fmtInt(first.P)} → ${fmtInt(biggest.P)} participants: ordinary events ×${fmt(split(biggest.b).ordinary / split(first.b).ordinary, 2)}, ` +
      `end_epoch per member ×${fmt(split(biggest.b).end / biggest.P / (split(first.b).end / first.P), 2)}, all events ×${fmt(biggest.usPerEvent / first.usPerEvent, 2)}`,
  );
}

// 3b. The same growth against the floor's growth on the same machine (issue 15).
ratios.participantGrowthSection({ small: first.P, large: last.P, events: SCALE_EVENTS, runs: Math.max(RUNS, 5), rounds: 3 });

// ---------------------------------------------------------------------------------------------
// 5. Linearity in the scenario length, in bounded memory: streamed events, no per-step trace.
// ---------------------------------------------------------------------------------------------
console.log(`\nevents/s vs scenario length (deferred, ${fmtInt(THROUGHPUT_PARTICIPANTS)} participants, events streamed, keepTrace: false, one run each)`);
const lengths = [];
// warm-up (the JIT has seen this code path already, but not with keepTrace: false and a generator)
runScenario(makeScenario({ participants: THROUGHPUT_PARTICIPANTS, events: LENGTHS[0], stream: true }).scenario, { rules: 'deferred', keepTrace: false });
for (const N of LENGTHS) {
  const { scenario, counts } = makeScenario({ participants: THROUGHPUT_PARTICIPANTS, events: N, stream: true });
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  let seen = 0;
  // Heap sampled as the replay pulls the streamed events (not through an observer: observing
  // makes the replay build its decision records and step views, which is not what is measured).
  const items = scenario.items;
  const sampled = (function* () {
    for (const item of items) {
      if (++seen % 10_000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      yield item;
    }
  })();
  // the generator's own cost is inside the timing (it is small next to the replay; see section 1)
  const t0 = process.hrtime.bigint();
  const result = runScenario({ ...scenario, items: sampled }, { rules: 'deferred', keepTrace: false });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const n = result.counts.events;
  const failedExpected = (counts.fail_settle_twice ?? 0) + (counts.fail_inactive_executor ?? 0);
  lengths.push({ N: n, seconds, eps: n / seconds, usPerEvent: (seconds * 1e6) / n, ok: result.ok, failed: result.counts.failed, heapPeak: heapPeak / 2 ** 20, heapAfter: heapMiB(), heapBefore: heapBefore / 2 ** 20, failedExpected });
}
table(
  ['events', 'seconds', 'events/s', 'µs/event', 'run ok', 'heap before MiB', 'heap peak MiB (sampled)', 'heap after gc MiB'],
  lengths.map((l) => [fmtInt(l.N), fmt(l.seconds, 2), fmtInt(l.eps), fmt(l.usPerEvent, 2), l.ok ? 'yes' : 'NO', fmt(l.heapBefore), fmt(l.heapPeak), fmt(l.heapAfter)]),
);
if (lengths.length > 1) {
  const a = lengths[0];
  const z = lengths[lengths.length - 1];
  console.log(
    `  linear: ×${fmt(z.N / a.N, 0)} the events took ×${fmt(z.seconds / a.seconds, 1)} the time ` +
      `(µs/event ratio ${lengths.map((l) => fmt(l.usPerEvent / a.usPerEvent, 2)).join(' : ')}; 1.00 = perfectly linear)`,
  );
  console.log(
    `  heap after gc grows ${fmt(((z.heapAfter - a.heapAfter) * 2 ** 20) / (z.N - a.N), 0)} B/event: the chain state itself ` +
      `(escrows and inferences stay in it), not the trace (a kept RunResult costs the B/event shown above on top)`,
  );
}

// ---------------------------------------------------------------------------------------------
// 6 and 7. The command line: a big YAML file end to end, and start-up next to a bare node.
// ---------------------------------------------------------------------------------------------
const BIN = new URL('../bin/epochsim', import.meta.url).pathname;
const SMALL = new URL('../scenarios/01-deferred-same-epoch.yaml', import.meta.url).pathname;
const spawnMs = (args) => {
  const t0 = process.hrtime.bigint();
  // stdout to /dev/null opened write-only, as a shell's `> /dev/null` does ('ignore' opens it
  // read-write, which epochsim takes for a closed stdout and exits 74)
  const devNull = openSync('/dev/null', 'w');
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', devNull, 'pipe'], maxBuffer: 1 << 30 });
  closeSync(devNull);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench: ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
};

/**
 * The big page in Debian's Chromium, where it is installed: load (until the timeline shows) and
 * one arrow key (until the next frame), as ratios to the same for scenario 03's page.
 */
async function browserFigures(bigPage) {
  const chromiumPath = '/usr/bin/chromium';
  let chromium;
  try {
    readFileSync(chromiumPath);
    ({ chromium } = await import('playwright-core'));
  } catch {
    console.log(`(no Chromium at ${chromiumPath}: the page was not opened in a browser)`);
    return;
  }
  const small = join(os.tmpdir(), `epochsim-bench-03-${process.pid}.html`);
  spawnSync(process.execPath, [BIN, 'report', new URL('../scenarios/03-cross-epoch-unclaimed.yaml', import.meta.url).pathname, '-o', small]);
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  const browser = await chromium.launch({ executablePath: chromiumPath, args });
  const measure = async (path) => {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const t0 = performance.now();
    await tab.goto(`file://${path}`);
    await tab.waitForSelector('#timeline tr.step');
    const load = performance.now() - t0;
    await tab.locator('#timeline tr.step').first().click();
    const t1 = performance.now();
    await tab.keyboard.press('ArrowDown');
    await tab.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined))));
    const key = performance.now() - t1;
    await tab.close();
    return { load, key };
  };
  const a = await measure(small);
  const b = await measure(bigPage);
  await browser.close();
  rmSync(small, { force: true });
  console.log(
    `the page in Chromium: load ${fmt(b.load / 1e3, 2)} s (${fmt(b.load / a.load, 1)}× scenario 03's page, ${fmt(a.load, 0)} ms); ` +
      `an arrow key ${fmt(b.key, 0)} ms (${fmt(b.key / a.key, 1)}× scenario 03's, ${fmt(a.key, 0)} ms)`,
  );
}

const YAML_EVENTS = Number(process.env.BENCH_YAML ?? 100_000);
if (YAML_EVENTS > 0) {
  // 6a and 6b (issue 15): end to end against the load floor, for the plain and the mixed file; memory
  await ratios.loadFloorSection({ makeScenario, participants: THROUGHPUT_PARTICIPANTS, events: YAML_EVENTS, runs: FLOOR_RUNS, loadScenario: lib.loadScenario });
  await ratios.memorySection({ makeScenario, participants: THROUGHPUT_PARTICIPANTS, lengths: MEMORY_LENGTHS, runs: 1, maxSizeMiB: 1024 });
}
if (YAML_EVENTS > 0 && process.env.BENCH_REPORT !== '0') {
  const { toYaml } = await import('./gen-yaml.js');
  const dir = mkdtempSync(join(os.tmpdir(), 'epochsim-bench-'));
  const file = join(dir, `bench-${YAML_EVENTS}.yaml`);
  writeFileSync(file, toYaml(makeScenario({ participants: THROUGHPUT_PARTICIPANTS, events: YAML_EVENTS }).scenario));
  const mb = readFileSync(file).length / 1e6;
  const runs = [];
  const reports = [];
  const page = join(dir, 'page.html');
  for (let i = 0; i < Math.max(1, RUNS); i++) {
    runs.push(spawnMs([BIN, 'run', file, '--json']));
    reports.push(spawnMs([BIN, 'report', file, '-o', page]));
  }
  console.log(
    `\nepochsim run --json of a generated ${fmtInt(YAML_EVENTS)}-event YAML file (${fmt(mb)} MB), end to end, ` +
      `median of ${runs.length}: ${fmt(median(runs) / 1e3, 2)} s (${runs.map((ms) => fmt(ms / 1e3, 2)).join(', ')}); its target is its ratio to the load floor, in 6a above`,
  );
  const pageMb = readFileSync(page).length / 1e6;
  const ratio = median(reports) / median(runs);
  console.log(
    `epochsim report of the same file (interleaved with it), median of ${reports.length}: ${fmt(median(reports) / 1e3, 2)} s, ` +
      `${ratios.record('epochsim report / run --json', ratio, 2)} run --json; the page ${fmt(pageMb)} MB (target < 25 MB — ${pageMb < 25 ? 'PASS' : 'FAIL'})`,
  );
  await browserFigures(page);
  rmSync(dir, { recursive: true, force: true });
}

const starts = { 'node -e 0': [], 'epochsim --version': [], 'epochsim run (7 events)': [] };
const startArgs = { 'node -e 0': ['-e', '0'], 'epochsim --version': [BIN, '--version'], 'epochsim run (7 events)': [BIN, 'run', SMALL] };
for (let i = 0; i < STARTS; i++) for (const k of Object.keys(starts)) starts[k].push(spawnMs(startArgs[k]));
const bare = median(starts['node -e 0']);
console.log(`\nstart-up, median of ${STARTS} spawns each (interleaved):`);
table(
  ['command', 'median ms', 'over node -e 0'],
  Object.entries(starts).map(([k, xs]) => [k, fmt(median(xs), 1), k === 'node -e 0' ? '' : `+${fmt(median(xs) - bare, 1)} ms`]),
  ['l'],
);
console.log(`  epochsim --version / node -e 0: ${ratios.record('epochsim --version / node -e 0', median(starts['epochsim --version']) / bare, STARTUP_TARGET)}`);
console.log(`  epochsim run (7 events) / node -e 0: ${fmt(median(starts['epochsim run (7 events)']) / bare, 2)}× (no target)`);
// ---------------------------------------------------------------------------------------------
// 8. explore (issue 17): distinct states/s against fuzz's replays/s on the same alphabet.
// ---------------------------------------------------------------------------------------------
const { benchExplore } = await import('./explore.js');
benchExplore({ table, fmtInt, fmt, heapMiB, median, BIN });

console.log(`\npeak memory: RSS high-water of this process ${fmt(process.resourceUsage().maxRSS / 1024)} MiB (all sections); load average now ${os.loadavg().map((x) => fmt(x, 2)).join(' ')}`);
ratios.printVerdicts();

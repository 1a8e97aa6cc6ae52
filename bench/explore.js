/**
 * Section 8 of `npm run bench`: `epochsim explore` throughput and memory, as ratios to floors
 * measured in the same run (machines differ 1.5–2×).
 *
 *   - states/s of a breadth-first search (deferred, the default alphabet, 2 participants) next
 *     to fuzz's floor on the same alphabet: random scenarios of the same depth drawn from the
 *     same actions (each step one that succeeds), each replayed with the same checks
 *     (checkRuleset: invariants, no determinism replay) — replays/s and events/s;
 *   - a search to 10^6 distinct states (--max-states) and the heap it holds: bytes per state;
 *   - the visited set's bytes per state, hashed (16-byte keys) against exact keys (the whole
 *     canonical encodings, as strings);
 *   - `--workers 2` against `--workers 1` end to end (the CLI), wall time.
 *
 * Options: BENCH_EXPLORE=0 skips it; BENCH_EXPLORE_DEPTH (default 6); BENCH_EXPLORE_MILLION
 * (default 1000000, 0 skips the 10^6 search).
 */
import { spawnSync } from 'node:child_process';

const { Expander, Search, runSearch } = await import('../dist/explore/search.js');
const { defaultGenesis, scenarioOf, DEFAULT_KINDS, DEFAULT_AMOUNTS, DEFAULT_SLOTS } = await import('../dist/explore/alphabet.js');
const { checkRuleset } = await import('../dist/fuzz/properties.js');
const { makeRng } = await import('../dist/fuzz/rng.js');
const { RULESETS } = await import('../dist/engine/rules/registry.js');

const spec = (depth, over = {}) => ({
  genesis: defaultGenesis(2),
  rulesets: [RULESETS.deferred],
  kinds: DEFAULT_KINDS,
  amounts: DEFAULT_AMOUNTS,
  slots: DEFAULT_SLOTS,
  depth,
  symmetry: true,
  strict: false,
  ...over,
});

/**
 * Random paths of `depth` actions from the alphabet, each step one of the actions that succeed
 * where the path stands (a fuzzer's failed events are cheaper: leaving them out makes the floor
 * slower, not faster).
 */
function randomScenarios(s, count, seed) {
  const e = new Expander(s);
  const r = makeRng(seed);
  const out = [];
  for (let n = 0; n < count; n++) {
    const path = [];
    for (let d = 0; d < s.depth; d++) {
      const res = e.expand({ seq: 0, length: path.length, count: 1, paths: Uint16Array.from(path) });
      if (res.n === 0) break;
      path.push(res.successors[r.int(res.n) * 2 + 1]);
    }
    out.push(scenarioOf(s.genesis, e.eventsOf(path)));
  }
  return out;
}

export function benchExplore({ table, fmtInt, fmt, heapMiB, median, BIN }) {
  if (process.env.BENCH_EXPLORE === '0') return;
  const depth = Number(process.env.BENCH_EXPLORE_DEPTH ?? 6);
  const million = Number(process.env.BENCH_EXPLORE_MILLION ?? 1_000_000);
  console.log(`\nexplore (deferred, default alphabet, 2 participants, symmetry on), against fuzz's floor on the same alphabet:`);

  runSearch(spec(Math.min(depth, 4))); // warm-up
  const t0 = process.hrtime.bigint();
  const search = runSearch(spec(depth));
  const searchS = Number(process.hrtime.bigint() - t0) / 1e9;

  // the floor: random scenarios of the same depth from the same alphabet, replayed as fuzz does
  const scenarios = randomScenarios(spec(depth), 20_000, 17);
  for (const sc of scenarios.slice(0, 2000)) checkRuleset(sc, RULESETS.deferred, false, false); // warm-up
  const t1 = process.hrtime.bigint();
  let events = 0;
  for (const sc of scenarios) {
    const out = checkRuleset(sc, RULESETS.deferred, false, false);
    events += out.run.counts.events;
  }
  const replayS = Number(process.hrtime.bigint() - t1) / 1e9;
  const statesPerS = search.states / searchS;
  const transPerS = search.transitions / searchS;
  const replaysPerS = scenarios.length / replayS;
  const eventsPerS = events / replayS;
  table(
    ['what', 'count', 'seconds', 'per second', 'ratio to the floor'],
    [
      [`explore depth ${depth}: distinct states`, fmtInt(search.states), fmt(searchS, 2), fmtInt(statesPerS), `${fmt(statesPerS / replaysPerS, 2)}× replays/s`],
      [`explore depth ${depth}: transitions`, fmtInt(search.transitions), fmt(searchS, 2), fmtInt(transPerS), `${fmt(transPerS / eventsPerS, 2)}× events/s`],
      [`floor: fuzz replays of depth-${depth} paths`, fmtInt(scenarios.length), fmt(replayS, 2), fmtInt(replaysPerS), '1'],
      ['floor: their events', fmtInt(events), fmt(replayS, 2), fmtInt(eventsPerS), '1'],
    ],
    ['l'],
  );
  console.log(
    `  one fuzz replay of ${depth} events checks at most ${depth} states, often the same ones again; the search checks each of the ` +
      `${fmtInt(search.states)} states once (TLC's model: throughput in distinct states, not in runs)`,
  );

  // memory: the visited set hashed vs exact, at a depth both fit
  const mDepth = Math.max(1, depth - 1);
  const hashed = runSearch(spec(mDepth));
  const exact = runSearch(spec(mDepth, { keys: 'exact' }));
  console.log(
    `  visited set at depth ${mDepth} (${fmtInt(hashed.states)} states): hashed ${fmt(hashed.visitedBytes / hashed.states, 1)} B/state (table at most half full), ` +
      `exact keys ${fmt(exact.visitedBytes / exact.states, 1)} B/state of key text alone (×${fmt(exact.visitedBytes / hashed.visitedBytes, 1)}), same counts: ${hashed.states === exact.states ? 'yes' : 'NO'}`,
  );

  if (million > 0) {
    // heap and array buffers (the visited set and the tree are typed arrays), after a forced gc
    const held0 = () => {
      heapMiB();
      const m = process.memoryUsage();
      return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
    };
    const before = held0();
    const t2 = process.hrtime.bigint();
    // driven here (not runSearch) so the search is still alive when the heap is measured
    const bigSpec = spec(depth + 2, { maxStates: million });
    const e = new Expander(bigSpec);
    const search = new Search(bigSpec, e);
    for (let job = search.nextJob(); job !== undefined; job = search.nextJob()) search.merge(e.expand(job));
    const bigS = Number(process.hrtime.bigint() - t2) / 1e9;
    const held = held0() - before;
    const big = search.result();
    const peak = process.resourceUsage().maxRSS / 1024;
    console.log(
      `  ${fmtInt(big.states)} distinct states (--max-states ${fmtInt(million)}, reached depth ${big.depth}) in ${fmt(bigS, 1)} s (${fmtInt(big.states / bigS)} states/s): ` +
        `visited set ${fmt(big.visitedBytes / 2 ** 20, 1)} MiB + paths ${fmt(big.treeBytes / 2 ** 20, 1)} MiB; the live search holds ${fmt(held, 1)} MiB of heap and array buffers after gc ` +
        `(${fmt((held * 2 ** 20) / big.states, 0)} B/state); RSS high-water so far ${fmt(peak, 0)} MiB`,
    );
  }

  // worker threads, end to end through the CLI (wall time of the search from its stderr line)
  const wall = (workers) => {
    const r = spawnSync(process.execPath, [BIN, 'explore', '--rules', 'deferred', '--depth', String(depth), '--workers', String(workers), '--out', '/nonexistent-explore-bench'], {
      encoding: 'utf8',
    });
    const m = /in ([0-9.]+) s/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`bench: explore --workers ${workers} exited ${r.status}: ${r.stderr}`);
    return { seconds: Number(m[1]), stdout: r.stdout };
  };
  const runs = [1, 2, 1, 2].map((w) => ({ w, ...wall(w) }));
  const one = median(runs.filter((x) => x.w === 1).map((x) => x.seconds));
  const two = median(runs.filter((x) => x.w === 2).map((x) => x.seconds));
  const same = runs.every((x) => x.stdout === runs[0].stdout);
  console.log(
    `  epochsim explore --rules deferred --depth ${depth} (two searches): --workers 2 takes ×${fmt(two / one, 2)} the time of --workers 1 ` +
      `(median of 2 each: ${fmt(one, 2)} s, ${fmt(two, 2)} s; ${runs.length} runs print the same bytes: ${same ? 'yes' : 'NO'}; ` +
      `the machine's other load shows here, the ratio is the figure)`,
  );
}

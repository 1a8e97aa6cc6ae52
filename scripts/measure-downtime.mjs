#!/usr/bin/env node
// Quick cost check of src/engine/rules/downtime.ts chainDowntimeTest for 10 000 members, as ratios to
// rewardMath.downtimeTest (the exact-rational test it will sit beside) and to a plain loop over the
// members measured in the same run. Not a benchmark gate. Run `npm run build` first.
//   node scripts/measure-downtime.mjs table|exact
import { chainDowntimeTest, parseGoDecimal } from '../dist/engine/rules/downtime.js';
import { downtimeTest } from '../dist/engine/rules/rewardMath.js';
let seed = 12345;
const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x80000000; };
const members = (n, maxTotal, maxRate) => Array.from({ length: n }, () => { const t = Math.floor(rand() * maxTotal); const m = Math.floor(t * rand() * maxRate); return { inferenceCount: t - m, missedRequests: m }; });
const once = (f) => { const t0 = process.hrtime.bigint(); f(); return Number(process.hrtime.bigint() - t0) / 1e6; };
const median = (f, runs) => { const xs = Array.from({ length: runs }, () => once(f)).sort((a, b) => a - b); return xs[Math.floor(runs / 2)]; };
const N = 10000;
const mode = process.argv[2];
if (mode === 'table') {
  for (const [name, ms] of [['totals 0..2000, miss ≤ 20% (dynamic p0 → 20%/30% tables + rate)', members(N, 2000, 0.2)], ['totals 0..990, miss ≤ 5% (10% table)', members(N, 990, 0.05)]]) {
    const oldCold = once(() => downtimeTest({ num: 1n, den: 10n }, ms));
    const newCold = once(() => chainDowntimeTest({ value: 1n, exponent: -1 }, ms));
    const floor = median(() => { let s = 0; for (const m of ms) s += m.inferenceCount + m.missedRequests; return s; }, 51);
    const oldWarm = median(() => downtimeTest({ num: 1n, den: 10n }, ms), 31);
    const newWarm = median(() => chainDowntimeTest({ value: 1n, exponent: -1 }, ms), 31);
    console.log(`${name}: new ${newWarm.toFixed(2)} ms (first call ${newCold.toFixed(1)}), old rewardMath.downtimeTest ${oldWarm.toFixed(2)} ms (first call ${oldCold.toFixed(0)}); new/old repeated ${(newWarm / oldWarm).toFixed(2)}, new/old first call ${(newCold / oldCold).toFixed(4)}; new / floor(sum loop) ${(newWarm / floor).toFixed(0)}`);
  }
} else {
  for (const [label, maxTotal, rate] of [['p0 0.6 exact path, totals 0..3000, miss ≤ 5%', 3000, 0.05], ['p0 0.6 exact path, totals 0..60, any miss', 60, 1]]) {
    const ms = members(N, maxTotal, rate);
    const g = parseGoDecimal(label.includes('3000') ? '0.6' : '0.65');
    const cold = once(() => chainDowntimeTest(g, ms));
    const warm = median(() => chainDowntimeTest(g, ms), 5);
    const table = median(() => chainDowntimeTest({ value: 1n, exponent: -1 }, ms), 15);
    console.log(`${label}: first call ${cold.toFixed(0)} ms, repeated ${warm.toFixed(1)} ms; first call / table path on the same members ${(cold / table).toFixed(0)}x`);
  }
}

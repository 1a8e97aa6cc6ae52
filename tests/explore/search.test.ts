/**
 * The breadth-first search through the library: a planted bug is found at its exact minimal
 * depth with the first path in alphabet order; pr-1000's trapped payout is found no longer than
 * fuzz shrinks it and proved shortest; hashed keys count what exact keys count; the symmetry
 * reduction never counts more states and hides no violation (property test), and renaming
 * interchangeable participants along a path gives the same canonical state; chunking (how the
 * work is split among workers) changes nothing; --max-states stops at exactly N states.
 */
import fc from 'fast-check';
import { RULESETS } from '../../src/engine/rules/registry.js';
import type { Ruleset } from '../../src/engine/rules/ruleset.js';
import { runScenario } from '../../src/engine/replay/run.js';
import { ACTION_KINDS, DEFAULT_AMOUNTS, DEFAULT_KINDS, DEFAULT_SLOTS, defaultGenesis, scenarioOf, SLOT_PATTERNS, type ActionKind, type SlotPattern } from '../../src/explore/alphabet.js';
import { Expander, runSearch, Search, type SearchResult, type SearchSpec } from '../../src/explore/search.js';
import { runCampaign } from '../../src/fuzz/campaign.js';
import { eventsOf } from '../../src/fuzz/generate.js';
import { RULE_NAMES } from '../../src/domain/scenario.js';

const spec = (over: Partial<SearchSpec> = {}): SearchSpec => ({
  genesis: defaultGenesis(2),
  rulesets: [RULESETS.deferred],
  kinds: DEFAULT_KINDS,
  amounts: DEFAULT_AMOUNTS,
  slots: DEFAULT_SLOTS,
  depth: 3,
  symmetry: true,
  strict: false,
  ...over,
});

/** deferred, but a cross-epoch settlement reports 1 ngonka more paid than it paid (refunds 1 short). */
const crossEpochShort: Ruleset = {
  ...RULESETS.deferred,
  deliverPayouts: (draft, ctx, s) => {
    const sameEpoch = draft.effectiveEpoch === s.escrow.epoch && !draft.epochEnded;
    const d = RULESETS.deferred.deliverPayouts(draft, ctx, s);
    return sameEpoch ? d : { ...d, paid: d.paid + 1n };
  },
};

/** deferred, but a same-epoch settlement of escrow 2 or later pays its hosts 1 ngonka more than it takes. */
const sameEpochShort: Ruleset = {
  ...RULESETS.deferred,
  deliverPayouts: (draft, ctx, s) => {
    const d = RULESETS.deferred.deliverPayouts(draft, ctx, s);
    return s.escrow.id >= 2 && d.paid > 0n ? { ...d, paid: d.paid - 1n } : d;
  },
};

const labels = (e: Expander, path: readonly number[]): string[] => path.map((a) => e.actions[a]?.label ?? '?');

const kinds = (r: SearchResult): string[] => r.violations.map((v) => `${v.rules} ${v.property} @${v.depth}`).sort();

describe('a planted bug', () => {
  it('is found at its exact minimal depth, 4, with the first shortest path in alphabet order', () => {
    const s = spec({ rulesets: [crossEpochShort], depth: 5 });
    const r = runSearch(s);
    expect(r.violations.map((v) => [v.property, v.depth])).toEqual([['invariant:surplus', 4]]);
    const v = r.violations[0]!;
    // end comes before create in the alphabet, and an escrow created after the epoch ended settles cross-epoch
    expect(labels(new Expander(s), v.path)).toEqual(['start', 'end', 'create 1000 [h1]', 'settle #1']);
    expect(v.message).toBe(
      'step 4 (settle_escrow): bank(inference) 1503 ≠ obligations 1502 (escrows 0 + owed coin balances 0 + settle amounts 1502): coins with no owner, surplus 1',
    );
    // the path replays to the same violation; registered deferred passes it
    const scenario = scenarioOf(s.genesis, v.events);
    expect(runScenario(scenario, { ruleset: crossEpochShort }).violations.map((x) => [x.step, x.invariant])).toEqual([[4, 'surplus']]);
    expect(runScenario(scenario, { rules: 'deferred' }).violations).toEqual([]);
  });

  it('is not found at depth 3 (no shorter path has it), with or without symmetry', () => {
    for (const symmetry of [true, false]) {
      const r = runSearch(spec({ rulesets: [crossEpochShort], depth: 3, symmetry }));
      expect(r.status).toBe('complete');
      expect(r.violations).toEqual([]);
    }
  });
});

describe('pr-1000 with strict', () => {
  it('finds the trapped payout no longer than fuzz shrinks it, and no violation at a smaller depth', () => {
    // what fuzz shrinks the trapped payout to, in every campaign of one run from seeds 0 … 149 that finds it
    const shrunkLengths: number[] = [];
    for (let seed = 0; seed < 150; seed++) {
      const fuzz = runCampaign({ seed, runs: 1, steps: 40, participants: 4, rulesets: [RULESETS['pr-1000']], strict: true });
      const shrunk = fuzz.found.find((f) => f.property === 'divergence:payout_trapped');
      if (shrunk !== undefined) shrunkLengths.push(eventsOf(shrunk.shrunk).length);
    }
    expect(shrunkLengths).toEqual([3, 3, 3, 3]);
    const fuzzLength = Math.min(...shrunkLengths);
    const s = spec({ rulesets: [RULESETS['pr-1000']], strict: true, depth: 3 });
    const r = runSearch(s);
    const trapped = r.violations.find((v) => v.property === 'divergence:payout_trapped');
    expect(trapped?.depth).toBe(3);
    expect(trapped!.depth).toBeLessThanOrEqual(fuzzLength);
    expect(labels(new Expander(s), trapped!.path)).toEqual(['start', 'create 1000 [h1, u2]', 'settle #1']);
    // proved shortest: every path of up to 2 events checked, none fails (with and without symmetry)
    for (const symmetry of [true, false]) {
      const shorter = runSearch({ ...s, depth: 2, symmetry });
      expect([shorter.status, shorter.depthComplete, shorter.violations]).toEqual(['complete', 2, []]);
    }
    // without strict the same divergence is counted, not failed
    const lax = runSearch({ ...s, strict: false });
    expect(lax.violations).toEqual([]);
    expect(lax.divergences.map((d) => [d.property, d.depth])).toEqual([['divergence:payout_trapped', 3]]);
  });
});

describe('deferred and immediate', () => {
  it('hold every invariant, and the differential holds, at depth 4 with the default alphabet', () => {
    for (const rulesets of [[RULESETS.deferred], [RULESETS.immediate], [RULESETS.deferred, RULESETS.immediate]]) {
      const r = runSearch(spec({ rulesets, depth: 4 }));
      expect({ name: r.name, status: r.status, violations: r.violations, divergences: r.divergences }).toEqual({ name: r.name, status: 'complete', violations: [], divergences: [] });
    }
  });

  it('the differential is found when immediate pays every host 1 ngonka short', () => {
    const hostsShort: Ruleset = {
      ...RULESETS.immediate,
      deliverPayouts: (draft, ctx, s) =>
        RULESETS.immediate.deliverPayouts(draft, ctx, { ...s, payouts: s.payouts.map((p) => ({ ...p, amount: p.amount > 0n ? p.amount - 1n : 0n })) }),
    };
    const s = spec({ rulesets: [RULESETS.deferred, hostsShort], depth: 6, kinds: ['start', 'end', 'create', 'settle', 'claim'], amounts: [1000n], slots: ['one'] });
    const r = runSearch(s);
    expect(r.violations.map((v) => [v.rules, v.property, v.depth])).toEqual([['deferred/immediate', 'differential', 6]]);
    // an escrow of epoch 1 settled in epoch 2 after its end: both pay h1 by bank, immediate 1 short
    expect(labels(new Expander(s), r.violations[0]!.path)).toEqual(['start', 'end', 'create 1000 [h1]', 'start', 'end', 'settle #1']);
    expect(r.violations[0]!.message).toBe('step 6 (settle_escrow): h1 ends with 502 ngonka under deferred and 501 under immediate');
    expect(runSearch({ ...s, depth: 5 }).violations).toEqual([]);
  });
});

describe('state hashing', () => {
  it('counts exactly what whole encodings as keys count (no collision changes a count)', () => {
    for (const name of ['deferred', 'pr-1000', 'v0.2.11', 'newest'] as const) {
      const base = spec({ rulesets: [RULESETS[name]], depth: 4, strict: true });
      const hashed = runSearch(base);
      const exact = runSearch({ ...base, keys: 'exact' });
      expect(hashed.perDepth).toEqual(exact.perDepth);
      expect(kinds(hashed)).toEqual(kinds(exact));
      expect(hashed.states).toBeGreaterThan(1000);
    }
  });

  it('expands a state reached twice once: create [h1] meets create [h2], and [h1] then [h2] meets [h2] then [h1], only by symmetry', () => {
    const s = spec({ kinds: ['start', 'create'], amounts: [1000n], slots: ['one'], depth: 3 });
    const e = new Expander(s);
    const at = (label: string): number => e.actions.findIndex((a) => a.label === label);
    const [start, c1, c2] = [at('start'), at('create 1000 [h1]'), at('create 1000 [h2]')];
    expect(e.encodingOf([start, c1])).toBe(e.encodingOf([start, c2]));
    expect(e.encodingOf([start, c1, c2])).toBe(e.encodingOf([start, c2, c1]));
    expect(e.encodingOf([start, c1, c1])).not.toBe(e.encodingOf([start, c1, c2]));
    const plain = new Expander({ ...s, symmetry: false });
    expect(plain.encodingOf([start, c1])).not.toBe(plain.encodingOf([start, c2]));
    // depth 3: escrows for the same host twice, or for each host once
    expect(runSearch(s).perDepth.map((d) => d.states)).toEqual([1, 1, 1, 2]);
    expect(runSearch({ ...s, symmetry: false }).perDepth.map((d) => d.states)).toEqual([1, 1, 2, 4]);
  });
});

describe('symmetry reduction', () => {
  /** Every registered ruleset, and two planted bugs, so that many scopes have violations to hide. */
  const RULESET_POOL: readonly Ruleset[] = [...RULE_NAMES.map((n) => RULESETS[n]), crossEpochShort, sameEpochShort];
  // start, create and settle always; any of the other kinds
  const ALWAYS: ActionKind[] = ['start', 'create', 'settle'];
  const small = fc.record({
    kinds: fc.subarray(ACTION_KINDS.filter((k) => !ALWAYS.includes(k)) as ActionKind[]).map((k) => ACTION_KINDS.filter((x) => ALWAYS.includes(x) || k.includes(x))),
    slots: fc.subarray([...SLOT_PATTERNS] as SlotPattern[], { minLength: 1 }),
    amounts: fc.subarray([1000n, 1001n, 1003n], { minLength: 1 }),
    rules: fc.constantFrom(...RULESET_POOL),
    participants: fc.integer({ min: 2, max: 3 }),
    depth: fc.integer({ min: 2, max: 4 }),
  });

  it('never counts more states and finds the same violations and divergences at the same depths (property)', () => {
    let compared = 0;
    let withViolations = 0;
    let reduced = 0;
    fc.assert(
      fc.property(small, (o) => {
        const base = spec({
          genesis: defaultGenesis(o.participants),
          rulesets: [o.rules],
          kinds: o.kinds,
          slots: o.slots,
          amounts: o.amounts,
          depth: o.participants === 3 ? Math.min(o.depth, 3) : o.depth,
          strict: true,
          maxStates: 20_000,
        });
        const sym = runSearch(base);
        const plain = runSearch({ ...base, symmetry: false });
        if (plain.status === 'max_states') return; // too large a scope for a fair comparison
        compared++;
        if (plain.violations.length > 0) withViolations++;
        if (sym.states < plain.states) reduced++;
        expect(sym.states).toBeLessThanOrEqual(plain.states);
        expect(kinds(sym)).toEqual(kinds(plain));
        expect(sym.divergences).toEqual([]);
      }),
      { seed: 17, numRuns: 40 },
    );
    // the property was not vacuous: most scopes were compared, some had violations, most were reduced
    expect(compared).toBeGreaterThanOrEqual(30);
    expect(withViolations).toBeGreaterThanOrEqual(5);
    expect(reduced).toBeGreaterThanOrEqual(20);
  }, 120_000);

  it('renaming interchangeable participants along a path reaches the same canonical state (property)', () => {
    const s = spec({ rulesets: [RULESETS['pr-1000']], kinds: ACTION_KINDS, genesis: defaultGenesis(3), depth: 6 });
    const e = new Expander(s);
    const byLabel = new Map(e.actions.map((a, i) => [a.label, i]));
    const rename = (label: string, p: readonly number[]): string => label.replace(/h([123])/g, (_, d: string) => `h${(p[Number(d) - 1] as number) + 1}`);
    let longest = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.constantFrom([1, 0, 2], [0, 2, 1], [2, 0, 1], [1, 2, 0]), (choices, perm) => {
        // a real path: each step one of the actions that succeed from where the path stands
        const path: number[] = [];
        for (const c of choices) {
          const r = e.expand({ seq: 0, length: path.length, count: 1, paths: Uint16Array.from(path) });
          if (r.n === 0) break;
          path.push(r.successors[(c % r.n) * 2 + 1] as number);
        }
        longest = Math.max(longest, path.length);
        const renamed = path.map((a) => byLabel.get(rename(e.actions[a]!.label, perm)));
        expect(renamed.every((a) => a !== undefined)).toBe(true); // the alphabet is closed under renaming
        expect(e.encodingOf(renamed as number[])).toBe(e.encodingOf(path));
      }),
      { seed: 5, numRuns: 150 },
    );
    expect(longest).toBe(6);
  });
});

describe('splitting the work', () => {
  it('gives the same counts and the same first counterexamples whatever the chunk size', () => {
    const base = spec({ rulesets: [RULESETS['fees-kept']], strict: true, depth: 4 });
    const results = [1, 7, 256].map((chunk) => runSearch({ ...base, chunk }));
    for (const r of results.slice(1)) {
      expect(r.perDepth).toEqual(results[0]!.perDepth);
      expect(r.violations).toEqual(results[0]!.violations);
    }
    expect(kinds(results[0]!)).toEqual(['fees-kept divergence:fees_kept @3']);
  });

  it('merges results in order even when chunks are expanded out of order', () => {
    const base = spec({ rulesets: [RULESETS['pr-1000']], strict: true, depth: 4, chunk: 5 });
    const e = new Expander(base);
    const search = new Search(base, e);
    // hand out every job of a level, expand them last-first, merge first-first
    while (!search.done) {
      const jobs = [];
      for (let j = search.nextJob(); j !== undefined; j = search.nextJob()) jobs.push(j);
      const results = jobs.reverse().map((j) => e.expand(j)).reverse();
      for (const r of results) search.merge(r);
    }
    const r = search.result();
    const whole = runSearch({ ...base, chunk: 256 });
    expect(r.perDepth).toEqual(whole.perDepth);
    expect(r.violations).toEqual(whole.violations);
  });
});

describe('--max-states', () => {
  it('stops at exactly N states, the same way whatever the chunk size', () => {
    const a = runSearch(spec({ depth: 6, maxStates: 500 }));
    const b = runSearch(spec({ depth: 6, maxStates: 500, chunk: 3 }));
    expect(a.status).toBe('max_states');
    expect(a.states).toBe(500);
    expect(b.perDepth).toEqual(a.perDepth);
    expect(a.depthComplete).toBe(a.depth - 1);
    expect(a.perDepth.reduce((n, d) => n + d.states, 0)).toBe(500);
  });

  it('a scope with nothing more to find ends as exhausted', () => {
    const r = runSearch(spec({ kinds: ['start', 'end'], depth: 10 }));
    expect(r.status).toBe('complete');
    const once = runSearch(spec({ kinds: ['create'], depth: 3 })); // no epoch: nothing applies
    expect(once.status).toBe('exhausted');
    expect(once.states).toBe(1);
    expect(once.depthComplete).toBe(3);
  });
});

/**
 * The chain's downtime test (src/engine/rules/downtime.ts). Expected values come from the chain's own Go
 * tests (cited by file and test name; identical at v0.2.11 bd1fd508, v0.2.12 d8b8e907 and devshard
 * v2 8a35022b) or from the Go oracle: tests/fixtures/downtime-go-oracle.json, written by
 * scripts/go-oracle.mjs, which runs the chain's own functions (calculations/stats.go,
 * stats_table.go, keeper getDynamicP0 and CheckAndPunishForDowntime*) compiled against
 * shopspring/decimal v1.4.0. None is computed by epochsim's code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  binomialPValue,
  chainDowntimeTest,
  dynamicP0,
  formatGoDecimal,
  goDecimalFromFraction,
  missedStatTest,
  missedStatTestLookup,
  parseGoDecimal,
  type DowntimeStats,
  type GoDecimal,
  type StatOutcome,
} from '../../src/engine/rules/downtime.js';
import { BEYOND_TABLE_RATE, CRITICAL_VALUE_TABLES, MAX_TABLE_N, TABLE_PERMILLES } from '../../src/engine/rules/data/statsTables.js';

const d = parseGoDecimal;
const stats = (pairs: readonly (readonly [number, number])[]): DowntimeStats[] => pairs.map(([inferenceCount, missedRequests]) => ({ inferenceCount, missedRequests }));
/** pass/fail, or the error text, of a test outcome. */
const verdict = (o: StatOutcome): boolean | string => (o.ok ? o.passed : o.error.message);

// ---------------------------------------------------------------------------------------------
// The Go oracle's fixture

interface OracleDecimal {
  readonly value: string;
  readonly exponent: number;
}
interface Oracle {
  readonly pvalue: readonly { k: number; n: number; p0: OracleDecimal; go: { value?: { string: string }; err?: string; panic?: string } }[];
  readonly missed: readonly { missed: number; total: number; p0: OracleDecimal; go: { passed: boolean; err?: string } }[];
  readonly lookup: readonly { missed: number; total: number; permille: number; go: { passed: boolean; err?: string } }[];
  readonly settle: readonly { name?: string; governance: OracleDecimal | null; members: [number, number][]; go: { p0: OracleDecimal; skip: boolean; passed: boolean[] | null } }[];
}
const oracle = JSON.parse(readFileSync(join(process.cwd(), 'tests', 'fixtures', 'downtime-go-oracle.json'), 'utf8')) as Oracle;
const fromOracle = (x: OracleDecimal): GoDecimal => ({ value: BigInt(x.value), exponent: x.exponent });
const goVerdict = (go: { passed: boolean; err?: string }): boolean | string => (go.err ? go.err : go.passed);
function named(name: string): Oracle['settle'][number] {
  const c = oracle.settle.find((s) => s.name === name);
  if (!c) throw new Error(`no oracle case named ${name}`);
  return c;
}

describe('the Go oracle fixture', () => {
  test('was produced by the chain code at the three releases with shopspring v1.4.0 (header)', () => {
    const header = oracle as unknown as { chain: { identicalAt: Record<string, string> }; shopspringDecimal: { version: string; goSum: string } };
    expect(header.chain.identicalAt).toEqual({
      'v0.2.11': 'bd1fd5083af80e4c8b50596becd15b042c36f0d7',
      'v0.2.12': 'd8b8e9073d1a420d344d3ecc33ef23957f4142b1',
      'devshard v2': '8a35022bea25ebee4b7356314a0a262edbaa82db',
    });
    expect(header.shopspringDecimal).toEqual({ version: 'v1.4.0', goSum: 'h1:bxl37RwXBklmTi0C79JfXCEBD1cqqHt0bbgBAGFp81k=' });
    expect(oracle.pvalue.length).toBeGreaterThan(400);
    expect(oracle.settle.length).toBeGreaterThan(400);
  });
});

// ---------------------------------------------------------------------------------------------

describe('statsTables (generated from calculations/stats_table.go)', () => {
  test('six tables keyed by permille, 107 rows each: totals 2..10, then 20..990 by 10 (generate_tables_test.go generateNValues)', () => {
    expect([...TABLE_PERMILLES]).toEqual([50, 100, 200, 300, 400, 500]);
    expect(MAX_TABLE_N).toBe(990);
    const totals = [2, 3, 4, 5, 6, 7, 8, 9, 10, ...Array.from({ length: 98 }, (_, i) => 20 + 10 * i)];
    for (const p of TABLE_PERMILLES) expect(CRITICAL_VALUE_TABLES[p].map(([t]) => t)).toEqual(totals);
  });

  test('entries read in the Go source (P005…P050 at 100, 500, 990) and the beyond-table multipliers', () => {
    const at = (p: (typeof TABLE_PERMILLES)[number], t: number): number | undefined => CRITICAL_VALUE_TABLES[p].find(([n]) => n === t)?.[1];
    const expected: Record<number, [number, number, number]> = { 50: [8, 33, 60], 100: [14, 61, 114], 200: [26, 114, 218], 300: [37, 166, 320], 400: [48, 218, 421], 500: [58, 268, 520] };
    for (const p of TABLE_PERMILLES) {
      expect([at(p, 100), at(p, 500), at(p, 990)]).toEqual(expected[p]);
      expect(CRITICAL_VALUE_TABLES[p].slice(0, 3)).toEqual([[2, 2], [3, 3], [4, 4]]);
    }
    expect(BEYOND_TABLE_RATE).toEqual({ 50: [1, 20], 100: [1, 10], 200: [1, 5], 300: [3, 10], 400: [2, 5], 500: [1, 2] });
  });

  test("every row is the chain generator's normal approximation, raised to min(n, 4) (generate_tables_test.go criticalValueNormalApprox; stats_table.go: no penalty for n < 5)", () => {
    const zAlpha = 1.6448536269514722; // generate_tables_test.go
    for (const p of TABLE_PERMILLES) {
      const p0 = p / 1000;
      for (const [n, critical] of CRITICAL_VALUE_TABLES[p]) {
        const approx = Math.min(n, Math.floor(n * p0 + zAlpha * Math.sqrt(n * p0 * (1 - p0))));
        expect([p, n, critical]).toEqual([p, n, Math.max(approx, Math.min(n, 4))]);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('missedStatTestLookup = MissedStatTestLookupWithP0', () => {
  const COUNTS = 'invalid input: requires 0 <= nMissed <= nTotal and nTotal > 0';

  test('stats_table_test.go TestMissedStatTestLookupWithP0ErrorConditions', () => {
    expect(verdict(missedStatTestLookup(-1, 10, 100))).toBe(COUNTS);
    expect(verdict(missedStatTestLookup(0, 0, 100))).toBe(true);
    expect(verdict(missedStatTestLookup(0, -5, 100))).toBe(COUNTS);
    expect(verdict(missedStatTestLookup(15, 10, 100))).toBe(COUNTS);
    expect(verdict(missedStatTestLookup(-1, -1, 100))).toBe(COUNTS);
  });

  test('stats_table_test.go TestMissedStatTestLookupWithP0_P010', () => {
    const cases: [number, number, boolean][] = [
      [1, 10, true], [4, 10, true], [5, 10, false], [3, 20, true], [4, 20, true], [5, 20, false],
      [13, 100, true], [14, 100, true], [15, 100, false], [60, 500, true], [61, 500, true], [62, 500, false],
      [99, 1000, true], [100, 1000, true], [101, 1000, false], [1, 15, true], [2, 15, true], [5, 15, false],
      [10, 75, true], [11, 75, true], [12, 75, false], [0, 10, true], [0, 1000, true], [10, 10, false],
      [0, 5, true], [1, 5, true], [5, 5, false], [0, 1, true], [1, 1, true], [2, 2, true], [3, 3, true], [4, 4, true],
    ];
    for (const [missed, total, passed] of cases) expect([missed, total, verdict(missedStatTestLookup(missed, total, 100))]).toEqual([missed, total, passed]);
  });

  test('stats_table_test.go TestMissedStatTestLookupWithP0 (each table at n=100, the rate beyond 990, unsupported p0)', () => {
    const cases: [number, number, number, boolean | string][] = [
      [7, 100, 50, true], [8, 100, 50, true], [9, 100, 50, false],
      [25, 100, 200, true], [26, 100, 200, true], [27, 100, 200, false],
      [36, 100, 300, true], [37, 100, 300, true], [38, 100, 300, false],
      [47, 100, 400, true], [48, 100, 400, true], [49, 100, 400, false],
      [57, 100, 500, true], [58, 100, 500, true], [59, 100, 500, false],
      [100, 2000, 50, true], [101, 2000, 50, false], [400, 2000, 200, true], [401, 2000, 200, false],
      [1000, 2000, 500, true], [1001, 2000, 500, false],
      [100000000, 1000000000, 100, true], [100000001, 1000000000, 100, false],
      [10, 100, 150, 'unsupported p0 value'], [0, 0, 100, true], [-1, 10, 100, COUNTS],
    ];
    for (const [missed, total, permille, want] of cases) expect([missed, total, permille, verdict(missedStatTestLookup(missed, total, permille))]).toEqual([missed, total, permille, want]);
  });

  test('a total between rows uses the row below: 15 and 19 use row 10, 20 its own; total 1 is below the first row', () => {
    expect(missedStatTestLookup(4, 15, 100)).toEqual({ ok: true, passed: true, rule: 'table', permille: 100, row: [10, 4] });
    expect(missedStatTestLookup(5, 19, 100)).toEqual({ ok: true, passed: false, rule: 'table', permille: 100, row: [10, 4] });
    expect(missedStatTestLookup(4, 20, 100)).toEqual({ ok: true, passed: true, rule: 'table', permille: 100, row: [20, 4] });
    expect(missedStatTestLookup(1, 1, 500)).toEqual({ ok: true, passed: true, rule: 'table', permille: 500, row: undefined });
    expect(missedStatTestLookup(9, 999, 100)).toEqual({ ok: true, passed: true, rule: 'rate', permille: 100, num: 1, den: 10 });
  });

  test('the 990 → 991 discontinuity at 10%: 114 of 990 pass (table), only 99 of 991 (rate 1/10)', () => {
    expect([114, 115].map((m) => verdict(missedStatTestLookup(m, 990, 100)))).toEqual([true, false]);
    expect([99, 100].map((m) => verdict(missedStatTestLookup(m, 991, 100)))).toEqual([true, false]);
  });

  test(`agrees with the Go oracle on all ${oracle.lookup.length} lookups`, () => {
    for (const c of oracle.lookup) expect([c.missed, c.total, c.permille, verdict(missedStatTestLookup(c.missed, c.total, c.permille))]).toEqual([c.missed, c.total, c.permille, goVerdict(c.go)]);
  });

  test('stats_table_test.go TestMissedStatTestLookupConsistency, as a property: passing is monotone in missed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TABLE_PERMILLES), fc.integer({ min: 1, max: 5000 }), fc.nat(), (p, total, seed) => {
        const missed = 1 + (seed % total);
        const now = verdict(missedStatTestLookup(missed, total, p));
        return now === false || verdict(missedStatTestLookup(missed - 1, total, p)) === true;
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('binomialPValue = BinomialPValue(k, n, p0, 16)', () => {
  const value = (k: number, n: number, p0: string): string => {
    const r = binomialPValue(k, n, d(p0));
    return r.ok ? r.value : `error ${r.error.kind}: ${r.error.message}`;
  };

  test('stats_test.go TestBinomialPValue (p0 = NewFromFloat(0.1)), within its deltas and to the digit (oracle)', () => {
    // The Go test allows ±0.0001, ±1e-10, ±0.0001 around 1, 0.1^10 and scipy's 0.00163.
    expect(Math.abs(Number(value(0, 10, '0.1')) - 1)).toBeLessThanOrEqual(0.0001);
    expect(Math.abs(Number(value(10, 10, '0.1')) - 1e-10)).toBeLessThanOrEqual(1e-10);
    expect(Math.abs(Number(value(5, 10, '0.1')) - 0.00163)).toBeLessThanOrEqual(0.0001);
    expect([value(0, 10, '0.1'), value(10, 10, '0.1'), value(5, 10, '0.1')]).toEqual(['1', '0.0000000001', '0.0016349374']);
  });

  test('Round(16) rounds a tie away from zero: pow(0.5, 17) = 0.00000762939453125 → 0.0000076293945313 (oracle)', () => {
    expect(value(17, 17, '0.5')).toBe('0.0000076293945313');
    expect([value(54, 54, '0.5'), value(55, 55, '0.5')]).toEqual(['0.0000000000000001', '0']);
  });

  test('Div rounds a tie away from zero: 0.66445568 / 0.33554432 = 1.98023223876953125 → …313 (oracle)', () => {
    expect([[1, 2], [1, 3], [2, 5], [3, 9], [10, 30]].map(([k, n]) => value(k as number, n as number, '0.66445568'))).toEqual([
      '0.8874100093157376', '0.9622210681370428', '0.9536315883346365', '0.9913733778307578', '0.9999505708024113',
    ]);
  });

  test('Round(16) of the sum at a tie: 15 of 16 at p0 0.95 sums to 0.81075965277956845 → 0.8107596527795685 (oracle)', () => {
    expect([value(15, 16, '0.95'), value(15, 16, '0.950')]).toEqual(['0.8107596527795685', '0.8107596527795685']);
  });

  test('a pow that rounds to 0 at 16 places makes the p-value 0 (oracle: p0 0.6, 1 missed of 40/41/42; 0.15, 1 of 300)', () => {
    expect([value(1, 40, '0.6'), value(1, 41, '0.6'), value(1, 42, '0.6')]).toEqual(['0.992616735063633', '0.8271806125530276', '0']);
    expect([value(1, 300, '0.15'), value(1, 1000, '0.6')]).toEqual(['0', '0']);
    expect(value(60, 100, '0.6')).toBe('0.4496447015492082');
  });

  test('many-digit p0 (oracle)', () => {
    expect(value(1, 2, '0.6180339887498948')).toBe('0.8541019662496845');
    expect(value(199, 200, '0.999999')).toBe('0.9999999801026266');
    expect(value(5, 40, '0.1234567890123456789')).toBe('0.559659153491579');
  });

  test("the chain's errors, with its texts", () => {
    expect(value(11, 10, '0.1')).toBe('error invalidCounts: invalid input: requires 0 <= k <= n');
    expect(value(-1, 10, '0.1')).toBe('error invalidCounts: invalid input: requires 0 <= k <= n');
    expect(value(1, 10, '0')).toBe('error p0OutOfRange: p0 must be in (0, 1)');
    expect(value(1, 10, '1')).toBe('error p0OutOfRange: p0 must be in (0, 1)');
    expect(value(1, 10, '-0.1')).toBe('error p0OutOfRange: p0 must be in (0, 1)');
  });

  test("shopspring's Mul panic: p0 = 5e-2048, pow(p0, 2^20) squares to exponent -2048 × 2^21 (oracle: Go panics 'exponent -4294967296 overflows an int32!')", () => {
    const r = binomialPValue(2 ** 20, 2 ** 20, { value: 5n, exponent: -2048 });
    expect(r.ok ? r.value : r.error.kind).toBe('goPanic');
    const go = oracle.pvalue.find((c) => c.k === 2 ** 20);
    expect(go?.go.panic).toBe('exponent -4294967296 overflows an int32!');
  });

  test(`agrees with the Go oracle digit for digit on all ${oracle.pvalue.length} cases`, () => {
    for (const c of oracle.pvalue) {
      const r = binomialPValue(c.k, c.n, fromOracle(c.p0));
      const got = r.ok ? r.value : r.error.kind === 'goPanic' ? 'panic' : r.error.message;
      const want = c.go.panic !== undefined ? 'panic' : c.go.err ? c.go.err : c.go.value?.string;
      expect([c.k, c.n, c.p0, got]).toEqual([c.k, c.n, c.p0, want]);
    }
  });

  test('beyond the exact budget it says infeasible instead of hanging (p0 0.99999, 30000 missed of 30002)', () => {
    const r = binomialPValue(30000, 30002, d('0.99999'));
    expect(r.ok ? r.value : r.error).toEqual({ kind: 'infeasible', message: "binomialPMF's coefficient needs 30000 exact steps (epochsim's budget: 20000)" });
  });
});

// ---------------------------------------------------------------------------------------------

describe('missedStatTest = MissedStatTest', () => {
  const COUNTS = 'invalid input: requires 0 <= nMissed <= nTotal and nTotal > 0';
  const P010 = d('0.1'); // stats_test.go defaultP0 = NewFromFloat(0.10)

  test('stats_test.go TestMissedStatTestErrorConditions', () => {
    expect([[-1, 10], [0, 0], [0, -5], [15, 10], [-1, -1]].map(([m, t]) => verdict(missedStatTest(m as number, t as number, P010)))).toEqual([COUNTS, true, COUNTS, COUNTS, COUNTS]);
  });

  test('stats_test.go TestMissedStatTestBasicBehavior (n = 100, p0 0.10: 14 is the boundary)', () => {
    expect([0, 5, 10, 14, 15, 20, 50].map((m) => verdict(missedStatTest(m, 100, P010)))).toEqual([true, true, true, true, false, false, false]);
  });

  test('stats_test.go TestMissedStatTestWithDifferentP0 (NewFromFloat(0.05), NewFromFloat(0.20))', () => {
    expect([verdict(missedStatTest(2, 100, d('0.05'))), verdict(missedStatTest(12, 100, d('0.05')))]).toEqual([true, false]);
    expect([verdict(missedStatTest(15, 100, d('0.2'))), verdict(missedStatTest(35, 100, d('0.2')))]).toEqual([true, false]);
  });

  test('IntPart(p0 × 1000) picks the table: 0.5 < p0 < 0.501 → P050, 0.1004 → P010; 0.0999 and 0.501 take the exact path', () => {
    expect(missedStatTest(58, 100, d('0.5005'))).toEqual({ ok: true, passed: true, rule: 'table', permille: 500, row: [100, 58] });
    expect(missedStatTest(59, 100, d('0.50099'))).toEqual({ ok: true, passed: false, rule: 'table', permille: 500, row: [100, 58] });
    expect(missedStatTest(14, 100, d('0.1004'))).toEqual({ ok: true, passed: true, rule: 'table', permille: 100, row: [100, 14] });
    const exact = (o: StatOutcome): string => (o.ok ? o.rule : o.error.kind);
    expect([exact(missedStatTest(14, 100, d('0.0999'))), exact(missedStatTest(14, 100, d('0.501')))]).toEqual(['exact', 'exact']);
  });

  test('p0 0.6 on the exact path is not monotone in missed: 1 of 100 fails, 60 of 100 passes (oracle)', () => {
    const go = (m: number): boolean | undefined => oracle.missed.find((c) => c.missed === m && c.total === 100 && c.p0.value === '6')?.go.passed;
    expect([go(1), go(60)]).toEqual([false, true]);
    expect(missedStatTest(1, 100, d('0.6'))).toEqual({ ok: true, passed: false, rule: 'exact', pValue: '0' });
    expect(missedStatTest(60, 100, d('0.6'))).toEqual({ ok: true, passed: true, rule: 'exact', pValue: '0.4496447015492082' });
  });

  test(`agrees with the Go oracle on all ${oracle.missed.length} cases`, () => {
    for (const c of oracle.missed) expect([c.missed, c.total, c.p0, verdict(missedStatTest(c.missed, c.total, fromOracle(c.p0)))]).toEqual([c.missed, c.total, c.p0, goVerdict(c.go)]);
  });

  test('property: any p0 with IntPart(p0 × 1000) a table key decides exactly as that table', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TABLE_PERMILLES), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 1, max: 3000 }), fc.nat(), (p, extra, total, seed) => {
        const p0: GoDecimal = { value: BigInt(p) * 1_000_000n + BigInt(extra), exponent: -9 }; // p/1000 ≤ p0 < (p+1)/1000
        const missed = seed % (total + 1);
        expect(missedStatTest(missed, total, p0)).toEqual(missedStatTestLookup(missed, total, p));
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('dynamicP0 = getDynamicP0', () => {
  const healthy = stats([[200, 0], [200, 0], [200, 0], [200, 0], [200, 0]]);
  const chosen = (governance: GoDecimal | undefined, members: DowntimeStats[]): [bigint, number, boolean] => {
    const r = dynamicP0(governance, members);
    return [r.p0.value, r.p0.exponent, r.skipPunishment];
  };

  test('bitcoin_rewards_test.go TestGetDynamicP0 (all seven subtests)', () => {
    expect(chosen(undefined, healthy)).toEqual([100n, -3, false]); // Healthy epoch uses governance p0
    expect(chosen(undefined, stats([[220, 30], [220, 30], [176, 24], [132, 18], [132, 18]]))).toEqual([200n, -3, false]); // Degraded epoch selects 0.20
    expect(chosen(undefined, stats([[205, 45], [205, 45], [164, 36], [123, 27], [122, 28]]))).toEqual([300n, -3, false]); // Snaps up to next supported table
    expect(chosen(undefined, stats([[104, 96], [104, 96], [104, 96], [104, 96], [104, 96]]))).toEqual([500n, -3, true]); // Outage circuit breaker triggers at 0.50
    expect(chosen(undefined, stats([[50, 50], [50, 50]]))).toEqual([100n, -3, false]); // Small sample falls back to governance
    expect(chosen({ value: 300n, exponent: -3 }, healthy)).toEqual([300n, -3, false]); // Never stricter than governance
    expect(chosen({ value: 12n, exponent: -2 }, healthy)).toEqual([200n, -3, false]); // Governance p0 snaps to supported table
  });

  test('the explanation of a dynamic choice: sums, baseline floor(M × 1000 / T), target, selected table', () => {
    const r = dynamicP0(undefined, stats([[220, 30], [220, 30], [176, 24], [132, 18], [132, 18], [0, 0]]));
    expect(r).toMatchObject({
      totalRequests: 1000n, missedRequests: 120n, membersWithRequests: 5, dynamic: true, direct: false,
      baselinePermille: 120n, targetPermille: 140n, selectedPermille: 200, governancePermille: 100, permille: 200, skipPunishment: false,
    });
  });

  const oracleCase = (name: string): [bigint, number, boolean, boolean[] | null] => {
    const c = named(name);
    const r = chainDowntimeTest(c.governance ? fromOracle(c.governance) : undefined, stats(c.members));
    if (!r.ok) throw new Error(r.error.message);
    expect([String(r.p0.value), r.p0.exponent, r.skipPunishment, r.members.map((m) => m.passed)]).toEqual([c.go.p0.value, c.go.p0.exponent, c.go.skip, c.go.passed ?? []]);
    return [r.p0.value, r.p0.exponent, r.skipPunishment, r.members.map((m) => m.passed)];
  };

  test('the sample gate: ≥ 1000 requests and ≥ 5 members with requests (oracle)', () => {
    expect(oracleCase('gate: 999 requests over 5 members').slice(0, 3)).toEqual([100n, -3, false]);
    expect(oracleCase('gate: 1000 requests over 5 members').slice(0, 3)).toEqual([200n, -3, false]);
    expect(oracleCase('gate: 1000 requests over 4 members (+1 with none)').slice(0, 3)).toEqual([100n, -3, false]);
  });

  test('the circuit breaker: baseline 380‰ → 40% table, 381‰ → 50%, skip (oracle)', () => {
    expect(oracleCase('breaker: baseline 380').slice(0, 3)).toEqual([400n, -3, false]);
    expect(oracleCase('breaker: baseline 381').slice(0, 3)).toEqual([500n, -3, true]);
    expect(dynamicP0(undefined, stats(named('breaker: baseline 381').members)).baselinePermille).toBe(381n);
  });

  test('governance fallbacks: nil, ≤ 0 and < 0.001 → 10%; 0.001 → 5%; 0.0501 → 10%; 0.5 → 50% table; > 0.5‰-ceil → governance value directly (oracle)', () => {
    expect(oracleCase('governance 0.0005 (ceil 0) -> 10%').slice(0, 3)).toEqual([100n, -3, false]);
    expect(oracleCase('governance 0 -> 10%').slice(0, 3)).toEqual([100n, -3, false]);
    expect(oracleCase('governance -0.1 -> 10%').slice(0, 3)).toEqual([100n, -3, false]);
    expect(oracleCase('governance 0.001 -> 5%').slice(0, 3)).toEqual([50n, -3, false]);
    expect(oracleCase('governance 0.0501 -> 10%').slice(0, 3)).toEqual([100n, -3, false]);
    expect(oracleCase('governance 0.5 -> 50% table, not direct').slice(0, 3)).toEqual([500n, -3, false]);
    expect(oracleCase('governance 0.5005 -> direct, 50% table, no breaker')).toEqual([5005n, -4, false, [true, true, true, true, true, false]]);
    expect(oracleCase('baseline 30, governance 0.05 (+20 = 50)').slice(0, 3)).toEqual([50n, -3, false]);
    expect(oracleCase('baseline 31, governance 0.05 (+20 = 51 -> 100)').slice(0, 3)).toEqual([100n, -3, false]);
    const direct = dynamicP0(d('0.5005'), []);
    expect([direct.direct, direct.governanceCeilPermille, direct.permille, direct.dynamic]).toEqual([true, 501n, undefined, false]);
  });

  test('IntPart(p0 × 1000) keeps only the low 64 bits like big.Int.Int64: absurd governance p0s land on tables (oracle)', () => {
    expect(oracleCase('governance 1e70 (IntPart 0) -> 10%')).toEqual([100n, -3, false, [true, false]]);
    expect(oracleCase('governance 9.3e15 (IntPart wraps negative) -> 10%')).toEqual([100n, -3, false, [true, false]]);
    expect(oracleCase('governance (2^62+1)/10 (IntPart wraps to 100) -> 20%')).toEqual([200n, -3, false, [true, true, false]]);
    const wrapped = { value: 4611686018427387905n, exponent: -1 }; // 100 × p0 × 10 = 100 + 25 × 2^64
    expect(missedStatTest(14, 100, wrapped)).toEqual({ ok: true, passed: true, rule: 'table', permille: 100, row: [100, 14] });
  });

  test('property: the dynamic table never goes below governance, and it skips exactly when the baseline is ≥ 381‰', () => {
    const member = fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 }));
    const governance = fc.constantFrom(undefined, '0.05', '0.1', '0.12', '0.2', '0.3', '0.4', '0.5').map((s) => (s === undefined ? undefined : d(s)));
    fc.assert(
      fc.property(governance, fc.array(member, { maxLength: 12 }), (g, pairs) => {
        const r = dynamicP0(g, stats(pairs));
        expect(r.permille).toBeGreaterThanOrEqual(r.governancePermille);
        expect(r.skipPunishment).toBe(r.dynamic && (r.baselinePermille as bigint) >= 381n);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('chainDowntimeTest = getDynamicP0 + CheckAndPunishForDowntimeForParticipants', () => {
  test('accountsettle_test.go TestSettleWithGraceEpoch / TestSettleWithoutGraceEpoch: 50 of 100 missed kept under a grace p0 0.5, punished under 0.1', () => {
    const one = stats([[50, 50]]);
    const grace = chainDowntimeTest({ value: 5n, exponent: -1 }, one);
    const normal = chainDowntimeTest({ value: 1n, exponent: -1 }, one); // DefaultValidationParams: DecimalFromFloat(0.10)
    expect(grace.ok && grace.members).toEqual([{ total: 100, missed: 50, passed: true, rule: 'table', row: [100, 58] }]);
    expect(normal.ok && normal.members).toEqual([{ total: 100, missed: 50, passed: false, rule: 'table', row: [100, 14] }]);
  });

  test('each member says how it was decided: untested, table row, rate, exact p-value, error (kept), skipped', () => {
    const table = chainDowntimeTest(undefined, stats([[0, 0], [876, 114], [892, 99], [891, 100]]));
    expect(table.ok && table.members).toEqual([
      { total: 0, missed: 0, passed: true, rule: 'untested' },
      { total: 990, missed: 114, passed: true, rule: 'table', row: [990, 114] },
      { total: 991, missed: 99, passed: true, rule: 'rate', rate: { num: 1, den: 10 } },
      { total: 991, missed: 100, passed: false, rule: 'rate', rate: { num: 1, den: 10 } },
    ]);
    const exact = chainDowntimeTest(d('0.6'), stats([[99, 1], [40, 60]]));
    expect(exact.ok && exact.members).toEqual([
      { total: 100, missed: 1, passed: false, rule: 'exact', pValue: '0' },
      { total: 100, missed: 60, passed: true, rule: 'exact', pValue: '0.4496447015492082' },
    ]);
    const kept = chainDowntimeTest(d('1'), stats([[0, 100]]));
    expect(kept.ok && kept.members).toEqual([{ total: 100, missed: 100, passed: true, rule: 'error', error: { kind: 'p0OutOfRange', message: 'p0 must be in (0, 1)' } }]);
    const skipped = chainDowntimeTest(undefined, stats(named('breaker: baseline 381').members));
    expect(skipped.ok && skipped.members.map((m) => m.rule)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
  });

  test(`agrees with the Go oracle on all ${oracle.settle.length} settlements (p0, skip, every member's reward kept or not)`, () => {
    for (const c of oracle.settle) {
      const r = chainDowntimeTest(c.governance ? fromOracle(c.governance) : undefined, stats(c.members));
      const got = r.ok ? { p0: { value: String(r.p0.value), exponent: r.p0.exponent }, skip: r.skipPunishment, passed: r.members.map((m) => m.passed) } : r.error;
      expect([c.name ?? c.members, got]).toEqual([c.name ?? c.members, { ...c.go, passed: c.go.passed ?? [] }]);
    }
  });

  test("a count that makes shopspring's Mul panic halts settlement (governance 0.6, 2^31 missed: pow squares to exponent -2^32; read from stats.go pow, not run)", () => {
    const r = chainDowntimeTest(d('0.6'), stats([[10, 0], [0, 2 ** 31]]));
    expect(r.ok ? 'ok' : [r.member, r.error.kind]).toEqual([1, 'goPanic']);
    const fine = chainDowntimeTest(d('0.6'), stats([[1_000_000, 1]]));
    expect(fine.ok && fine.members).toEqual([{ total: 1_000_001, missed: 1, passed: false, rule: 'exact', pValue: '0' }]);
  });

  test('property: a member’s result does not depend on the order of the members', () => {
    const member = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 800 }));
    const governance = fc.constantFrom(undefined, '0.1', '0.3', '0.5005', '0.6', '0.75');
    fc.assert(
      fc.property(governance, fc.array(member, { minLength: 1, maxLength: 10 }), fc.nat(), (g, pairs, rot) => {
        const p0 = g === undefined ? undefined : d(g);
        const k = rot % pairs.length;
        const rotated = [...pairs.slice(k), ...pairs.slice(0, k)];
        const a = chainDowntimeTest(p0, stats(pairs));
        const b = chainDowntimeTest(p0, stats(rotated));
        if (!a.ok || !b.ok) throw new Error('unexpected failure');
        expect([...b.members.slice(pairs.length - k), ...b.members.slice(0, pairs.length - k)]).toEqual(a.members);
      }),
      { numRuns: 60 },
    );
  });

  test('counts must be uint32', () => {
    expect(() => chainDowntimeTest(undefined, [{ inferenceCount: 2 ** 32, missedRequests: 0 }])).toThrow('inferenceCount must be a uint32, got 4294967296');
    expect(() => chainDowntimeTest(undefined, [{ inferenceCount: 1, missedRequests: -1 }])).toThrow('missedRequests must be a uint32, got -1');
  });
});

describe('chain decimals', () => {
  test('parseGoDecimal keeps the digits as written; goDecimalFromFraction reads the scenario fraction; formatGoDecimal prints the value', () => {
    expect(parseGoDecimal('0.10')).toEqual({ value: 10n, exponent: -2 });
    expect(parseGoDecimal('-0.5')).toEqual({ value: -5n, exponent: -1 });
    expect(goDecimalFromFraction({ num: 10n, den: 100n })).toEqual({ value: 10n, exponent: -2 });
    expect(() => goDecimalFromFraction({ num: 1n, den: 3n })).toThrow('1/3 is not a decimal fraction (denominator not a power of 10)');
    expect(() => parseGoDecimal('1e-3')).toThrow('not a decimal number: "1e-3"');
    expect(() => parseGoDecimal('9223372036854775808')).toThrow('decimal value 9223372036854775808 is outside int64');
    expect([{ value: 100n, exponent: -3 }, { value: 5005n, exponent: -4 }, { value: -5n, exponent: -1 }, { value: 12n, exponent: 2 }, { value: 0n, exponent: -3 }].map(formatGoDecimal)).toEqual(['0.1', '0.5005', '-0.5', '1200', '0']);
  });
});

/**
 * The automatic participant status (src/engine/rules/status.ts) against the chain's Go code.
 *
 * Expected numbers come from three places, never from the port itself:
 *  - the chain's own Go tests (cited by file and test name; unchanged between v0.2.11 bd1fd508,
 *    v0.2.12 d8b8e907 and 8a35022b unless said otherwise);
 *  - shopspring/decimal v1.4.0 itself: the SHOPSPRING_* tables are the output of
 *    tests/fixtures/shopspring-ln/main.go (real shopspring v1.4.0, Go on amd64) for the inputs
 *    listed — 10 chosen pairs and 40 random ones for CalculateLogLLR, 19 chosen and 42 random
 *    arguments for Ln(12);
 *  - plain arithmetic on those logs (an LLR is a sum of integer multiples of them), written out
 *    next to each case.
 */
import {
  calculateLogLLR,
  DEFAULT_STATUS_PARAMS,
  epochStartReset,
  formatLlr,
  nextStatus,
  prepareStatusParams,
  settlementReset,
  shopspringLn12,
  shopspringNumDigits,
  STATUS_RULES,
  StatusRangeError,
  V0_2_5_UPGRADE_STATUS_PARAMS,
  type StatusParams,
  type StatusRecord,
} from '../../src/engine/rules/status.js';

/** "1.38629436112" → 1386294361120n: a 12-decimal value in units of 10^-12. */
function units(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,12}))?$/.exec(text);
  if (!m) throw new Error(`not a 12-decimal number: ${text}`);
  const v = BigInt(`${m[2]}${(m[3] ?? '').padEnd(12, '0')}`);
  return m[1] ? -v : v;
}

/** SPRTPrecomputedValues from four 12-decimal texts. */
const logs = (invalidationFail: string, invalidationPass: string, inactiveFail: string, inactivePass: string) => ({
  invalidationLogFail: units(invalidationFail),
  invalidationLogPass: units(invalidationPass),
  inactiveLogFail: units(inactiveFail),
  inactiveLogPass: units(inactivePass),
});

const rows = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .map((l) => l.split(' '));

const rec = (over: Partial<StatusRecord> = {}): StatusRecord => ({
  status: 'ACTIVE',
  consecutiveInvalidInferences: 0,
  inferenceCount: 0,
  missedRequests: 0,
  validatedInferences: 0,
  invalidatedInferences: 0,
  invalidLLR: 0n,
  inactiveLLR: 0n,
  ...over,
});

const NEWEST = STATUS_RULES['8a35022b'];
const V0211 = STATUS_RULES['v0.2.11'];
const DEFAULTS = prepareStatusParams(DEFAULT_STATUS_PARAMS);
const V025 = prepareStatusParams(V0_2_5_UPGRADE_STATUS_PARAMS);

/** The params of calculations/status_test.go (TestComputeStatus and the tests after it). */
const STATUS_TEST_PARAMS: StatusParams = {
  falsePositiveRate: '0.05',
  badParticipantInvalidationRate: '0.1',
  invalidationHThreshold: '4',
  downtimeGoodPercentage: '0.1',
  downtimeBadPercentage: '0.2',
  downtimeHThreshold: '4',
  quickFailureThreshold: '0.000001',
};
const STATUS_TEST = prepareStatusParams(STATUS_TEST_PARAMS);

/** Applies `steps` writes in turn, each one the previous record changed by `change`, as SetParticipant stores them. */
function writes(
  prepared: typeof DEFAULTS,
  start: StatusRecord,
  steps: number,
  change: (r: StatusRecord) => StatusRecord,
  rules = NEWEST,
): StatusRecord[] {
  const out: StatusRecord[] = [];
  let stored = start;
  for (let i = 0; i < steps; i++) {
    const next = change(stored);
    const o = nextStatus(prepared, stored, next, rules);
    stored = { ...next, status: o.status, invalidLLR: o.invalidLLR, inactiveLLR: o.inactiveLLR, consecutiveInvalidInferences: o.consecutiveInvalidInferences };
    out.push(stored);
  }
  return out;
}
const miss = (r: StatusRecord): StatusRecord => ({ ...r, missedRequests: r.missedRequests + 1 });
const invalidation = (r: StatusRecord): StatusRecord => ({
  ...r,
  invalidatedInferences: r.invalidatedInferences + 1,
  consecutiveInvalidInferences: r.consecutiveInvalidInferences + 1,
});
const SHOPSPRING_LLR = `
0.2 0.05 1.38629436112 -0.171850256927
0.2 0.1 0.69314718056 -0.117783035656
0.1 0.05 0.69314718056 -0.05406722127
0.3 0.05 1.791759469228 -0.305381649551
0.4 0.1 1.38629436112 -0.405465108108
0.99 0.98 0.010152371464 -0.69314718056
0.91 0.1 2.208274413523 -2.302585092994
1 0.5 0.69314718056 0
0.5 1 -0.69314718056 0
0 0.5 0 0.69314718056
0.4873032 0.987 -0.705783522809 3.674735279842
0.4006492 0.38446 0.041246479142 -0.026652861896
0 0.1499 0 0.162401289359
0.94 0.635813 0.390975380315 -1.803322909761
0.01 0.23363 -3.151153574372 0.256039861288
0.2 0.081 0.903868211876 -0.138674394688
0.2325 0.404043 -0.552631082913 0.25296996265
0.8174 0.228257 1.275656383998 -1.441353624885
0.325 1 -1.123930096652 0
0.5676007 0.6 -0.055511476668 0.077884919784
0.36485 0.2 0.601168943664 -0.230750536198
0.35938 0.9754 -0.998467318778 3.25969001448
0.5555 0.8369726 -0.409922724912 1.003031770115
0.324 0.15 0.770108221696 -0.229043273441
0.246 0.4115364 -0.514565937138 0.247877295387
0.087503 0.9287 -2.362112680292 2.54928847036
0.97695 0.45 0.775187890896 -3.172252508784
0.4812 0.82 -0.533021356158 1.058561601552
0.18588 1 -1.682653974765 0
0.8532 0.589096 0.370404828111 -1.02928849439
0.7426018 0.65 0.133187602766 -0.307308852353
0.085656 0.574899 -1.903855098339 0.765880080511
0.6 0.551 0.085194846063 -0.115558340634
0.58747 0.6543389 -0.107800232074 0.176850115118
0.25 0.782 -1.140393822683 1.235578143741
0.7 0.0479 2.681964830627 -1.154887596635
0.144381 0.4242 -1.077749403277 0.396064805422
0.6 0.101431 1.777550890861 -0.809338950825
0.62753 0.777233 -0.213948698087 0.514030115482
0.4668471 0.062103 2.017207498114 -0.564831885055
0.3 0.72949 -0.888563185194 0.950771268863
0.17 0.47832 -1.034481527522 0.464371327706
0.6448214 0.7827855 -0.193885332873 0.491735416976
0.50051 0.57784 -0.143669435167 0.168203188771
0.071651 0.8 -2.412804616757 1.535090373125
0.2 0.7398056 -1.308070082435 1.123182683727
0.5841 0.92 -0.454301468997 1.648418212075
0.79322 0.726438 0.087947471955 -0.279872861055
0.8 0.743335 0.073464909732 -0.249454366104
0.80797 0.018 3.804153171223 -1.631939698532
`;
const SHOPSPRING_LN = `
1 0
0.9 -0.105360515658
1.1 0.095310179804
0.1 -2.302585092994
10 2.302585092994
0.5 -0.69314718056
2 0.69314718056
4 1.38629436112
0.4 -0.916290731874
0.0000000000000001 -36.841361487905
123456789.0123456789 18.631401766268
0.8999999999999999 -0.105360515658
1.1000000000000001 0.095310179804
0.09 -2.407945608652
0.11 -2.20727491319
100 4.605170185988
1000000 13.815510557964
0.01 -4.605170185988
0.001 -6.907755278982
3.158399006634791 1.150065255742
2859.404431245573 7.958368641306
2640963861.335738 21.694409786463
40754760494582.7 31.338593770745
39067504763715730 38.204067436151
505129364398.9616 26.948080400543
4971021988783660000 43.050157124408
7315572023952791 36.528781625089
0.3784393199809723 -0.971699536048
5292.281656751008 8.574004746939
5798208820.037795 22.480814882671
7627448186413122000 43.478285018481
25134187.20266468 17.039739517314
4797980.508979583 15.383705660052
4294919637.701905 22.180698681544
0.08164235718459864 -2.505407068545
48.472967842196 3.88100627848
65443121156.44046 24.904447223037
8008605512708.777 29.711537768558
4152240.729916726 15.239158681414
7589741687.11688 22.750063394457
8313.71954499445 9.025662386383
3544064893122275000 42.711806017168
2.646526760743004 0.973248124014
5094178196579764000 43.074630031499
87812711467.66703 25.198472104644
344823.6210603298 12.750788321981
60680359.69010029 17.921130640082
53.21392377200189 3.974320087141
0.00491664311282064 -5.315129275489
7663666390142.403 29.66751162618
0.07680143886786471 -2.566531903745
54.76149434689743 4.002987289071
1612122409.930741 21.200817414829
564090405478715.2 33.966235647983
22.12898166591855 3.096888137004
414003647282470 33.656895899576
81.68567520110725 4.402878652357
0.14175414074372 -1.953661125205
0.3586467607898552 -1.025417328125
0.06535428221599727 -2.727932313652
0.003602313392646157 -5.626179030837
`;

describe('CalculateLogLLR and Ln(12): shopspring v1.4.0 to the last digit', () => {
  test('TestCalculateLogLLR (keeper/sprt_precompute_test.go)', () => {
    expect(formatLlr(calculateLogLLR('0.2', '0.1', true))).toBe('0.69314718056');
    expect(formatLlr(calculateLogLLR('0.2', '0.1', false))).toBe('-0.117783035656');
    expect(calculateLogLLR('0', '0.1', true)).toBe(0n);
    expect(calculateLogLLR('0.2', '0', true)).toBe(0n);
    expect(calculateLogLLR('1', '0.1', false)).toBe(0n);
    expect(calculateLogLLR('0.2', '1', false)).toBe(0n);
  });

  test('TestPrecomputeSPRTValues (keeper/sprt_precompute_test.go): rates 0.3 / 0.05 and 0.4 / 0.1', () => {
    const p = prepareStatusParams({
      ...DEFAULT_STATUS_PARAMS,
      badParticipantInvalidationRate: '0.3',
      falsePositiveRate: '0.05',
      downtimeBadPercentage: '0.4',
      downtimeGoodPercentage: '0.1',
    });
    expect(p.precomputeError).toBeNull();
    expect(p.logs).toEqual(logs('1.791759469228', '-0.305381649551', '1.38629436112', '-0.405465108108'));
  });

  test('the params of calculations/status_test.go precompute exactly its testPrecomputed values', () => {
    expect(STATUS_TEST.logs).toEqual(logs('0.69314718056', '-0.05406722127', '0.69314718056', '-0.117783035656'));
  });

  test('the genesis defaults and the v0.2.5 upgrade values (shopspring rows 0.2/0.05, 0.2/0.1, 0.1/0.05, 0.99/0.98)', () => {
    expect(DEFAULTS.logs).toEqual(logs('1.38629436112', '-0.171850256927', '0.69314718056', '-0.117783035656'));
    expect(V025.logs).toEqual(logs('0.69314718056', '-0.05406722127', '0.010152371464', '-0.69314718056'));
  });

  test.each(rows(SHOPSPRING_LLR))('CalculateLogLLR(%s, %s): fail %s, pass %s', (p1, p0, fail, pass) => {
    expect(formatLlr(calculateLogLLR(p1!, p0!, true))).toBe(fail);
    expect(formatLlr(calculateLogLLR(p1!, p0!, false))).toBe(pass);
  });

  test.each(rows(SHOPSPRING_LN))('Ln(%s, 12) = %s', (z, ln) => {
    expect(formatLlr(shopspringLn12(z!) ?? 0n)).toBe(ln);
  });

  test("Div's 16 decimals round half away from zero: 1e-17/0.2 → 1e-16, 3e-17/0.2 → 2e-16, and 1e-17/0.4 → 0 whose Ln error reads as 0", () => {
    // shopspring rows (tests/fixtures/shopspring-ln/main.go): llr 0.00000000000000001 0.2, … 0.00000000000000003 0.2, … 0.00000000000000001 0.4
    expect(formatLlr(calculateLogLLR('0.00000000000000001', '0.2', true))).toBe('-36.841361487905');
    expect(formatLlr(calculateLogLLR('0.00000000000000003', '0.2', true))).toBe('-36.148214307345');
    expect(calculateLogLLR('0.00000000000000001', '0.4', true)).toBe(0n);
    expect(formatLlr(calculateLogLLR('0.00000000000000001', '0.4', false))).toBe('0.510825623766');
  });

  test('Ln of zero or a negative number is an error (null), as in shopspring', () => {
    expect(shopspringLn12('0')).toBeNull();
    expect(shopspringLn12('-2')).toBeNull();
  });

  test('NumDigits: Go reads 10^15, 10^15+1 and 10^15+2 as 15 digits; every other coefficient within 2000 of a power of ten up to 10^16 has its true count', () => {
    const wrong = new Set([10n ** 15n, 10n ** 15n + 1n, 10n ** 15n + 2n]);
    const mismatches: string[] = [];
    let checked = 0;
    for (let k = 0; k <= 16; k++) {
      for (let d = -2000n; d <= 2000n; d++) {
        const v = 10n ** BigInt(k) + d;
        if (v <= 0n) continue;
        const want = wrong.has(v) ? 15 : v.toString().length;
        if (shopspringNumDigits(v) !== want) mismatches.push(`${v}: ${shopspringNumDigits(v)} digits, Go says ${want}`);
        checked++;
      }
    }
    expect(mismatches).toEqual([]);
    // 17 windows of 4001, less the 2000 + 1991 + 1901 + 1001 values ≤ 0 around 1, 10, 100 and 1000.
    expect(checked).toBe(17 * 4001 - 6893);
  });

  test('a Div result of 0.1 (coefficient 10^15) takes the miscounted path and still gives ln(0.1): pass side of 0.91 / 0.1', () => {
    expect(formatLlr(calculateLogLLR('0.91', '0.1', false))).toBe('-2.302585092994');
    expect(formatLlr(shopspringLn12('0.1000000000000000')!)).toBe('-2.302585092994');
  });
});

describe("Ln's float first guess (Go's math.Log vs the JS Math.log)", () => {
  const nudge =
    (ulps: number) =>
    (x: number): number => {
      const f = new Float64Array([Math.log(x)]);
      new BigInt64Array(f.buffer)[0]! += BigInt(ulps);
      return f[0]!;
    };
  const guesses = [nudge(1), nudge(-1), nudge(64), nudge(-64), nudge(4096), nudge(-4096), (x: number) => Number(Math.log(x).toPrecision(3))];

  // The Div results of the default and v0.2.5 rates, with shopspring's Ln(12) of each (the
  // CalculateLogLLR rows above). Their 13th-16th decimals sit at least 0.11e-12 from a rounding
  // midpoint, far beyond the ~1e-14 that Halley's last step leaves.
  test.each([
    ['4.0000000000000000', '1.38629436112'],
    ['0.8421052631578947', '-0.171850256927'],
    ['2.0000000000000000', '0.69314718056'],
    ['0.8888888888888889', '-0.117783035656'],
    ['0.9473684210526316', '-0.05406722127'],
    ['1.0102040816326531', '0.010152371464'],
    ['0.5000000000000000', '-0.69314718056'],
  ])('Ln(%s) = %s whatever the first guess', (z, ln) => {
    for (const g of guesses) expect(formatLlr(shopspringLn12(z, g)!)).toBe(ln);
  });

  test('for some arguments one ulp of the guess moves the 12th decimal: the table above pins V8 to Go there', () => {
    expect(formatLlr(shopspringLn12('0.06535428221599727')!)).toBe('-2.727932313652');
    expect(formatLlr(shopspringLn12('0.06535428221599727', nudge(1))!)).not.toBe('-2.727932313652');
  });
});

describe('prepareStatusParams', () => {
  test('consecutive failures: 0.05^5 = 3.125e-7 < 1e-6 ≤ 0.05^4 (msg_server_invalidate_inference_test.go), so from N = 5 on', () => {
    expect(DEFAULTS.quickFailureFrom).toBe(5);
  });

  test('a rate outside [0, 1] has probability 0 (TestProbabilityOfConsecutiveFailures_PanicOnBadRate) and stops the precompute', () => {
    for (const fpr of ['1.5', '-0.5']) {
      const p = prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, falsePositiveRate: fpr });
      expect(p.quickFailureFrom).toBe(0);
      expect(p.precomputeError).toBe(`false_positive_rate is ${fpr}, outside [0, 1]: the SPRT logs cannot be precomputed`);
      expect(p.logs).toEqual(logs('0', '0', '0', '0'));
    }
    expect(prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, downtimeGoodPercentage: '1.01' }).precomputeError).toBe(
      'downtime_good_percentage is 1.01, outside [0, 1]: the SPRT logs cannot be precomputed',
    );
  });

  test("a rate of 0 reads as probability 0 even for N = 0 (shopspring's Pow gives 0 for 0^0); a rate of 1 never fails", () => {
    expect(prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, falsePositiveRate: '0' }).quickFailureFrom).toBe(0);
    expect(prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, falsePositiveRate: '1' }).quickFailureFrom).toBe(Infinity);
    expect(prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, quickFailureThreshold: '0' }).quickFailureFrom).toBe(Infinity);
    expect(prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, quickFailureThreshold: '1.5' }).quickFailureFrom).toBe(0);
  });

  test('the smallest failing N is exact at the boundary: 0.5^20 = 9.5367431640625e-7 < 1e-6 < 0.5^19', () => {
    expect(prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, falsePositiveRate: '0.5' }).quickFailureFrom).toBe(20);
    expect(
      prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, falsePositiveRate: '0.5', quickFailureThreshold: '0.00000095367431640625' }).quickFailureFrom,
    ).toBe(21);
  });

  test('a rate close to 1 puts the boundary far out: 0.9999999^N < 1e-6 from N = 138155099 on', () => {
    // ln(1e-6) / ln(0.9999999) = 138155098.67… (Python decimal, 80 digits): 138155098 is the last N with 0.9999999^N ≥ 1e-6.
    expect(prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, falsePositiveRate: '0.9999999' }).quickFailureFrom).toBe(138_155_099);
  });

  test('bad decimals are refused with the field name', () => {
    expect(() => prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, downtimeHThreshold: '4e3' })).toThrow(
      new StatusRangeError('downtime_h_threshold: not a decimal number: "4e3"'),
    );
    expect(() => prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, falsePositiveRate: '0.12345678901234567890' })).toThrow(
      "false_positive_rate: 0.12345678901234567890 has more digits than the chain's int64 coefficient holds",
    );
  });
});

describe('nextStatus: the chain tests', () => {
  // calculations/status_test.go calls ComputeStatus with old stats = zeroStats; through
  // SetParticipant that is a stored record with zero counters.
  const zeroStored = rec();

  test('TestComputeStatus "consecutive failures returns invalid" / TestUpdateParticipantStatus_TransitionToInvalid: N = 20, not stored yet', () => {
    const o = nextStatus(STATUS_TEST, undefined, rec({ consecutiveInvalidInferences: 20 }), NEWEST);
    expect(o).toEqual({
      recomputed: true,
      status: 'INVALID',
      reason: 'consecutive_failures',
      invalidLLR: 0n,
      inactiveLLR: 0n,
      // participant_test.go asserts 0 from 8a35022b on; before, nothing resets it here.
      consecutiveInvalidInferences: 0,
      effect: 'invalidate',
    });
    expect(nextStatus(STATUS_TEST, undefined, rec({ consecutiveInvalidInferences: 20 }), V0211).consecutiveInvalidInferences).toBe(20);
  });

  test('TestComputeStatus "statistical invalidations returns invalid": 7 validated, 7 invalidated', () => {
    const o = nextStatus(STATUS_TEST, zeroStored, rec({ validatedInferences: 7, invalidatedInferences: 7 }), NEWEST);
    expect([o.status, o.reason, o.effect]).toEqual(['INVALID', 'statistical_invalidations', 'invalidate']);
    // 7 × 0.69314718056 + 7 × (−0.05406722127)
    expect(formatLlr(o.invalidLLR)).toBe('4.47355971503');
    expect(o.inactiveLLR).toBe(0n);
  });

  test('TestComputeStatus "normal operation returns active": 95 validated, 5 invalidated', () => {
    const o = nextStatus(STATUS_TEST, zeroStored, rec({ validatedInferences: 95, invalidatedInferences: 5 }), NEWEST);
    expect([o.status, o.reason, o.effect]).toEqual(['ACTIVE', '', null]);
    // 5 × 0.69314718056 + 95 × (−0.05406722127)
    expect(formatLlr(o.invalidLLR)).toBe('-1.67065011785');
  });

  test('TestDowntimeTriggersInactive: 50 inferences, 60 missed', () => {
    const o = nextStatus(STATUS_TEST, zeroStored, rec({ inferenceCount: 50, missedRequests: 60 }), NEWEST);
    expect([o.status, o.reason, o.effect]).toEqual(['INACTIVE', 'downtime', 'deactivate']);
    // 60 × 0.69314718056 + 50 × (−0.117783035656)
    expect(formatLlr(o.inactiveLLR)).toBe('35.6996790508');
    expect(o.invalidLLR).toBe(0n);
  });

  test('TestComputeStatus_Stability: the active path and the already-invalid path', () => {
    const active = nextStatus(
      STATUS_TEST,
      zeroStored,
      rec({ validatedInferences: 95, invalidatedInferences: 5, inferenceCount: 100, missedRequests: 2 }),
      NEWEST,
    );
    expect(active.status).toBe('ACTIVE');
    // 2 × 0.69314718056 + 100 × (−0.117783035656)
    expect(formatLlr(active.inactiveLLR)).toBe('-10.39200920448');
    const invalid = nextStatus(STATUS_TEST, zeroStored, rec({ status: 'INVALID', validatedInferences: 7, invalidatedInferences: 7 }), NEWEST);
    expect(invalid).toEqual({
      recomputed: true,
      status: 'INVALID',
      reason: 'already_set',
      invalidLLR: 0n,
      inactiveLLR: 0n,
      consecutiveInvalidInferences: 0,
      effect: null,
    });
  });

  test('TestUpdateParticipantStatus_NoTransition: a participant not stored yet has zero deltas, so its counters move nothing', () => {
    const o = nextStatus(
      DEFAULTS,
      undefined,
      rec({ validatedInferences: 95, invalidatedInferences: 5, inferenceCount: 100, missedRequests: 5 }),
      NEWEST,
    );
    expect(o).toMatchObject({ recomputed: true, status: 'ACTIVE', reason: '', invalidLLR: 0n, inactiveLLR: 0n, effect: null });
  });

  test('TestUpdateParticipantStatus_AlreadyInvalid / _AlreadyInactive: sticky, no side effect, N untouched', () => {
    const inv = nextStatus(DEFAULTS, undefined, rec({ status: 'INVALID', consecutiveInvalidInferences: 20 }), NEWEST);
    expect([inv.status, inv.reason, inv.effect, inv.consecutiveInvalidInferences]).toEqual(['INVALID', 'already_set', null, 20]);
    const ina = nextStatus(DEFAULTS, undefined, rec({ status: 'INACTIVE', inferenceCount: 50, missedRequests: 60 }), NEWEST);
    expect([ina.status, ina.reason, ina.effect]).toEqual(['INACTIVE', 'already_set', null]);
  });

  test('TestInvalidateInference_RefundsRequesterAndChargesExecutor_WithSlash: stored N = 4, the invalidation makes it 5', () => {
    const stored = rec({ consecutiveInvalidInferences: 4 });
    const o = nextStatus(DEFAULTS, stored, invalidation(stored), V0211);
    expect([o.status, o.reason, o.effect, o.consecutiveInvalidInferences]).toEqual(['INVALID', 'consecutive_failures', 'invalidate', 5]);
    // The consecutive rule decides first: the invalidation SPRT is not moved by this write.
    expect(o.invalidLLR).toBe(0n);
  });
});

describe('nextStatus: boundaries', () => {
  test('defaults: from LLR 0, the 6th single missed request makes the participant INACTIVE (5 × 0.69314718056 < 4 ≤ 6 × …)', () => {
    const seq = writes(DEFAULTS, rec(), 6, miss);
    expect(seq.map((r) => r.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'INACTIVE']);
    expect(formatLlr(seq[4]!.inactiveLLR)).toBe('3.4657359028');
    expect(formatLlr(seq[5]!.inactiveLLR)).toBe('4.15888308336');
    // A finished inference in between pulls it back by 0.117783035656.
    const mixed = writes(DEFAULTS, rec(), 7, (r) => (r.missedRequests === 3 && r.inferenceCount === 0 ? { ...r, inferenceCount: 1 } : miss(r)));
    expect(mixed.map((r) => r.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'INACTIVE']);
    // 5 × 0.69314718056 − 0.117783035656, then 6 × … − 0.117783035656
    expect(formatLlr(mixed[5]!.inactiveLLR)).toBe('3.347952867144');
    expect(formatLlr(mixed[6]!.inactiveLLR)).toBe('4.041100047704');
  });

  test('v0.2.5 upgrade values: 9850 single misses are needed (9849 × 0.010152371464 = 99.990706548936 < 100)', () => {
    const seq = writes(V025, rec(), 9850, miss);
    expect(seq.findIndex((r) => r.status === 'INACTIVE')).toBe(9849);
    expect(formatLlr(seq[9848]!.inactiveLLR)).toBe('99.990706548936');
    expect(formatLlr(seq[9849]!.inactiveLLR)).toBe('100.0008589204');
  });

  test('defaults: the invalidation SPRT decides at the 3rd invalidation, before the consecutive rule (N = 3: 0.05^3 ≥ 1e-6)', () => {
    const seq = writes(DEFAULTS, rec(), 3, invalidation);
    expect(seq.map((r) => r.status)).toEqual(['ACTIVE', 'ACTIVE', 'INVALID']);
    expect(formatLlr(seq[1]!.invalidLLR)).toBe('2.77258872224');
    expect(formatLlr(seq[2]!.invalidLLR)).toBe('4.15888308336');
    const last = nextStatus(DEFAULTS, { ...seq[1]!, status: 'ACTIVE' }, invalidation(seq[1]!), NEWEST);
    expect(last.reason).toBe('statistical_invalidations');
  });

  test('v0.2.5 upgrade values: 5 consecutive invalidations → INVALID by the consecutive rule (the SPRT is at 2.77258872224 after 4)', () => {
    const seq = writes(V025, rec(), 5, invalidation, V0211);
    expect(seq.map((r) => r.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'INVALID']);
    expect(formatLlr(seq[4]!.invalidLLR)).toBe('2.77258872224');
    expect(seq[4]!.consecutiveInvalidInferences).toBe(5);
    // A devshard merge of 6 invalid does not move N: only the SPRT can decide (6 × 0.69314718056).
    const merged = nextStatus(V025, rec(), rec({ invalidatedInferences: 6 }), NEWEST);
    expect([merged.status, merged.reason, formatLlr(merged.invalidLLR), merged.consecutiveInvalidInferences]).toEqual([
      'INVALID',
      'statistical_invalidations',
      '4.15888308336',
      0,
    ]);
  });

  test('defaults: a good history builds a negative buffer the SPRT never clamps; 5 consecutive invalidations still invalidate', () => {
    const history = nextStatus(DEFAULTS, rec(), rec({ validatedInferences: 100 }), NEWEST);
    expect(formatLlr(history.invalidLLR)).toBe('-17.1850256927');
    const stored = rec({ validatedInferences: 100, invalidLLR: history.invalidLLR });
    for (const rules of [NEWEST, V0211]) {
      const seq = writes(DEFAULTS, stored, 5, invalidation, rules);
      expect(seq.map((r) => r.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'INVALID']);
      // −17.1850256927 + 4 × 1.38629436112; the 5th write is decided before the SPRT moves.
      expect(formatLlr(seq[3]!.invalidLLR)).toBe('-11.63984824822');
      expect(formatLlr(seq[4]!.invalidLLR)).toBe('-11.63984824822');
      expect(seq[4]!.consecutiveInvalidInferences).toBe(rules === NEWEST ? 0 : 5);
    }
    const huge = nextStatus(DEFAULTS, rec(), rec({ validatedInferences: 1_000_000 }), NEWEST);
    expect(formatLlr(huge.invalidLLR)).toBe('-171850.256927');
  });

  test('LLR ≥ H fails at equality, compared exactly, also with an H of more than 12 decimals', () => {
    const at = prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, downtimeHThreshold: '1.38629436112' });
    expect(nextStatus(at, rec(), rec({ missedRequests: 2 }), NEWEST).status).toBe('INACTIVE');
    const above = prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, downtimeHThreshold: '1.3862943611200001' });
    expect(nextStatus(above, rec(), rec({ missedRequests: 2 }), NEWEST).status).toBe('ACTIVE');
  });

  test("an LLR past the chain's int64 coefficient is an error, not a wrap: 13306513 misses in one write fit, 13306514 do not", () => {
    const fits = nextStatus(DEFAULTS, rec(), rec({ missedRequests: 13_306_513 }), NEWEST);
    // 13306513 × 0.69314718056
    expect(formatLlr(fits.inactiveLLR)).toBe('9223371.96903498728');
    expect(() => nextStatus(DEFAULTS, rec(), rec({ missedRequests: 13_306_514 }), NEWEST)).toThrow(
      new StatusRangeError(
        "inactive_llr 9223372.66218216784 does not fit the chain's int64 coefficient at 10^-12 (the chain would store a wrapped value)",
      ),
    );
  });
});

describe('nextStatus: what SetParticipant does around it', () => {
  test('no recomputation when the four counters did not change: the write keeps its own status', () => {
    const stored = rec({ status: 'INVALID', invalidatedInferences: 3, invalidLLR: units('4.15888308336') });
    const o = nextStatus(DEFAULTS, stored, epochStartReset(stored, NEWEST), NEWEST);
    expect(o).toEqual({
      recomputed: false,
      status: 'ACTIVE',
      reason: null,
      invalidLLR: units('4.15888308336'),
      inactiveLLR: 0n,
      consecutiveInvalidInferences: 0,
      effect: null,
    });
  });

  test('before 8a35022b the epoch-start reset keeps N, and the next counter change invalidates again', () => {
    for (const [rules, want] of [
      [V0211, ['INVALID', 'consecutive_failures', 'invalidate']],
      [NEWEST, ['ACTIVE', '', null]],
    ] as const) {
      // INVALID by five consecutive invalidations in the previous epoch, then settled.
      const [fifth] = writes(DEFAULTS, rec({ consecutiveInvalidInferences: 4, invalidatedInferences: 4 }), 1, invalidation, rules);
      const settled = settlementReset(fifth!);
      const afterSettle = nextStatus(DEFAULTS, fifth, settled, rules);
      expect([afterSettle.status, afterSettle.reason]).toEqual(['INVALID', 'already_set']);
      const started = epochStartReset({ ...settled, status: afterSettle.status }, rules);
      const keep = nextStatus(DEFAULTS, { ...settled, status: afterSettle.status }, started, rules);
      expect([keep.recomputed, keep.status]).toEqual([false, 'ACTIVE']);
      const finished = nextStatus(DEFAULTS, started, { ...started, inferenceCount: 1 }, rules);
      expect([finished.status, finished.reason, finished.effect]).toEqual(want);
    }
  });

  test('settlement: the counters and LLRs are reset to zero; negative deltas move nothing; the status stays', () => {
    const stored = rec({ inferenceCount: 40, missedRequests: 3, validatedInferences: 30, invalidLLR: units('-5.15550770781'), inactiveLLR: units('-2.63188386456') });
    const o = nextStatus(DEFAULTS, stored, settlementReset(stored), NEWEST);
    expect(o).toMatchObject({ recomputed: true, status: 'ACTIVE', reason: '', invalidLLR: 0n, inactiveLLR: 0n, effect: null });
  });

  test('a write whose invalidation SPRT fails leaves the downtime SPRT where it was, misses included', () => {
    const o = nextStatus(DEFAULTS, rec(), rec({ invalidatedInferences: 3, missedRequests: 10 }), NEWEST);
    expect([o.status, o.reason, formatLlr(o.invalidLLR), o.inactiveLLR]).toEqual(['INVALID', 'statistical_invalidations', '4.15888308336', 0n]);
  });

  test('the consecutive rule comes before both SPRTs: neither moves', () => {
    const o = nextStatus(DEFAULTS, rec(), rec({ consecutiveInvalidInferences: 5, invalidatedInferences: 1, missedRequests: 10 }), NEWEST);
    expect([o.reason, o.invalidLLR, o.inactiveLLR]).toEqual(['consecutive_failures', 0n, 0n]);
  });

  test('mixed-sign deltas: the SPRT moves unless neither count grew (sprt.go UpdateCounts)', () => {
    const stored = rec({ invalidatedInferences: 1 });
    const o = nextStatus(DEFAULTS, stored, rec({ invalidatedInferences: 0, validatedInferences: 2 }), NEWEST);
    // −1 × 1.38629436112 + 2 × (−0.171850256927)
    expect(formatLlr(o.invalidLLR)).toBe('-1.729994874974');
    const shrink = nextStatus(DEFAULTS, rec({ invalidatedInferences: 2, validatedInferences: 2, invalidLLR: 7n }), rec({ invalidLLR: 7n }), NEWEST);
    expect(shrink.invalidLLR).toBe(7n);
  });

  test('with precompute failed the SPRTs never move, but the consecutive rule still runs', () => {
    const broken = prepareStatusParams({ ...DEFAULT_STATUS_PARAMS, downtimeBadPercentage: '2' });
    const o = nextStatus(broken, rec(), rec({ missedRequests: 1000, invalidatedInferences: 1000 }), NEWEST);
    expect([o.status, o.invalidLLR, o.inactiveLLR]).toEqual(['ACTIVE', 0n, 0n]);
    expect(nextStatus(broken, rec(), rec({ consecutiveInvalidInferences: 5, invalidatedInferences: 5 }), NEWEST).status).toBe('INVALID');
  });

  test('counters must be whole numbers ≥ 0 and LLRs int64 coefficients', () => {
    expect(() => nextStatus(DEFAULTS, rec(), rec({ missedRequests: -1 }), NEWEST)).toThrow(
      new StatusRangeError('missed_requests must be a whole number ≥ 0, got -1'),
    );
    expect(() => nextStatus(DEFAULTS, rec({ inferenceCount: 1.5 }), rec(), NEWEST)).toThrow('inference_count must be a whole number ≥ 0, got 1.5');
    expect(() => nextStatus(DEFAULTS, undefined, rec({ invalidLLR: 2n ** 63n }), NEWEST)).toThrow(
      "invalid_llr 9223372.036854775808 does not fit the chain's int64 coefficient at 10^-12 (the chain would store a wrapped value)",
    );
  });
});

describe('formatLlr', () => {
  test("prints Decimal{llr, -12} as shopspring's String does", () => {
    expect(formatLlr(0n)).toBe('0');
    expect(formatLlr(4_000_000_000_000n)).toBe('4');
    expect(formatLlr(1_386_294_361_120n)).toBe('1.38629436112');
    expect(formatLlr(-171_850_256_927n)).toBe('-0.171850256927');
    expect(formatLlr(-1n)).toBe('-0.000000000001');
  });
});

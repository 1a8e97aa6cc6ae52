/**
 * The scenario loader: exact typed values for good input, and for bad input the exact first line
 * of every rendered issue (`FILE:LINE:COL: error: message`), all of them, in line order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventItem, ExpectItem, Scenario, ScenarioItem } from '../../src/domain/scenario.js';
import { plainPalette, renderIssue, type InputIssue } from '../../src/scenario/issues.js';
import { loadScenario } from '../../src/scenario/load.js';

const fixture = (name: string): string => readFileSync(join(process.cwd(), 'tests', 'fixtures', name), 'utf8');

/** The text of a file whose line N is `rows[N - 1]`. */
const file = (...rows: string[]): string => `${rows.join('\n')}\n`;

/** Lines 1–7 of a small valid scenario; events written after it start on line 8. */
const HEAD = [
  'name: t',
  'accounts:',
  '  alice: 20 gonka',
  'participants:',
  '  h1: { weight: 100 }',
  '  h2: { weight: 100 }',
  'events:',
];
const withEvents = (...events: string[]): string => file(...HEAD, ...events);

function load(text: string): Scenario {
  const r = loadScenario(text, 'ok.yaml');
  if (!r.ok) throw new Error(`unexpected input errors:\n${r.issues.map((i) => renderIssue(i, text, plainPalette)).join('\n')}`);
  return r.scenario;
}

/** The issues of `text`; the fast readers and the positioned path must report exactly the same. */
function issuesOf(text: string): readonly InputIssue[] {
  const r = loadScenario(text, 'bad.yaml');
  if (r.ok) throw new Error('expected input errors, but the scenario loaded');
  expect(loadScenario(text, 'bad.yaml', { fast: false })).toEqual(r);
  return r.issues;
}

/** The first rendered line of every issue, in the order reported. */
const errors = (text: string): string[] => issuesOf(text).map((i) => renderIssue(i, text, plainPalette).split('\n')[0] ?? '');

const hints = (text: string): (string | undefined)[] => issuesOf(text).map((i) => i.hint);

const eventAt = (s: Scenario, n: number): EventItem => {
  const item: ScenarioItem | undefined = s.items[n];
  if (item?.kind !== 'event') throw new Error(`item ${n} is not an event`);
  return item;
};
const checkpointAt = (s: Scenario, n: number): ExpectItem => {
  const item: ScenarioItem | undefined = s.items[n];
  if (item?.kind !== 'expect') throw new Error(`item ${n} is not a checkpoint`);
  return item;
};

describe('a valid scenario (the example of format section 1)', () => {
  const s = load(fixture('valid/format-section-1.yaml'));

  test('top level: name, rules, params merged over the chain defaults, accounts and participants in order', () => {
    expect(s.name).toBe('Same-epoch devshard settlement is paid at epoch end');
    expect(s.description).toBe('Hosts are credited on their ledger at settlement and can only claim after the epoch ends.\n');
    expect(s.rules).toBe('deferred');
    expect(s.params).toEqual({
      tokenPrice: 1000n,
      escrow: { minAmount: 5_000_000_000n, maxAmount: 10_000_000_000n, maxPerEpoch: 100n, allowedCreators: [] },
      epochReward: 1_000_000_000_000n,
      initialEpochReward: 285_000_000_000_000n,
      genesisEpoch: 1n,
      decayRate: '-0.000475',
      standardRewardAmount: 600_000_000_000_000_000n,
      skippedPayout: 'refund',
      workVestingPeriod: 0n,
      rewardVestingPeriod: 0n,
      powerCapping: undefined,
      downtimeTest: undefined,
      autoStatus: undefined,
      validation: {
        falsePositiveRate: '0.05',
        quickFailureThreshold: '0.000001',
        badParticipantInvalidationRate: '0.2',
        invalidationHThreshold: '4',
        downtimeBadPercentage: '0.2',
        downtimeGoodPercentage: '0.1',
        downtimeHThreshold: '4',
      },
      binomTestP0: { num: 1n, den: 10n },
    });
    expect(s.accounts).toEqual([{ name: 'alice', balance: 20_000_000_000n }]);
    expect(s.participants).toEqual([
      { name: 'h1', weight: 100n, balance: 0n },
      { name: 'h2', weight: 100n, balance: 1_000_000_000n },
    ]);
  });

  test('events: exact fields, 1-based indexes, the line and column of each event key', () => {
    expect(s.items.map((i) => [i.index, i.kind, i.loc.line, i.loc.col])).toEqual([
      [1, 'event', 14, 5],
      [2, 'event', 15, 5],
      [3, 'event', 16, 5],
      [4, 'event', 23, 5],
      [5, 'event', 25, 5],
      [6, 'event', 26, 5],
      [7, 'event', 27, 5],
      [8, 'expect', 28, 5],
    ]);
    expect(eventAt(s, 0).event).toEqual({ type: 'start_epoch', active: undefined, weights: [] });
    expect(eventAt(s, 1).event).toEqual({
      type: 'create_escrow',
      creator: 'alice',
      amount: 7_000_000_000n,
      slots: ['h1', 'h1', 'h2'],
      id: undefined,
    });
    expect(eventAt(s, 2).event).toEqual({
      type: 'settle_escrow',
      escrow: 1n,
      settler: undefined,
      fees: 300_000_000n,
      nonce: undefined,
      hosts: [
        { slot: 0, cost: 100_000_000n, missed: 0, invalid: 0, requiredValidations: 0, completedValidations: 0 },
        { slot: 1, cost: 100_000_000n, missed: 0, invalid: 0, requiredValidations: 0, completedValidations: 0 },
        { slot: 2, cost: 200_000_000n, missed: 1, invalid: 0, requiredValidations: 0, completedValidations: 0 },
      ],
    });
    expect(eventAt(s, 3)).toEqual({
      kind: 'event',
      index: 4,
      loc: { line: 23, col: 5 },
      event: { type: 'claim_reward', participant: 'h1', epoch: 1n },
      expectError: undefined,
      expectResult: 'does not match previous epoch',
      note: undefined,
    });
    expect(eventAt(s, 4).event).toEqual({ type: 'end_epoch', punish: [] });
  });

  test('the checkpoint: amounts as bigint, null for "must not exist", the location of each field', () => {
    expect(checkpointAt(s, 7)).toEqual({
      kind: 'expect',
      index: 8,
      loc: { line: 28, col: 5 },
      expect: { bank: [['h1', 500_400_000_000n]], settle_amounts: [['h1', null]] },
      fieldLocs: { bank: { line: 29, col: 13 }, settle_amounts: { line: 30, col: 23 } },
    });
  });
});

describe('event fields and defaults', () => {
  test('run_inference: defaults for max_tokens and outcome; an integer id becomes its decimal text', () => {
    const s = load(
      withEvents(
        '  - run_inference: { requester: alice, executor: h1, prompt_tokens: 10, completion_tokens: 20 }',
        '  - run_inference: { requester: h2, executor: alice, prompt_tokens: 0, completion_tokens: 0, max_tokens: 7, price: 3 ngonka, id: 42, outcome: expired }',
      ),
    );
    expect(eventAt(s, 0).event).toEqual({
      type: 'run_inference',
      requester: 'alice',
      executor: 'h1',
      promptTokens: 10n,
      completionTokens: 20n,
      maxTokens: 5000n,
      price: undefined,
      id: undefined,
      outcome: 'finished',
    });
    // an account as executor is left to the engine ("participant is not active")
    expect(eventAt(s, 1).event).toEqual({
      type: 'run_inference',
      requester: 'h2',
      executor: 'alice',
      promptTokens: 0n,
      completionTokens: 0n,
      maxTokens: 7n,
      price: 3n,
      id: '42',
      outcome: 'expired',
    });
  });

  test('an event without fields: bare, with an empty value, or with {} are the same event', () => {
    const s = load(withEvents('  - start_epoch', '  - start_epoch:', '  - start_epoch: {}', '  - end_epoch:'));
    expect(s.items.map((i) => (i.kind === 'event' ? i.event : undefined))).toEqual([
      { type: 'start_epoch', active: undefined, weights: [] },
      { type: 'start_epoch', active: undefined, weights: [] },
      { type: 'start_epoch', active: undefined, weights: [] },
      { type: 'end_epoch', punish: [] },
    ]);
  });

  test('start_epoch keeps active and weights in the order written; the other events read every field', () => {
    const s = load(
      withEvents(
        '  - start_epoch: { active: [h2, h1], weights: { h2: 7, h1: "1_000" } }',
        '  - settle_escrow: { escrow: 3, settler: h1, fees: 5, nonce: 9, hosts: [{ slot: 1, cost: 2, invalid: 1, required_validations: 4, completed_validations: 3 }] }',
        '  - exclude_participant: { participant: h2, reason: inactive }',
        '  - end_epoch: { punish: [h2] }',
        '  - transfer: { from: h1, to: gov, amount: "2 GNK" }',
        '  - transfer: { from: alice, to: inference, amount: 7_000 }',
        '  - create_escrow: { creator: alice, amount: 5 gonka, slots: [], id: 1 }',
        '  - claim_reward: { participant: h1, epoch: 3 }',
        '    expect_error: participant is not active',
        '    note: too late',
      ),
    );
    expect(s.items.map((i) => (i.kind === 'event' ? i.event : undefined))).toEqual([
      { type: 'start_epoch', active: ['h2', 'h1'], weights: [['h2', 7n], ['h1', 1000n]] },
      {
        type: 'settle_escrow',
        escrow: 3n,
        settler: 'h1',
        fees: 5n,
        nonce: 9n,
        hosts: [{ slot: 1, cost: 2n, missed: 0, invalid: 1, requiredValidations: 4, completedValidations: 3 }],
      },
      { type: 'exclude_participant', participant: 'h2', reason: 'inactive' },
      { type: 'end_epoch', punish: ['h2'], punishListed: true },
      { type: 'transfer', from: 'h1', to: 'gov', amount: 2_000_000_000n },
      { type: 'transfer', from: 'alice', to: 'inference', amount: 7000n },
      { type: 'create_escrow', creator: 'alice', amount: 5_000_000_000n, slots: [], id: 1n },
      { type: 'claim_reward', participant: 'h1', epoch: 3n },
    ]);
    expect(eventAt(s, 7).expectError).toBe('participant is not active');
    expect(eventAt(s, 7).note).toBe('too late');
  });

  test('params: a partial escrow block is merged with the defaults', () => {
    const s = load(
      file(
        'name: p',
        'rules: immediate',
        'params:',
        '  token_price: 7',
        '  escrow: { max_per_epoch: 2, allowed_creators: [alice] }',
        '  genesis_epoch: 3',
        '  skipped_payout: governance',
        'accounts: { alice: 1 }',
        'participants: {}',
        'events: []',
      ),
    );
    expect(s.rules).toBe('immediate');
    expect(s.params.tokenPrice).toBe(7n);
    expect(s.params.escrow).toEqual({
      minAmount: 5_000_000_000n,
      maxAmount: 10_000_000_000n,
      maxPerEpoch: 2n,
      allowedCreators: ['alice'],
    });
    expect(s.params.genesisEpoch).toBe(3n);
    expect(s.params.skippedPayout).toBe('governance');
    expect(s.params.epochReward).toBeUndefined();
    expect(s.participants).toEqual([]);
    expect(s.items).toEqual([]);
  });

  test('a checkpoint keeps every map in the order written, epochs as numbers', () => {
    const s = load(
      withEvents(
        '  - expect:',
        '      epoch: 2',
        '      ended: [1]',
        '      bank: { gov: 3, alice: "1 gonka", inference: 0 }',
        '      participants: { h2: { status: INVALID, weight: 5, coin_balance: 1, inference_count: 2 } }',
        '      summaries: { 2: { h2: null }, 1: { h1: { earned_coins: 4, claimed: true } } }',
        '      escrows: { 1: { creator: alice, slots: [h1], settled: false }, 2: null }',
        '      supply: { total: 9 }',
        '      surplus: 0',
        '      exclusions: { 1: [h2, h1] }',
      ),
    );
    const c = checkpointAt(s, 0);
    expect(c.expect).toEqual({
      epoch: 2,
      ended: [1],
      bank: [
        ['gov', 3n],
        ['alice', 1_000_000_000n],
        ['inference', 0n],
      ],
      participants: [['h2', { status: 'INVALID', weight: 5n, coin_balance: 1n, inference_count: 2 }]],
      summaries: [
        [2, [['h2', null]]],
        [1, [['h1', { earned_coins: 4n, claimed: true }]]],
      ],
      escrows: [
        [1, { creator: 'alice', slots: ['h1'], settled: false }],
        [2, null],
      ],
      supply: { total: 9n },
      surplus: 0n,
      exclusions: [[1, ['h2', 'h1']]],
    });
    expect(Object.keys(c.fieldLocs)).toEqual([
      'epoch',
      'ended',
      'bank',
      'participants',
      'summaries',
      'escrows',
      'supply',
      'surplus',
      'exclusions',
    ]);
    expect(c.fieldLocs.bank).toEqual({ line: 11, col: 13 });
  });
});

describe('exact integers', () => {
  test('a YAML integer of 2^64 - 1 is read exactly as a uint64 amount; 2^64 is refused', () => {
    const ok = load(withEvents('  - create_escrow: { creator: alice, amount: 18446744073709551615, slots: [h1] }'));
    expect(eventAt(ok, 0).event).toMatchObject({ amount: 18_446_744_073_709_551_615n });
    expect(errors(withEvents('  - create_escrow: { creator: alice, amount: 18446744073709551616, slots: [h1] }'))).toEqual([
      'bad.yaml:8:46: error: create_escrow.amount: amount 18446744073709551616 exceeds the uint64 maximum 18446744073709551615',
    ]);
  });

  test('a weight above 2^53 is kept exactly; a weight above 2^64 - 1 is refused', () => {
    const ok = load(file('name: w', 'participants: { h1: { weight: 9007199254740993 } }', 'events: []'));
    expect(ok.participants[0]?.weight).toBe(9_007_199_254_740_993n);
    expect(errors(file('name: w', 'participants: { h1: { weight: 18446744073709551616 } }', 'events: []'))).toEqual([
      'bad.yaml:2:31: error: participants.h1.weight must be at most 18446744073709551615 (uint64), found 18446744073709551616',
    ]);
  });
});

describe('every kind of bad input gives its exact first line', () => {
  test('an unknown key, with a did-you-mean hint', () => {
    const text = withEvents('  - settle_escrow: { escrow: 1, fess: 1, hosts: [] }');
    expect(errors(text)).toEqual(['bad.yaml:8:33: error: unknown key "fess" in settle_escrow']);
    expect(hints(text)).toEqual(['did you mean "fees"?']);
  });

  test('an unknown key with no near name lists the known keys', () => {
    const text = file('name: x', 'participants: {}', 'events: []', 'params: { colour: red }');
    expect(errors(text)).toEqual(['bad.yaml:4:11: error: unknown key "colour" in params']);
    expect(hints(text)).toEqual([
      'allowed keys: token_price, escrow, epoch_reward, initial_epoch_reward, genesis_epoch, decay_rate, standard_reward_amount, skipped_payout, work_vesting_period, reward_vesting_period, power_capping, downtime_test, auto_status, validation, binom_test_p0',
    ]);
  });

  test('decay_rate: the rates the chain accepts, in any decimal spelling; others are refused', () => {
    const withRate = (rate: string) => file('name: x', 'participants: {}', 'events: []', `params: { decay_rate: ${rate} }`);
    expect(load(withRate('-0.000475')).params.decayRate).toBe('-0.000475');
    expect(load(withRate('"-0.0004750"')).params.decayRate).toBe('-0.000475');
    expect(load(withRate('-0.000001')).params.decayRate).toBe('-0.000001');
    expect(load(withRate('0')).params.decayRate).toBe('0');
    expect(load(withRate('0.0')).params.decayRate).toBe('0');
    expect(load(file('name: x', 'participants: {}', 'events: []')).params.decayRate).toBe('-0.000475');
    expect(errors(withRate('0.0001'))).toEqual([
      'bad.yaml:4:23: error: params.decay_rate must be one of the decay rates the chain accepts (-0.000475, -0.000001, 0), found 0.0001',
    ]);
    expect(errors(withRate('-0.5'))).toEqual([
      'bad.yaml:4:23: error: params.decay_rate must be one of the decay rates the chain accepts (-0.000475, -0.000001, 0), found -0.5',
    ]);
  });

  test('a misspelt event, with a did-you-mean hint', () => {
    const text = withEvents('  - sttle_escrow: { escrow: 1, hosts: [] }', '  - start_epok');
    expect(errors(text)).toEqual(['bad.yaml:8:5: error: unknown event "sttle_escrow"', 'bad.yaml:9:5: error: unknown event "start_epok"']);
    expect(hints(text)).toEqual(['did you mean "settle_escrow"?', 'did you mean "start_epoch"?']);
  });

  test('an unknown name, with a hint only when a declared name is close', () => {
    const text = withEvents(
      '  - run_inference: { requester: alice, executor: h9, prompt_tokens: 1, completion_tokens: 1 }',
      '  - transfer: { from: zed, to: alice, amount: 1 }',
    );
    expect(errors(text)).toEqual([
      'bad.yaml:8:50: error: unknown participant "h9"',
      'bad.yaml:9:23: error: unknown account "zed"',
    ]);
    expect(hints(text)).toEqual(['did you mean "h1"?', 'declare "zed" under accounts or participants']);
  });

  test('module accounts can only receive transfers and be checked in bank', () => {
    expect(
      errors(
        withEvents(
          '  - create_escrow: { creator: gov, amount: 7 gonka, slots: [h1, inference] }',
          '  - transfer: { from: inference, to: gov, amount: 1 }',
          '  - end_epoch: { punish: [gov] }',
          '  - expect: { bank: { gov: 0, inference: 0 }, settle_amounts: { gov: null } }',
        ),
      ),
    ).toEqual([
      'bad.yaml:8:31: error: "gov" is a module account and cannot be the escrow creator',
      'bad.yaml:8:65: error: "inference" is a module account and cannot be an escrow slot host',
      'bad.yaml:9:23: error: "inference" is a module account and cannot be the transfer sender',
      'bad.yaml:10:27: error: "gov" is a module account and cannot be punished',
      'bad.yaml:11:65: error: "gov" is a module account and cannot be listed under expect.settle_amounts',
    ]);
  });

  test('declaring a reserved or malformed name', () => {
    expect(errors(file('name: x', 'accounts: { gov: 1 }', 'participants: { 9lives: { weight: 1 }, inference: { weight: 1 } }', 'events: []'))).toEqual([
      'bad.yaml:2:13: error: "gov" is a module account and cannot be declared as an account',
      'bad.yaml:3:17: error: invalid participant name "9lives"',
      'bad.yaml:3:40: error: "inference" is a module account and cannot be declared as a participant',
    ]);
  });

  test('a name in both accounts and participants', () => {
    const text = file('name: x', 'accounts: { h1: 1 gonka }', 'participants: { h1: { weight: 1 } }', 'events: []');
    expect(errors(text)).toEqual(['bad.yaml:2:13: error: "h1" is declared both as an account and as a participant']);
    expect(hints(text)).toEqual(['give the participant a balance instead, and remove it from accounts']);
  });

  test('participant-only lists refuse accounts and repeated names', () => {
    expect(
      errors(
        withEvents('  - start_epoch: { active: [h1, alice, h1], weights: { alice: 3 } }', '  - end_epoch: { punish: [h2, h2] }'),
      ),
    ).toEqual([
      'bad.yaml:8:33: error: "alice" is an account, not a participant, so it cannot be in the active set',
      'bad.yaml:8:40: error: "h1" is listed twice in start_epoch.active',
      'bad.yaml:8:56: error: "alice" is an account, not a participant, so it cannot be given a weight',
      'bad.yaml:9:31: error: "h2" is listed twice in end_epoch.punish',
    ]);
  });

  test('bad amounts: negative, below one ngonka, a unit-less fraction, hex, exponent, above the bound', () => {
    expect(
      errors(
        withEvents(
          '  - transfer: { from: alice, to: h1, amount: -5 }',
          '  - transfer: { from: alice, to: h1, amount: 0.0000000001 gonka }',
          '  - transfer: { from: alice, to: h1, amount: 0.3 }',
          '  - transfer: { from: alice, to: h1, amount: 0x10 }',
          '  - transfer: { from: alice, to: h1, amount: 1e3 }',
          '  - transfer: { from: alice, to: h1, amount: 9223372036854775808 }',
        ),
      ),
    ).toEqual([
      'bad.yaml:8:46: error: transfer.amount: amount must not be negative: -5',
      'bad.yaml:9:46: error: transfer.amount: 0.0000000001 gonka is not a whole number of ngonka (1 gonka = 1000000000 ngonka)',
      'bad.yaml:10:46: error: transfer.amount: 0.3 has no unit: a fraction needs one (write "0.3 gonka")',
      'bad.yaml:11:46: error: transfer.amount: not an amount: "0x10" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")',
      'bad.yaml:12:46: error: transfer.amount: not an amount: "1e3" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")',
      'bad.yaml:13:46: error: transfer.amount: amount 9223372036854775808 exceeds the int64 maximum 9223372036854775807',
    ]);
  });

  test('bad counts: negative, fractional, hex, above uint32, a checkpoint epoch above 2^53 - 1', () => {
    expect(
      errors(
        withEvents(
          '  - claim_reward: { participant: h1, epoch: -1 }',
          '  - claim_reward: { participant: h1, epoch: 1.5 }',
          '  - settle_escrow: { escrow: 0x1, hosts: [{ slot: 0, cost: 1, missed: 4294967296 }] }',
          '  - expect: { epoch: 9007199254740992 }',
        ),
      ),
    ).toEqual([
      'bad.yaml:8:45: error: claim_reward.epoch must be a non-negative integer, found -1',
      'bad.yaml:9:45: error: claim_reward.epoch must be a non-negative integer, found 1.5',
      'bad.yaml:10:30: error: settle_escrow.escrow must be a non-negative integer, found 0x1',
      'bad.yaml:10:71: error: settle_escrow.hosts[0].missed must be at most 4294967295 (uint32), found 4294967296',
      'bad.yaml:11:22: error: expect.epoch must be at most 9007199254740991 (the largest exact integer), found 9007199254740992',
    ]);
  });

  test('missing required fields: at the event key, at the map that lacks them, at the top level', () => {
    expect(
      errors(
        file(
          'participants:',
          '  h1: { balance: 1 }',
          'events:',
          '  - settle_escrow: { escrow: 1 }',
          '  - settle_escrow',
          '  - transfer:',
          '  - settle_escrow: { escrow: 1, hosts: [{ slot: 0 }] }',
        ),
      ),
    ).toEqual([
      'bad.yaml:1:1: error: missing required field "name" at the top level',
      'bad.yaml:2:3: error: missing required field "weight" in participants.h1',
      'bad.yaml:4:5: error: missing required field "hosts" in settle_escrow',
      'bad.yaml:5:5: error: missing required field "escrow" in settle_escrow',
      'bad.yaml:5:5: error: missing required field "hosts" in settle_escrow',
      'bad.yaml:6:5: error: missing required field "from" in transfer',
      'bad.yaml:6:5: error: missing required field "to" in transfer',
      'bad.yaml:6:5: error: missing required field "amount" in transfer',
      'bad.yaml:7:41: error: missing required field "cost" in settle_escrow.hosts[0]',
    ]);
  });

  test('wrong types name the field, what was expected and what was found', () => {
    expect(
      errors(
        file(
          'name: [x]',
          'participants:',
          '  h1: 100',
          'events:',
          '  - create_escrow: { creator: alice, amount: [1], slots: h1 }',
          '  - end_epoch: [h1]',
          '  - 5',
          '  - expect: { summaries: { one: {} }, escrows: { 1: { settled: yes } } }',
          'accounts: { alice: true }',
        ),
      ),
    ).toEqual([
      'bad.yaml:1:7: error: name must be a string, found a list',
      'bad.yaml:3:7: error: participants.h1 must be a map with weight and an optional balance, found 100',
      'bad.yaml:5:46: error: create_escrow.amount must be an amount, found a list',
      'bad.yaml:5:58: error: create_escrow.slots must be a list of names, found "h1"',
      'bad.yaml:6:16: error: end_epoch must be a map of its fields, found a list',
      'bad.yaml:7:5: error: each item of events must be an event name or a map with one event key, found 5',
      'bad.yaml:8:28: error: each key of expect.summaries must be an epoch number, found "one"',
      'bad.yaml:8:64: error: expect.escrows.1.settled must be true or false, found "yes"',
      'bad.yaml:9:20: error: accounts.alice must be an amount, found true',
    ]);
  });

  test('an enum value, with a did-you-mean hint', () => {
    const text = file('name: x', 'rules: defered', 'participants: {}', 'events: []');
    expect(errors(text)).toEqual(['bad.yaml:2:8: error: rules must be "deferred", "immediate", "v0.2.11", "fees-kept", "fees-split", "pr-1000", "v0.2.12" or "newest", found "defered"']);
    expect(hints(text)).toEqual(['did you mean "deferred"?']);
  });

  test('two event keys in one item', () => {
    const text = withEvents('  - end_epoch: {}', '    start_epoch: {}');
    expect(errors(text)).toEqual(['bad.yaml:9:5: error: two events in one item: "end_epoch" and "start_epoch"']);
    expect(hints(text)).toEqual(['give each event its own "- " item']);
  });

  test('expect_result is only for claim_reward, and never with expect_error', () => {
    expect(
      errors(
        withEvents(
          '  - end_epoch',
          '  - end_epoch:',
          '    expect_result: epoch 1 already ended',
          '  - claim_reward: { participant: h1, epoch: 1 }',
          '    expect_error: participant is not active',
          '    expect_result: No rewards',
        ),
      ),
    ).toEqual([
      'bad.yaml:10:5: error: expect_result applies only to claim_reward, not to end_epoch',
      'bad.yaml:13:5: error: expect_error and expect_result cannot be used together',
    ]);
  });

  test('item-level keys: misspelt modifiers, extra keys beside a checkpoint, an item with no event', () => {
    expect(
      errors(
        withEvents(
          '  - claim_reward: { participant: h1, epoch: 1 }',
          '    expect_eror: x',
          '  - expect: { epoch: 1 }',
          '    note: checkpoint',
          '  - note: nothing happens',
          '  - expect',
        ),
      ),
    ).toEqual([
      'bad.yaml:9:5: error: unknown key "expect_eror" in the claim_reward item',
      'bad.yaml:11:5: error: a checkpoint takes no other key: found "note" beside "expect"',
      'bad.yaml:12:5: error: this item has no event',
      'bad.yaml:13:5: error: a checkpoint needs something to compare',
    ]);
  });

  test('param rules: allowed creators must be declared; min_amount must not exceed max_amount', () => {
    const text = file('name: x', 'participants: {}', 'events: []', 'params:', '  escrow: { min_amount: 11 gonka, allowed_creators: [alcie] }');
    expect(errors(text)).toEqual([
      'bad.yaml:5:25: error: params.escrow.min_amount (11000000000) must not exceed params.escrow.max_amount (10000000000)',
      'bad.yaml:5:54: error: unknown account "alcie"',
    ]);
    expect(hints(text)).toEqual(['max_amount defaults to 10 gonka', 'declare "alcie" under accounts or participants']);
  });

  test('a YAML syntax error is reported at its position, and nothing else is checked', () => {
    expect(errors(file('name: x', 'participants: { h1: { weight: 1 }', 'events: []'))).toEqual([
      'bad.yaml:3:1: error: invalid YAML: flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  test('an event written bare with keys under it: the hint says to add the colon, and the fixed file loads', () => {
    const bare = file('name: x', 'participants: { h1: { weight: 1 } }', 'events:', '  - start_epoch', '    expect_error: has not ended');
    expect(errors(bare)).toEqual(['bad.yaml:4:5: error: invalid YAML: implicit keys need to be on a single line']);
    expect(hints(bare)).toEqual(['an event with keys under it needs a colon: write "- start_epoch:" (expect_error, expect_result and note then belong to it)']);
    // a bare line that is not a single event name gets no such hint
    expect(hints(file('name: x', 'participants: {}', 'events:', '  - start epoch now', '    note: x'))).toStrictEqual([undefined]);
    expect(loadScenario(bare.replace('- start_epoch\n', '- start_epoch:\n'), 'ok.yaml').ok).toBe(true);
  });

  test('duplicate keys, including keys equal by their text (1 and "1")', () => {
    expect(
      errors(file('name: x', 'participants: {}', 'events:', '  - expect: { escrows: { 1: null, "1": null } }', 'name: y')),
    ).toEqual(['bad.yaml:4:35: error: duplicate key "1"', 'bad.yaml:5:1: error: duplicate key "name"']);
  });

  test('duplicate keys equal by their value (1 and 0x1, true and True, ~ and null), as YAML compares keys', () => {
    expect(errors(file('name: x', 'participants: {}', 'events:', '  - expect: { escrows: { 1: null, 0x1: null, "1": null } }'))).toEqual([
      'bad.yaml:4:35: error: duplicate key',
      'bad.yaml:4:35: error: each key of expect.escrows must be an escrow id, found "0x1"',
      'bad.yaml:4:46: error: duplicate key "1"',
    ]);
    expect(errors(file('name: x', 'participants: {}', 'events: []', 'true: 1', 'True: 2', '~: 1', 'null: 2'))).toEqual([
      'bad.yaml:4:1: error: unknown key "true" at the top level',
      'bad.yaml:5:1: error: duplicate key',
      'bad.yaml:5:1: error: unknown key "True" at the top level',
      'bad.yaml:6:1: error: unknown key "~" at the top level',
      'bad.yaml:7:1: error: duplicate key',
      'bad.yaml:7:1: error: unknown key "null" at the top level',
    ]);
  });

  test('a duplicate key among 20 000 (the yaml package\'s own check compared each key with every earlier one)', () => {
    const rows = ['name: x', 'participants:'];
    for (let i = 0; i < 20_000; i++) rows.push(`  p${i}: { weight: 1 }`);
    rows.push('  p5: { weight: 2 }', 'events: []');
    expect(errors(file(...rows))).toEqual(['bad.yaml:20003:3: error: duplicate key "p5"']);
  });

  test('a file that is not one YAML map', () => {
    expect(errors('')).toEqual(['bad.yaml:1:1: error: scenario must be a YAML map with name, participants and events']);
    expect(errors('- start_epoch\n')).toEqual([
      'bad.yaml:1:1: error: scenario must be a YAML map with name, participants and events',
    ]);
    expect(errors(file('name: a', 'participants: {}', 'events: []', '---', 'name: b'))).toEqual([
      'bad.yaml:4:1: error: a scenario file holds one YAML document; this starts a second one',
    ]);
  });

  test('the top level: an unknown key, events that are not a list, an empty name', () => {
    const text = file('name: ""', 'participants: {}', 'events: {}', 'evnts: []');
    expect(errors(text)).toEqual([
      'bad.yaml:1:7: error: name must not be empty',
      'bad.yaml:3:9: error: events must be a list of events, found a map',
      'bad.yaml:4:1: error: unknown key "evnts" at the top level',
    ]);
    expect(hints(text)).toEqual([undefined, undefined, 'did you mean "events"?']);
  });
});

describe('YAML features', () => {
  test('anchors and aliases are expanded; a dangling alias is an error at the alias', () => {
    const s = load(
      withEvents(
        '  - settle_escrow: &s { escrow: 1, hosts: [{ slot: 0, cost: 1 }] }',
        '  - settle_escrow: *s',
      ),
    );
    expect(eventAt(s, 1).event).toEqual(eventAt(s, 0).event);
    expect(eventAt(s, 1).loc).toEqual({ line: 9, col: 5 });
    expect(errors(withEvents('  - settle_escrow: { escrow: 2, hosts: *h }'))).toEqual([
      'bad.yaml:8:40: error: alias *h has no anchor &h before it',
    ]);
  });

  test('Windows line endings: the same positions, and no carriage return in the rendered line', () => {
    const text = ['name: x', 'participants: { h1: { weight: 1 } }', 'events:', '  - end_epoch: { punish: [h2] }', ''].join('\r\n');
    const [issue] = issuesOf(text);
    if (issue === undefined) throw new Error('expected an issue');
    expect(renderIssue(issue, text, plainPalette)).toBe(
      [
        'bad.yaml:4:27: error: unknown participant "h2"',
        '  4 |   - end_epoch: { punish: [h2] }',
        '    |                           ^',
        '  hint: did you mean "h1"?',
      ].join('\n'),
    );
  });
});

describe('several problems in one file', () => {
  test('are all reported, sorted by line and column', () => {
    const text = fixture('invalid/many-problems.yaml');
    const r = loadScenario(text, 'many-problems.yaml');
    if (r.ok) throw new Error('expected input errors');
    expect(r.issues.map((i) => renderIssue(i, text, plainPalette).split('\n')[0])).toEqual([
      'many-problems.yaml:2:8: error: rules must be "deferred", "immediate", "v0.2.11", "fees-kept", "fees-split", "pr-1000", "v0.2.12" or "newest", found "defered"',
      'many-problems.yaml:4:10: error: accounts.alice: amount must not be negative: -5',
      'many-problems.yaml:5:3: error: "h1" is declared both as an account and as a participant',
      'many-problems.yaml:8:17: error: participants.h2.weight must be a non-negative integer, found 0.5',
      'many-problems.yaml:11:67: error: unknown participant "h9"',
      'many-problems.yaml:12:5: error: unknown event "sttle_escrow"',
      'many-problems.yaml:13:33: error: unknown key "fess" in settle_escrow',
      'many-problems.yaml:13:69: error: settle_escrow.hosts[0].cost: not an amount: "0x10" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")',
      'many-problems.yaml:14:31: error: "h1" is listed twice in end_epoch.punish',
      'many-problems.yaml:15:5: error: expect_result applies only to claim_reward, not to end_epoch',
      'many-problems.yaml:16:23: error: "inference" is a module account and cannot be the transfer sender',
      'many-problems.yaml:18:15: error: unknown account "bob"',
    ]);
  });
});

describe('renderIssue', () => {
  test('prints the header, the source line with its number, a caret under the column, and the hint', () => {
    const text = withEvents('  - settle_escrow:', '      escrow: 1', '      fess: 0.3 gonka', '      hosts: []');
    const [issue] = issuesOf(text);
    if (issue === undefined) throw new Error('expected an issue');
    expect(renderIssue(issue, text, plainPalette)).toBe(
      [
        'bad.yaml:10:7: error: unknown key "fess" in settle_escrow',
        '  10 |       fess: 0.3 gonka',
        '     |       ^',
        '  hint: did you mean "fees"?',
      ].join('\n'),
    );
  });

  test('applies the palette to the parts it names', () => {
    const tag = (t: string) => (s: string) => `<${t}>${s}</${t}>`;
    const palette = { bold: tag('b'), red: tag('r'), dim: tag('d'), cyan: tag('c') };
    const issue: InputIssue = { file: 'f.yaml', line: 1, col: 3, code: 'BAD_VALUE', message: 'm' };
    expect(renderIssue(issue, 'abcd\n', palette)).toBe(
      ['<b>f.yaml:1:3:</b> <r>error:</r> <b>m</b>', '<d>  1 |</d> abcd', '<d>    |</d>   <r>^</r>'].join('\n'),
    );
  });

  test('leaves out the source line when the issue is past the end of the text, and keeps tabs under the caret', () => {
    expect(renderIssue({ file: 'f', line: 9, col: 1, code: 'BAD_VALUE', message: 'm' }, 'a\n', plainPalette)).toBe('f:9:1: error: m');
    expect(renderIssue({ file: 'f', line: 1, col: 4, code: 'BAD_VALUE', message: 'm' }, 'a\tbc', plainPalette)).toBe(
      ['f:1:4: error: m', '  1 | a\tbc', '    |  \t ^'].join('\n'),
    );
  });

  test('shows a long line only around the column, never the whole of it', () => {
    const line = `amount: ${'9'.repeat(1_000_000)}x${'9'.repeat(1_000_000)}`;
    const rendered = renderIssue({ file: 'f', line: 1, col: 1_000_009, code: 'BAD_VALUE', message: 'm' }, line, plainPalette);
    const [, shownLine = '', caret = ''] = rendered.split('\n');
    expect(shownLine).toBe(`  1 | ...${'9'.repeat(40)}x${'9'.repeat(79)}...`);
    expect(caret).toBe(`    | ${' '.repeat(43)}^`);
    // at its start and at its end
    expect(renderIssue({ file: 'f', line: 1, col: 1, code: 'BAD_VALUE', message: 'm' }, line, plainPalette).split('\n')[1]).toBe(`  1 | amount: ${'9'.repeat(112)}...`);
    const end = renderIssue({ file: 'f', line: 1, col: line.length + 1, code: 'BAD_VALUE', message: 'm' }, line, plainPalette).split('\n');
    expect(end.slice(1)).toEqual([`  1 | ...${'9'.repeat(120)}`, `    | ${' '.repeat(123)}^`]);
  });

  test('shows control and invisible characters of the line, the message and the hint as escapes, the caret under them', () => {
    const text = 'a: "\u001b]0;owned\u0007\u001b[2K"\u00a0x\r\n';
    const rendered = renderIssue({ file: 'f', line: 1, col: 21, code: 'BAD_VALUE', message: 'm \u001b[31m', hint: 'h\u202e' }, text, plainPalette);
    expect(rendered).toBe(
      [
        'f:1:21: error: m \\u001b[31m',
        '  1 | a: "\\u001b]0;owned\\u0007\\u001b[2K"\\u00a0x',
        `    | ${' '.repeat(40)}^`,
        '  hint: h\\u202e',
      ].join('\n'),
    );
  });

  test('finds the line of each of many issues without reading the text again for each', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n');
    const lines = Array.from({ length: 2000 }, (_, i) => renderIssue({ file: 'f', line: 25 * i + 1, col: 1, code: 'BAD_VALUE', message: 'm' }, text, plainPalette).split('\n')[1]);
    expect(lines[0]).toBe('  1 | line 0');
    expect(lines[1999]).toBe('  49976 | line 49975');
  });
});

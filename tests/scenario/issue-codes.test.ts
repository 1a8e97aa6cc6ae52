/**
 * Every input issue carries a stable code (INPUT_ISSUE_CODES); each code here is produced by a
 * minimal file, by the fast readers and by the positioned path alike, and none is left untested.
 */
import { loadScenario } from '../../src/scenario/load.js';
import { INPUT_ISSUE_CODES, type InputIssueCode } from '../../src/scenario/issues.js';
import { decodeScenario } from '../../src/cli/shared.js';

const HEAD = ['name: x', 'participants: { h1: { weight: 1 }, h2: { weight: 1 } }'];
const withEvents = (...events: string[]): string => [...HEAD, 'events:', ...events.map((e) => `  - ${e}`)].join('\n');

/** For each code: a file, and the first issue's line:col and message. */
const CASES: readonly (readonly [InputIssueCode, string, string])[] = [
  ['YAML_SYNTAX', 'name: [x', '1:9: invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['BAD_ALIAS', [...HEAD, 'events: *nowhere'].join('\n'), '3:9: alias *nowhere has no anchor &nowhere before it'],
  ['BAD_KEY', [...HEAD, 'events: []', '? [a, b]', ': 1'].join('\n'), '4:3: map keys must be plain names or numbers'],
  ['DUPLICATE_KEY', [...HEAD, 'events: []', 'name: y'].join('\n'), '4:1: duplicate key "name"'],
  ['UNITLESS_AMOUNT', [...HEAD, 'accounts: { alice: 20 }', 'events: []'].join('\n'), '3:20: amount 20 has no unit (--strict-units): it reads as 20 ngonka = 0.00000002 gonka'],
  ['LIMIT', `name: ${'['.repeat(150)}${']'.repeat(150)}`, '1:106: values nest more than 100 levels deep here (the limit is 100)'],
  ['INVALID_TEXT', [...HEAD, 'events: []', 'description: "\\ud800"'].join('\n'), '4:14: this value holds a lone UTF-16 surrogate (written as an escape such as "\\ud800"), which is not a character'],
  ['NOT_A_SCENARIO', '- a\n- b', '1:1: scenario must be a YAML map with name, participants and events'],
  ['UNKNOWN_KEY', [...HEAD, 'events: []', 'paramz: {}'].join('\n'), '4:1: unknown key "paramz" at the top level'],
  ['MISSING_FIELD', [...HEAD].join('\n'), '1:1: missing required field "events" at the top level'],
  ['WRONG_TYPE', [...HEAD, 'events: {}'].join('\n'), '3:9: events must be a list of events, found a map'],
  ['BAD_VALUE', [...HEAD, 'rules: deferd', 'events: []'].join('\n'), '3:8: rules must be "deferred", "immediate", "v0.2.11", "fees-kept", "fees-split", "pr-1000", "v0.2.12" or "newest", found "deferd"'],
  ['BAD_AMOUNT', withEvents('transfer: { from: h1, to: h2, amount: 0.5 }'), '4:43: transfer.amount: 0.5 has no unit: a fraction needs one (write "0.5 gonka")'],
  ['BAD_NUMBER', withEvents('claim_reward: { participant: h1, epoch: -1 }'), '4:45: claim_reward.epoch must be a non-negative integer, found -1'],
  ['PARAM_CONFLICT', [...HEAD, 'params: { escrow: { min_amount: 5, max_amount: 4 } }', 'events: []'].join('\n'), '3:33: params.escrow.min_amount (5) must not exceed params.escrow.max_amount (4)'],
  ['UNKNOWN_EVENT', withEvents('start_epok'), '4:5: unknown event "start_epok"'],
  ['BAD_ITEM', withEvents('{ start_epoch: {}, end_epoch: {} }'), '4:24: two events in one item: "start_epoch" and "end_epoch"'],
  ['EXPECT_MISUSE', withEvents('expect'), '4:5: a checkpoint needs something to compare'],
  ['BAD_NAME', ['name: x', 'participants: { "1h": { weight: 1 } }', 'events: []'].join('\n'), '2:17: invalid participant name "1h"'],
  ['RESERVED_NAME', ['name: x', 'participants: { gov: { weight: 1 } }', 'events: []'].join('\n'), '2:17: "gov" is a module account and cannot be declared as a participant'],
  ['DUPLICATE_NAME', ['name: x', 'accounts: { h1: 5 }', 'participants: { h1: { weight: 1 } }', 'events: []'].join('\n'), '2:13: "h1" is declared both as an account and as a participant'],
  ['UNKNOWN_NAME', withEvents('claim_reward: { participant: h3, epoch: 1 }'), '4:34: unknown participant "h3"'],
  ['NOT_A_PARTICIPANT', ['name: x', 'accounts: { a: 5 }', 'participants: { h1: { weight: 1 } }', 'events:', '  - end_epoch: { punish: [a] }'].join('\n'), '5:27: "a" is an account, not a participant, so it cannot be punished'],
];

describe.each([
  ['the fast readers', true],
  ['the positioned path', false],
])('input issue codes, read by %s', (_, fast) => {
  test.each(CASES)('%s', (code, text, expected) => {
    // strict units change nothing but the one case that needs them: they are checked last
    const r = loadScenario(text, 'x.yaml', { fast, strictUnits: true });
    expect(r.ok).toBe(false);
    const first = r.ok ? undefined : r.issues[0];
    expect(first && `${first.line}:${first.col}: ${first.message}`).toBe(expected);
    expect(first?.code).toBe(code);
  });
});

test('INVALID_UTF8: the CLI decodes the bytes before the loader reads text', () => {
  const { issue } = decodeScenario(new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]), 'x.yaml');
  expect(issue).toEqual({
    file: 'x.yaml',
    line: 1,
    col: 7,
    code: 'INVALID_UTF8',
    message: 'invalid UTF-8: the byte 0xE9 here does not begin a valid character',
    hint: 'a scenario file is UTF-8 text',
  });
});

test('every code has a case', () => {
  const covered = new Set<string>([...CASES.map(([code]) => code), 'INVALID_UTF8']);
  expect(Object.keys(INPUT_ISSUE_CODES).filter((c) => !covered.has(c))).toEqual([]);
});

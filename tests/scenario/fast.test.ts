/**
 * The loader's fast path (js-yaml + a position listener) against the positioned path (the `yaml`
 * package): for every bundled scenario and fixture, the same result, every location included;
 * and the fast path really decides the valid ones (it does not silently fall back).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastParse } from '../../src/scenario/fast.js';
import { loadScenario } from '../../src/scenario/load.js';

const root = process.cwd();
const yamlIn = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlIn(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
const files = [...yamlIn('scenarios'), ...yamlIn('tests/fixtures')];

describe('fast loader path', () => {
  test('finds the files', () => {
    expect(files.filter((f) => f.startsWith('scenarios')).length).toBeGreaterThanOrEqual(20);
  });

  test.each(files)('%s: same result as the positioned path, locations included', (f) => {
    const text = readFileSync(join(root, f), 'utf8');
    const fast = loadScenario(text, f);
    const slow = loadScenario(text, f, { fast: false });
    expect(fast).toEqual(slow);
    if (slow.ok) expect(fastParse(text)).toBeDefined();
  });

  const variants: [string, string][] = [
    ['comments and blank lines between items', 'events:\n  # a comment\n\n  - start_epoch   # trailing\n\n  -   end_epoch\n'],
    ['note before the event key', 'events:\n  - start_epoch\n  - note: first the note\n    transfer: { from: alice, to: h1, amount: 1 }\n'],
    ['event key on the line after the dash', 'events:\n  -\n    start_epoch:\n  - end_epoch\n'],
    ['empty value then a key', 'events:\n  - start_epoch:\n    note: an empty event map\n  - end_epoch\n'],
    ['empty value last', 'events:\n  - note: last key empty\n    start_epoch:\n  - end_epoch:\n'],
    ['an expect checkpoint with maps in flow and block style', 'events:\n  - start_epoch\n  - expect: { bank: { alice: 20 gonka }, epoch: 1 }\n  - expect:\n      participants:\n        h1: { coin_balance: 0 }\n      surplus: 0\n'],
    ['flow sequence of events', 'events: [start_epoch, {transfer: {from: alice, to: h1, amount: 10}}, end_epoch]\n'],
    ['expect with fields on many lines', 'events:\n  - start_epoch\n  - expect:\n      epoch: 1\n\n      bank:\n        alice: 20 gonka\n        h1: 0\n'],
    ['quoted keys and values', 'events:\n  - "start_epoch"\n  - \'transfer\': { "from": alice, to: "h1", amount: "1" }\n'],
    ['CRLF line ends', 'events:\r\n  - start_epoch\r\n  - transfer: { from: alice, to: h1, amount: 1 }\r\n'],
  ];
  const head = 'name: t\naccounts:\n  alice: 20 gonka\nparticipants:\n  h1: { weight: 100 }\n  h2: { weight: 100 }\n';
  test.each(variants)('%s', (_, events) => {
    const text = head.replace(/\n/g, events.includes('\r\n') ? '\r\n' : '\n') + events;
    const fast = loadScenario(text, 'v.yaml');
    const slow = loadScenario(text, 'v.yaml', { fast: false });
    expect(slow.ok).toBe(true);
    expect(fast).toEqual(slow);
    expect(fastParse(text)).toBeDefined();
  });

  test.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['an explicit tag', 'a: !!str 1\n'],
    ['a syntax error', 'a: [1\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
  ])('gives up on %s', (_, text) => {
    expect(fastParse(text)).toBeUndefined();
  });

  test('a file nested too deep for the fast readers is refused as the positioned path refuses it', () => {
    const text = `name: t\nparticipants:\n  h1: { weight: 1 }\nevents: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    expect(fastParse(text)).toBeUndefined();
    // (the yaml package's own message says where its stack ran out, which varies with the stack)
    const messages = (r: ReturnType<typeof loadScenario>): string[] => (r.ok ? [] : r.issues.map((i) => i.message));
    const fast = loadScenario(text, 'deep.yaml');
    expect(fast.ok).toBe(false);
    expect(messages(fast)).toEqual(messages(loadScenario(text, 'deep.yaml', { fast: false })));
  });

  test('exact integers and number spellings as the positioned path reads them', () => {
    const parsed = fastParse('a: 123456789012345678901234567890\nb: 0x10\nc: -0\nd: 1e3\ne: 0.5\nf: ~\ng: True\nh: "7"\ni:\n');
    expect(parsed?.value).toEqual({ a: 123456789012345678901234567890n, b: '0x10', c: '-0', d: '1e3', e: '0.5', f: null, g: true, h: '7', i: null });
  });
});

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
    [
      'every spelling mixed: units, underscores, flow over lines, comments, trailing commas',
      'events:\n  - start_epoch: { active: [h1,\n      h2,\n      ] }\n  # an escrow\n  - create_escrow: {\n      creator: alice, amount: 7 gonka,   # in gonka\n      slots: [h1, "h2"],\n    }\n' +
        '  - settle_escrow:\n      escrow: 1\n      fees: 0.5GNK\n      nonce: 1_0\n      hosts: [\n        { slot: 0, cost: 200_000_000, missed: 1 },\n        { slot: 1, cost: \'1_000 ngonka\', },\n      ]\n' +
        '  - transfer:\n      from: alice\n      to: h1\n      amount: "1.000000001 gonka"\n  - run_inference: { requester: alice, executor: h1,\n      prompt_tokens: 1_000, completion_tokens: 20 }\n',
    ],
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

  // a file with problems is decided by the fast readers too: the same issues, located and
  // described ("found ...") as the positioned path locates and describes them
  const BAD_VALUES = [
    '007x', '~', 'Null', 'NULL', '"5"', "'x'", '0x10', '0o7', '.inf', '-.inf', '.NaN', '1e3', '1.5', '-5', '-0', '007', 'true', 'True',
    'FALSE', '[1]', '[]', '{a: 1}', '{}', '"5 gonkas"', '5 gonkas', '"a\\tb"', "'it''s'", `"${'x'.repeat(80)}"`, '18446744073709551616',
  ];
  const badFiles: [string, string][] = [];
  for (const v of BAD_VALUES) {
    badFiles.push([`amount: ${v} (flow)`, `events:\n  - start_epoch\n  - transfer: { from: alice, to: h1, amount: ${v} }\n`]);
    badFiles.push([`amount: ${v} (block)`, `events:\n  - start_epoch\n  - transfer:\n      from: alice\n      to: h1\n      amount: ${v}\n`]);
    badFiles.push([`from: ${v}`, `events:\n  - start_epoch\n  - transfer: { from: ${v}, to: h1, amount: 1 }\n`]);
    badFiles.push([`item ${v}`, `events:\n  - start_epoch\n  - ${v}\n`]);
    badFiles.push([`weight: ${v}`, `events:\n  - start_epoch: { weights: { h1: ${v} } }\n`]);
  }
  for (const v of ['5 gonkas', '1_', '0.0000000001 gonka', '-1', '18446744073709551616 ngonka', '1.5']) {
    badFiles.push([`amount: ${v} (flow over lines)`, `events:\n  - start_epoch\n  - create_escrow: {\n      creator: alice,\n      amount: ${v},\n      slots: [h1,\n        h2],\n    }\n`]);
    badFiles.push([`cost: ${v} (host entries over lines)`, `events:\n  - settle_escrow: { escrow: 1, hosts: [\n      { slot: 0, cost: 7 gonka },   # fine\n      { slot: 1, cost: ${v} },\n    ] }\n`]);
  }
  badFiles.push(['an empty amount', 'events:\n  - transfer:\n      from: alice\n      to: h1\n      amount:\n']);
  badFiles.push(['an amount in a block scalar', 'events:\n  - transfer:\n      from: alice\n      to: h1\n      amount: |\n        5 gonkas\n']);
  badFiles.push(['a folded amount', 'events:\n  - transfer:\n      from: alice\n      to: h1\n      amount: >-\n        0x10\n']);
  badFiles.push(['a comment right after a quoted value', "events:\n  - transfer: { from: 'alice'# c\n      , to: h1, amount: 1 }\n"]);
  badFiles.push(['a comment right after a quoted key', "events:\n  - transfer:\n      from: alice\n      to: \"h1\"#c\n      amount: 1\n"]);
  badFiles.push(['a comment right after a flow map', 'events:\n  - transfer: { from: alice, to: h1, amount: 1 }#c\n']);
  badFiles.push(['a quoted value over lines, its second line too far left', 'events:\n  - transfer:\n      from: alice\n      to: "h\n1"\n      amount: 1\n']);
  badFiles.push(['an unknown event and names', 'events:\n  - sttle_escrow: { escrow: 1, hosts: [] }\n  - claim_reward: { participant: h3, epoch: 1 }\n']);
  test.each(badFiles)('%s: the same issues (or scenario) either way', (_, events) => {
    const text = head + events;
    expect(loadScenario(text, 'v.yaml')).toEqual(loadScenario(text, 'v.yaml', { fast: false }));
  });

  test('the fast readers decide a file with problems (they do not hand it to the positioned path)', () => {
    const text = `${head}events:\n  - transfer: { from: alice, to: nobody, amount: 5 gonkas }\n`;
    expect(fastParse(text)).toBeDefined();
    const r = loadScenario(text, 'v.yaml');
    expect(r.ok ? [] : r.issues.map((i) => `${i.line}:${i.col} ${i.message}`)).toEqual([
      '8:34 unknown account "nobody"',
      '8:50 transfer.amount: not an amount: "5 gonkas" (write ngonka digits such as 7000000000 or 7_000_000_000, "<n> ngonka" or "<decimal> gonka")',
    ]);
  });

  test.each([
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a duplicate key outside the subset', 'a: 1\na:\t2\n'],
    ['an explicit tag', 'a: !!str 1\n'],
    ['a syntax error', 'a: [1\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a comment right after a quoted value (the yaml package refuses it)', "a: 'x'# c\nb: \"y\"#c\n"],
    ['a comment right after a flow map', 'a: { b: 1 }#c\n'],
    ['a comment right after a flow sequence', 'a: [1]#c\n'],
    ['a quoted value over lines (the yaml package checks their indent)', 'a:\n  b: "x\n c"\n'],
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

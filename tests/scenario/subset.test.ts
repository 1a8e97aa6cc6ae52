/**
 * The subset scanner (subset.ts) against the positioned path (the `yaml` package), on generated
 * YAML: whenever the scanner takes a file, the `yaml` package reads it without an error, to the
 * same value, and every position the scanner's index gives (for every path into the value, and
 * one step past each) is the one the positioned index gives. The files are generated from
 * tricky scalar and key spellings in every layout the subset has and some it has not, then
 * also mutated a character at a time, so both sides of each give-up are exercised.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { jsYamlParse } from '../../src/scenario/fast.js';
import { isRawMap, yamlPackage, YamlIndex, type Raw } from '../../src/scenario/source.js';
import { paths, valueAt } from './paths.js';
import { scanSubset } from '../../src/scenario/subset.js';

/** A small deterministic generator (mulberry32), so a failing seed reproduces. */
function rng(seed: number): { int: (n: number) => number; pick: <T>(xs: readonly T[]) => T; chance: (p: number) => boolean } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { int, pick: (xs) => xs[int(xs.length)] as (typeof xs)[number], chance: (p) => next() < p };
}

const SCALARS = [
  'a', 'alice', 'h1', 'user0001', 'a b', 'a  b', 'a - b', '1', '0', '-1', '-0', '007', '1_000', '0x1F', '0o17', '1e3', '1.5', '.5',
  '5.', '+1', '+0', '.inf', '-.inf', '.NaN', 'true', 'True', 'TRUE', 'false', 'FALSE', 'tRUE', 'null', 'Null', 'NULL', '~', 'x~',
  "it's", 'a"b', 'a-b', '-x', '-', '--', 'a;b', 'a=b', '(x)', '$x', 'a/b', 'a.b', '<<', '---', '...', '?x', ':x', 'é',
  '123456789012345678901234567890', '-123456789012345678901234567890', '18446744073709551615', '5 gonka', '0.1 gonka', '7_000 ngonka',
  '"q"', "'s'", '""', "''", '"a b"', "'a: b'", '"a # b"', '"1"', '"true"', '"é"', "'it''s'", '"a\\"b"', '"\\n"', '"a\tb"',
  '@x', '%x', '`x`', '&x', '*x', '!x', '|', '>', 'a: b', 'a #b', 'a#b', 'a,b', 'a]', 'a}', 'a[b', '{a}', 'x ', ' x',
];
const KEYS = [
  'a', 'b', 'c', 'name', 'events', 'weight', 'x.y', 'a b', 'a_b', 'a-b', '1', '2', '01', '-1', '-0', '0x1', '1.5', 'true', 'True',
  'null', '~', 'constructor', 'toString', '__proto__', '"q"', "'s'", '"a"', '"1"', '"a: b"', '""', '-', '-x', 'é', 'a#b', 'a :b',
];
const SPACES = ['', ' ', '  '];
/** Between the entries of a flow collection: spaces, or a line break (with a comment, blank lines, some indent). */
const FLOW_BREAKS = ['\n', '\n ', '\n   ', '\n      ', '\n        ', ' # c\n     ', '\n\n     ', '\n  # d\n     ', '#x\n     '];

interface Gen {
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
  chance: (p: number) => boolean;
}

function flow(g: Gen, depth: number): string {
  // a flow collection over lines: sometimes a line break where spaces may stand
  const sp = (): string => (g.chance(0.12) ? g.pick(FLOW_BREAKS) : g.pick(SPACES));
  if (depth <= 0 || g.chance(0.5)) return g.pick(SCALARS);
  const n = g.int(4);
  const items: string[] = [];
  if (g.chance(0.5)) {
    for (let i = 0; i < n; i++) items.push(`${g.pick(KEYS)}:${g.chance(0.95) ? ' ' : ''}${sp()}${flow(g, depth - 1)}`);
    return `{${sp()}${items.join(`${g.chance(0.9) ? '' : ' '},${sp()}`)}${g.chance(0.05) ? ',' : ''}${sp()}}`;
  }
  for (let i = 0; i < n; i++) items.push(flow(g, depth - 1));
  return `[${sp()}${items.join(`,${sp()}`)}${g.chance(0.05) ? ',' : ''}${sp()}]`;
}

function comment(g: Gen): string {
  return g.chance(0.85) ? '' : g.pick([' # note', ' #', '  # a: b', '#tight', ' # é — ok']);
}

/** Lines of a block value at `indent` (a map or a sequence). */
function block(g: Gen, indent: number, depth: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  const n = 1 + g.int(3);
  const seq = g.chance(0.4);
  for (let i = 0; i < n; i++) {
    if (g.chance(0.1)) out.push(g.pick(['', `${pad}# comment`, '  ', '#x']));
    if (seq) {
      const dash = `${pad}-${g.pick([' ', ' ', ' ', '  ', '   '])}`;
      const r = g.int(10);
      if (r < 3) out.push(`${dash}${g.pick(SCALARS)}${comment(g)}`);
      else if (r < 5) out.push(`${dash}${flow(g, 2)}${comment(g)}`);
      else if (r < 9) {
        // a map that starts on the dash's line
        const col = dash.length;
        const lines: string[] = [];
        entries(g, col, depth - 1, lines);
        out.push(`${dash}${(lines[0] ?? '').slice(col)}`, ...lines.slice(1));
      } else out.push(`${dash.trimEnd()}`, `${pad}  ${g.pick(SCALARS)}`);
    } else {
      const lines: string[] = [];
      entries(g, indent, depth - 1, lines, 1);
      out.push(...lines);
    }
  }
}

/** `count` map entries at column `indent`. */
function entries(g: Gen, indent: number, depth: number, out: string[], count = 1 + g.int(3)): void {
  const pad = ' '.repeat(indent);
  for (let i = 0; i < count; i++) {
    const key = `${pad}${g.pick(KEYS)}${g.chance(0.03) ? ' ' : ''}:`;
    const r = g.int(10);
    if (r < 4 || depth <= 0) out.push(`${key} ${g.pick(SCALARS)}${comment(g)}`);
    else if (r < 6) out.push(`${key}${g.pick([' ', ' ', '  '])}${flow(g, 2)}${comment(g)}`);
    else if (r < 7) out.push(`${key}${comment(g)}`);
    else {
      out.push(`${key}${comment(g)}`);
      block(g, indent + g.pick([1, 2, 2, 2, 4, 0]), depth - 1, out);
    }
  }
}

function document(seed: number): string {
  const g = rng(seed);
  const out: string[] = [];
  if (g.chance(0.2)) out.push('# a scenario');
  entries(g, 0, 3, out, 1 + g.int(4));
  let text = out.join('\n') + (g.chance(0.8) ? '\n' : '');
  // sometimes one character inserted, deleted or replaced
  if (g.chance(0.3) && text.length > 0) {
    const at = g.int(text.length);
    const ch = g.pick([':', '#', '-', ' ', '\n', '{', '}', '[', ']', ',', '"', "'", '\t', '\r', '&', '!', '?', 'x', '1']);
    const op = g.int(3);
    text = op === 0 ? text.slice(0, at) + ch + text.slice(at) : op === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(at + 1);
  }
  return text;
}

/** Checks the scanner against the positioned path on `text`; whether the scanner took it. */
function check(text: string): boolean {
  const fast = scanSubset(text);
  if (fast === undefined) return false;
  const { LineCounter, parseDocument } = yamlPackage();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  expect({ text, errors: doc.errors.map((e) => e.message) }).toEqual({ text, errors: [] });
  const slow = new YamlIndex(doc, lines);
  // the only problems a file in the subset can have are duplicate keys, found by both
  const problems: unknown[] = [];
  const { value, broken } = slow.toRaw((loc, code, message, hint) => problems.push({ loc, code, message, hint }));
  expect({ text, problems: fast.problems }).toEqual({ text, problems });
  expect(broken).toBe(false);
  expect({ text, value: fast.value }).toEqual({ text, value });
  // key order too (toEqual does not look at it)
  const order = (v: Raw): unknown => (Array.isArray(v) ? v.map(order) : isRawMap(v) ? Object.keys(v).map((k) => [k, order(v[k] as Raw)]) : v);
  expect(order(fast.value)).toEqual(order(value));
  for (const p of paths(fast.value)) {
    const found = valueAt(fast.value, p);
    const got = { text, path: p, valueLoc: fast.index.valueLoc(p), keyLoc: fast.index.keyLoc(p), keys: fast.index.keysInOrder(p), found: fast.index.describe(p, found) };
    const want = { text, path: p, valueLoc: slow.valueLoc(p), keyLoc: slow.keyLoc(p), keys: slow.keysInOrder(p), found: slow.describe(p) };
    expect(got).toEqual(want);
  }
  // and js-yaml's reader, when it takes the file too, reads the same value and describes it the same
  const other = jsYamlParse(text);
  if (other !== undefined) {
    expect(order(other.value)).toEqual(order(value));
    for (const p of paths(other.value)) {
      expect({ text, path: p, found: other.index.describe(p, valueAt(other.value, p)) }).toEqual({ text, path: p, found: slow.describe(p) });
    }
  }
  return true;
}

/**
 * js-yaml's reader (fast.ts) against the positioned path on `text`, whether or not the scanner
 * takes it; whether js-yaml's reader took it.
 */
function checkJsYaml(text: string): boolean {
  const fast = jsYamlParse(text);
  // (the loader takes a reader's result only for a map: a scenario)
  if (fast === undefined || !isRawMap(fast.value)) return false;
  const { LineCounter, parseDocument } = yamlPackage();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return false;
  const slow = new YamlIndex(doc, lines);
  let problems = 0;
  const { value } = slow.toRaw(() => problems++);
  if (problems > 0) return false;
  expect({ text, value: fast.value }).toEqual({ text, value });
  for (const p of paths(fast.value)) {
    const found = valueAt(fast.value, p);
    const got = { text, path: p, valueLoc: fast.index.valueLoc(p), keyLoc: fast.index.keyLoc(p), keys: fast.index.keysInOrder(p), found: fast.index.describe(p, found) };
    const want = { text, path: p, valueLoc: slow.valueLoc(p), keyLoc: slow.keyLoc(p), keys: slow.keysInOrder(p), found: slow.describe(p) };
    expect(got).toEqual(want);
  }
  return true;
}

describe('js-yaml reader', () => {
  test('on generated files: every position and description as the positioned path gives it', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        if (checkJsYaml(document(seed))) taken++;
      }),
      { numRuns: Number(process.env.SUBSET_RUNS ?? 3000), seed: Number(process.env.SUBSET_SEED ?? 1127) },
    );
    expect(taken).toBeGreaterThan(300);
  });
});

describe('subset scanner', () => {
  test('on generated files: takes a file only to read what the positioned path reads', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const text = document(seed);
        if (check(text)) taken++;
      }),
      // SUBSET_RUNS and SUBSET_SEED run a longer or another campaign
      { numRuns: Number(process.env.SUBSET_RUNS ?? 6000), seed: Number(process.env.SUBSET_SEED ?? 1127) },
    );
    // enough of them are taken for the comparison to mean something
    if (process.env.SUBSET_RUNS !== undefined) console.log(`subset scanner took ${taken} files`);
    expect(taken).toBeGreaterThan(600);
  });

  test.each([
    ['the layout of the generated benchmark files', 'name: "bench: 3 events"\nparams:\n  escrow:\n    max_per_epoch: 1000000000\naccounts:\n  user0000: 1000000000000000\nparticipants:\n  host00000: { weight: 533, balance: 10000000000 }\nevents:\n  - start_epoch\n  - create_escrow: { creator: user0000, amount: 9006366381, slots: [host00000] }\n  - settle_escrow: { escrow: 1, fees: 151159151, hosts: [{ slot: 0, cost: 116684711, missed: 1, invalid: 1, required_validations: 8, completed_validations: 8 }] }\n  - run_inference: { requester: user0000, executor: host00000, prompt_tokens: 1839, completion_tokens: 1300, max_tokens: 5000, outcome: expired }\n  - claim_reward: { participant: host00000, epoch: 1 }\n    expect_error: "already settled"\n  - end_epoch\n'],
    ['comments and blank lines between items', 'events:\n  # a comment\n\n  - start_epoch   # trailing\n\n  -   end_epoch\n'],
    ['empty values', 'a:\nb:\n  c:\n  d: 1\ne:'],
    ['flow collections over lines, comments and trailing commas', 'events:\n  - settle_escrow: { escrow: 1, # first\n      hosts: [\n        { slot: 0, cost: 7 gonka },\n\n        # the second\n        { slot: 1, cost: 200_000_000, },\n      ],\n    }\n  - transfer: { from: a,\n      to: b, amount: 1 }\n'],
    ['a flow map over lines, its closing brace at the key\'s column', 'a: { b: 1,\n  c: 2\n}\n'],
    ['a checkpoint', 'events:\n  - expect:\n      epoch: 1\n      bank: { alice: 20 gonka, h1: 0 }\n      escrows:\n        1: { settled: true }\n'],
  ])('takes %s', (_, text) => {
    expect(check(text)).toBe(true);
  });

  test.each([
    ['a block scalar', 'a: |\n  text\n'],
    ['a flow map over lines at its key\'s column', 'a: { b: 1,\nc: 2 }\n'],
    ['a flow sequence over lines at its dash\'s column', 'a:\n  - [1,\n  2]\n'],
    ['a line break after a key in a flow map', 'a: { b:\n    1 }\n'],
    ['a plain scalar over lines in a flow sequence', 'a: [b\n    c]\n'],
    ['an inner closing bracket at the key\'s column', 'a: [[1,\n]]\n'],
    ['a sequence at its key\'s indent', 'a:\n- 1\n'],
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a tab', 'a:\t1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a multi-line plain scalar', 'a: b\n  c\n'],
    ['a key that reads as another text', 'True: 1\n'],
    ['__proto__', '__proto__: 1\n'],
    ['a byte-order mark', '\uFEFFa: 1\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a top-level list', '- a\n'],
    ['deep nesting', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
    ['nesting past the limit', `a: ${'['.repeat(100)}${']'.repeat(100)}\n`],
    ['a value past the limit', `a: ${'x'.repeat(65_537)}\n`],
    ['a list past the limit', `a: [${'1,'.repeat(1_000_000)}1]\n`],
  ])('gives up on %s', (_, text) => {
    expect(scanSubset(text)).toBeUndefined();
  });

  test('takes what is just within the limits', () => {
    expect(check(`a: ${'['.repeat(99)}${']'.repeat(99)}\nb: ${'x'.repeat(65_536)}\n`)).toBe(true);
  });

  test.each([
    ['a duplicate key', 'a: 1\na: 2\n', [[2, 1, 'a']]],
    ['a duplicate key by text', 'a: 1\n"a": 2\n', [[2, 1, 'a']]],
    ['duplicate keys with maps below them', 'a:\n  x: 1\nb: { c: [1], c: { d: 2 } }\na:\n  y: 2\n  y: 3\n', [[3, 14, 'c'], [4, 1, 'a']]],
  ])('reads %s as the positioned path does: the first value kept, the others reported', (_, text, where) => {
    expect(check(text)).toBe(true);
    expect(scanSubset(text)?.problems.map((p) => [p.loc.line, p.loc.col, p.message])).toEqual(
      where.map(([line, col, key]) => [line, col, `duplicate key "${key}"`]),
    );
  });

  test('many distinct keys and names: the strings it remembers by slot never stand for another', () => {
    const lines = ['items:'];
    for (let i = 0; i < 800; i++) lines.push(`  k${i}: { name: n${(i * 7919) % 800}, other: x${i % 37}y, n: ${i * 1000003} }`);
    expect(check(lines.join('\n'))).toBe(true);
  });

  test('the bundled scenarios read the same either way when the scanner takes them', () => {
    const f = join(process.cwd(), 'tests/fixtures/invalid/many-problems.yaml');
    expect(check(readFileSync(f, 'utf8'))).toBe(true);
  });
});

/**
 * The streaming loader (stream.ts) against the whole-document loader: for every bundled
 * scenario, fixture and generated file (the fuzz generator's YAML, the bench's plain and mixed
 * spellings), read from chunks of 1, 7 and 4096 characters so every cut falls everywhere, the
 * streamed header and items are loadScenario's exactly (locations included), or the stream gave
 * up; a file loadScenario rejects always makes it give up, and what it yielded before giving up
 * is loadScenario's too wherever that can be told (files that load). Then the same on files
 * mutated a character at a time, the layouts it gives up on, and the bound on what it holds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { ScenarioItem } from '../../src/domain/scenario.js';
import { generateScenario } from '../../src/fuzz/generate.js';
import { makeRng } from '../../src/fuzz/rng.js';
import { scenarioToYaml } from '../../src/fuzz/yaml.js';
import { loadScenario, type LoadOptions } from '../../src/scenario/load.js';
import { BATCH_CHARS, StreamFallback, streamScenario, type StreamedScenario, type StreamMeter } from '../../src/scenario/stream.js';

const root = process.cwd();
const yamlIn = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlIn(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );

function* chunked(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

interface Streamed {
  readonly gaveUp: boolean;
  readonly header?: Omit<StreamedScenario, 'items'>;
  readonly items: ScenarioItem[];
}

/** Streams `text` in chunks of `size` characters and reads every item (or up to where it gives up). */
function stream(text: string, size: number, options: LoadOptions = {}, meter?: StreamMeter): Streamed {
  const result = streamScenario(chunked(text, size), 'f.yaml', options, meter);
  if (result === 'not streamable') return { gaveUp: true, items: [] };
  const { items: iterable, ...header } = result.scenario;
  const items: ScenarioItem[] = [];
  try {
    for (const item of iterable) items.push(item);
  } catch (error) {
    if (error instanceof StreamFallback) return { gaveUp: true, header, items };
    throw error;
  }
  return { gaveUp: false, header, items };
}

/** Checks the stream against loadScenario on `text`; says whether it streamed. */
function agrees(text: string, size: number, options: LoadOptions = {}): 'streamed' | 'gave up' {
  const whole = loadScenario(text, 'f.yaml', options);
  const got = stream(text, size, options);
  if (!whole.ok) {
    expect(got.gaveUp).toBe(true);
    return 'gave up';
  }
  const { items, ...header } = whole.scenario;
  expect(got.items).toStrictEqual(items.slice(0, got.items.length));
  if (got.gaveUp) return 'gave up';
  expect(got.items).toHaveLength(items.length);
  expect(got.header).toStrictEqual(header);
  return 'streamed';
}

const SIZES = [1, 7, 4096];
const bundled = yamlIn('scenarios');
const fixtures = yamlIn('tests/fixtures');
const bench = (events: number, participants: number, mixed: boolean): string =>
  spawnSync(process.execPath, [resolve('bench/gen-yaml.js'), String(events), String(participants), ...(mixed ? ['mixed'] : [])], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
const generated: [string, string][] = [
  ...Array.from({ length: 12 }, (_, k): [string, string] => [`fuzz seed ${k + 1}`, scenarioToYaml(generateScenario(k + 1, { steps: 80, participants: 2 + (k % 5) }).scenario)]),
  ['bench plain', bench(300, 12, false)],
  ['bench mixed', bench(300, 12, true)],
  ['bench mixed, other sizes', bench(700, 40, true)],
];

describe('streamed items are the whole loader’s', () => {
  test('finds the files', () => {
    expect(bundled.length).toBeGreaterThanOrEqual(20);
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
    for (const [, text] of generated) expect(text.length).toBeGreaterThan(1000);
  });

  test.each(bundled)('%s streams, the same in chunks of 1, 7 and 4096', (f) => {
    const text = readFileSync(f, 'utf8');
    for (const size of SIZES) expect(agrees(text, size)).toBe('streamed');
  });

  test.each(fixtures)('%s: the same, or the stream gives up (always when the file is rejected)', (f) => {
    const text = readFileSync(f, 'utf8');
    for (const size of SIZES) agrees(text, size);
  });

  test.each(generated)('%s streams, the same in chunks of 1, 7 and 4096', (_, text) => {
    for (const size of SIZES) expect(agrees(text, size)).toBe('streamed');
  });

  test('strict units: the same, or the stream gives up', () => {
    const mixed = generated.find(([name]) => name === 'bench mixed')?.[1] ?? '';
    expect(loadScenario(mixed, 'f.yaml', { strictUnits: true }).ok).toBe(false);
    expect(agrees(mixed, 4096, { strictUnits: true })).toBe('gave up');
    for (const f of bundled) agrees(readFileSync(f, 'utf8'), 4096, { strictUnits: true });
  });
});

describe('mutated files: the stream never reads one differently', () => {
  const BITS = [' ', '  ', '\n', '\n  ', '\n- ', '-', ':', ': ', '#', ' #', '"', "'", '[', ']', '{', '}', ',', '\t', 'x', '\r', '|', '|+', '&a ', '*a', '...', '---', '\ufeff', '\\u0041'];
  const bases: [string, string][] = [
    ['a bundled scenario', readFileSync(bundled[0] as string, 'utf8')],
    ['a bundled scenario with checkpoints', readFileSync(bundled.find((f) => f.includes('25-')) ?? (bundled[1] as string), 'utf8')],
    ['the mixed spellings', bench(25, 3, true)],
  ];
  test.each(bases)('%s, mutated 400 times', (_, base) => {
    // seeded, so a failing case reproduces
    const { int } = makeRng(base.length);
    const seen = { streamed: 0, 'gave up': 0 };
    for (let k = 0; k < 400; k++) {
      let text = base;
      for (let edits = 1 + int(2); edits > 0; edits--) {
        const at = int(text.length + 1);
        const cut = int(3) === 0 ? int(4) : 0;
        text = text.slice(0, at) + (int(4) === 0 ? '' : (BITS[int(BITS.length)] as string)) + text.slice(at + cut);
      }
      seen[agrees(text, [1, 7, 4096][int(3)] as number)]++;
    }
    // both kinds of outcome are exercised
    expect(seen.streamed).toBeGreaterThan(40);
    expect(seen['gave up']).toBeGreaterThan(40);
  });
});

describe('layouts', () => {
  const head = 'name: t\naccounts:\n  alice: 20 gonka\nparticipants:\n  h1: { weight: 100 }\n';
  const streams: [string, string][] = [
    ['items at column 0', 'events:\n- start_epoch\n- transfer: { from: alice, to: h1, amount: 1 }\n'],
    ['items at column 4, a comment at column 0 between them', 'events:\n    - start_epoch\n# between\n    - end_epoch\n'],
    ['a comment on the events line, blank lines and comments before the first item', 'events:   # the events\n\n  # first\n  - start_epoch\n'],
    ['CRLF line ends', 'events:\r\n  - start_epoch\r\n  - transfer:\r\n      from: alice\r\n      to: h1\r\n      amount: 1\r\n'],
    ['block scalars kept to the next item and to the end', 'events:\n  - start_epoch:\n    note: |+\n      kept\n\n  - end_epoch:\n    note: |+\n      kept\n\n\n'],
    ['no line break at the end', 'events:\n  - start_epoch\n  - end_epoch'],
    ['a checkpoint over several lines', 'events:\n  - start_epoch\n  - expect:\n      epoch: 1\n\n      bank:\n        alice: 20 gonka\n'],
    ['the event key on the line after the dash', 'events:\n  -\n    start_epoch:\n  - end_epoch\n'],
    ['tabs in the lines before the first item', 'events:  # see \u00e9\n\t# x\n  \t\n  - start_epoch\n'],
  ];
  test.each(streams)('%s: streams, the same', (_, events) => {
    for (const size of SIZES) expect(agrees(head + events, size)).toBe('streamed');
  });

  const givesUp: [string, string, boolean][] = [
    // [what, text, whether loadScenario takes it]
    ['events not the last key', `${head}events:\n  - start_epoch\ndescription: after\n`, true],
    ['events in flow style', `${head}events: [start_epoch, end_epoch]\n`, true],
    ['events first', `events:\n  - start_epoch\n${head}`, true],
    ['a byte-order mark', `\ufeff${head}events:\n  - start_epoch\n`, true],
    ['an alias in an item', `name: t\nparticipants:\n  h1: &w { weight: 100 }\nevents:\n  - start_epoch\n  - exclude_participant: { participant: h1, reason: *w }\n`, false],
    ['items at two columns', `${head}events:\n  - start_epoch\n - end_epoch\n`, false],
    ['a tab before an item', `${head}events:\n  - start_epoch\n\t- end_epoch\n`, false],
    ['a second document after the items', `${head}events:\n  - start_epoch\n---\nname: again\n`, false],
    ['a document end after the items', `${head}events:\n  - start_epoch\n...\n`, true],
    ['a duplicate key in an item', `${head}events:\n  - transfer: { from: alice, to: h1, amount: 1, amount: 2 }\n`, false],
    ['a problem in the last item', `${head}events:\n  - start_epoch\n  - end_epoch\n  - transfer: { from: alice, to: h2, amount: 1 }\n`, false],
    ['a problem in the header', `${head}rules: nope\nevents:\n  - start_epoch\n`, false],
    ['no items', `${head}events:\n`, false],
    // (its second line is left of the note's map: the `yaml` package refuses it)
    ['a quote open over the cut', `${head}events:\n  - start_epoch:\n    note: "open\n  - end_epoch"\n`, false],
    ['a quote open over the cut, its lines indented', `${head}events:\n  - start_epoch:\n    note: "open\n      more"\n  - end_epoch:\n    note: "a\n  - b"\n`, false],
    ['a value past a limit', `${head}events:\n  - start_epoch:\n    note: ${'x'.repeat(70_000)}\n`, false],
  ];
  test.each(givesUp)('%s: the stream gives up', (_, text, loads) => {
    expect(loadScenario(text, 'f.yaml').ok).toBe(loads);
    for (const size of SIZES) {
      expect(agrees(text, size)).toBe('gave up');
    }
  });

  test('an amount without a unit under strict units', () => {
    const text = `${head}events:\n  - start_epoch\n  - transfer: { from: alice, to: h1, amount: 5 }\n`;
    expect(agrees(text, 7)).toBe('streamed');
    expect(agrees(text, 7, { strictUnits: true })).toBe('gave up');
  });
});

describe('what the stream holds', () => {
  test('a file of 10^4 events is read holding a bounded number of characters', () => {
    const text = bench(10_000, 10, true);
    expect(text.length).toBeGreaterThan(1_000_000);
    const meter: StreamMeter = { highWater: 0 };
    const got = stream(text, 4096, {}, meter);
    expect(got.gaveUp).toBe(false);
    expect(got.items).toHaveLength(10_000);
    // a batch, the item that ends it, and a chunk: never the file
    expect(meter.highWater).toBeGreaterThan(BATCH_CHARS);
    expect(meter.highWater).toBeLessThan(2 * BATCH_CHARS + 4096);
  });

  test('the items are read once, and the chunks are closed however the reading ends', () => {
    const text = readFileSync(bundled[0] as string, 'utf8');
    let closed = 0;
    const source = (t: string): Iterable<string> => ({
      [Symbol.iterator]: () => {
        const inner = chunked(t, 7);
        return {
          next: () => inner.next(),
          return: () => {
            closed++;
            return { done: true, value: undefined };
          },
        };
      },
    });
    // read to the end
    const whole = streamScenario(source(text), 'f.yaml');
    if (whole === 'not streamable') throw new Error('streams');
    expect([...whole.scenario.items].length).toBeGreaterThan(0);
    expect(() => [...whole.scenario.items]).toThrow("a streamed scenario's items can be read once");
    expect(closed).toBe(1);
    // left after the first item
    const left = streamScenario(source(text), 'f.yaml');
    if (left === 'not streamable') throw new Error('streams');
    for (const item of left.scenario.items) if (item.index === 1) break;
    expect(closed).toBe(2);
    // not streamable
    expect(streamScenario(source(`events: [start_epoch]\n${text}`), 'f.yaml')).toBe('not streamable');
    expect(closed).toBe(3);
    // given up while reading
    const broken = streamScenario(source(`${text}\nname: again\n`), 'f.yaml');
    if (broken === 'not streamable') throw new Error('streams');
    expect(() => [...broken.scenario.items]).toThrow(StreamFallback);
    expect(closed).toBe(4);
  });
});

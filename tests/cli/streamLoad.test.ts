/**
 * A scenario file read as a stream for a command (src/cli/streamLoad.ts, Io.readChunks): the
 * streamed scenario is loadForCommand's, whatever cuts the chunks make in characters of several
 * bytes; anything unusual gives up to the whole-file path (undefined before the first event,
 * StreamFallback after it), which then reports it in the usual words.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NOT_A_FILE, readPathChunks, TOO_LARGE } from '../../src/cli/io.js';
import { loadForCommand } from '../../src/cli/shared.js';
import { streamForCommand } from '../../src/cli/streamLoad.js';
import { StreamFallback, type StreamedScenario } from '../../src/scenario/stream.js';
import { fakeIo, runCli, type CliOptions } from './fakeIo.js';

const SCENARIO = [
  'name: "streamed é 漢字 🙂"',
  'description: a description with ü, 語 and 🙂 so that chunks cut characters',
  'accounts:',
  '  alice: 20 gonka',
  'participants:',
  '  h1: { weight: 100 }',
  'events:',
  '  - start_epoch',
  '  - transfer: { from: alice, to: h1, amount: 1 gonka }',
  '    note: "ünïcödé 🙂🙂"',
  '  - expect:',
  '      bank: { alice: 19 gonka }',
  '  - end_epoch',
  '',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'epochsim-stream-'));

function readAll(s: StreamedScenario): { header: Omit<StreamedScenario, 'items'>; items: unknown[] } {
  const { items, ...header } = s;
  return { header, items: [...items] };
}

/** The streamed scenario and loadForCommand's, read with the fake Io. */
function both(file: string, opts: CliOptions = {}): { streamed: StreamedScenario | undefined; whole: ReturnType<typeof loadForCommand>; stderr: string } {
  const streamed = streamForCommand(file, fakeIo(opts).io);
  const { io, output } = fakeIo(opts);
  const whole = loadForCommand(file, io, false);
  return { streamed, whole, stderr: output().stderr };
}

describe('streamForCommand', () => {
  test.each([1, 2, 3, 5, 4096])('chunks of %i bytes: the scenario loadForCommand reads', (chunkBytes) => {
    const { streamed, whole } = both('s.yaml', { files: { 's.yaml': SCENARIO }, chunkBytes });
    if (streamed === undefined || whole === undefined) throw new Error('both read it');
    const { items, ...header } = whole;
    expect(readAll(streamed)).toStrictEqual({ header, items });
  });

  test('a real file read in chunks of 64 KiB: the scenario loadForCommand reads', () => {
    const text = spawnSync(process.execPath, [resolve('bench/gen-yaml.js'), '2000', '20', 'mixed'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
    expect(text.length).toBeGreaterThan(4 * 65536);
    const path = join(dir, 'big.yaml');
    writeFileSync(path, text);
    const streamed = streamForCommand(path, { ...fakeIo().io, readChunks: readPathChunks });
    const whole = loadForCommand(path, fakeIo().io, false);
    if (streamed === undefined || whole === undefined) throw new Error('both read it');
    const { items, ...header } = whole;
    expect(readAll(streamed)).toStrictEqual({ header, items });
  });

  test.each([
    ['stdin', '-'],
    ['a missing file', join(dir, 'missing.yaml')],
    ['a directory', dir],
    ['a file past --max-size', 'big.yaml'],
    ['a byte-order mark', 'bom.yaml'],
    ['bytes that are not UTF-8 in the header', join(dir, 'latin1-header.yaml')],
    ['a problem in the header', 'bad.yaml'],
  ])('%s: undefined (read it whole)', (_, file) => {
    writeFileSync(join(dir, 'latin1-header.yaml'), Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9]), Buffer.from(SCENARIO.slice(SCENARIO.indexOf('\n')))]));
    const files = { 'big.yaml': SCENARIO + `  - end_epoch:\n    note: ${'x'.repeat(60_000)}\n`.repeat(20), 'bom.yaml': `\ufeff${SCENARIO}`, 'bad.yaml': `rules: nope\n${SCENARIO}` };
    expect(streamForCommand(file, fakeIo({ files, stdin: SCENARIO }).io, 1)).toBeUndefined();
  });

  test('bytes that are not UTF-8 in an event: StreamFallback while reading, then the usual error', () => {
    const path = join(dir, 'latin1-event.yaml');
    writeFileSync(path, Buffer.concat([Buffer.from(SCENARIO), Buffer.from('  - end_epoch:\n    note: caf'), Buffer.from([0xe9, 0x0a])]));
    const streamed = streamForCommand(path, fakeIo().io);
    if (streamed === undefined) throw new Error('the header streams');
    expect(() => [...streamed.items]).toThrow(StreamFallback);
    const { whole, stderr } = both(path);
    expect(whole).toBeUndefined();
    expect(stderr).toContain(`${path}:15:14: error: invalid UTF-8: the byte 0xE9 here does not begin a valid character`);
  });

  test('a problem in an event: StreamFallback while reading, then the usual error', () => {
    const files = { 's.yaml': SCENARIO.replace('to: h1', 'to: h2') };
    const streamed = streamForCommand('s.yaml', fakeIo({ files }).io);
    if (streamed === undefined) throw new Error('the header streams');
    expect(() => [...streamed.items]).toThrow(StreamFallback);
    const { whole, stderr } = both('s.yaml', { files });
    expect(whole).toBeUndefined();
    expect(stderr).toContain('s.yaml:9:34: error: unknown account "h2"');
  });
});

describe('Io.readChunks on the file system', () => {
  const collect = (path: string, limit: number): string[] => [...readPathChunks(path, limit)];
  const codeOf = (f: () => unknown): unknown => {
    try {
      f();
    } catch (error) {
      return (error as { code?: unknown }).code;
    }
    return undefined;
  };

  test('the text in chunks of 64 KiB, characters cut between them joined again', () => {
    const text = `${'é'.repeat(40_000)}🙂${'x'.repeat(70_001)}`;
    const path = join(dir, 'chunks.txt');
    writeFileSync(path, text);
    const chunks = collect(path, 1 << 20);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('')).toBe(text);
  });

  test('past the limit, a directory, a missing file, bytes that are not UTF-8', () => {
    const path = join(dir, 'ten.txt');
    writeFileSync(path, '0123456789');
    expect(codeOf(() => collect(path, 9))).toBe(TOO_LARGE);
    expect(collect(path, 10)).toStrictEqual(['0123456789']);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    expect(codeOf(() => collect(join(dir, 'sub'), 10))).toBe(NOT_A_FILE);
    expect(codeOf(() => collect(join(dir, 'none'), 10))).toBe('ENOENT');
    writeFileSync(path, Buffer.from([0x61, 0xff, 0x62]));
    expect(() => collect(path, 10)).toThrow('The encoded data was not valid for encoding utf-8');
  });
});

describe('run --json on a streamed file', () => {
  const LONG = SCENARIO + Array.from({ length: 300 }, (_, i) => `  - transfer: { from: alice, to: h1, amount: ${i + 1} }\n`).join('');

  test('prints the bytes the whole-document path prints (stdin is always read whole), in chunks of 1 and 5 bytes', async () => {
    const whole = await runCli(['run', '-', '--json'], { stdin: LONG });
    expect(whole.code).toBe(0);
    // the file does stream (so the bytes below are the streamed path's, not a fallback's)
    const stream = streamForCommand('s.yaml', fakeIo({ files: { 's.yaml': LONG } }).io);
    if (stream === undefined) throw new Error('the file does not stream');
    expect([...stream.items]).toHaveLength(304);
    for (const chunkBytes of [1, 5]) {
      const streamed = await runCli(['run', 's.yaml', '--json'], { files: { 's.yaml': LONG }, chunkBytes });
      expect([streamed.code, streamed.stderr]).toEqual([0, '']);
      expect(streamed.stdout).toBe(whole.stdout);
    }
  });

  test('a problem in the last event (the stream meets it after 300 events): exit 2, stdout empty, the whole-document error', async () => {
    const bad = `${LONG}  - transfer: { from: alice, to: h9, amount: 1 }\n`;
    const streamed = await runCli(['run', 's.yaml', '--json'], { files: { 's.yaml': bad } });
    const whole = await runCli(['run', '-', '--json'], { stdin: bad });
    expect([streamed.code, streamed.stdout]).toEqual([2, '']);
    expect(streamed.stderr.replaceAll('s.yaml', '<stdin>')).toBe(whole.stderr);
    expect(streamed.stderr).toContain('s.yaml:314:34: error: unknown account "h9"');
  });
});

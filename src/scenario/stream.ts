/**
 * Reading a scenario as a stream (issue 15): the header first, then the events one by one, so a
 * file of any length is read in memory bounded by one event. The stream is a fast path only: it
 * never reports a problem itself. Whatever it cannot read exactly as the whole-document loader
 * would (a problem in an event, a layout it does not take), it gives up with `StreamFallback`,
 * and the caller reads the file again with `loadScenario`, which reports every problem in the
 * usual words.
 *
 * The layout it takes: a block map at the top whose last key is `events:` (at the start of its
 * line, nothing after it but a comment), followed by a block sequence whose items all start with
 * `-` at one column. Everything before that line is the header: it is loaded by loadScenario
 * with an empty event list (so every check of the whole document applies to it, in its usual
 * words). The items are cut at the lines that start with `-` at the items' column, and read a
 * batch at a time by the loader's own readers (fast.ts) as a small document `events:` + the
 * batch's lines, each checked as loadScenario checks it (load.ts, loadHeader); positions are the
 * batch's shifted by the lines before it. Within that layout the lines of one item cannot belong
 * to another (an item's content is indented past its dash; a quote or bracket left open makes
 * the cut batch a syntax error), so the small document reads each item as the whole one does:
 * tests/scenario/stream.test.ts compares them on every bundled and generated scenario.
 *
 * It gives up on anything else: a byte-order mark, an `events:` written otherwise or not last,
 * lines after the items at or left of their column, a tab in an item's indent, a batch the fast
 * readers do not take or that has any problem, an amount without its unit under strict units,
 * more items than the limit of one list. Pure: it reads strings from an iterable.
 */
import type { Loc, Scenario, ScenarioItem } from '../domain/scenario.js';
import { fastParse } from './fast.js';
import { MAX_ENTRIES, withinLimits } from './limits.js';
import { loadHeader, type ItemReader, type LoadOptions } from './load.js';
import { isRawMap, type Path, type Raw, type SourceIndex } from './source.js';
import { unitlessAmounts } from './units.js';

/** Thrown while the events of a streamed scenario are iterated: read the file whole instead. */
export class StreamFallback extends Error {
  constructor(readonly reason: string) {
    super(`the scenario cannot be streamed: ${reason}`);
    this.name = 'StreamFallback';
  }
}

/** A scenario whose header is read and checked, and whose items are read as they are iterated (once). */
export type StreamedScenario = Omit<Scenario, 'items'> & { readonly items: Iterable<ScenarioItem> };

/** What streamScenario gives: the streamed scenario, or word that the file must be read whole. */
export type StreamResult = 'not streamable' | { readonly scenario: StreamedScenario };

/** How many characters of items are read as one small document (a batch ends at the item that passes it). */
export const BATCH_CHARS = 65_536;

/** For tests: the most characters of the file the stream has held at once while reading items. */
export interface StreamMeter {
  highWater: number;
}

/** The `events:` line the layout takes: the key alone, or with a comment. */
const EVENTS_LINE = /^events:(?: +(?:#.*)?)?\r?$/;
const ESCAPES = /\\[uU]/;

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const DASH = 0x2d;

/**
 * Reads the header of the scenario whose text `chunks` gives in order (any cut: a chunk may end
 * anywhere), and returns it with its items to be read, or "not streamable" (the chunks read so
 * far are then dropped: read the file whole). The items may be iterated once; they throw
 * StreamFallback where they stop being what loadScenario reads, and close `chunks` when done.
 */
export function streamScenario(chunks: Iterable<string>, file: string, options: LoadOptions = {}, meter?: StreamMeter): StreamResult {
  const source = chunks[Symbol.iterator]();
  const lines = new Lines(source, meter);
  let handedOver = false;
  try {
    const head = readHeader(lines, file, options);
    if (head === undefined) return 'not streamable';
    const { scenario, readItem, column, eventsLine, firstLine } = head;
    let started = false;
    const items = {
      [Symbol.iterator]: (): Iterator<ScenarioItem> => {
        if (started) throw new Error("a streamed scenario's items can be read once");
        started = true;
        return readItems(lines, { column, eventsLine, firstLine, readItem, strictUnits: options.strictUnits === true });
      },
    };
    handedOver = true;
    return { scenario: { ...scenario, items } };
  } catch (error) {
    if (error instanceof StreamFallback) return 'not streamable';
    throw error;
  } finally {
    if (!handedOver) lines.close();
  }
}

/** How the items of a file are read (see readHeader). */
interface ItemLayout {
  /** Where the items' dashes are. */
  readonly column: number;
  /** The `events:` line as written (without its line break), and the number of the line after it. */
  readonly eventsLine: string;
  readonly firstLine: number;
  readonly readItem: ItemReader;
  readonly strictUnits: boolean;
}

/**
 * The header, loaded, and how its items are laid out; undefined when the layout is not taken.
 * Leaves `lines` on the first item, the text held from the line after `events:` on.
 */
function readHeader(lines: Lines, file: string, options: LoadOptions): (Omit<ItemLayout, 'strictUnits'> & { scenario: Scenario }) | undefined {
  lines.mark();
  let eventsAt: number | undefined;
  while (eventsAt === undefined) {
    if (!lines.next()) return undefined;
    if (lines.startsWith('events:') && EVENTS_LINE.test(lines.text())) eventsAt = lines.start;
  }
  const header = lines.before(eventsAt);
  if (header.charCodeAt(0) === 0xfeff) return undefined;
  const eventsLine = lines.text();
  const firstLine = lines.line + 1;
  // the first item: past blank and comment lines (kept: they are read with it), a dash at the start of its content
  let column = -1;
  while (column < 0) {
    if (!lines.next()) return undefined;
    if (lines.line === firstLine) lines.mark();
    const shape = lines.shape();
    if (shape.kind === 'item') column = shape.indent;
    else if (shape.kind !== 'blank') return undefined;
  }
  // (the events line's comment, if any, stays: the header is read with it)
  const loaded = loadHeader(`${header}events: []${eventsLine.slice('events:'.length)}\n`, file, options);
  if (loaded === undefined) return undefined;
  return { ...loaded, column, eventsLine, firstLine };
}

/** The items from the first one (the current line of `lines`) to the end of the text. */
function* readItems(lines: Lines, layout: ItemLayout): Generator<ScenarioItem> {
  const { column } = layout;
  try {
    // the batch read next: its first item's index, its first line; `count` items seen so far
    let first = 0;
    let firstLine = layout.firstLine;
    let count = 1;
    while (lines.next()) {
      const shape = lines.shape();
      if (shape.kind === 'blank' || (shape.kind !== 'tab' && shape.indent > column)) continue;
      if (shape.kind !== 'item' || shape.indent !== column) throw new StreamFallback(`line ${lines.line} does not continue the events`);
      if (++count > MAX_ENTRIES) throw new StreamFallback('more events than the limit of one list');
      if (lines.start - lines.marked >= BATCH_CHARS) {
        yield* readBatch(lines.before(lines.start), firstLine, first, count - 1 - first, layout);
        first = count - 1;
        firstLine = lines.line;
        lines.mark();
      }
    }
    yield* readBatch(lines.before(), firstLine, first, count - first, layout);
  } finally {
    lines.close();
  }
}

/**
 * The items of one batch: `text` holds `size` items (item `first` of the file first) and starts
 * at line `line` of the file. It is read as the document of the `events:` line and `text`.
 */
function readBatch(text: string, line: number, first: number, size: number, { eventsLine, readItem, strictUnits }: ItemLayout): ScenarioItem[] {
  const doc = `${eventsLine}\n${text}`;
  const parsed = fastParse(doc);
  if (parsed === undefined || parsed.problems.length > 0) throw new StreamFallback(`the events from line ${line} are not read by the fast readers`);
  const root = parsed.value;
  const items = isRawMap(root) ? root.events : undefined;
  if (!Array.isArray(items) || items.length !== size || Object.keys(root as object).length !== 1) throw new StreamFallback(`the events from line ${line} are not ${size} items`);
  if (!parsed.withinLimits && !withinLimits(root, parsed.index, () => undefined, ESCAPES.test(doc))) throw new StreamFallback(`an event from line ${line} passes a limit`);
  if (strictUnits && unitlessAmounts(root, parsed.index).length > 0) throw new StreamFallback(`an event from line ${line} has an amount without a unit`);
  const src = new ShiftedIndex(parsed.index, first, line - 2);
  const out: ScenarioItem[] = [];
  for (let k = 0; k < size; k++) {
    const item = readItem((items as readonly Raw[])[k] as Raw, first + k, src);
    if (item === undefined) throw new StreamFallback(`event ${first + k + 1} has a problem`);
    out.push(item);
  }
  return out;
}

/** The positions of a batch's small document as positions in the file: item `first` is its item 0. */
class ShiftedIndex implements SourceIndex {
  constructor(
    private readonly inner: SourceIndex,
    private readonly first: number,
    private readonly lines: number,
  ) {}

  private path(path: Path): Path {
    const i = path[1];
    return path[0] === 'events' && typeof i === 'number' ? ['events', i - this.first, ...path.slice(2)] : path;
  }

  private shift(at: Loc): Loc {
    return { line: at.line + this.lines, col: at.col };
  }

  loc(offset: number): Loc {
    return this.shift(this.inner.loc(offset));
  }

  valueLoc(path: Path): Loc {
    return this.shift(this.inner.valueLoc(this.path(path)));
  }

  keyLoc(path: Path): Loc {
    return this.shift(this.inner.keyLoc(this.path(path)));
  }

  describe(path: Path, value: Raw | undefined): string {
    return this.inner.describe(this.path(path), value);
  }

  keysInOrder(path: Path): string[] {
    return this.inner.keysInOrder(this.path(path));
  }
}

/** What a line is, for cutting items: blank or a comment, an item's dash, a tab in its indent, other content. */
type Shape = { readonly kind: 'blank' } | { readonly kind: 'tab' } | { readonly kind: 'item' | 'content'; readonly indent: number };

const BLANK: Shape = { kind: 'blank' };
const TABBED: Shape = { kind: 'tab' };

/**
 * The text as lines, from chunks: holds the text from the mark on (the current line's start
 * when nothing is marked), and reads no more chunks than it needs to end the current line.
 */
class Lines {
  private buf = '';
  /** Where the current line starts and ends (at its "\n", or the end of the text), in the text held. */
  start = 0;
  end = -1;
  /** Where the text held starts to matter (see mark). */
  marked = 0;
  /** The current line's number (1-based; 0 before the first). */
  line = 0;
  private done = false;
  private closed = false;

  constructor(
    private readonly source: Iterator<string>,
    private readonly meter: StreamMeter | undefined,
  ) {}

  /** Keeps the text from `at` on (the current line's start by default) until the next mark. */
  mark(at = this.start): void {
    this.marked = at;
  }

  /** The text held from the mark to `end` (by default, to the end of the text: call it once the lines are done). */
  before(end = this.buf.length): string {
    return this.buf.slice(this.marked, end);
  }

  text(): string {
    return this.buf.slice(this.start, this.end);
  }

  startsWith(s: string): boolean {
    return this.buf.startsWith(s, this.start);
  }

  /** Moves to the next line; false at the end of the text. */
  next(): boolean {
    let from = this.end + 1;
    while (from >= this.buf.length && !this.done) from = this.pull(from);
    if (from >= this.buf.length) return false;
    let nl = this.buf.indexOf('\n', from);
    while (nl < 0 && !this.done) {
      const searched = this.buf.length - from;
      from = this.pull(from);
      nl = this.buf.indexOf('\n', from + searched);
    }
    this.start = from;
    this.end = nl < 0 ? this.buf.length : nl;
    this.line++;
    return true;
  }

  /** Reads one more chunk, dropping the text before the mark or `from`; returns where `from` is then. */
  private pull(from: number): number {
    const chunk = this.source.next();
    if (chunk.done === true) {
      this.done = true;
      return from;
    }
    const drop = Math.min(this.marked, from);
    this.buf = this.buf.slice(drop) + chunk.value;
    this.marked -= drop;
    this.start -= drop;
    this.end -= drop;
    if (this.meter !== undefined) this.meter.highWater = Math.max(this.meter.highWater, this.buf.length);
    return from - drop;
  }

  /** What the current line is (see Shape). */
  shape(): Shape {
    const { buf } = this;
    let i = this.start;
    while (i < this.end && buf.charCodeAt(i) === SPACE) i++;
    if (i === this.end) return BLANK;
    const c = buf.charCodeAt(i);
    if (c === HASH || c === CR) return BLANK;
    if (c === TAB) {
      let j = i;
      while (j < this.end && (buf.charCodeAt(j) === TAB || buf.charCodeAt(j) === SPACE)) j++;
      const d = buf.charCodeAt(j);
      return j === this.end || d === HASH || d === CR ? BLANK : TABBED;
    }
    const indent = i - this.start;
    if (c === DASH) {
      const d = i + 1 < this.end ? buf.charCodeAt(i + 1) : NL;
      if (d === SPACE || d === TAB || d === CR || d === NL) return { kind: 'item', indent };
    }
    return { kind: 'content', indent };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.return?.();
  }
}

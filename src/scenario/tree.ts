/**
 * What both fast readers (subset.ts, fast.ts) build: the located tree of a file, in typed arrays
 * rather than one object per node, and the index that answers the loader's position questions
 * from it; and how a plain scalar reads, as the positioned path (source.ts) reads it.
 *
 * A 20 MB file has some 2.4 million nodes; objects for them (with their key and value arrays)
 * were most of what the fast path allocated, all alive until the load ended, so every
 * young-generation collection copied them. Typed arrays live outside the JavaScript heap.
 *
 * Each node has an id. A scalar's start is where it starts, or `-1 - start` when it is empty
 * (`key:` with nothing after it). A map's children are pairs (key id, value node id or NONE:
 * nothing written at all) in the order written; a sequence's children are node ids. Keys have
 * their own ids: where each starts, and its text, which is `length` characters of the file from
 * there (a plain key, nearly always) or, when it is not (a quoted key), kept in a side map.
 */
import type { Loc } from '../domain/scenario.js';
import { shown } from '../domain/text.js';
import { exactInteger, quoteFound, type Path, type Raw, type SourceIndex } from './source.js';

export const NONE = -1;
export const SCALAR = 0;
export const MAP = 1;
export const SEQ = 2;

/** The number spellings of the YAML 1.2 core schema (as the `yaml` package resolves them). */
const NUMBER_RES = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

export const isNullSpelling = (s: string): boolean => s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL';
export const isBoolSpelling = (s: string): boolean =>
  s === 'true' || s === 'True' || s === 'TRUE' || s === 'false' || s === 'False' || s === 'FALSE';
export const boolValue = (s: string): boolean => s === 'true' || s === 'True' || s === 'TRUE';

export function isNumberSpelling(s: string): boolean {
  // Every number spelling starts with a digit, a sign or a dot ("0o"/"0x" with a digit too).
  const c = s.charCodeAt(0);
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e)) return false;
  // A loop, not NUMBER_RES.some(re => …): that made a closure for every scalar of the file.
  for (const re of NUMBER_RES) if (re.test(s)) return true;
  return false;
}

/** A number spelling's value: decimal integers as exact bigints (see exactInteger), else its text. */
export const numberValue = (s: string): bigint | string => exactInteger(s);

/**
 * A plain scalar as source.ts reads it: null and booleans of the core schema; decimal integers
 * as exact bigints; every other number spelling, and anything else, as its text.
 */
export function plainValue(s: string): Raw {
  if (isNullSpelling(s)) return null;
  if (isBoolSpelling(s)) return boolValue(s);
  if (isNumberSpelling(s)) return numberValue(s);
  return s;
}

/** The line and column of each offset into `text` (line starts found once). */
export function locator(text: string): (offset: number) => Loc {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] as number) + 1 };
  };
}

function grow<A extends Int32Array | Uint8Array>(a: A, need: number): A {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Builds the tree bottom-up: a container's entries are pushed as they are read, then adopted. */
export class TreeBuilder {
  private readonly text: string;
  private nodeStart: Int32Array;
  private nodeKind: Uint8Array;
  private nodeFirst: Int32Array;
  private nodeCount: Int32Array;
  private nodes = 0;
  private kids: Int32Array;
  private kidsEnd = 0;
  private keyStart: Int32Array;
  private keyLength: Int32Array;
  private keys = 0;
  private readonly keyOther = new Map<number, string>();
  /** The entries read so far inside the containers still open, innermost last. */
  private open = new Int32Array(256);
  /** How many entries `open` holds (a container's entries start where it was when it opened). */
  openEnd = 0;

  constructor(text: string) {
    this.text = text;
    const guess = Math.max(64, text.length >> 3);
    this.nodeStart = new Int32Array(guess);
    this.nodeKind = new Uint8Array(guess);
    this.nodeFirst = new Int32Array(guess);
    this.nodeCount = new Int32Array(guess);
    this.kids = new Int32Array(guess);
    this.keyStart = new Int32Array(guess >> 1);
    this.keyLength = new Int32Array(guess >> 1);
  }

  /** A new scalar node (`start` as described above); its id. */
  scalar(start: number): number {
    if (this.nodes === this.nodeStart.length) {
      const need = this.nodes + 1;
      this.nodeStart = grow(this.nodeStart, need);
      this.nodeKind = grow(this.nodeKind, need);
      this.nodeFirst = grow(this.nodeFirst, need);
      this.nodeCount = grow(this.nodeCount, need);
    }
    this.nodeStart[this.nodes] = start;
    this.nodeKind[this.nodes] = SCALAR;
    return this.nodes++;
  }

  /**
   * A new map or sequence starting at `start`, whose children are the entries pushed since
   * `openEnd` was `base` (`count`: its pairs or items); they are taken off `open`. Its id.
   */
  container(kind: typeof MAP | typeof SEQ, start: number, base: number, count: number): number {
    const id = this.scalar(start);
    this.nodeKind[id] = kind;
    // a loop, not kids.set(open.subarray(…)): a subarray is an object, and containers are many
    const open = this.open;
    const end = this.openEnd;
    let at = this.kidsEnd;
    const kids = (this.kids = grow(this.kids, at + end - base));
    this.nodeFirst[id] = at;
    this.nodeCount[id] = count;
    for (let i = base; i < end; i++) kids[at++] = open[i] as number;
    this.kidsEnd = at;
    this.openEnd = base;
    return id;
  }

  kindOf(id: number): number {
    return this.nodeKind[id] as number;
  }

  startOf(id: number): number {
    return this.nodeStart[id] as number;
  }

  /** A key written at `start` whose text is `key`; its id (to push). */
  key(start: number, key: string): number {
    const k = this.keys++;
    if (k === this.keyStart.length) {
      this.keyStart = grow(this.keyStart, k + 1);
      this.keyLength = grow(this.keyLength, k + 1);
    }
    this.keyStart[k] = start;
    if (this.text.startsWith(key, start)) this.keyLength[k] = key.length;
    else {
      this.keyLength[k] = -1;
      this.keyOther.set(k, key);
    }
    return k;
  }

  /** Adds an entry (a key id, a node id or NONE) to the innermost open container. */
  push(entry: number): void {
    if (this.openEnd === this.open.length) this.open = grow(this.open, this.openEnd + 1);
    this.open[this.openEnd++] = entry;
  }

  /** The entry at `i` of `open`. */
  entry(i: number): number {
    return this.open[i] as number;
  }

  /** The index over the finished tree whose root is `root`. */
  index(root: number): SourceIndex {
    return new FastIndex(
      {
        root,
        nodeStart: this.nodeStart,
        nodeKind: this.nodeKind,
        nodeFirst: this.nodeFirst,
        nodeCount: this.nodeCount,
        kids: this.kids,
        keyStart: this.keyStart,
        keyLength: this.keyLength,
        keyOther: this.keyOther,
      },
      this.text,
    );
  }
}

interface FastTree {
  readonly root: number;
  readonly nodeStart: Int32Array;
  readonly nodeKind: Uint8Array;
  /** Where a container's children start in `kids`, and how many entries (pairs for a map). */
  readonly nodeFirst: Int32Array;
  readonly nodeCount: Int32Array;
  readonly kids: Int32Array;
  readonly keyStart: Int32Array;
  /** The key's length when the file holds its text at keyStart, else -1 (see keyOther). */
  readonly keyLength: Int32Array;
  readonly keyOther: ReadonlyMap<number, string>;
}

/** Positions over the fast tree, with the same answers as the positioned index on valid input. */
class FastIndex implements SourceIndex {
  private readonly tree: FastTree;
  private readonly text: string;
  private locate: ((offset: number) => Loc) | undefined;

  constructor(tree: FastTree, text: string) {
    this.tree = tree;
    this.text = text;
  }

  loc(offset: number): Loc {
    // (the line starts are found when a position is first asked for: a valid file asks for few)
    this.locate ??= locator(this.text);
    return this.locate(offset);
  }

  private keyIs(key: number, text: string): boolean {
    const { keyStart, keyLength, keyOther } = this.tree;
    const length = keyLength[key] as number;
    return length < 0 ? keyOther.get(key) === text : length === text.length && this.text.startsWith(text, keyStart[key]);
  }

  private keyText(key: number): string {
    const { keyStart, keyLength, keyOther } = this.tree;
    const length = keyLength[key] as number;
    if (length < 0) return keyOther.get(key) as string;
    const start = keyStart[key] as number;
    return this.text.slice(start, start + length);
  }

  /** Walks `path` as far as it goes: the node reached (NONE: nothing written) and its key's start. */
  private find(path: Path): { matched: number; node: number; keyStart: number | undefined } {
    const { nodeKind, nodeFirst, nodeCount, kids, keyStart: keyStarts } = this.tree;
    let node = this.tree.root;
    let keyStart: number | undefined = undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const kind = node === NONE ? undefined : nodeKind[node];
      const first = nodeFirst[node] as number;
      const count = nodeCount[node] as number;
      if (kind === MAP && typeof seg === 'string') {
        let at = -1;
        for (let j = 0; j < count; j++) {
          if (this.keyIs(kids[first + 2 * j] as number, seg)) {
            at = j;
            break;
          }
        }
        if (at < 0) return { matched: i, node, keyStart };
        keyStart = keyStarts[kids[first + 2 * at] as number];
        node = kids[first + 2 * at + 1] as number;
      } else if (kind === SEQ && typeof seg === 'number' && seg < count) {
        keyStart = undefined;
        node = kids[first + seg] as number;
      } else return { matched: i, node, keyStart };
    }
    return { matched: path.length, node, keyStart };
  }

  private startOf(node: number): number {
    const start = this.tree.nodeStart[node] as number;
    return start < 0 ? -1 - start : start;
  }

  valueLoc(path: Path): Loc {
    const { node, keyStart } = this.find(path);
    const empty = node === NONE || (this.tree.nodeKind[node] === SCALAR && (this.tree.nodeStart[node] as number) < 0);
    const at = empty ? (keyStart ?? (node === NONE ? undefined : this.startOf(node))) : this.startOf(node);
    return at === undefined ? { line: 1, col: 1 } : this.loc(at);
  }

  keyLoc(path: Path): Loc {
    const { matched, keyStart } = this.find(path);
    if (matched === path.length && keyStart !== undefined) return this.loc(keyStart);
    return this.valueLoc(path);
  }

  /**
   * What describeNode says of the node the positioned path builds for this text: the tree knows
   * the node's kind and where it starts, `value` (the plain value) the rest. A plain number
   * spelling other than a decimal integer is its own source text in `value`; a decimal integer's
   * source (`007`) and a null's spelling (`~`) are read back from the file.
   */
  describe(path: Path, value: Raw | undefined): string {
    const { matched, node } = this.find(path);
    if (matched !== path.length || node === NONE) return 'an empty value';
    const kind = this.tree.nodeKind[node];
    if (kind === MAP) return 'a map';
    if (kind === SEQ) return 'a list';
    const start = this.tree.nodeStart[node] as number;
    if (start < 0) return 'an empty value';
    const text = this.text;
    if (value === null) {
      for (const spelling of ['null', 'Null', 'NULL', '~']) if (text.startsWith(spelling, start)) return spelling;
      return 'an empty value';
    }
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'bigint') {
      let end = text.charCodeAt(start) === 0x2d ? start + 1 : start;
      while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
      return shown(text.slice(start, end));
    }
    if (typeof value === 'string') {
      const first = text.charCodeAt(start);
      const plain = first !== 0x22 && first !== 0x27 && first !== 0x7c && first !== 0x3e; // " ' | >
      return plain && isNumberSpelling(value) ? shown(value) : quoteFound(value);
    }
    return 'an empty value';
  }

  keysInOrder(path: Path): string[] {
    const { matched, node } = this.find(path);
    if (matched !== path.length || node === NONE || this.tree.nodeKind[node] !== MAP) return [];
    const { nodeFirst, nodeCount, kids } = this.tree;
    const first = nodeFirst[node] as number;
    const out: string[] = [];
    for (let j = 0; j < (nodeCount[node] as number); j++) out.push(this.keyText(kids[first + 2 * j] as number));
    return out;
  }
}

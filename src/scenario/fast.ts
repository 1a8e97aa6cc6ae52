/**
 * The loader's fast path: js-yaml parses the text (an order of magnitude faster than the `yaml`
 * package's positioned parse on big files) and a listener records where each node starts, so
 * item lines and checkpoint fields are located without a second parse.
 *
 * It is deliberately conservative: whenever the text uses anything whose value or position it
 * does not reproduce exactly as the positioned path (source.ts) does (anchors and aliases,
 * explicit tags, complex or duplicate keys, a key whose text differs from its value, a byte-order
 * mark, any syntax error) it gives up (returns undefined) and the loader takes the positioned
 * path, which then also reports the problems. The loader also takes that path whenever the
 * scenario has any problem at all, so error output never depends on this file.
 * tests/scenario/fast.test.ts checks that both paths give identical scenarios, locations included.
 */
import { FAILSAFE_SCHEMA, Type, YAMLException, load, type State } from 'js-yaml';
import type { Loc } from '../domain/scenario.js';
import type { Path, Raw, SourceIndex } from './source.js';

const NULL_TAG = 'tag:epochsim.fast:null';
const BOOL_TAG = 'tag:epochsim.fast:bool';
const NUMBER_TAG = 'tag:epochsim.fast:number';

const INTEGER_RE = /^-?[0-9]+$/;
/** The number spellings of the YAML 1.2 core schema (as the `yaml` package resolves them). */
const NUMBER_RES = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** Every number spelling starts with a digit, a sign, a dot or "0o"/"0x" (a digit too). */
function mayBeNumber(s: string): boolean {
  const c = s.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e;
}

/**
 * Plain scalars as source.ts reads them: null and booleans of the core schema; decimal integers
 * as exact bigints (`-0` stays text); every other number spelling as its source text.
 */
const SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type(NULL_TAG, {
      kind: 'scalar',
      resolve: (s: string) => s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL',
      construct: () => null,
    }),
    new Type(BOOL_TAG, {
      kind: 'scalar',
      resolve: (s: string) => s === 'true' || s === 'True' || s === 'TRUE' || s === 'false' || s === 'False' || s === 'FALSE',
      construct: (s: string) => s === 'true' || s === 'True' || s === 'TRUE',
    }),
    new Type(NUMBER_TAG, {
      kind: 'scalar',
      resolve: (s: string) => {
        // A loop, not NUMBER_RES.some(re => …): that made a closure for every scalar of the file.
        if (!mayBeNumber(s)) return false;
        for (const re of NUMBER_RES) if (re.test(s)) return true;
        return false;
      },
      construct: (s: string) => (INTEGER_RE.test(s) && !(s.startsWith('-') && BigInt(s) === 0n) ? BigInt(s) : s),
    }),
  ],
});

/**
 * The located tree, kept in typed arrays rather than one object per node: a 20 MB file has some
 * 2.4 million nodes, and objects for them (with their key and value arrays) were most of what
 * the listener allocated, all of it alive until the load ended, so every young-generation
 * collection copied it. Typed arrays live outside the JavaScript heap and cost the collector
 * nothing.
 *
 * Each node has an id. A scalar's start is where it starts, or `-1 - start` when it is empty
 * (`key:` with nothing after it). A map's children are pairs (key id, value node id or NONE:
 * nothing written at all) in the order written; a sequence's children are node ids. Keys have
 * their own ids: where each starts, and its text, which is `length` characters of the file from
 * there (a plain key, nearly always) or, when it is not (a quoted key), kept in a side map.
 */
const NONE = -1;
const SCALAR = 0;
const MAP = 1;
const SEQ = 2;

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

class GiveUp extends Error {}

type ListenerState = State & { position: number; tag: string | null; anchor: string | null; kind: string | null; result: unknown };

function grow<A extends Int32Array | Uint8Array>(a: A, need: number): A {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * The plain value (js-yaml's, read with the schema above) and its positions, or undefined when
 * the positioned path must decide.
 */
export function fastParse(text: string): { value: Raw; index: SourceIndex } | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  const guess = Math.max(64, text.length >> 3);
  let nodeStart = new Int32Array(guess);
  let nodeKind = new Uint8Array(guess);
  let nodeFirst = new Int32Array(guess);
  let nodeCount = new Int32Array(guess);
  let nodes = 0;
  let kids = new Int32Array(guess);
  let kidsEnd = 0;
  let keyStart = new Int32Array(guess >> 1);
  let keyLength = new Int32Array(guess >> 1);
  let keys = 0;
  const keyOther = new Map<number, string>();
  /** The entries closed so far inside the nodes still open, innermost last. */
  let open = new Int32Array(256);
  let openEnd = 0;
  // One slot per open node, by depth (0: the document): where it opened, where its entries start
  // in `open`, how many keys and values have closed inside it, and the js-yaml value and kind of
  // the last value (to spot a kept probe).
  const fStart: number[] = [0];
  const fBase: number[] = [0];
  const fKeys: number[] = [0];
  const fValues: number[] = [0];
  const fLastResult: unknown[] = [undefined];
  const fLastKind: (string | null)[] = [null];
  let depth = 0;
  let unsupported = false;

  const newNode = (kind: number, start: number): number => {
    if (nodes === nodeStart.length) {
      nodeStart = grow(nodeStart, nodes + 1);
      nodeKind = grow(nodeKind, nodes + 1);
      nodeFirst = grow(nodeFirst, nodes + 1);
      nodeCount = grow(nodeCount, nodes + 1);
    }
    nodeStart[nodes] = start;
    nodeKind[nodes] = kind;
    return nodes++;
  };
  const pushOpen = (entry: number): void => {
    if (openEnd === open.length) open = grow(open, openEnd + 1);
    open[openEnd++] = entry;
  };
  /** Makes the entries from `base` on the children of the container `id`. */
  const adopt = (id: number, base: number, count: number): void => {
    // a loop, not kids.set(open.subarray(…)): a subarray is an object, and containers are many
    kids = grow(kids, kidsEnd + openEnd - base);
    nodeFirst[id] = kidsEnd;
    nodeCount[id] = count;
    for (let i = base; i < openEnd; i++) kids[kidsEnd++] = open[i] as number;
  };

  const listener = (event: 'open' | 'close', state: State): void => {
    const s = state as ListenerState;
    if (event === 'open') {
      depth++;
      fStart[depth] = s.position;
      fBase[depth] = openEnd;
      fKeys[depth] = 0;
      fValues[depth] = 0;
      return;
    }
    if (depth < 1) throw new GiveUp();
    const frameStart = fStart[depth] as number;
    const base = fBase[depth] as number;
    const keysSeen = fKeys[depth] as number;
    const valuesSeen = fValues[depth] as number;
    depth--;
    const tag = s.tag;
    if (s.anchor !== null || (tag !== null && tag !== '?' && tag !== NUMBER_TAG && tag !== NULL_TAG && tag !== BOOL_TAG)) unsupported = true;
    const kind = s.kind;
    const result = s.result;
    const end = s.position;
    // the node just closed: an id, or (a scalar not yet given one) where it starts
    let id = NONE;
    let scalarStart = 0;
    // A block-mapping probe that found no ":" keeps the node it read (`- { a: 1 }`, `- name`):
    // that inner node is this one.
    // (the last value's kind and result are read only when there is one: a new node does not reset them)
    if (keysSeen === 0 && valuesSeen === 1 && fLastKind[depth + 1] === kind && (kind === 'scalar' || fLastResult[depth + 1] === result)) {
      id = open[base] as number;
    } else if (kind === 'mapping') {
      if (keysSeen === valuesSeen + 1) pushOpen(NONE);
      else if (keysSeen !== valuesSeen) throw new GiveUp();
      id = newNode(MAP, contentStart(text, frameStart, end));
      adopt(id, base, keysSeen);
    } else if (kind === 'sequence') {
      if (keysSeen !== 0) throw new GiveUp();
      if (!Array.isArray(result) || result.length !== valuesSeen) throw new GiveUp();
      id = newNode(SEQ, contentStart(text, frameStart, end));
      adopt(id, base, valuesSeen);
    } else if (valuesSeen === 0 && keysSeen === 0) {
      if (kind !== 'scalar' && kind !== null) throw new GiveUp();
      const start = contentStart(text, frameStart, end);
      // `key: ~` is written; `key:` is empty (then its key is where the value is reported)
      scalarStart = (kind === null || result === null) && start >= end ? -1 - start : start;
    } else throw new GiveUp();
    openEnd = base;

    const parentKeys = fKeys[depth] as number;
    let parentValues = fValues[depth] as number;
    if (kind === 'scalar' && followedByColon(text, end)) {
      // a key of the parent map
      if (id !== NONE) {
        if (nodeKind[id] !== SCALAR) throw new GiveUp();
        scalarStart = nodeStart[id] as number;
      }
      const start = scalarStart;
      if (start < 0) throw new GiveUp();
      const key = typeof result === 'string' ? result : text.slice(start, end).trimEnd();
      if (typeof result !== 'string' && String(result) !== key) throw new GiveUp();
      if (parentKeys === parentValues + 1) {
        pushOpen(NONE);
        fValues[depth] = ++parentValues;
      }
      if (parentKeys !== parentValues) throw new GiveUp();
      if (keys === keyStart.length) {
        keyStart = grow(keyStart, keys + 1);
        keyLength = grow(keyLength, keys + 1);
      }
      keyStart[keys] = start;
      if (text.startsWith(key, start)) keyLength[keys] = key.length;
      else {
        keyLength[keys] = -1;
        keyOther.set(keys, key);
      }
      pushOpen(keys++);
      fKeys[depth] = parentKeys + 1;
      return;
    }
    if (id === NONE) id = newNode(SCALAR, scalarStart);
    if (parentKeys !== 0 && parentKeys !== parentValues + 1) throw new GiveUp();
    pushOpen(id);
    fValues[depth] = parentValues + 1;
    fLastResult[depth] = result;
    fLastKind[depth] = kind;
  };
  let value: unknown;
  try {
    value = load(text, { schema: SCHEMA, listener, json: false });
  } catch (error) {
    if (error instanceof GiveUp || error instanceof YAMLException) return undefined;
    throw error;
  }
  if (unsupported || depth !== 0 || fValues[0] !== 1 || fKeys[0] !== 0) return undefined;
  const tree: FastTree = { root: open[0] as number, nodeStart, nodeKind, nodeFirst, nodeCount, kids, keyStart, keyLength, keyOther };
  return { value: value as Raw, index: new FastIndex(tree, text) };
}

/** Where a node's content starts: past the spaces, line breaks and comments before it. */
function contentStart(text: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23) {
      while (i < to && text.charCodeAt(i) !== 0x0a) i++;
    } else break;
  }
  return i;
}

/** Whether the next thing after `end` (on the same line, spaces skipped) is a ":". */
function followedByColon(text: string, end: number): boolean {
  let i = end;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return text.charCodeAt(i) === 0x3a;
}

/** Positions over the fast tree, with the same answers as the positioned index on valid input. */
class FastIndex implements SourceIndex {
  private readonly tree: FastTree;
  private readonly text: string;
  private lineStarts: number[] | undefined;

  constructor(tree: FastTree, text: string) {
    this.tree = tree;
    this.text = text;
  }

  loc(offset: number): Loc {
    if (this.lineStarts === undefined) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] as number) + 1 };
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

  nodeAt(): unknown {
    return undefined;
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

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
const OUR_TAGS = new Set([null, '?', NULL_TAG, BOOL_TAG, NUMBER_TAG]);

/**
 * A located node. A scalar is a number: where it starts, or `-1 - start` when it is empty
 * (`key:` with nothing after it). A map keeps its keys in the order written, where each key
 * starts and its value node (undefined: nothing written at all).
 */
type FastNode = number | FastMap | FastSeq;
interface FastMap {
  readonly start: number;
  readonly keys: readonly string[];
  readonly keyStarts: readonly number[];
  readonly values: readonly (FastNode | undefined)[];
}
interface FastSeq {
  readonly start: number;
  readonly items: readonly FastNode[];
}

/** A node being read: where the listener saw it open, and what has closed inside it so far. */
interface Frame {
  start: number;
  keys: string[] | undefined;
  keyStarts: number[] | undefined;
  values: (FastNode | undefined)[] | undefined;
  /** The js-yaml value and kind of the last value closed inside (to spot a kept probe). */
  lastResult: unknown;
  lastKind: string | null;
}

class GiveUp extends Error {}

type ListenerState = State & { position: number; tag: string | null; anchor: string | null; kind: string | null; result: unknown };

/**
 * The plain value (js-yaml's, read with the schema above) and its positions, or undefined when
 * the positioned path must decide.
 */
export function fastParse(text: string): { value: Raw; index: SourceIndex } | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  // Two stacks, one slot per open node: where it opened, and its frame, made only once something
  // closes inside it (most nodes are scalars and never need one).
  const starts: number[] = [0];
  const frames: (Frame | undefined)[] = [undefined];
  const frameAt = (i: number): Frame =>
    (frames[i] ??= { start: starts[i] as number, keys: undefined, keyStarts: undefined, values: undefined, lastResult: undefined, lastKind: null });
  let unsupported = false;
  const listener = (event: 'open' | 'close', state: State): void => {
    const s = state as ListenerState;
    if (event === 'open') {
      starts.push(s.position);
      frames.push(undefined);
      return;
    }
    if (starts.length < 2) throw new GiveUp();
    const frameStart = starts.pop() as number;
    const frame = frames.pop();
    const parent = frameAt(frames.length - 1);
    if (s.anchor !== null || !OUR_TAGS.has(s.tag)) unsupported = true;
    const { kind, result, position: end } = s;
    const values = frame?.values;
    const keysSeen = frame?.keys;
    let node: FastNode;
    // A block-mapping probe that found no ":" keeps the node it read (`- { a: 1 }`, `- name`):
    // that inner node is this one.
    if (frame !== undefined && keysSeen === undefined && values?.length === 1 && frame.lastKind === kind && (kind === 'scalar' || frame.lastResult === result)) {
      node = values[0] as FastNode;
    } else if (kind === 'mapping') {
      const keys = keysSeen ?? [];
      const vals = values ?? [];
      if (keys.length === vals.length + 1) vals.push(undefined);
      if (keys.length !== vals.length) throw new GiveUp();
      node = { start: contentStart(text, frameStart, end), keys, keyStarts: frame?.keyStarts ?? [], values: vals };
    } else if (kind === 'sequence') {
      if (keysSeen !== undefined) throw new GiveUp();
      const items = (values ?? []) as FastNode[];
      if (!Array.isArray(result) || result.length !== items.length) throw new GiveUp();
      node = { start: contentStart(text, frameStart, end), items };
    } else if (values === undefined && keysSeen === undefined) {
      if (kind !== 'scalar' && kind !== null) throw new GiveUp();
      const start = contentStart(text, frameStart, end);
      // `key: ~` is written; `key:` is empty (then its key is where the value is reported)
      node = (kind === null || result === null) && start >= end ? -1 - start : start;
    } else throw new GiveUp();

    if (kind === 'scalar' && followedByColon(text, end)) {
      // a key of the parent map
      const start = node as number;
      if (typeof node !== 'number' || start < 0) throw new GiveUp();
      const key = typeof result === 'string' ? result : text.slice(start, end).trimEnd();
      if (typeof result !== 'string' && String(result) !== key) throw new GiveUp();
      const keys = (parent.keys ??= []);
      const keyStarts = (parent.keyStarts ??= []);
      const vals = (parent.values ??= []);
      if (keys.length === vals.length + 1) vals.push(undefined);
      if (keys.length !== vals.length) throw new GiveUp();
      keys.push(key);
      keyStarts.push(start);
      return;
    }
    const vals = (parent.values ??= []);
    if (parent.keys !== undefined && parent.keys.length !== vals.length + 1) throw new GiveUp();
    vals.push(node);
    parent.lastResult = result;
    parent.lastKind = kind;
  };
  let value: unknown;
  try {
    value = load(text, { schema: SCHEMA, listener, json: false });
  } catch (error) {
    if (error instanceof GiveUp || error instanceof YAMLException) return undefined;
    throw error;
  }
  const top = frames[0]?.values;
  if (unsupported || starts.length !== 1 || top?.length !== 1 || frames[0]?.keys !== undefined) return undefined;
  return { value: value as Raw, index: new FastIndex(top[0] as FastNode, text) };
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

const startOf = (node: FastNode): number => (typeof node === 'number' ? (node < 0 ? -1 - node : node) : node.start);

/** Positions over the fast tree, with the same answers as the positioned index on valid input. */
class FastIndex implements SourceIndex {
  private readonly root: FastNode;
  private readonly text: string;
  private lineStarts: number[] | undefined;

  constructor(root: FastNode, text: string) {
    this.root = root;
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

  private find(path: Path): { matched: number; node: FastNode | undefined; keyStart: number | undefined } {
    let node: FastNode | undefined = this.root;
    let keyStart: number | undefined = undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const container: FastNode | undefined = node;
      if (typeof container === 'object' && 'keys' in container && typeof seg === 'string') {
        const at = container.keys.indexOf(seg);
        if (at < 0) return { matched: i, node, keyStart };
        keyStart = container.keyStarts[at];
        node = container.values[at];
      } else if (typeof container === 'object' && 'items' in container && typeof seg === 'number' && seg < container.items.length) {
        keyStart = undefined;
        node = container.items[seg];
      } else return { matched: i, node, keyStart };
    }
    return { matched: path.length, node, keyStart };
  }

  valueLoc(path: Path): Loc {
    const { node, keyStart } = this.find(path);
    const empty = node === undefined || (typeof node === 'number' && node < 0);
    const at = empty ? (keyStart ?? (node === undefined ? undefined : startOf(node))) : startOf(node);
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
    if (matched !== path.length || typeof node !== 'object' || !('keys' in node)) return [];
    return [...node.keys];
  }
}

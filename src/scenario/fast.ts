/**
 * The loader's fast path. A file in the plain subset of YAML that scenario files are written in
 * is read by subset.ts; any other, by js-yaml, here: js-yaml parses the text (an order of magnitude faster than the `yaml`
 * package's positioned parse on big files) and a listener records where each node starts (in the
 * typed-array tree of tree.ts), so item lines and checkpoint fields are located without a second
 * parse.
 *
 * It is deliberately conservative: whenever the text uses anything whose value or position it
 * does not reproduce exactly as the positioned path (source.ts) does (anchors and aliases,
 * explicit tags, complex or duplicate keys, a key whose text differs from its value, a byte-order
 * mark, a CR that is not part of a CRLF, a flow collection or a quoted scalar over lines, a comment
 * right after a closing quote or bracket, any syntax error) it gives up (returns undefined) and the loader takes the positioned
 * path, which then also reports the problems. The loader also takes that path whenever the
 * scenario has any problem at all, so error output never depends on this file.
 * tests/scenario/fast.test.ts checks that both paths give identical scenarios, locations included.
 */
import { FAILSAFE_SCHEMA, Type, YAMLException, load, type LoadOptions, type State } from 'js-yaml';
import type { FastRead, Raw } from './source.js';
import { scanSubset } from './subset.js';
import { MAX_NESTING } from './limits.js';
import { boolValue, isBoolSpelling, isNullSpelling, isNumberSpelling, MAP, NONE, numberValue, SCALAR, SEQ, TreeBuilder } from './tree.js';

const NULL_TAG = 'tag:epochsim.fast:null';
const BOOL_TAG = 'tag:epochsim.fast:bool';
const NUMBER_TAG = 'tag:epochsim.fast:number';

/** Plain scalars as source.ts reads them (see plainValue in tree.ts). */
const SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type(NULL_TAG, { kind: 'scalar', resolve: isNullSpelling, construct: () => null }),
    new Type(BOOL_TAG, { kind: 'scalar', resolve: isBoolSpelling, construct: boolValue }),
    new Type(NUMBER_TAG, { kind: 'scalar', resolve: isNumberSpelling, construct: numberValue }),
  ],
});

class GiveUp extends Error {}

/**
 * How deep js-yaml may recurse (its nodes open, counted as its maxDepth counts them: a level of
 * the file opens one or two, so a file within the nesting limit of limits.ts is read).
 */
const MAX_DEPTH = 4 * MAX_NESTING + 16;

const LONE_CR = /\r(?!\n)/;
/** What may end a node right before a comment js-yaml takes and the `yaml` package does not: quotes, brackets. */
const CLOSERS = new Set([0x22, 0x27, 0x5d, 0x7d]);
/** A "?" that may start an explicit key (or is inside a scalar, spaced: then the file is only read the slow way). */
const EXPLICIT_KEY = /(?:^|[\s,[{])\?(?:[\s]|$)/m;

type ListenerState = State & { position: number; tag: string | null; anchor: string | null; kind: string | null; result: unknown };

/**
 * The plain value and its positions, or undefined when the positioned path must decide: read by
 * the subset scanner when the file keeps to its plain subset of YAML, else by js-yaml.
 */
export function fastParse(text: string, tell?: ReaderNews): FastRead | undefined {
  return scanSubset(text) ?? jsYamlParse(text, tell);
}

/** Why js-yaml's reader stopped, when it knows, as an offset into the text. */
export interface ReaderNews {
  /** At a syntax error (its first). */
  readonly syntaxError?: (offset: number) => void;
  /** Where values nest far past the nesting limit (js-yaml would recurse on). */
  readonly tooDeep?: (offset: number) => void;
}

/** The plain value (js-yaml's, read with the schema above) and its positions, or undefined. */
export function jsYamlParse(text: string, tell?: ReaderNews): FastRead | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  // a CR on its own ends a line for js-yaml but not for the `yaml` package; js-yaml reads an
  // explicit key (`? k`) in a flow sequence as a scalar, and `__proto__` as no key at all
  if (LONE_CR.test(text) || EXPLICIT_KEY.test(text) || text.includes('__proto__')) return undefined;
  const tree = new TreeBuilder(text);
  // One slot per open node, by depth (0: the document): where it opened, where its entries start
  // in the builder's open list, how many keys and values have closed inside it, and the js-yaml
  // value and kind of the last value (to spot a kept probe).
  const fStart: number[] = [0];
  const fBase: number[] = [0];
  const fKeys: number[] = [0];
  const fValues: number[] = [0];
  const fLastResult: unknown[] = [undefined];
  const fLastKind: (string | null)[] = [null];
  let depth = 0;
  let unsupported = false;

  const listener = (event: 'open' | 'close', state: State): void => {
    const s = state as ListenerState;
    if (event === 'open') {
      depth++;
      fStart[depth] = s.position;
      fBase[depth] = tree.openEnd;
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
    // js-yaml takes a comment right after a closing quote or bracket (`'a'# c`, `{ a: 1 }#`); the
    // `yaml` package refuses it
    if (text.charCodeAt(end) === 0x23 && CLOSERS.has(text.charCodeAt(end - 1))) unsupported = true;
    // the node just closed: an id, or (a scalar not yet given one) where it starts
    let id = NONE;
    let scalarStart = 0;
    // A block-mapping probe that found no ":" keeps the node it read (`- { a: 1 }`, `- name`):
    // that inner node is this one. (The last value's kind and result are read only when there is
    // one: a new node does not reset them.)
    if (keysSeen === 0 && valuesSeen === 1 && fLastKind[depth + 1] === kind && (kind === 'scalar' || fLastResult[depth + 1] === result)) {
      id = tree.entry(base);
      tree.openEnd = base;
    } else if (kind === 'mapping') {
      if (keysSeen === valuesSeen + 1) tree.push(NONE);
      else if (keysSeen !== valuesSeen) throw new GiveUp();
      const at = contentStart(text, frameStart, end);
      if (flowOverLines(text, at, end)) unsupported = true;
      id = tree.container(MAP, at, base, keysSeen);
    } else if (kind === 'sequence') {
      if (keysSeen !== 0) throw new GiveUp();
      if (!Array.isArray(result) || result.length !== valuesSeen) throw new GiveUp();
      const at = contentStart(text, frameStart, end);
      if (flowOverLines(text, at, end)) unsupported = true;
      id = tree.container(SEQ, at, base, valuesSeen);
    } else if (valuesSeen === 0 && keysSeen === 0) {
      if (kind !== 'scalar' && kind !== null) throw new GiveUp();
      const start = contentStart(text, frameStart, end);
      // js-yaml does not check the indent of a quoted scalar's lines after its first (the `yaml`
      // package refuses lines at or left of the block's column): left to the positioned path
      const quote = text.charCodeAt(start);
      if ((quote === 0x22 || quote === 0x27) && lineBreakWithin(text, start, end)) unsupported = true;
      // `key: ~` is written; `key:` is empty (then its key is where the value is reported);
      // js-yaml reads a text without a last line break as if it had one, so `end` may be past it
      scalarStart = (kind === null || result === null) && start >= Math.min(end, text.length) ? -1 - start : start;
    } else throw new GiveUp();

    const parentKeys = fKeys[depth] as number;
    let parentValues = fValues[depth] as number;
    if (kind === 'scalar' && followedByColon(text, end)) {
      // a key of the parent map
      if (id !== NONE) {
        if (tree.kindOf(id) !== SCALAR) throw new GiveUp();
        scalarStart = tree.startOf(id);
      }
      const start = scalarStart;
      if (start < 0) throw new GiveUp();
      const key = typeof result === 'string' ? result : text.slice(start, end).trimEnd();
      if (typeof result !== 'string' && String(result) !== key) throw new GiveUp();
      if (parentKeys === parentValues + 1) {
        tree.push(NONE);
        fValues[depth] = ++parentValues;
      }
      if (parentKeys !== parentValues) throw new GiveUp();
      tree.push(tree.key(start, key));
      fKeys[depth] = parentKeys + 1;
      return;
    }
    if (id === NONE) id = tree.scalar(scalarStart);
    if (parentKeys !== 0 && parentKeys !== parentValues + 1) throw new GiveUp();
    tree.push(id);
    fValues[depth] = parentValues + 1;
    fLastResult[depth] = result;
    fLastKind[depth] = kind;
  };
  let value: unknown;
  try {
    value = load(text, { schema: SCHEMA, listener, json: false, maxDepth: MAX_DEPTH } as LoadOptions);
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    if (error instanceof YAMLException) {
      // (a duplicate key is not a syntax error: the positioned path reads past it)
      if (error.mark === undefined || /duplicated mapping key/.test(error.reason)) return undefined;
      // too deep for the recursion: refused where it is that deep (the positioned parser would
      // spend seconds and a gigabyte on a million brackets)
      if (/maxDepth/.test(error.reason)) tell?.tooDeep?.(contentStart(text, error.mark.position, text.length));
      else tell?.syntaxError?.(error.mark.position);
      return undefined;
    }
    throw error;
  }
  if (unsupported || depth !== 0 || fValues[0] !== 1 || fKeys[0] !== 0) return undefined;
  return { value: value as Raw, index: tree.index(tree.entry(0)), problems: [], withinLimits: false };
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

/**
 * Whether a flow collection goes on over lines: js-yaml does not check the indent of its lines
 * (the `yaml` package refuses lines at or left of the block's column), so such a file is left to
 * the subset scanner, which checks it, or to the positioned path.
 */
function flowOverLines(text: string, at: number, end: number): boolean {
  const c = text.charCodeAt(at);
  if (c !== 0x5b && c !== 0x7b) return false;
  const nl = text.indexOf('\n', at);
  return nl !== -1 && nl < end;
}

/** Whether text[from, to) holds a line break. */
function lineBreakWithin(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x0a) return true;
  return false;
}

/** Whether the next thing after `end` (on the same line, spaces skipped) is a ":". */
function followedByColon(text: string, end: number): boolean {
  let i = end;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return text.charCodeAt(i) === 0x3a;
}

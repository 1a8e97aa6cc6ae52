/**
 * The YAML side of the loader: the document's nodes turned into plain values with exact
 * integers, and a way back from any path in those values to a line and column in the file.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { Loc } from '../domain/scenario.js';
import { quote, shown } from '../domain/text.js';
import type { InputIssueCode } from './issues.js';

let yamlModule: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use: only the positioned path needs it, and a valid
 * scenario never takes that path (see fast.ts), so a run does not pay for loading it.
 */
export function yamlPackage(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}
const isAlias: typeof Yaml.isAlias = (node) => yamlPackage().isAlias(node);
const isMap = (node: unknown): node is Yaml.YAMLMap => yamlPackage().isMap(node);
const isScalar = (node: unknown): node is Yaml.Scalar => yamlPackage().isScalar(node);
const isSeq = (node: unknown): node is Yaml.YAMLSeq => yamlPackage().isSeq(node);

/**
 * A YAML value as the schema sees it. Decimal integers written as plain scalars are `bigint`
 * (exact, whatever their size); any other number spelling (0.3, 0x10, 1e3, .inf) is kept as its
 * source text, so the field that reads it can say precisely what is wrong with it.
 */
export type Raw = string | bigint | boolean | null | readonly Raw[] | RawMap;
export interface RawMap {
  readonly [key: string]: Raw;
}

/** A path into the raw value: map keys (their source text) and list indexes. */
export type Path = readonly (string | number)[];

export type Report = (loc: Loc, code: InputIssueCode, message: string, hint?: string) => void;

/** How many values the aliases of one file may expand to before the loader gives up. */
export const MAX_VALUES = 1_000_000;

const INTEGER_RE = /^-?[0-9]+$/;

/** Digits beyond which a decimal integer stays text: no bound of the chain needs more than 20. */
const MAX_INTEGER_DIGITS = 100;

/**
 * A decimal integer spelling's value: an exact bigint, or the text itself for `-0` (so a field
 * refuses the sign rather than reading 0) and for more digits than any bound (turning megabytes
 * of digits into a number took minutes; the field's parser refuses the text at once).
 */
export function exactInteger(s: string): bigint | string {
  if (s.length > MAX_INTEGER_DIGITS || !INTEGER_RE.test(s)) return s;
  return s.startsWith('-') && BigInt(s) === 0n ? s : BigInt(s);
}

/** The text a map key is compared by: a string key's value, any other scalar's source text. */
export function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  if (typeof key.value === 'string') return key.value;
  return key.source ?? String(key.value);
}

/**
 * A scalar key's value as YAML compares keys (what the `yaml` package's uniqueKeys compares,
 * without its cost: it searched every earlier key of the map for each key), or undefined for a
 * key no other key can equal by value (NaN).
 */
function keyValue(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const v = key.value;
  if (typeof v === 'number' && Number.isNaN(v)) return undefined;
  return `${typeof v}:${String(v)}`;
}

export function isRawMap(v: Raw | undefined): v is RawMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A problem found while reading the YAML, located. */
export interface Problem {
  readonly loc: Loc;
  readonly code: InputIssueCode;
  readonly message: string;
  readonly hint?: string;
}

/** What a fast reader (fast.ts) gives for a file it takes: its value, positions and reading problems. */
export interface FastRead {
  readonly value: Raw;
  readonly index: SourceIndex;
  readonly problems: readonly Problem[];
  /** Whether the reader knows the file is within the limits of limits.ts (else the loader checks). */
  readonly withinLimits: boolean;
}

export const DUPLICATE_KEY_HINT = 'each key may appear once in a map';

/** The message for a key written twice in one map (compared by text). */
export const duplicateKeyMessage = (key: string): string => `duplicate key ${quote(key)}`;

/** Where the values of the file are written (the loader's only questions about positions). */
export interface SourceIndex {
  /** The line and column of an offset into the text. */
  loc(offset: number): Loc;
  /** Where the value at `path` is written (its key for an empty value; else the nearest ancestor). */
  valueLoc(path: Path): Loc;
  /** Where the key of the last segment of `path` is written, else `valueLoc(path)`. */
  keyLoc(path: Path): Loc;
  /**
   * How the value at `path` is shown after "found" in a message (see describeNode); `value` is
   * its plain value, as the loader read it.
   */
  describe(path: Path, value: Raw | undefined): string;
  /** The keys of the map at `path` in the order written (first of duplicates only). */
  keysInOrder(path: Path): string[];
}

/** The document's value tree and its positions, from the `yaml` package's positioned parse. */
export class YamlIndex implements SourceIndex {
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;
  private readonly byKey = new WeakMap<Yaml.YAMLMap, Map<string, Yaml.Pair>>();

  constructor(doc: Document.Parsed, lines: LineCounter) {
    this.doc = doc;
    this.lines = lines;
  }

  loc(offset: number): Loc {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** The first pair of each key of `map`, by key text (built once per map asked about). */
  private pairs(map: Yaml.YAMLMap): Map<string, Yaml.Pair> {
    let byKey = this.byKey.get(map);
    if (byKey === undefined) {
      byKey = new Map();
      for (const pair of map.items as Yaml.Pair[]) {
        const k = keyText(pair.key);
        if (k !== undefined && !byKey.has(k)) byKey.set(k, pair);
      }
      this.byKey.set(map, byKey);
    }
    return byKey;
  }

  /** Follows aliases to the node they name (undefined for a dangling alias). */
  private resolve(node: unknown): unknown {
    let n = node;
    for (let hops = 0; isAlias(n) && hops < 100; hops++) n = n.resolve(this.doc);
    return isAlias(n) ? undefined : n;
  }

  /** Walks `path` as far as it goes; `node` is the deepest node reached (not alias-resolved). */
  private find(path: Path): { matched: number; node: unknown; key: unknown } {
    let node: unknown = this.doc.contents;
    let key: unknown = undefined;
    for (let i = 0; i < path.length; i++) {
      const container = this.resolve(node);
      const seg = path[i];
      let found = false;
      if (isMap(container) && typeof seg === 'string') {
        const pair = this.pairs(container).get(seg);
        if (pair) {
          key = pair.key;
          node = pair.value;
          found = true;
        }
      } else if (isSeq(container) && typeof seg === 'number' && seg < container.items.length) {
        key = undefined;
        node = container.items[seg];
        found = true;
      }
      if (!found) return { matched: i, node, key };
    }
    return { matched: path.length, node, key };
  }

  private nodeLoc(node: unknown): Loc | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.loc(range[0]) : undefined;
  }

  /**
   * Where the value at `path` is written; for an empty value (`key:` with nothing after it),
   * where its key is; for a path that does not exist, the nearest existing ancestor.
   */
  valueLoc(path: Path): Loc {
    const { node, key } = this.find(path);
    const emptyValue = node === null || node === undefined || (isScalar(node) && node.value === null && !node.source);
    return (emptyValue ? this.nodeLoc(key) : undefined) ?? this.nodeLoc(node) ?? this.nodeLoc(key) ?? { line: 1, col: 1 };
  }

  /** Where the key of the last segment of `path` is written, else `valueLoc(path)`. */
  keyLoc(path: Path): Loc {
    const { matched, key } = this.find(path);
    if (matched === path.length) {
      const at = this.nodeLoc(key);
      if (at) return at;
    }
    return this.valueLoc(path);
  }

  /** The value node at `path`, aliases resolved; undefined when the path does not exist. */
  nodeAt(path: Path): unknown {
    const { matched, node } = this.find(path);
    return matched === path.length ? this.resolve(node) : undefined;
  }

  describe(path: Path): string {
    return describeNode(this.nodeAt(path));
  }

  /** The keys of the map at `path` in the order written (first of duplicates only). */
  keysInOrder(path: Path): string[] {
    const node = this.nodeAt(path);
    return isMap(node) ? [...this.pairs(node).keys()] : [];
  }

  /**
   * The plain value of the whole document. Duplicate keys (compared by source text, so `1` and
   * `"1"` are duplicates) and non-scalar keys are reported, and the first value of a key is kept.
   * `broken` is true when an alias could not be expanded (dangling, recursive, or too many
   * values): the value is then incomplete and not worth checking further.
   */
  toRaw(report: Report): { value: Raw; broken: boolean } {
    let count = 0;
    let overflow = false;
    let broken = false;
    const converting = new Set<unknown>();
    let outerAlias: unknown = undefined;
    const convert = (node: unknown): Raw => {
      if (overflow) return null;
      // only values reached through an alias count: a big file is fine, an alias bomb is not
      if (outerAlias !== undefined && ++count > MAX_VALUES) {
        overflow = true;
        broken = true;
        report(this.nodeLoc(outerAlias ?? node) ?? { line: 1, col: 1 }, 'LIMIT', `the file expands to more than ${MAX_VALUES} values through aliases`);
        return null;
      }
      if (isAlias(node)) {
        const target = this.resolve(node);
        if (target === undefined) {
          broken = true;
          report(this.nodeLoc(node) ?? { line: 1, col: 1 }, 'BAD_ALIAS', `alias *${node.source} has no anchor &${node.source} before it`);
          return null;
        }
        if (converting.has(target)) {
          broken = true;
          report(this.nodeLoc(node) ?? { line: 1, col: 1 }, 'BAD_ALIAS', `alias *${node.source} refers to a value that contains it`);
          return null;
        }
        if (outerAlias !== undefined) return convert(target);
        outerAlias = node;
        const value = convert(target);
        outerAlias = undefined;
        return value;
      }
      if (isScalar(node)) return scalarValue(node.value, node.type, node.source);
      if (isMap(node)) {
        converting.add(node);
        const out: Record<string, Raw> = Object.create(null) as Record<string, Raw>;
        const seen = new Set<string>();
        const values = new Set<string>();
        for (const pair of node.items) {
          const k = keyText(pair.key);
          if (k === undefined) {
            report(this.nodeLoc(pair.key) ?? this.nodeLoc(node) ?? { line: 1, col: 1 }, 'BAD_KEY', 'map keys must be plain names or numbers');
            continue;
          }
          if (seen.has(k)) {
            report(this.nodeLoc(pair.key) ?? { line: 1, col: 1 }, 'DUPLICATE_KEY', duplicateKeyMessage(k), DUPLICATE_KEY_HINT);
            continue;
          }
          seen.add(k);
          // YAML compares keys by value too: `1` and `0x1`, `true` and `True` are one key
          const v = keyValue(pair.key);
          if (v !== undefined) {
            if (values.has(v)) report(this.nodeLoc(pair.key) ?? { line: 1, col: 1 }, 'DUPLICATE_KEY', 'duplicate key', DUPLICATE_KEY_HINT);
            else values.add(v);
          }
          out[k] = convert(pair.value);
        }
        converting.delete(node);
        return out;
      }
      if (isSeq(node)) {
        converting.add(node);
        const out = node.items.map((item) => convert(item));
        converting.delete(node);
        return out;
      }
      return null;
    };
    const value = convert(this.doc.contents);
    return { value, broken };
  }
}

function scalarValue(value: unknown, type: string | undefined, source: string | undefined): Raw {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (type === 'PLAIN' && source !== undefined) {
      return exactInteger(source);
    }
    if (typeof value === 'bigint') return value;
    return Number.isSafeInteger(value) ? BigInt(value) : String(value);
  }
  return String(value);
}

/**
 * How a value is shown after "found": `"abc"`, `0.3`, `true`, `a list`, `a map`, `an empty value`.
 * `node` is alias-resolved already (as SourceIndex.nodeAt returns it).
 */
export function describeNode(node: unknown): string {
  const n = node;
  if (isMap(n)) return 'a map';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) {
    const v = n.value;
    if (v === null || v === undefined) return n.source ? shown(String(n.source)) : 'an empty value';
    if (typeof v === 'string') return quoteFound(v);
    if (typeof v === 'number' || typeof v === 'bigint') return shown(n.type === 'PLAIN' && n.source ? n.source : String(v));
    return String(v);
  }
  return 'an empty value';
}

/** A string value as a message shows it after "found". */
export function quoteFound(v: string): string {
  return quote(v);
}

/**
 * A path as a person reads it in a message: `settle_escrow.hosts[1].cost`, `participants.h1.weight`,
 * `expect.bank.alice`. Inside `events`, the event's name stands for its item.
 */
export function label(path: Path): string {
  let parts = path;
  let out = '';
  if (parts[0] === 'events' && typeof parts[1] === 'number') {
    if (typeof parts[2] === 'string') {
      out = parts[2];
      parts = parts.slice(3);
    } else {
      out = `events[${parts[1]}]`;
      parts = parts.slice(2);
    }
  }
  for (const seg of parts) {
    const key = typeof seg === 'string' ? shown(seg) : seg;
    out = typeof seg === 'number' ? `${out}[${seg}]` : out === '' ? `${key}` : `${out}.${key}`;
  }
  return out === '' ? 'the scenario' : out;
}

/** "in settle_escrow", "in params.escrow", "at the top level". */
export function where(path: Path): string {
  return path.length === 0 ? 'at the top level' : `in ${label(path)}`;
}

/**
 * Metric paths: a value of the `run --json` document, named without eval.
 *
 *   path    := segment ( "." name | "[" index "]" | "[" quoted "]" )*      segment := name | "[" quoted "]"
 *   name    := one or more of A-Z a-z 0-9 _ -          index := an integer; negative counts from the end
 *   quoted  := a JSON string, for a key with other characters: bank["h.1"]
 *
 * `bank.gov`, `settle_amounts.h1.work_coins`, `summaries.1.h2.rewarded_coins`, `steps[-1].status`,
 * `surplus`. On a list, `.count` is its length and `.total` the sum of its items' `amount` (lists
 * whose items have one: `divergences`, `transfers`); an absent list counts as empty, so
 * `divergences.total` is 0 under deferred and immediate, which report none. A path is checked
 * against the document's schema (runJsonSchema.ts) before anything runs: it must name a single
 * value (a string, number or boolean) that the document can hold; a value a run's document does
 * not hold (a settle amount already claimed) reads as absent.
 */
import { z } from 'zod';
import { quote } from '../domain/text.js';
import type { Json } from '../engine/replay/json.js';
import { runDocumentSchema } from '../engine/replay/runJsonSchema.js';
import { didYouMean } from '../scenario/suggest.js';
import type { Parsed } from './params.js';

export type Segment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'count' }
  | { readonly kind: 'total' };

export interface Metric {
  /** As written: the column's name. */
  readonly text: string;
  readonly segments: readonly Segment[];
}

const NAME = /^[A-Za-z0-9_-]+/;
const INDEX = /^\[(-?[0-9]{1,9})\]/;

/** A segment as written: a name, an index or a quoted key. */
type Written = { readonly key: string } | { readonly index: number } | { readonly quoted: string };

/** The segments of a path, or where its syntax goes wrong. */
function segmentsOf(text: string): Written[] | string {
  const out: Written[] = [];
  let rest = text;
  let first = true;
  const where = (): string => `at ${quote(rest)}`;
  while (rest !== '') {
    if (rest.startsWith('[')) {
      const index = INDEX.exec(rest);
      if (index !== null) {
        out.push({ index: Number(index[1]) });
        rest = rest.slice(index[0].length);
      } else if (rest.startsWith('["')) {
        // the longest JSON string from here: find its closing quote
        let end = 2;
        while (end < rest.length && rest[end] !== '"') end += rest[end] === '\\' ? 2 : 1;
        let key: unknown;
        try {
          key = JSON.parse(rest.slice(1, end + 1));
        } catch {
          return `${where()}: a quoted key is a JSON string, such as bank["h.1"]`;
        }
        if (rest[end + 1] !== ']') return `${where()}: a quoted key ends with "]"`;
        out.push({ quoted: key as string });
        rest = rest.slice(end + 2);
      } else {
        return `${where()}: "[" opens an index such as [0] or [-1], or a quoted key such as ["h.1"]`;
      }
    } else {
      if (!first) {
        if (!rest.startsWith('.')) return `${where()}: expected ".", "[" or the end`;
        rest = rest.slice(1);
      }
      const name = NAME.exec(rest);
      if (name === null) return `${where()}: expected a name (letters, digits, _ and -)`;
      out.push({ key: name[0] });
      rest = rest.slice(name[0].length);
    }
    first = false;
  }
  return out.length === 0 ? 'an empty path' : out;
}

const unwrap = (s: z.ZodType): z.ZodType => (s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType) : s);

/** The object schemas a value at this schema may be (a union's options). */
function objectsOf(s: z.ZodType): z.ZodObject[] {
  const inner = unwrap(s);
  if (inner instanceof z.ZodObject) return [inner];
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodType[]).flatMap(objectsOf);
  return [];
}

/** What a schema holds, in a message. */
function kindOf(s: z.ZodType): string {
  const inner = unwrap(s);
  if (inner instanceof z.ZodArray) return 'a list';
  if (inner instanceof z.ZodRecord || objectsOf(inner).length > 0) return 'a map';
  return 'a value';
}

const keysOf = (s: z.ZodType): string[] => [...new Set(objectsOf(s).flatMap((o) => Object.keys(o.shape as Record<string, z.ZodType>)))].sort();

/** Checks the segments against the run document's schema; the metric, or why it names no value. */
function check(text: string, raw: readonly Written[]): Parsed<Metric> {
  let s: z.ZodType = runDocumentSchema;
  let at = '';
  const segments: Segment[] = [];
  const fail = (message: string): Parsed<Metric> => ({ ok: false, message: `${quote(text)}: ${message}` });
  for (const seg of raw) {
    const inner = unwrap(s);
    const here = at === '' ? 'the document' : at;
    if (inner instanceof z.ZodUnknown) {
      // error_data's values: any key or index below, read as found
      segments.push('index' in seg ? { kind: 'index', index: seg.index } : { kind: 'key', key: 'key' in seg ? seg.key : seg.quoted });
      continue;
    }
    if ('index' in seg) {
      if (!(inner instanceof z.ZodArray)) return fail(`${here} is ${kindOf(inner)}, not a list: [${seg.index}] indexes a list`);
      segments.push({ kind: 'index', index: seg.index });
      s = inner.element as z.ZodType;
      at = `${at}[${seg.index}]`;
      continue;
    }
    const key = 'key' in seg ? seg.key : seg.quoted;
    const shown = 'key' in seg ? `.${key}` : `[${JSON.stringify(key)}]`;
    if (inner instanceof z.ZodArray) {
      if ('key' in seg && key === 'count') {
        segments.push({ kind: 'count' });
        s = z.number();
      } else if ('key' in seg && key === 'total') {
        const items = objectsOf(inner.element as z.ZodType);
        if (items.length !== 1 || !('amount' in (items[0] as z.ZodObject).shape)) return fail(`the items of ${here} have no amount to total (.count is its length)`);
        segments.push({ kind: 'total' });
        s = z.string();
      } else {
        return fail(`${here} is a list: name an item ([0], [-1] the last), or .count (its length)${objectsOf(inner.element as z.ZodType).some((o) => 'amount' in o.shape) ? ' or .total (the sum of its amounts)' : ''}`);
      }
      at = `${at}.${key}`;
      continue;
    }
    if (inner instanceof z.ZodRecord) {
      segments.push({ kind: 'key', key });
      s = inner.valueType as z.ZodType;
      at = `${at}${at === '' ? key : shown}`;
      continue;
    }
    const objects = objectsOf(inner);
    if (objects.length === 0) return fail(`${here} is a single value: it has no ${shown.startsWith('.') ? `field ${quote(key)}` : `key ${quote(key)}`}`);
    const found = objects.map((o) => (o.shape as Record<string, z.ZodType>)[key]).filter((x): x is z.ZodType => x !== undefined);
    if (found.length === 0) {
      const keys = keysOf(inner);
      return fail(`${at === '' ? 'the run --json document' : here} has no ${quote(key)}: ${didYouMean(key, keys) ?? `its keys are ${keys.join(', ')}`}`);
    }
    segments.push({ kind: 'key', key });
    s = found[0] as z.ZodType;
    at = `${at}${at === '' ? key : shown}`;
  }
  const end = unwrap(s);
  if (!(end instanceof z.ZodUnknown) && kindOf(end) !== 'a value') {
    const keys = keysOf(end);
    const what = end instanceof z.ZodArray ? 'name an item ([0]) or .count' : keys.length > 0 ? `name one of its fields (${keys.join(', ')})` : 'name one of its keys';
    return fail(`${at} is ${kindOf(end)}, not a single value: ${what}`);
  }
  return { ok: true, value: { text, segments } };
}

/** Reads a metric path and checks it against the run --json document's schema. */
export function parseMetric(text: string): Parsed<Metric> {
  const raw = segmentsOf(text);
  if (typeof raw === 'string') return { ok: false, message: `${quote(text)}: ${raw}` };
  return check(text, raw);
}

/** The value a metric names in a run --json document; undefined when the document does not hold it. */
export function readMetric(doc: Json, metric: Metric): Json | undefined {
  const last = metric.segments.at(-1);
  // a list the document does not hold is empty: its count is 0, its total 0
  const absent = last?.kind === 'count' ? 0 : last?.kind === 'total' ? '0' : undefined;
  let v: Json | undefined = doc;
  for (const seg of metric.segments) {
    if (v === undefined) return absent;
    if (seg.kind === 'count' || seg.kind === 'total') {
      if (!Array.isArray(v)) return undefined;
      const items: readonly Json[] = v;
      v = seg.kind === 'count' ? items.length : items.reduce((sum, item) => sum + BigInt(((item as Record<string, Json>)['amount'] as string | undefined) ?? '0'), 0n).toString();
      continue;
    }
    if (v === null || typeof v !== 'object') return undefined;
    if (seg.kind === 'index') {
      if (!Array.isArray(v)) return undefined;
      v = v[seg.index < 0 ? v.length + seg.index : seg.index];
    } else {
      v = Array.isArray(v) || !Object.hasOwn(v, seg.key) ? undefined : (v as Record<string, Json>)[seg.key];
    }
  }
  return v === undefined ? absent : v;
}

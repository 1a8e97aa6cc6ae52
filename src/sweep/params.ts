/**
 * The params a sweep varies: `--param PATH=V1,V2,...` with PATH a field of the scenario's
 * `params` (`epoch_reward`, `skipped_payout`, `escrow.max_amount`, `validation.false_positive_rate`),
 * each value read by the very schema the loader reads the file's params with (`1000 gonka`,
 * `1_000_000`, `governance`, `0.10`), and ranges `FROM..TO:STEP` of integers and amounts.
 * Pure: the paths come from the schema (paramsSchema), so a new param is sweepable at once.
 */
import { z } from 'zod';
import type { Params } from '../domain/scenario.js';
import { quote } from '../domain/text.js';
import { escrowBoundsProblem, paramsFrom, type ParsedParams } from '../scenario/load.js';
import { paramsSchema } from '../scenario/schema.js';
import { didYouMean } from '../scenario/suggest.js';

/** One value of a param as the schema reads it, and as shown: integers and amounts as ngonka digits, other values as read. */
export interface ParamValue {
  readonly text: string;
  readonly value: unknown;
}

export interface ParamSpec {
  /** The path under params, dot-separated: `epoch_reward`, `escrow.max_amount`. */
  readonly path: string;
  readonly values: readonly ParamValue[];
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** The most values a grid may have (all params and rulesets together). */
export const MAX_POINTS = 100_000;

const unwrap = (s: z.ZodType): z.ZodType => (s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType) : s);

interface ParamField {
  readonly kind: 'value' | 'map' | 'list';
  /** Of a map: its fields' paths. */
  readonly fields: readonly string[];
}

/** Every path under params, with what it holds: a value, a map of fields, or a list. */
function fieldsOf(shape: Record<string, z.ZodType>, prefix: string, out: Map<string, ParamField>): Map<string, ParamField> {
  for (const [key, schema] of Object.entries(shape)) {
    const inner = unwrap(schema);
    const path = `${prefix}${key}`;
    if (inner instanceof z.ZodObject) {
      fieldsOf(inner.shape as Record<string, z.ZodType>, `${path}.`, out);
      const fields = [...out].filter(([p, f]) => p.startsWith(`${path}.`) && f.kind === 'value').map(([p]) => p);
      out.set(path, { kind: 'map', fields });
    } else {
      out.set(path, { kind: inner instanceof z.ZodArray ? 'list' : 'value', fields: [] });
    }
  }
  return out;
}

const FIELDS = fieldsOf(paramsSchema.shape as Record<string, z.ZodType>, '', new Map());

/** The params a sweep can vary, in the schema's order. */
export const SWEEPABLE_PARAMS: readonly string[] = [...FIELDS].filter(([, f]) => f.kind === 'value').map(([p]) => p);

/** `{ a: { b: value } }` for the path `a.b`. */
function nest(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** Reads one value of the param at `path` as the scenario file's params would read it. */
function readValue(path: string, text: string): Parsed<unknown> {
  const parsed = paramsSchema.safeParse(nest(path, text));
  const field = `params.${path}`;
  if (parsed.success) {
    let v: unknown = parsed.data;
    for (const key of path.split('.')) v = (v as Record<string, unknown>)[key];
    return { ok: true, value: v };
  }
  const issue = parsed.error.issues[0];
  if (issue === undefined) return { ok: false, message: `${field}: ${quote(text)} is not a valid value` };
  if (issue.code === 'custom') return { ok: false, message: issue.message.replaceAll('{field}', field).replaceAll('{found}', quote(text)) };
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    const hint = didYouMean(text, values);
    return { ok: false, message: `${field} must be ${orList(values.map((v) => JSON.stringify(v)))}, found ${quote(text)}${hint === undefined ? '' : ` (${hint})`}` };
  }
  return { ok: false, message: `${field} must be ${issue.message}, found ${quote(text)}` };
}

/** The key two values are the same by: `0.10` and `0.1` are one binom_test_p0. */
function sameness(v: unknown): string {
  if (typeof v === 'bigint') return `n${v}`;
  if (typeof v === 'object' && v !== null && 'num' in v && 'den' in v) {
    const { num, den } = v as { num: bigint; den: bigint };
    const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
    const g = gcd(num, den) || 1n;
    return `f${num / g}/${den / g}`;
  }
  return `s${String(v)}`;
}

const NOT_INTEGER = (path: string): string => `params.${path} is not an integer or an amount: list its values (${path}=A,B,C) instead of a range`;

/** The values of `FROM..TO:STEP` (or `FROM..TO`, step 1): FROM, FROM + STEP, … up to TO. */
function readRange(path: string, item: string, room: number): Parsed<ParamValue[]> {
  const parts = item.split('..');
  const [from = '', rest = ''] = parts;
  const colon = rest.lastIndexOf(':');
  const [to, step] = colon < 0 ? [rest, undefined] : [rest.slice(0, colon), rest.slice(colon + 1)];
  if (parts.length !== 2 || from.trim() === '' || to.trim() === '' || step?.trim() === '') {
    return { ok: false, message: `${quote(item)}: a range is FROM..TO:STEP (or FROM..TO, step 1), e.g. 500gonka..2000gonka:500gonka` };
  }
  // every integer and amount param takes 0; no other param reads it as an integer
  const zero = readValue(path, '0');
  if (!zero.ok || typeof zero.value !== 'bigint') return { ok: false, message: NOT_INTEGER(path) };
  const ends: bigint[] = [];
  for (const text of [from, to, step ?? '1']) {
    const r = readValue(path, text.trim());
    if (!r.ok) return r;
    if (typeof r.value !== 'bigint') return { ok: false, message: NOT_INTEGER(path) };
    ends.push(r.value);
  }
  const [lo = 0n, hi = 0n, by = 1n] = ends;
  if (by === 0n) return { ok: false, message: `${quote(item)}: the step of a range must be more than 0` };
  if (hi < lo) return { ok: false, message: `${quote(item)}: a range goes up: FROM must not exceed TO` };
  const count = (hi - lo) / by + 1n;
  if (count > BigInt(room)) return { ok: false, message: `${quote(item)} has ${count} values: a sweep has at most ${MAX_POINTS} points` };
  return { ok: true, value: Array.from({ length: Number(count) }, (_, i) => lo + BigInt(i) * by).map((v) => ({ text: v.toString(), value: v })) };
}

/** Reads `PATH=V1,V2,...` (items may be ranges FROM..TO:STEP). */
export function parseParamSpec(text: string): Parsed<ParamSpec> {
  const eq = text.indexOf('=');
  const fail = (message: string): Parsed<ParamSpec> => ({ ok: false, message });
  if (eq <= 0) return fail(`${quote(text)}: write PATH=V1,V2,... or PATH=FROM..TO:STEP, e.g. skipped_payout=refund,governance or epoch_reward=500gonka..2000gonka:500gonka`);
  const path = text.slice(0, eq).trim().replace(/^params\./, '');
  const field = FIELDS.get(path);
  if (field === undefined) {
    const hint = didYouMean(path, SWEEPABLE_PARAMS) ?? `the params are ${SWEEPABLE_PARAMS.join(', ')}`;
    return fail(`unknown param ${quote(path)}: ${hint}`);
  }
  if (field.kind === 'map') return fail(`params.${path} is a map: vary one of its fields (${field.fields.join(', ')})`);
  if (field.kind === 'list') return fail(`params.${path} is a list of names: a sweep varies params that hold one value`);
  const values: ParamValue[] = [];
  const seen = new Set<string>();
  for (const raw of text.slice(eq + 1).split(',')) {
    const item = raw.trim();
    if (item === '') return fail(`params.${path}: an empty value (write the values separated by commas, no comma at the end)`);
    let read: ParamValue[];
    if (item.includes('..')) {
      const range = readRange(path, item, MAX_POINTS - values.length);
      if (!range.ok) return range;
      read = range.value;
    } else {
      const one = readValue(path, item);
      if (!one.ok) return one;
      // integers and amounts as ngonka digits, decimals as the schema normalises them
      const text = typeof one.value === 'bigint' ? one.value.toString() : typeof one.value === 'string' ? one.value : item;
      read = [{ text, value: one.value }];
    }
    for (const v of read) {
      const key = sameness(v.value);
      if (seen.has(key)) return fail(`params.${path}: the value ${quote(v.text)} is given twice`);
      seen.add(key);
      values.push(v);
      if (values.length > MAX_POINTS) return fail(`params.${path} has more than ${MAX_POINTS} values: a sweep has at most ${MAX_POINTS} points`);
    }
  }
  return { ok: true, value: { path, values } };
}

/** `base` with each param set to its value; why not, when the params break a rule between fields. */
export function withParams(base: Params, assignments: readonly (readonly [string, ParamValue])[]): Parsed<Params> {
  const fields: Record<string, unknown> = {};
  for (const [path, v] of assignments) {
    const keys = path.split('.');
    let at = fields;
    for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[keys.at(-1) as string] = v.value;
  }
  const params = paramsFrom(fields as ParsedParams, base);
  const problem = escrowBoundsProblem(params);
  return problem === undefined ? { ok: true, value: params } : { ok: false, message: problem };
}

/**
 * The `run --json` document written as text, step by step (issue 15): the same bytes as
 * `JSON.stringify(runToJson(run), null, 2)`, without an object tree per step and without a
 * regular expression per key. Key spellings are precomputed in code-unit order; amounts are
 * decimal strings. A replay hands each step to `stepText` and each transfer to `transferText` as
 * it makes them (runScenario's `sink`); the keys only known at the end (bank, checks, …) come from
 * `runJsonParts`, and `runJsonDocument` puts the pieces in the document's order.
 */
import type { Effect } from '../effects.js';
import type { Transfer } from '../rules/ruleset.js';
import { byCodeUnit } from '../../domain/order.js';
import type { StepRecord } from './run.js';

/** A JSON value (the `run --json` document and its parts). */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** A JSON string literal of `text`: JSON.stringify, or one that also escapes for a terminal. */
export type Quote = (text: string) => string;

const jsonQuote: Quote = (text) => JSON.stringify(text);

/** Indentation of a nesting depth (the document is depth 0). */
const INDENT: string[] = [];
const pad = (depth: number): string => (INDENT[depth] ??= '\n' + '  '.repeat(depth));

/** `camelCase` → `camel_case`, remembered: how the document spells a record's field as a key (json.ts's plainJson too). */
const SNAKE = new Map<string, string>();
export function snake(key: string): string {
  let s = SNAKE.get(key);
  if (s === undefined) {
    s = '';
    for (const c of key) s += c >= 'A' && c <= 'Z' ? `_${c.toLowerCase()}` : c;
    SNAKE.set(key, s);
  }
  return s;
}

/** A key JavaScript enumerates before the others, in numeric order (an array index). */
const isIndex = (key: string): boolean => /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < 4294967295;

/**
 * The keys of an object as JSON.stringify of plainJson's copy of it lists them: snake_case, an
 * array-index key first in numeric order, the others in code-unit order; a later spelling of the
 * same snake key gives its value. Remembered per shape.
 */
const SHAPES = new Map<string, readonly (readonly [string, string])[]>();
function shapeOf(keys: readonly string[]): readonly (readonly [string, string])[] {
  const id = keys.join('\u0000');
  let shape = SHAPES.get(id);
  if (shape === undefined) {
    const pairs = keys.map((k) => [snake(k), k] as const).sort((a, b) => byCodeUnit(a[0], b[0]));
    const byName = new Map<string, string>();
    for (const [name, key] of pairs) byName.set(name, key);
    const names = [...byName.keys()];
    const indices = names.filter(isIndex).sort((a, b) => Number(a) - Number(b));
    shape = [...indices, ...names.filter((n) => !isIndex(n))].map((n) => [n, byName.get(n) as string] as const);
    SHAPES.set(id, shape);
  }
  return shape;
}

/**
 * The text JSON.stringify(plainJson(value), null, 2) gives at `depth` (json.ts's plainJson:
 * bigints as decimal strings, keys in snake_case). For the rare shapes (a failure's data).
 */
function plainText(value: unknown, depth: number, quote: Quote): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'bigint':
      return `"${value.toString()}"`;
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      const inner = pad(depth + 1);
      let out = '';
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        for (const v of value) out += `${out === '' ? '' : ','}${inner}${plainText(v, depth + 1, quote) ?? 'null'}`;
        return `[${out}${pad(depth)}]`;
      }
      for (const [name, key] of shapeOf(Object.keys(value))) {
        const v = plainText((value as Record<string, unknown>)[key], depth + 1, quote);
        if (v !== undefined) out += `${out === '' ? '' : ','}${inner}${quote(name)}: ${v}`;
      }
      return out === '' ? '{}' : `{${out}${pad(depth)}}`;
    }
    default:
      return undefined;
  }
}

/** The keys of an element of `steps` or `transfers` (depth 3) and of an effect (depth 5), spelt once. */
const key3 = (name: string): string => `${pad(3)}"${name}": `;
const K3 = {
  effects: `${pad(3)}"effects": `,
  error: `,${key3('error')}`,
  errorCode: `,${key3('error_code')}`,
  errorData: `,${key3('error_data')}`,
  event: `,${key3('event')}`,
  expected: `,${key3('expected')}`,
  index: `,${key3('index')}`,
  line: `,${key3('line')}`,
  result: `,${key3('result')}`,
  status: `,${key3('status')}`,
  amount: `${pad(3)}"amount": "`,
  from: `",${key3('from')}`,
  memo: `,${key3('memo')}`,
  step: `,${key3('step')}`,
  to: `,${key3('to')}`,
};
const key5 = (name: string, first = false): string => `${first ? '' : ','}${pad(5)}"${name}": `;
const OPEN_STEP = `${pad(2)}{`;
const CLOSE_STEP = `${pad(2)}}`;
const OPEN_EFFECT = `${pad(4)}{`;
const CLOSE_EFFECT = `${pad(4)}}`;
const CLOSE_EFFECTS = `${pad(3)}]`;
const E = {
  amountFirst: key5('amount', true),
  creator: key5('creator'),
  delta: key5('delta', true),
  epoch: key5('epoch'),
  epochFirst: key5('epoch', true),
  escrow: key5('escrow'),
  field: key5('field'),
  from: key5('from'),
  inference: key5('inference'),
  kind: key5('kind'),
  memo: key5('memo'),
  op: key5('op'),
  participant: key5('participant'),
  reason: key5('reason'),
  requester: key5('requester'),
  reward: key5('reward'),
  to: key5('to'),
  work: key5('work'),
};

/** Writes the pieces of the `run --json` document that grow with the number of steps. */
export class RunJsonWriter {
  constructor(private readonly quote: Quote = jsonQuote) {}

  /**
   * One effect at depth 4, keys in code-unit order (effects.ts's shapes; anything else as plainJson
   * would). Values of the engine's own word lists (kinds, ops, reasons, fields, event types,
   * statuses, error codes) are plain identifiers and need no escaping; names and memos go through
   * `quote`.
   */
  effectText(e: Effect): string {
    const q = this.quote;
    switch (e.kind) {
      case 'bank':
        return `${OPEN_EFFECT}${E.amountFirst}"${e.amount}"${E.from}${q(e.from)}${E.kind}"bank"${E.memo}${q(e.memo)}${E.to}${q(e.to)}${CLOSE_EFFECT}`;
      case 'ledger': {
        let out = `${OPEN_EFFECT}${E.delta}"${e.delta}"`;
        if (e.epoch !== undefined) out += `${E.epoch}${e.epoch}`;
        if (e.escrow !== undefined) out += `${E.escrow}${e.escrow}`;
        out += `${E.field}"${e.field}"`;
        if (e.inference !== undefined) out += `${E.inference}${q(e.inference)}`;
        return `${out}${E.kind}"ledger"${E.participant}${q(e.participant)}${E.reason}"${e.reason}"${CLOSE_EFFECT}`;
      }
      case 'settle':
        return `${OPEN_EFFECT}${E.epochFirst}${e.epoch}${E.kind}"settle"${E.op}"${e.op}"${E.participant}${q(e.participant)}${E.reward}"${e.reward}"${E.work}"${e.work}"${CLOSE_EFFECT}`;
      case 'escrow':
        return `${OPEN_EFFECT}${E.amountFirst}"${e.amount}"${E.creator}${q(e.creator)}${E.escrow}${e.escrow}${E.kind}"escrow"${E.op}"${e.op}"${CLOSE_EFFECT}`;
      case 'inference_escrow':
        return `${OPEN_EFFECT}${E.amountFirst}"${e.amount}"${E.inference}${q(e.inference)}${E.kind}"inference_escrow"${E.op}"${e.op}"${E.requester}${q(e.requester)}${CLOSE_EFFECT}`;
      case 'vesting':
        return `${OPEN_EFFECT}${E.amountFirst}"${e.amount}"${E.kind}"vesting"${E.op}"${e.op}"${E.participant}${q(e.participant)}${CLOSE_EFFECT}`;
      default:
        return `${pad(4)}${plainText(e, 4, q) ?? 'null'}`;
    }
  }

  /** One element of `steps` (depth 2), starting with its separator (none for the first) and line break. */
  stepText(s: StepRecord, first: boolean): string {
    const q = this.quote;
    let out = (first ? OPEN_STEP : `,${OPEN_STEP}`) + K3.effects;
    if (s.effects.length === 0) out += '[]';
    else {
      out += '[';
      for (let i = 0; i < s.effects.length; i++) out += (i === 0 ? '' : ',') + this.effectText(s.effects[i] as Effect);
      out += CLOSE_EFFECTS;
    }
    if (s.error !== undefined) out += K3.error + q(s.error);
    if (s.failure !== undefined) {
      const data = s.failure.wraps.length > 0 ? { ...s.failure.data, wrappedBy: s.failure.wraps } : s.failure.data;
      out += `${K3.errorCode}"${s.failure.code}"${K3.errorData}${plainText(data, 3, q) ?? 'null'}`;
    }
    out += `${K3.event}"${s.event}"${K3.expected}${s.expected}${K3.index}${s.index}${K3.line}${s.line}`;
    if (s.result !== undefined) out += K3.result + q(s.result);
    return `${out}${K3.status}"${s.status}"${CLOSE_STEP}`;
  }

  /** One element of `transfers` (depth 2), starting with its separator (none for the first) and line break. */
  transferText(step: number, t: Transfer, first: boolean): string {
    const q = this.quote;
    return `${first ? '' : ','}${OPEN_STEP}${K3.amount}${t.amount}${K3.from}${q(t.from)}${K3.memo}${q(t.memo)}${K3.step}${step}${K3.to}${q(t.to)}${CLOSE_STEP}`;
  }
}

/**
 * An object of the document written one key at a time, never whole (escrows and summaries grow
 * with the history the state keeps). `entries` yields its keys in the order JavaScript lists the
 * keys of the object built from them (array-index keys first, ascending), and can be read again.
 */
export class LazyObject {
  constructor(readonly entries: () => Iterable<readonly [string, Json]>) {}

  /** The object itself (the reference runToJson builds). */
  toObject(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const [key, value] of this.entries()) out[key] = value;
    return out;
  }
}

/** A value of the document's parts: JSON, or an object written key by key. */
export type PartValue = Json | LazyObject;

/**
 * The document's keys in three groups: those before `steps` (bank … settle_amounts), those
 * between `steps` and `transfers` (summaries, supply, surplus), and those after (vesting,
 * violations). Every key of the document but `steps` and `transfers` is in one of them.
 */
export interface RunJsonParts {
  readonly head: Record<string, PartValue>;
  readonly middle: Record<string, PartValue>;
  readonly tail: Record<string, PartValue>;
}

/** JSON.stringify's text of `value` as it stands at `depth` (its line breaks indented to there). */
const indented = (value: Json, depth: number): string => {
  const text = JSON.stringify(value, null, 2);
  return depth === 0 || !text.includes('\n') ? text : text.replaceAll('\n', pad(depth));
};

/**
 * The text of a part's keys at depth 1, without the object's braces, in chunks: JSON.stringify's
 * text of each value, a LazyObject key by key. Keys of parts are not array indices.
 */
function* keyLines(part: Record<string, PartValue>, escape: (text: string) => string): Generator<string> {
  let first = true;
  for (const [key, value] of Object.entries(part)) {
    const name = `${first ? '' : ','}${pad(1)}${JSON.stringify(key)}: `;
    first = false;
    if (!(value instanceof LazyObject)) {
      yield escape(name + indented(value, 1));
      continue;
    }
    let open = `${name}{`;
    let any = false;
    for (const [k, v] of value.entries()) {
      yield escape(`${open}${any ? ',' : ''}${pad(2)}${JSON.stringify(k)}: ${indented(v, 2)}`);
      open = '';
      any = true;
    }
    yield any ? pad(1) + '}' : escape(`${open}}`);
  }
}

/**
 * What goes into the document: its final-state parts, and the text of its steps and transfers
 * (each element as RunJsonWriter wrote it, concatenated), told as a sequence of chunks so a
 * caller can stream them from wherever it kept them.
 */
export interface RunJsonPieces<T> {
  readonly parts: RunJsonParts;
  readonly steps: { readonly count: number; readonly text: T };
  readonly transfers: { readonly count: number; readonly text: T };
}

/**
 * The document as a sequence of chunks: texts of the final-state parts (through `escape`, the
 * identity unless a caller needs terminal-safe text) and the callers' own step and transfer texts.
 */
export function* runJsonDocument<T>(pieces: RunJsonPieces<T>, escape: (text: string) => string = (t) => t): Generator<string | T> {
  const array = (count: number): string => (count === 0 ? ']' : `${pad(1)}]`);
  yield '{';
  yield* keyLines(pieces.parts.head, escape);
  yield `,${pad(1)}"steps": [`;
  yield pieces.steps.text;
  yield `${array(pieces.steps.count)},`;
  yield* keyLines(pieces.parts.middle, escape);
  yield `,${pad(1)}"transfers": [`;
  yield pieces.transfers.text;
  yield `${array(pieces.transfers.count)},`;
  yield* keyLines(pieces.parts.tail, escape);
  yield '\n}\n';
}

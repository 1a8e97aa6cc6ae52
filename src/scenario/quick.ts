/**
 * The fields of the most frequent events checked without zod, for big files: zod's strict
 * objects and unions cost about 3 µs an event and allocate as much as the YAML tree they check.
 *
 * A check here only ever says "these are the fields zod would give" or "ask zod": it accepts the
 * spellings people write (a name as a string; an amount or a count as a YAML integer or in any
 * spelling of the format, `7 gonka`, `200_000_000`, read by the same parseAmount and parseCount
 * as zod's schema; an optional field absent) and returns exactly what the zod schema in schema.ts
 * returns for it; anything else (`price: ~`, an unknown key, a value out of range, a bad amount)
 * is undefined, and the loader asks zod, which also words every problem. So no message comes from
 * this file. tests/scenario/quick.test.ts compares it with zod on generated fields.
 */
import { BOUND_MAX, parseAmount } from '../domain/money.js';
import type { EventType } from '../domain/scenario.js';
import { parseCount, type EventFields } from './schema.js';
import { isRawMap, type Raw, type RawMap } from './source.js';

const MAX_UINT64 = BOUND_MAX.uint64;
const MAX_INT64 = BOUND_MAX.int64;
const MAX_UINT32 = BOUND_MAX.uint32;

/**
 * A count within [0, max] as countSchema reads it: a YAML integer, or digits with `_`
 * separators (`200_000`, which YAML's core schema reads as a string); else undefined.
 */
function integer(v: Raw | undefined, max: bigint): bigint | undefined {
  if (typeof v === 'bigint') return v >= 0n && v <= max ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const r = parseCount(v, max, '');
  return r.ok ? r.value : undefined;
}

/**
 * An amount within [0, max] as amountSchema reads it: a YAML integer, or any spelling of the
 * format (`7 gonka`, `0.5GNK`, `200_000_000`, `12 ngonka`); else undefined.
 */
function amount(v: Raw | undefined, max: bigint): bigint | undefined {
  if (typeof v === 'bigint') return v >= 0n && v <= max ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const r = parseAmount(v, max === MAX_INT64 ? 'int64' : 'uint64');
  return r.ok ? r.value : undefined;
}

/** A list of names (nameList); the YAML list itself, as nothing else holds it. */
function names(v: Raw | undefined): readonly string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const name of v as readonly Raw[]) if (typeof name !== 'string') return undefined;
  return v as readonly string[];
}

const RUN_INFERENCE = new Set(['requester', 'executor', 'prompt_tokens', 'completion_tokens', 'max_tokens', 'price', 'id', 'outcome']);
const CREATE_ESCROW = new Set(['creator', 'amount', 'slots', 'id']);
const SETTLE_ESCROW = new Set(['escrow', 'settler', 'fees', 'nonce', 'hosts']);
const HOST = new Set(['slot', 'cost', 'missed', 'invalid', 'required_validations', 'completed_validations']);
const TRANSFER = new Set(['from', 'to', 'amount']);
const CLAIM_REWARD = new Set(['participant', 'epoch']);

/** Whether every key of `m` is one of `known` (a strict object's unknown keys are problems). */
function onlyKeys(m: RawMap, known: ReadonlySet<string>): boolean {
  for (const key in m) if (!known.has(key)) return false;
  return true;
}

/** An optional field: absent is fine (`undefined`), anything else must read. */
const ABSENT = Symbol('absent');

function runInference(f: RawMap): EventFields<'run_inference'> | undefined {
  if (!onlyKeys(f, RUN_INFERENCE)) return undefined;
  const { requester, executor } = f;
  const promptTokens = integer(f.prompt_tokens, MAX_UINT64);
  const completionTokens = integer(f.completion_tokens, MAX_UINT64);
  const maxTokens = f.max_tokens === undefined ? ABSENT : integer(f.max_tokens, MAX_UINT64);
  const price = f.price === undefined ? ABSENT : amount(f.price, MAX_UINT64);
  const id = f.id;
  const outcome = f.outcome;
  if (typeof requester !== 'string' || typeof executor !== 'string') return undefined;
  if (promptTokens === undefined || completionTokens === undefined || maxTokens === undefined || price === undefined) return undefined;
  if (id !== undefined && !((typeof id === 'string' && id.length > 0) || typeof id === 'bigint')) return undefined;
  if (outcome !== undefined && outcome !== 'finished' && outcome !== 'expired') return undefined;
  return {
    requester,
    executor,
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    max_tokens: maxTokens === ABSENT ? undefined : maxTokens,
    price: price === ABSENT ? undefined : price,
    id: id === undefined ? undefined : id.toString(),
    outcome,
  };
}

function createEscrow(f: RawMap): EventFields<'create_escrow'> | undefined {
  if (!onlyKeys(f, CREATE_ESCROW)) return undefined;
  const { creator } = f;
  const value = amount(f.amount, MAX_UINT64);
  const slots = names(f.slots);
  const id = f.id === undefined ? ABSENT : integer(f.id, MAX_UINT64);
  if (typeof creator !== 'string' || value === undefined || slots === undefined || id === undefined) return undefined;
  return { creator, amount: value, slots: slots as string[], id: id === ABSENT ? undefined : id };
}

type Host = EventFields<'settle_escrow'>['hosts'][number];

/** An optional uint32 of a host entry: absent, or a YAML integer in range (a number). */
function uint32(v: Raw | undefined): number | undefined | typeof ABSENT {
  if (v === undefined) return ABSENT;
  const n = integer(v, MAX_UINT32);
  return n === undefined ? undefined : Number(n);
}

function host(h: Raw): Host | undefined {
  if (!isRawMap(h) || !onlyKeys(h, HOST)) return undefined;
  const slot = integer(h.slot, MAX_UINT32);
  const cost = amount(h.cost, MAX_UINT64);
  const missed = uint32(h.missed);
  const invalid = uint32(h.invalid);
  const required = uint32(h.required_validations);
  const completed = uint32(h.completed_validations);
  if (slot === undefined || cost === undefined) return undefined;
  if (missed === undefined || invalid === undefined || required === undefined || completed === undefined) return undefined;
  return {
    slot: Number(slot),
    cost,
    missed: missed === ABSENT ? undefined : missed,
    invalid: invalid === ABSENT ? undefined : invalid,
    required_validations: required === ABSENT ? undefined : required,
    completed_validations: completed === ABSENT ? undefined : completed,
  };
}

function settleEscrow(f: RawMap): EventFields<'settle_escrow'> | undefined {
  if (!onlyKeys(f, SETTLE_ESCROW)) return undefined;
  const escrow = integer(f.escrow, MAX_UINT64);
  const { settler, hosts: rawHosts } = f;
  const fees = f.fees === undefined ? ABSENT : amount(f.fees, MAX_UINT64);
  const nonce = f.nonce === undefined ? ABSENT : integer(f.nonce, MAX_UINT64);
  if (escrow === undefined || fees === undefined || nonce === undefined) return undefined;
  if (settler !== undefined && typeof settler !== 'string') return undefined;
  if (!Array.isArray(rawHosts)) return undefined;
  const hosts: Host[] = [];
  for (const h of rawHosts as readonly Raw[]) {
    const read = host(h);
    if (read === undefined) return undefined;
    hosts.push(read);
  }
  return { escrow, settler, fees: fees === ABSENT ? undefined : fees, nonce: nonce === ABSENT ? undefined : nonce, hosts };
}

function transfer(f: RawMap): EventFields<'transfer'> | undefined {
  if (!onlyKeys(f, TRANSFER)) return undefined;
  const { from, to } = f;
  const value = amount(f.amount, MAX_INT64);
  if (typeof from !== 'string' || typeof to !== 'string' || value === undefined) return undefined;
  return { from, to, amount: value };
}

function claimReward(f: RawMap): EventFields<'claim_reward'> | undefined {
  if (!onlyKeys(f, CLAIM_REWARD)) return undefined;
  const { participant } = f;
  const epoch = integer(f.epoch, MAX_UINT64);
  if (typeof participant !== 'string' || epoch === undefined) return undefined;
  return { participant, epoch };
}

const QUICK: { readonly [T in EventType]?: (f: RawMap) => EventFields<T> | undefined } = {
  run_inference: runInference,
  create_escrow: createEscrow,
  settle_escrow: settleEscrow,
  transfer,
  claim_reward: claimReward,
};

/**
 * The fields of an event of type `type` as zod's `eventFieldSchemas[type]` reads them, when they
 * are written in the plainest way; undefined means "ask zod" (it may still be valid).
 */
export function quickEventFields<T extends EventType>(type: T, fields: Raw | undefined): EventFields<T> | undefined {
  const check = QUICK[type] as ((f: RawMap) => EventFields<T> | undefined) | undefined;
  return check !== undefined && isRawMap(fields) ? check(fields) : undefined;
}

/**
 * The shape of a scenario file, as zod schemas over the loader's plain values (see source.ts:
 * decimal integers are `bigint`, other number spellings are their source text). Leaf schemas
 * also read the value (amounts, counts) so the schema's output is typed; their messages use the
 * placeholders `{field}` (the field's dotted path) and `{found}` (the value as written), which
 * the loader fills in. Every schema here can also be printed as a JSON Schema
 * (`scenarioJsonSchema`), so the documented format and the checked one are the same thing.
 */
import { z } from 'zod';
import { parseAmount, BOUND_MAX, type Bound } from '../domain/money.js';
import { DECAY_RATES, EVENT_TYPES, RULE_NAMES, type EventType } from '../domain/scenario.js';

/** A zod `error` option whose message is the expected value, as in "must be <expected>". */
const want = (expected: string): { error: () => string } => ({ error: () => expected });

export type ParsedCount = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly message: string };

const DIGITS_RE = /^[0-9](?:_?[0-9])*$/;

/**
 * Reads a count (weight, epoch, token count, id, nonce…): a YAML integer, or a string of decimal
 * digits with optional `_` separators. The message, on failure, uses `{field}` and `{found}`.
 */
export function parseCount(value: bigint | string, max: bigint, boundName: string): ParsedCount {
  // A plain YAML integer in range is already the count (the text path would give it back).
  if (typeof value === 'bigint' && value >= 0n && value <= max) return { ok: true, value };
  const text = typeof value === 'bigint' ? value.toString() : value;
  if (!DIGITS_RE.test(text)) return { ok: false, message: '{field} must be a non-negative integer, found {found}' };
  const n = BigInt(text.replaceAll('_', ''));
  if (n > max) return { ok: false, message: `{field} must be at most ${max} (${boundName}), found {found}` };
  return { ok: true, value: n };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const rawInteger = (expected: string) => z.union([z.bigint(), z.string()], want(expected));
/**
 * A decimal read from its source text: the loader hands non-integer scalars over as their text;
 * `number` is there for the JSON Schema, so that editors accept `0.10` as written.
 */
const rawDecimal = (expected: string) => z.union([z.bigint(), z.number(), z.string()], want(expected));

/** Free text (a name, a note, an inference id); a YAML integer is taken as its decimal text. */
export const textSchema = z.union([z.string(), z.bigint()], want('a string')).transform((v) => v.toString());

/** Like textSchema, but the empty string is refused. */
export const nonEmptyTextSchema = textSchema.refine((s) => s.length > 0, { message: '{field} must not be empty' });

/** An account or participant name; whether it is declared is checked after the shape. */
export const nameSchema = z.string(want('a name')).meta({ description: 'an account or participant name' });

export const boolSchema = z.boolean(want('true or false'));

/** Every amount schema made below, so a walk over the file can tell an amount field (units.ts). */
const AMOUNT_SCHEMAS = new WeakSet<z.ZodType>();

/** Whether `schema` reads an amount (amountSchema or signedAmountSchema). */
export function isAmountSchema(schema: z.ZodType): boolean {
  return AMOUNT_SCHEMAS.has(schema);
}

/**
 * The schema under optional, nullable and transform wrappers (a transform's input side), or the
 * first wrapper `stopAt` accepts on the way down.
 */
export function unwrapSchema(schema: z.ZodType, stopAt: (s: z.ZodType) => boolean = () => false): z.ZodType {
  let cur = schema;
  for (;;) {
    if (stopAt(cur)) return cur;
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
    else if (cur instanceof z.ZodPipe) cur = cur.in as z.ZodType;
    else return cur;
  }
}

function registered<T extends z.ZodType>(schema: T): T {
  AMOUNT_SCHEMAS.add(schema);
  return schema;
}

/** An amount of ngonka within `bound` (format section 2). */
export function amountSchema(bound: Bound) {
  return registered(rawInteger('an amount')
    .transform((v, ctx) => {
      // A plain YAML integer in range is already the amount (parseAmount of its text gives it back).
      if (typeof v === 'bigint' && v >= 0n && v <= BOUND_MAX[bound]) return v;
      const r = parseAmount(v.toString(), bound);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: `{field}: ${r.message}`, input: v, params: { code: 'BAD_AMOUNT' } });
      return z.NEVER;
    })
    .meta({
      description: `an amount of ngonka (${bound}): digits with optional "_", "<n> ngonka", "<decimal> gonka" or "<decimal>GNK"`,
    }));
}

/** An amount that may be negative (a checkpoint's coin_balance: a debt), within ±`bound`. */
export function signedAmountSchema(bound: Bound) {
  return registered(rawInteger('an amount')
    .transform((v, ctx) => {
      const text = v.toString();
      const negative = text.startsWith('-');
      const r = parseAmount(negative ? text.slice(1) : text, bound);
      if (r.ok) return negative ? -r.value : r.value;
      ctx.addIssue({ code: 'custom', message: `{field}: ${r.message}`, input: v, params: { code: 'BAD_AMOUNT' } });
      return z.NEVER;
    })
    .meta({ description: `an amount of ngonka (${bound}), negative with a leading "-": digits, "<n> ngonka" or "<decimal> gonka"` }));
}

const P0_RE = /^([0-9]{0,20})(?:\.([0-9]{1,20}))?$/;

/**
 * `binom_test_p0`, read exactly: "0.10" → 10/100. The chain checks only that it is set, so any
 * non-negative decimal goes (below one permille the test falls back to 10%; above 0.5 it is used
 * directly, by the exact p-value).
 */
export const p0Schema = rawDecimal('a decimal fraction')
  .transform((v, ctx) => {
    const m = P0_RE.exec(v.toString());
    if (m !== null && ((m[1] ?? '') !== '' || m[2] !== undefined)) {
      const digits = m[2] ?? '';
      return { num: BigInt(`${m[1] || '0'}${digits}`), den: 10n ** BigInt(digits.length) };
    }
    ctx.addIssue({ code: 'custom', message: '{field} must be a non-negative decimal such as 0.10, found {found}', input: v, params: { code: 'BAD_NUMBER' } });
    return z.NEVER;
  })
  .meta({ description: 'a non-negative decimal such as 0.10 (the chain default)' });

const DECIMAL_RE = /^(-?)([0-9]*)(?:\.([0-9]*))?$/;

/** A non-negative decimal read exactly, kept as its normalised text ("0.050" → "0.05"). */
const nonNegativeDecimalSchema = rawDecimal('a decimal')
  .transform((v, ctx) => {
    const m = DECIMAL_RE.exec(v.toString());
    if (m !== null && m[1] === '' && (m[2] !== '' || (m[3] ?? '') !== '') && (m[2] ?? '').length + (m[3] ?? '').length <= 40) {
      const fraction = (m[3] ?? '').replace(/0+$/, '');
      const whole = (m[2] ?? '').replace(/^0+/, '');
      return `${whole === '' ? '0' : whole}${fraction === '' ? '' : `.${fraction}`}`;
    }
    ctx.addIssue({ code: 'custom', message: '{field} must be a non-negative decimal such as 0.05, found {found}', input: v, params: { code: 'BAD_NUMBER' } });
    return z.NEVER;
  })
  .meta({ description: 'a non-negative decimal, such as 0.05' });

/** `validation`: the chain's validation params that the automatic participant status reads. */
export const validationParamsSchema = z.strictObject(
  {
    false_positive_rate: nonNegativeDecimalSchema.optional(),
    quick_failure_threshold: nonNegativeDecimalSchema.optional(),
    bad_participant_invalidation_rate: nonNegativeDecimalSchema.optional(),
    invalidation_h_threshold: nonNegativeDecimalSchema.optional(),
    downtime_bad_percentage: nonNegativeDecimalSchema.optional(),
    downtime_good_percentage: nonNegativeDecimalSchema.optional(),
    downtime_h_threshold: nonNegativeDecimalSchema.optional(),
  },
  want('a map of validation params'),
);

/** `decay_rate`: a decimal equal to one of the rates the chain accepts ("-0.000475", "-0.0004750" …). */
export const decayRateSchema = rawDecimal('a decimal')
  .transform((v, ctx) => {
    const m = DECIMAL_RE.exec(v.toString());
    if (m !== null && (m[2] !== '' || (m[3] ?? '') !== '')) {
      const fraction = (m[3] ?? '').replace(/0+$/, '');
      const whole = (m[2] ?? '').replace(/^0+/, '');
      const value = `${whole === '' ? '0' : whole}${fraction === '' ? '' : `.${fraction}`}`;
      const signed = m[1] === '-' && value !== '0' ? `-${value}` : value;
      const rate = DECAY_RATES.find((r) => r === signed);
      if (rate !== undefined) return rate;
    }
    ctx.addIssue({
      code: 'custom',
      message: `{field} must be one of the decay rates the chain accepts (${DECAY_RATES.join(', ')}), found {found}`,
      input: v,
    });
    return z.NEVER;
  })
  .meta({ description: `the per-epoch decay rate of the reward formula: ${DECAY_RATES.join(', ')}` });

/**
 * The longest vesting period epochsim takes, in epochs: the chain's param is a uint64 and the
 * vesting module keeps one entry per epoch of it (mainnet genesis: 180), so a bound of this
 * model keeps a schedule in memory.
 */
export const MAX_VESTING_PERIOD = 10_000n;

const vestingPeriodSchema = rawInteger('a number of epochs')
  .transform((v, ctx) => {
    const r = parseCount(v, MAX_VESTING_PERIOD, "epochsim's bound on a vesting schedule");
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.message, input: v, params: { code: 'BAD_NUMBER' } });
    return z.NEVER;
  })
  .meta({ description: `a vesting period in epochs, 0 (no vesting) to ${MAX_VESTING_PERIOD}` });

/** A non-negative integer within `bound`, as a bigint. */
export function countSchema(bound: Bound) {
  return rawInteger('a non-negative integer')
    .transform((v, ctx) => {
      const r = parseCount(v, BOUND_MAX[bound], bound);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: r.message, input: v, params: { code: 'BAD_NUMBER' } });
      return z.NEVER;
    })
    .meta({ description: `a non-negative integer (${bound})` });
}

/** A non-negative integer within `max` (at most 2^53 - 1), as a number. */
function numberSchema(max: bigint, boundName: string) {
  return rawInteger('a non-negative integer')
    .transform((v, ctx) => {
      const r = parseCount(v, max, boundName);
      if (r.ok) return Number(r.value);
      ctx.addIssue({ code: 'custom', message: r.message, input: v, params: { code: 'BAD_NUMBER' } });
      return z.NEVER;
    })
    .meta({ description: `a non-negative integer (${boundName})` });
}

export const uint32Schema = numberSchema(BOUND_MAX.uint32, 'uint32');
/** Epochs and counters in checkpoints: exact as a JavaScript number. */
export const safeNumberSchema = numberSchema(MAX_SAFE, 'the largest exact integer');

const numericKey = (what: string) =>
  z.string().refine((k) => /^[0-9]+$/.test(k) && BigInt(k) <= MAX_SAFE, want(what));

const nameList = (what: string) => z.array(nameSchema, want(what));

// ---------------------------------------------------------------------------------------------
// Top level

export const escrowParamsSchema = z.strictObject(
  {
    min_amount: amountSchema('uint64').optional(),
    max_amount: amountSchema('uint64').optional(),
    max_per_epoch: countSchema('uint64').optional(),
    allowed_creators: nameList('a list of names').optional(),
  },
  want('a map of escrow params'),
);

export const paramsSchema = z.strictObject(
  {
    token_price: amountSchema('uint64').optional(),
    escrow: escrowParamsSchema.optional(),
    epoch_reward: amountSchema('uint64').optional(),
    initial_epoch_reward: amountSchema('uint64').optional(),
    genesis_epoch: countSchema('uint64').optional(),
    decay_rate: decayRateSchema.optional(),
    standard_reward_amount: amountSchema('uint64').optional(),
    skipped_payout: z.enum(['refund', 'governance'], want('refund or governance')).optional(),
    work_vesting_period: vestingPeriodSchema.optional(),
    reward_vesting_period: vestingPeriodSchema.optional(),
    power_capping: z.enum(['chain', 'off'], want('chain or off')).optional(),
    downtime_test: z.enum(['chain', 'exact', 'off'], want('chain, exact or off')).optional(),
    auto_status: z.enum(['chain', 'off'], want('chain or off')).optional(),
    validation: validationParamsSchema.optional(),
    binom_test_p0: p0Schema.optional(),
  },
  want('a map of params'),
);

export const accountsSchema = z.record(z.string(), amountSchema('int64'), want('a map of name: amount'));

export const participantSchema = z.strictObject(
  { weight: countSchema('uint64'), balance: amountSchema('int64').optional() },
  want('a map with weight and an optional balance'),
);

export const participantsSchema = z.record(z.string(), participantSchema, want('a map of name: { weight }'));

export const rulesSchema = z.enum(RULE_NAMES, want('a ruleset'));

/** The top-level fields other than `events`. */
export const topLevelShape = {
  name: nonEmptyTextSchema,
  description: textSchema.optional(),
  rules: rulesSchema.optional(),
  params: paramsSchema.optional(),
  accounts: accountsSchema.optional(),
  participants: participantsSchema,
};

// ---------------------------------------------------------------------------------------------
// Events (format section 3)

const fields = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, want('a map of its fields'));

export const hostStatSchema = z.strictObject(
  {
    slot: uint32Schema,
    cost: amountSchema('uint64'),
    missed: uint32Schema.optional(),
    invalid: uint32Schema.optional(),
    required_validations: uint32Schema.optional(),
    completed_validations: uint32Schema.optional(),
  },
  want('a map with slot and cost'),
);

/** The fields of each event, keyed by event name. */
export const eventFieldSchemas = {
  start_epoch: fields({
    active: nameList('a list of participant names').optional(),
    weights: z.record(z.string(), countSchema('uint64'), want('a map of participant: weight')).optional(),
  }),
  run_inference: fields({
    requester: nameSchema,
    executor: nameSchema,
    prompt_tokens: countSchema('uint64'),
    completion_tokens: countSchema('uint64'),
    max_tokens: countSchema('uint64').optional(),
    price: amountSchema('uint64').optional(),
    id: nonEmptyTextSchema.optional(),
    outcome: z.enum(['finished', 'expired'], want('an outcome')).optional(),
  }),
  create_escrow: fields({
    creator: nameSchema,
    amount: amountSchema('uint64'),
    slots: nameList('a list of names'),
    id: countSchema('uint64').optional(),
  }),
  settle_escrow: fields({
    escrow: countSchema('uint64'),
    settler: nameSchema.optional(),
    fees: amountSchema('uint64').optional(),
    nonce: countSchema('uint64').optional(),
    hosts: z.array(hostStatSchema, want('a list of host entries')),
  }),
  exclude_participant: fields({
    participant: nameSchema,
    reason: z.enum(['invalid', 'inactive'], want('a reason')),
  }),
  end_epoch: fields({
    punish: nameList('a list of participant names').optional(),
  }),
  claim_reward: fields({
    participant: nameSchema,
    epoch: countSchema('uint64'),
  }),
  transfer: fields({
    from: nameSchema,
    to: nameSchema,
    amount: amountSchema('int64'),
  }),
  start_inference: fields({
    id: nonEmptyTextSchema,
    requester: nameSchema,
    executor: nameSchema,
    prompt_tokens: countSchema('uint64'),
    max_tokens: countSchema('uint64').optional(),
    price: amountSchema('uint64').optional(),
  }),
  finish_inference: fields({
    id: nonEmptyTextSchema,
    executor: nameSchema,
    prompt_tokens: countSchema('uint64').optional(),
    completion_tokens: countSchema('uint64'),
  }),
  validate_inference: fields({
    id: nonEmptyTextSchema,
    validator: nameSchema,
    passed: boolSchema.optional(),
  }),
  invalidate_inference: fields({ id: nonEmptyTextSchema }),
  expire_inference: fields({ id: nonEmptyTextSchema }),
} as const satisfies { readonly [T in EventType]: z.ZodType };

export type EventFields<T extends EventType> = z.output<(typeof eventFieldSchemas)[T]>;

/** Keys an event item may carry beside its one event key. */
export const ITEM_MODIFIERS = ['expect_error', 'expect_result', 'note'] as const;

// ---------------------------------------------------------------------------------------------
// Checkpoints (format section 5)

export const participantExpectSchema = z.strictObject(
  {
    status: z.enum(['ACTIVE', 'INACTIVE', 'INVALID'], want('a status')).optional(),
    weight: countSchema('uint64').optional(),
    coin_balance: signedAmountSchema('int64').optional(),
    earned_coins: amountSchema('uint64').optional(),
    inference_count: safeNumberSchema.optional(),
    missed_requests: safeNumberSchema.optional(),
    invalidated_inferences: safeNumberSchema.optional(),
  },
  want('a map of participant fields'),
);

export const settleAmountExpectSchema = z.strictObject(
  {
    epoch: safeNumberSchema.optional(),
    work_coins: amountSchema('uint64').optional(),
    reward_coins: amountSchema('uint64').optional(),
  },
  want('a map of settle amount fields, or null'),
);

export const summaryExpectSchema = z.strictObject(
  {
    earned_coins: amountSchema('uint64').optional(),
    rewarded_coins: amountSchema('uint64').optional(),
    inference_count: safeNumberSchema.optional(),
    missed_requests: safeNumberSchema.optional(),
    invalidated_inferences: safeNumberSchema.optional(),
    claimed: boolSchema.optional(),
  },
  want('a map of summary fields, or null'),
);

export const escrowExpectSchema = z.strictObject(
  {
    creator: nameSchema.optional(),
    amount: amountSchema('uint64').optional(),
    epoch: safeNumberSchema.optional(),
    slots: nameList('a list of names').optional(),
    settled: boolSchema.optional(),
  },
  want('a map of escrow fields, or null'),
);

export const inferenceExpectSchema = z.strictObject(
  {
    status: z.enum(['STARTED', 'FINISHED', 'VALIDATED', 'INVALIDATED', 'EXPIRED'], want('an inference status')).optional(),
    requester: nameSchema.optional(),
    executor: nameSchema.optional(),
    escrow: amountSchema('int64').optional(),
    actual_cost: amountSchema('int64').optional(),
    epoch: safeNumberSchema.optional(),
    validated_by: nameList('a list of names').optional(),
  },
  want('a map of inference fields, or null'),
);

export const supplyExpectSchema = z.strictObject(
  {
    genesis: amountSchema('uint64').optional(),
    minted: amountSchema('uint64').optional(),
    burned: amountSchema('uint64').optional(),
    total: amountSchema('uint64').optional(),
  },
  want('a map of supply fields'),
);

export const expectationSchema = z.strictObject(
  {
    epoch: safeNumberSchema.optional(),
    ended: z.array(safeNumberSchema, want('a list of epochs')).optional(),
    bank: z.record(z.string(), amountSchema('int64'), want('a map of name: amount')).optional(),
    participants: z.record(z.string(), participantExpectSchema, want('a map of participant: fields')).optional(),
    settle_amounts: z
      .record(z.string(), settleAmountExpectSchema.nullable(), want('a map of participant: fields'))
      .optional(),
    summaries: z
      .record(
        numericKey('an epoch number'),
        z.record(z.string(), summaryExpectSchema.nullable(), want('a map of participant: fields')),
        want('a map of epoch: participants'),
      )
      .optional(),
    escrows: z
      .record(numericKey('an escrow id'), escrowExpectSchema.nullable(), want('a map of escrow id: fields'))
      .optional(),
    supply: supplyExpectSchema.optional(),
    surplus: amountSchema('int64').optional(),
    exclusions: z
      .record(numericKey('an epoch number'), nameList('a list of participant names'), want('a map of epoch: names'))
      .optional(),
    inferences: z
      .record(z.string(), inferenceExpectSchema.nullable(), want('a map of inference id: fields'))
      .optional(),
    vesting: z
      .record(z.string(), z.array(amountSchema('int64'), want('a list of amounts, the next unlock first')), want('a map of participant: amounts'))
      .optional(),
  },
  want('a map of what to compare'),
);

export type ExpectationFields = z.output<typeof expectationSchema>;

// ---------------------------------------------------------------------------------------------
// Whole file

/**
 * What the loader checks first: the top level, with `events` only known to be a list (each item
 * is then checked on its own, so every item's problems are reported with the item's own words).
 */
export const topLevelSchema = z.strictObject(
  { ...topLevelShape, events: z.array(z.unknown(), want('a list of events')) },
  want('a map'),
);

function eventItemSchema(type: EventType): z.ZodType {
  const modifiers = {
    expect_error: nonEmptyTextSchema.optional(),
    ...(type === 'claim_reward' ? { expect_result: nonEmptyTextSchema.optional() } : {}),
    note: textSchema.optional(),
  };
  return z.strictObject({ [type]: eventFieldSchemas[type].nullable(), ...modifiers });
}

/** Events that may be written as a bare name: those with no required field. */
const BARE_EVENTS = EVENT_TYPES.filter((t) => eventFieldSchemas[t].safeParse({}).success);

/** One item of `events`: a bare event name, a map with one event key, or a checkpoint. */
export const itemSchema = z.union([
  z.enum(BARE_EVENTS),
  ...EVENT_TYPES.map(eventItemSchema),
  z.strictObject({ expect: expectationSchema }),
]);

/** The whole file, for documentation (JSON Schema); the loader applies the same parts. */
export const scenarioSchema = z.strictObject({ ...topLevelShape, events: z.array(itemSchema) });

/** The format as a JSON Schema (draft 2020-12); YAML integers appear as `"type": "integer"`. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'bigint') ctx.jsonSchema.type = 'integer';
    },
  }) as Record<string, unknown>;
}

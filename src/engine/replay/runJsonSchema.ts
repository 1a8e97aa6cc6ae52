/**
 * The JSON Schema of the `run --json` document (json.ts), written once as a zod schema: `epochsim
 * schema --output run` prints it, and the tests validate every bundled scenario's output under
 * every ruleset against it. Objects are closed (no other keys), so the schema and the output
 * cannot drift apart silently.
 */
import { z } from 'zod';
import { EVENT_TYPES, RULE_NAMES } from '../../domain/scenario.js';
import { TX_ERROR_CODES, type TxErrorCode } from '../errors.js';
import { RUN_JSON_FORMAT } from './json.js';

const amount = z.string().regex(/^-?[0-9]+$/).meta({ description: 'an amount of ngonka, as a decimal string' });
const count = z.number().int().min(0);
const name = z.string().meta({ description: 'an account or participant name' });
const ERROR_CODES = Object.keys(TX_ERROR_CODES) as [TxErrorCode, ...TxErrorCode[]];

const effect = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bank'), from: name, to: name, amount, memo: z.string() }).meta({ description: 'a bank move; "(mint)" is the mint' }),
  z
    .strictObject({
      kind: z.literal('ledger'),
      participant: name,
      field: z.enum(['coin_balance', 'earned_coins']),
      delta: amount,
      reason: z.enum(['settlement', 'inference', 'work_share', 'invalidation', 'epoch_settled', 'forfeited', 'stranded', 'debt_forgiven', 'debt_recovered']),
      escrow: count.optional(),
      inference: z.string().optional(),
      epoch: count.optional(),
    })
    .meta({ description: "a change of a participant's coin_balance (owed) or earned_coins, with its reason" }),
  z
    .strictObject({
      kind: z.literal('settle'),
      participant: name,
      op: z.enum(['written', 'added', 'claimed', 'lost', 'replaced', 'overwritten', 'swept']),
      epoch: count,
      work: amount,
      reward: amount,
    })
    .meta({ description: "a participant's settle amount written, added to, or removed (claimed, lost, replaced, overwritten, swept)" }),
  z.strictObject({ kind: z.literal('escrow'), escrow: count, creator: name, op: z.enum(['locked', 'released']), amount }),
  z.strictObject({ kind: z.literal('inference_escrow'), inference: z.string(), requester: name, op: z.enum(['held', 'released']), amount }),
  z.strictObject({ kind: z.literal('vesting'), participant: name, op: z.enum(['scheduled', 'unlocked']), amount }),
]);

const step = z.strictObject({
  effects: z.array(effect).meta({ description: 'every movement of value of the step, in order (empty when it failed)' }),
  error: z.string().optional().meta({ description: "the chain's message of a failed step" }),
  error_code: z.enum(ERROR_CODES).optional(),
  error_data: z.record(z.string(), z.unknown()).optional().meta({ description: "the failure's values; wrapped_by lists the chain's prefixes" }),
  event: z.enum(EVENT_TYPES),
  expected: z.boolean(),
  index: count,
  line: count,
  result: z.string().optional(),
  status: z.enum(['ok', 'error']),
});

const participant = z.strictObject({
  coin_balance: amount,
  earned_coins: amount,
  inference_count: count,
  invalidated_inferences: count,
  missed_requests: count,
  status: z.enum(['ACTIVE', 'INACTIVE', 'INVALID']),
  weight: amount,
});

export const runDocumentSchema = z
  .strictObject({
    bank: z.record(z.string(), amount),
    checks: z.array(z.strictObject({ line: count, ok: z.boolean(), step: count })),
    divergences: z
      .array(z.strictObject({ amount, event: z.enum(EVENT_TYPES), id: z.string(), line: count, message: z.string(), source: z.string(), step: count }))
      .optional()
      .meta({ description: 'known divergences of a chain version (absent under deferred and immediate)' }),
    epoch: z.strictObject({ effective: count, ended: z.array(count) }),
    escrows: z.record(z.string(), z.strictObject({ amount, creator: name, epoch: count, settled: z.boolean(), slots: z.array(name) })),
    exclusions: z.record(z.string(), z.array(name)),
    format_version: z.literal(RUN_JSON_FORMAT),
    ok: z.boolean(),
    participants: z.record(z.string(), participant),
    rules: z.enum(RULE_NAMES),
    scenario: z.string(),
    settle_amounts: z.record(z.string(), z.strictObject({ epoch: count, reward_coins: amount, work_coins: amount })),
    steps: z.array(step),
    summaries: z.record(
      z.string(),
      z.record(
        z.string(),
        z.strictObject({
          claimed: z.boolean(),
          earned_coins: amount,
          inference_count: count,
          invalidated_inferences: count,
          missed_requests: count,
          rewarded_coins: amount,
        }),
      ),
    ),
    supply: z.strictObject({ burned: amount, genesis: amount, minted: amount, total: amount }),
    surplus: amount,
    transfers: z.array(z.strictObject({ amount, from: name, memo: z.string(), step: count, to: name })),
    vesting: z.record(z.string(), z.array(amount)).optional().meta({ description: 'vesting schedules, the next unlock first (only with a vesting period)' }),
    violations: z.array(
      z.strictObject({
        actual: amount,
        event: z.enum(EVENT_TYPES),
        expected: amount,
        invariant: z.enum(['supply', 'bounds', 'surplus', 'vesting']),
        line: count,
        message: z.string(),
        step: count,
      }),
    ),
  })
  .meta({ title: 'epochsim run --json', description: `The document epochsim run --json prints (format_version ${RUN_JSON_FORMAT}).` });

/** The JSON Schema (draft 2020-12) of the `run --json` document. */
export function runJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(runDocumentSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
}

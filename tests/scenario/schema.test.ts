import { EVENT_TYPES } from '../../src/domain/scenario.js';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';

type Json = { [key: string]: unknown };
const at = (v: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((o, k) => (o as Json | undefined)?.[k as string], v);

describe('scenarioJsonSchema', () => {
  const schema = scenarioJsonSchema();

  test('describes the top level: required fields and no other keys', () => {
    expect(at(schema, 'type')).toBe('object');
    expect(at(schema, 'required')).toEqual(['name', 'participants', 'events']);
    expect(at(schema, 'additionalProperties')).toBe(false);
    expect(Object.keys(at(schema, 'properties') as Json)).toEqual([
      'name',
      'description',
      'rules',
      'params',
      'accounts',
      'participants',
      'events',
    ]);
  });

  test('amounts and counts are YAML integers or strings', () => {
    expect(at(schema, 'properties', 'participants', 'additionalProperties', 'properties', 'weight', 'type')).toEqual([
      'integer',
      'string',
    ]);
    expect(at(schema, 'properties', 'accounts', 'additionalProperties', 'type')).toEqual(['integer', 'string']);
  });

  test('an item is a bare field-less event, one event map per event type, or a checkpoint', () => {
    const items = at(schema, 'properties', 'events', 'items', 'anyOf') as Json[];
    expect(items).toHaveLength(EVENT_TYPES.length + 2);
    expect(at(items[0], 'enum')).toEqual(['start_epoch', 'end_epoch']);
    const claim = items.find((i) => at(i, 'properties', 'claim_reward') !== undefined);
    const transfer = items.find((i) => at(i, 'properties', 'transfer') !== undefined);
    expect(Object.keys(at(claim, 'properties') as Json)).toEqual(['claim_reward', 'expect_error', 'expect_result', 'note']);
    expect(Object.keys(at(transfer, 'properties') as Json)).toEqual(['transfer', 'expect_error', 'note']);
    expect(Object.keys(at(items.at(-1), 'properties') as Json)).toEqual(['expect']);
  });
});

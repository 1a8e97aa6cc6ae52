/**
 * docs/reference/scenario-files.md names every key the loader accepts: each event's fields under
 * its heading, every param, every checkpoint key and field. A key added to the schema without a
 * line in the reference fails here.
 */
import { readFileSync } from 'node:fs';
import { EVENT_TYPES } from '../../src/domain/scenario.js';
import {
  escrowParamsSchema,
  eventFieldSchemas,
  expectationSchema,
  hostStatSchema,
  paramsSchema,
  participantExpectSchema,
  settleAmountExpectSchema,
  validationParamsSchema,
} from '../../src/scenario/schema.js';

const doc = readFileSync('docs/reference/scenario-files.md', 'utf8');
const keysOf = (schema: unknown): string[] => Object.keys((schema as { shape: Record<string, unknown> }).shape);

/** The text from the heading that names `what` (### `a`, or ### `a`, `b`) to the next heading of its level or above. */
function sectionOf(what: string, level = '###'): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${level} `) && l.includes(`\`${what}\``));
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && /^#{1,3} /.test(l) && l.split(' ')[0]!.length <= level.length);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

test.each([...EVENT_TYPES])('the reference lists every field of %s under its heading', (type) => {
  const section = sectionOf(type);
  expect(section).not.toBe('');
  const missing = keysOf(eventFieldSchemas[type]).filter((field) => !section.includes(`| \`${field}\` |`));
  expect(missing).toEqual([]);
});

test('every field of a settlement host entry', () => {
  const section = sectionOf('settle_escrow');
  expect(keysOf(hostStatSchema).filter((f) => !section.includes(`| \`${f}\` |`))).toEqual([]);
});

test('every param, nested ones as escrow.x and validation.x', () => {
  const section = doc.slice(doc.indexOf('## Params'), doc.indexOf('## Participants'));
  const keys = keysOf(paramsSchema).flatMap((k) =>
    k === 'escrow' ? keysOf(escrowParamsSchema).map((x) => `escrow.${x}`) : k === 'validation' ? keysOf(validationParamsSchema).map((x) => `validation.${x}`) : [k],
  );
  expect(keys.length).toBeGreaterThan(20);
  expect(keys.filter((k) => !section.includes(`| \`${k}\` |`))).toEqual([]);
});

test('every checkpoint key, and the fields of participants and settle amounts', () => {
  const section = doc.slice(doc.indexOf('## Checkpoints'));
  expect(keysOf(expectationSchema).filter((k) => !section.includes(`| \`${k}\` |`))).toEqual([]);
  const row = (key: string): string => section.split('\n').find((l) => l.startsWith(`| \`${key}\` |`)) ?? '';
  expect(keysOf(participantExpectSchema).filter((f) => !row('participants').includes(`\`${f}\``))).toEqual([]);
  expect(keysOf(settleAmountExpectSchema).filter((f) => !row('settle_amounts').includes(`\`${f}\``))).toEqual([]);
});

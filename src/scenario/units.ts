/**
 * `--strict-units`: every amount must say its unit. A unit-less amount is ngonka (format
 * section 2), so `fees: 1` is one ngonka — a billionth of what a person who meant gonka wanted,
 * and nothing in the replay says so. Under strict units such an amount is an input issue at its
 * position. Zero needs no unit (it is the same in both). Pure: it walks the raw document beside
 * the schemas the loader validated it with.
 */
import { z } from 'zod';
import { formatGonka } from '../domain/money.js';
import { eventFieldSchemas, expectationSchema, isAmountSchema, topLevelSchema, unwrapSchema } from './schema.js';
import { isRawMap, type Path, type Raw, type SourceIndex } from './source.js';
import type { Loc } from '../domain/scenario.js';

/** An amount with its unit: "<n> ngonka", "<decimal> gonka", "<decimal>GNK". */
const WITH_UNIT = /[0-9](?: ?(?:ngonka|gonka|GNK))$/;
const ZERO = /^-?[0_]+$/;

export interface UnitlessAmount {
  readonly loc: Loc;
  readonly path: Path;
  /** The amount as written. */
  readonly written: string;
}

/** The amounts of a document that loaded, written with no unit (zero aside), in document order. */
export function unitlessAmounts(raw: Raw, src: SourceIndex): UnitlessAmount[] {
  const out: UnitlessAmount[] = [];
  const walk = (schema: z.ZodType | undefined, value: Raw | undefined, path: Path): void => {
    if (schema === undefined || value === undefined) return;
    const s = unwrapSchema(schema, isAmountSchema);
    if (isAmountSchema(s)) {
      if (typeof value === 'bigint' || typeof value === 'string') {
        const written = value.toString();
        if (!WITH_UNIT.test(written) && !ZERO.test(written)) out.push({ loc: src.valueLoc(path), path, written });
      }
      return;
    }
    if (s instanceof z.ZodObject && isRawMap(value)) {
      const shape = s.shape as Record<string, z.ZodType>;
      for (const key of Object.keys(value)) walk(shape[key], value[key], [...path, key]);
    } else if (s instanceof z.ZodRecord && isRawMap(value)) {
      for (const key of Object.keys(value)) walk(s.valueType as z.ZodType, value[key], [...path, key]);
    } else if (s instanceof z.ZodArray && Array.isArray(value)) {
      (value as readonly Raw[]).forEach((v, i) => walk(s.element as z.ZodType, v, [...path, i]));
    }
  };
  if (!isRawMap(raw)) return out;
  const shape = topLevelSchema.shape as Record<string, z.ZodType>;
  for (const key of Object.keys(raw)) if (key !== 'events') walk(shape[key], raw[key], [key]);
  const events = raw['events'];
  if (Array.isArray(events)) {
    (events as readonly Raw[]).forEach((item, i) => {
      if (!isRawMap(item)) return;
      for (const key of Object.keys(item)) {
        const schema = key === 'expect' ? expectationSchema : (eventFieldSchemas as Record<string, z.ZodType>)[key];
        walk(schema, item[key], ['events', i, key]);
      }
    });
  }
  return out;
}

/** The message and hint of a unit-less amount under strict units. */
export function unitlessWords(a: UnitlessAmount): { message: string; hint: string } {
  const digits = a.written.replaceAll('_', '');
  const asGonka = /^[0-9]+$/.test(digits) ? `${formatGonka(BigInt(digits))} gonka` : undefined;
  return {
    message: `amount ${a.written} has no unit (--strict-units): it reads as ${a.written} ngonka${asGonka === undefined ? '' : ` = ${asGonka}`}`,
    hint: `write "${a.written} ngonka", or "${a.written} gonka" if gonka was meant`,
  };
}

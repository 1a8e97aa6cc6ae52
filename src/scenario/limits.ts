/**
 * The limits of what the loader reads, so no input can make it hang or exhaust memory: how deep
 * values may nest, how long one value or key may be, how many entries one list or map may hold
 * (the CLI adds a limit on the file's size). A file past a limit gets one error per place it
 * passes one, saying which limit, and nothing else in it is checked.
 *
 * Real scenarios nest 6 or 7 levels deep, write names of a few characters, notes of a few lines,
 * and the biggest (10^5 events, 20 MB) has 100 000 items in its longest list.
 */
import type { Loc } from '../domain/scenario.js';
import type { InputIssueCode } from './issues.js';
import { isRawMap, label, type Path, type Raw, type SourceIndex } from './source.js';

/** Levels of nesting: the top-level map is level 1, a value in it level 2, and so on. */
export const MAX_NESTING = 100;
/** Characters in one value (a name, a note, a description, an amount…). */
export const MAX_TEXT = 65_536;
/** Characters in one key (YAML itself allows 1024 in an implicit key). */
export const MAX_KEY = 1024;
/** Entries in one list or map. */
export const MAX_ENTRIES = 1_000_000;

export const NESTING_MESSAGE = `values nest more than ${MAX_NESTING} levels deep here (the limit is ${MAX_NESTING})`;

/** A lone surrogate: UTF-16 that is not text (only a YAML escape such as "\ud800" can write one). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type Report = (loc: Loc, code: InputIssueCode, message: string) => void;

/**
 * Reports every place `value` (the file's plain value, positions in `src`) passes a limit, and
 * text that is not valid Unicode; whether it passed none. `escapes`: whether the file has
 * `\u` or `\U` escapes at all (the only way to write a lone surrogate), to skip that test.
 */
export function withinLimits(value: Raw, src: SourceIndex, report: Report, escapes: boolean): boolean {
  let ok = true;
  const fail = (loc: Loc, message: string, code: InputIssueCode = 'LIMIT'): void => {
    ok = false;
    report(loc, code, message);
  };
  // one path for the whole walk, copied only where a limit is passed (a big file has millions of values)
  const path: (string | number)[] = [];
  const here = (): Path => [...path];
  const text = (s: string, key: boolean): void => {
    const max = key ? MAX_KEY : MAX_TEXT;
    const at = (): Loc => (key ? src.keyLoc(here()) : src.valueLoc(here()));
    const what = key ? 'this key' : 'this value';
    if (s.length > max) fail(at(), `${what} has ${s.length} characters (the limit is ${max})`);
    else if (escapes && LONE_SURROGATE.test(s)) fail(at(), `${what} holds a lone UTF-16 surrogate (written as an escape such as "\\ud800"), which is not a character`, 'INVALID_TEXT');
  };
  const walk = (v: Raw): void => {
    if (typeof v === 'string') {
      text(v, false);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    if (path.length >= MAX_NESTING) {
      fail(src.valueLoc(here()), NESTING_MESSAGE);
      return;
    }
    if (Array.isArray(v)) {
      const items = v as readonly Raw[];
      if (items.length > MAX_ENTRIES) {
        fail(src.valueLoc(here()), `${label(here())} has ${items.length} items (the limit is ${MAX_ENTRIES})`);
        return;
      }
      for (let i = 0; i < items.length; i++) {
        path.push(i);
        walk(items[i] as Raw);
        path.pop();
      }
      return;
    }
    if (!isRawMap(v)) return;
    const keys = Object.keys(v);
    if (keys.length > MAX_ENTRIES) {
      fail(src.valueLoc(here()), `${label(here())} has ${keys.length} keys (the limit is ${MAX_ENTRIES})`);
      return;
    }
    for (const key of keys) {
      path.push(key);
      text(key, true);
      walk(v[key] as Raw);
      path.pop();
    }
  };
  walk(value);
  return ok;
}

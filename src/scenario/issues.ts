/**
 * Input issues (problems in a scenario file) and their compiler-style rendering. Pure: colour is
 * a Palette passed in by the caller, so this module never touches a terminal.
 */
import { escapeInvisible } from '../domain/text.js';

/**
 * Every kind of problem a scenario file can have, with its meaning: a stable code for programs
 * (the message is for people and may be reworded). README "Input issue codes" lists them.
 */
export const INPUT_ISSUE_CODES = {
  INVALID_UTF8: 'bytes that are not UTF-8 text',
  YAML_SYNTAX: 'YAML that does not parse, or a second document in the file',
  BAD_ALIAS: 'a YAML alias with no anchor before it, or one that contains itself',
  BAD_KEY: 'a map key that is not a plain name or number',
  DUPLICATE_KEY: 'a key written twice in one map',
  LIMIT: 'past a limit: nesting, the length of a value or key, the entries of a list or map, alias expansion',
  INVALID_TEXT: 'text that is not valid Unicode (a lone surrogate written with an escape)',
  NOT_A_SCENARIO: 'the document is not a map with name, participants and events',
  UNKNOWN_KEY: 'a key the format does not have there',
  MISSING_FIELD: 'a required field is missing',
  WRONG_TYPE: 'a value of the wrong type (a list for a map, a text for a number…)',
  BAD_VALUE: 'a value outside the allowed ones (a ruleset, a status, a decay rate, an empty text…)',
  BAD_AMOUNT: 'an amount that cannot be read or is past its bound (int64, uint64)',
  BAD_NUMBER: 'a count, epoch, id, period or decimal that cannot be read or is past its bound',
  PARAM_CONFLICT: 'params that contradict each other (escrow min_amount above max_amount)',
  UNKNOWN_EVENT: 'an event name that is not one of the events',
  BAD_ITEM: 'an events item that is not one event (two events, none, or not a map)',
  EXPECT_MISUSE: 'expect_error or expect_result where it cannot apply, or an empty checkpoint',
  BAD_NAME: 'an account or participant name that is not valid',
  RESERVED_NAME: 'a module account (inference, gov, streamvesting) declared or used where it cannot be',
  DUPLICATE_NAME: 'a name declared as both an account and a participant, or listed twice',
  UNKNOWN_NAME: 'a name that is declared nowhere',
  NOT_A_PARTICIPANT: 'an account named where only a participant may be',
  UNITLESS_AMOUNT: 'an amount written without a unit, under --strict-units (zero aside)',
} as const;

export type InputIssueCode = keyof typeof INPUT_ISSUE_CODES;

/** One problem in a scenario file, at a 1-based line and column. */
export interface InputIssue {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** What kind of problem (INPUT_ISSUE_CODES). */
  readonly code: InputIssueCode;
  readonly message: string;
  readonly hint?: string;
}

export interface Palette {
  readonly bold: (s: string) => string;
  readonly red: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly cyan: (s: string) => string;
}

const same = (s: string): string => s;

/** No colour at all: what `--no-color`, pipes and tests get. */
export const plainPalette: Palette = { bold: same, red: same, dim: same, cyan: same };

/** The longest part of a source line shown under an issue (a longer line is cut around the column). */
export const SHOWN_LINE = 120;

let cachedText: string | undefined;
let cachedStarts: number[] = [];

/** Line `n` (1-based) of `text` without its line break, or undefined; line starts are found once per text. */
export function lineOf(text: string, n: number): string | undefined {
  if (text !== cachedText) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    cachedText = text;
    cachedStarts = starts;
  }
  const start = cachedStarts[n - 1];
  if (start === undefined) return undefined;
  const next = cachedStarts[n];
  return text.slice(start, next === undefined ? text.length : next - 1);
}

/** Moves a cut off the middle of a surrogate pair. */
const atBoundary = (s: string, i: number): number => (i > 0 && i < s.length && (s.charCodeAt(i) & 0xfc00) === 0xdc00 ? i - 1 : i);

/**
 * Renders one issue, in this shape (plain palette):
 *
 * ```text
 * bad.yaml:12:13: error: settle_escrow.fees: 0.3 has no unit: a fraction needs one (write "0.3 gonka")
 *   12 |       fees: 0.3
 *      |             ^
 *   hint: ...
 * ```
 *
 * The first line is always exactly `FILE:LINE:COL: error: MESSAGE` once colour is stripped. The
 * source line and caret are left out when the line is not in `sourceText` (an issue at the very
 * end of a file); the hint line is left out when there is no hint. Tabs before the column are
 * kept in the caret line so the caret stays under the right character. A line longer than
 * SHOWN_LINE is shown around the column, cut with "..."; control and invisible characters in it
 * (and in the message) are shown as `\uXXXX` escapes, the caret under the escape. No trailing
 * newline.
 */
export function renderIssue(issue: InputIssue, sourceText: string, p: Palette): string {
  const out = [`${p.bold(`${issue.file}:${issue.line}:${issue.col}:`)} ${p.red('error:')} ${p.bold(escapeInvisible(issue.message))}`];
  const source = lineOf(sourceText, issue.line);
  if (source !== undefined) {
    const text = source.endsWith('\r') ? source.slice(0, -1) : source;
    const at = Math.max(0, issue.col - 1);
    let from = 0;
    let to = text.length;
    if (text.length > SHOWN_LINE) {
      from = atBoundary(text, Math.max(0, Math.min(at - SHOWN_LINE / 3, text.length - SHOWN_LINE)));
      to = atBoundary(text, Math.min(text.length, from + SHOWN_LINE));
    }
    const open = from > 0 ? '...' : '';
    const shownLine = `${open}${escapeInvisible(text.slice(from, to))}${to < text.length ? '...' : ''}`;
    const number = String(issue.line);
    const blank = ' '.repeat(number.length);
    out.push(shownLine === '' ? p.dim(`  ${number} |`) : `${p.dim(`  ${number} |`)} ${shownLine}`);
    const before = `${open}${escapeInvisible(text.slice(from, Math.min(at, to)))}`;
    const lead = before.replace(/[^\t]/g, ' ') + ' '.repeat(Math.max(0, at - Math.max(to, from)));
    out.push(`${p.dim(`  ${blank} |`)} ${lead}${p.red('^')}`);
  }
  if (issue.hint !== undefined) out.push(`  ${p.cyan('hint:')} ${escapeInvisible(issue.hint)}`);
  return out.join('\n');
}

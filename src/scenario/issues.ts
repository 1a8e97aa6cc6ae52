/**
 * Input issues (problems in a scenario file) and their compiler-style rendering. Pure: colour is
 * a Palette passed in by the caller, so this module never touches a terminal.
 */
import { escapeInvisible } from '../domain/text.js';

/** One problem in a scenario file, at a 1-based line and column. */
export interface InputIssue {
  readonly file: string;
  readonly line: number;
  readonly col: number;
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
function lineOf(text: string, n: number): string | undefined {
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

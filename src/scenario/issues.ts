/**
 * Input issues (problems in a scenario file) and their compiler-style rendering. Pure: colour is
 * a Palette passed in by the caller, so this module never touches a terminal.
 */

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
 * kept in the caret line so the caret stays under the right character. No trailing newline.
 */
export function renderIssue(issue: InputIssue, sourceText: string, p: Palette): string {
  const out = [`${p.bold(`${issue.file}:${issue.line}:${issue.col}:`)} ${p.red('error:')} ${p.bold(issue.message)}`];
  const source = sourceText.split('\n')[issue.line - 1];
  if (source !== undefined) {
    const text = source.endsWith('\r') ? source.slice(0, -1) : source;
    const number = String(issue.line);
    const blank = ' '.repeat(number.length);
    out.push(text === '' ? p.dim(`  ${number} |`) : `${p.dim(`  ${number} |`)} ${text}`);
    const width = Math.max(0, issue.col - 1);
    const lead = text.slice(0, width).replace(/[^\t]/g, ' ') + ' '.repeat(Math.max(0, width - text.length));
    out.push(`${p.dim(`  ${blank} |`)} ${lead}${p.red('^')}`);
  }
  if (issue.hint !== undefined) out.push(`  ${p.cyan('hint:')} ${issue.hint}`);
  return out.join('\n');
}

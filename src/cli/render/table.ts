/**
 * The borderless tables of the run report (bank, participants, escrows): the text cli-table3
 * draws for them, fast for tables of any size.
 *
 * cli-table3 is slow on big tables in two ways. Its layout is quadratic in the rows: before
 * drawing, it looks for cells missing from the grid (`fillInTable`), scanning for every cell
 * every cell of every row above it (a 21 000-row escrows table: ~20 s). Drawn in chunks of rows
 * at common widths that part goes away, but ~15 µs per cell remain (string-width runs about six
 * times per cell, building a new ANSI RegExp each time, and every cell merges the table's
 * options): ~2 s for the ~140 000 cells of a 10^5-event report.
 *
 * So a table whose cells are all one line without escape sequences (every report table in
 * practice) is drawn here, as cli-table3 draws it with these options: a column is as wide as
 * its widest cell (at least 1); each line is two spaces, then the cells padded with spaces to
 * their column's width (on the left in a right-aligned column) and separated by two spaces; no
 * border line (they are all empty). Widths are cli-table3's own: a cell that is not printable
 * ASCII is measured by letting cli-table3 draw it (`cellWidth`). Any other table (a cell with a
 * newline or an escape sequence, a row not as long as the head) is drawn by cli-table3 itself.
 * tests/cli/report.test.ts compares the two on random tables.
 */
import Table from 'cli-table3';

const CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '  ', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
} as const;

/** What starts every line (cli-table3's `left`) and separates two cells (`middle`). */
const LEFT = CHARS.left;
const MIDDLE = CHARS.middle;

/**
 * The cli-table3 options of a report table: two spaces before each column, no padding, no
 * borders, no colour on the head; `alignRight` lists the right-aligned columns.
 */
export function reportTableOptions(head: readonly string[], alignRight: readonly number[]): Table.TableConstructorOptions {
  return {
    head: [...head],
    chars: { ...CHARS },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colAligns: head.map((_, i) => (alignRight.includes(i) ? 'right' : 'left')),
  };
}

const trimLines = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');

/** The table as cli-table3 draws it in one piece, trailing spaces cut from every line. */
export function cliTable3(head: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly number[]): string {
  const t = new Table(reportTableOptions(head, alignRight));
  for (const row of rows) t.push([...row]);
  return trimLines(t.toString());
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** A cell this module draws: one line, no escape sequence (cli-table3 re-opens and closes colours per line). */
const PLAIN_CELL = /^[^\n\x1b]*$/;

/**
 * The width cli-table3 gives a one-line cell without escape sequences: its length if it is
 * printable ASCII, else what cli-table3 measures. A column of the cell and an empty cell is
 * as wide as the cell (at least 1) and the empty row is that many spaces after the left
 * border; the cell's row is the cell, then its padding, after the same border.
 */
function measureWithCliTable3(cell: string): number {
  const t = new Table({ chars: { ...CHARS }, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true } });
  t.push([cell], ['']);
  const [line = '', blank = ''] = t.toString().split('\n');
  const padding = line.length - cell.length;
  return blank.length - padding;
}

function cellWidth(cell: string, cache: Map<string, number>): number {
  if (PRINTABLE_ASCII.test(cell)) return cell.length;
  let width = cache.get(cell);
  if (width === undefined) {
    width = measureWithCliTable3(cell);
    cache.set(cell, width);
  }
  return width;
}

/**
 * The text cli-table3 draws for a table whose cells are one line each without escape
 * sequences and whose rows are as long as the head, in time linear in its cells. Exported for
 * the tests; `renderTable` decides when it applies.
 */
export function drawPlainTable(head: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly number[]): string {
  const cache = new Map<string, number>();
  const all = [head, ...rows];
  const measured = all.map((row) => row.map((cell) => cellWidth(cell, cache)));
  const widths = head.map(() => 1);
  for (const row of measured) row.forEach((w, c) => (widths[c] = Math.max(widths[c] as number, w)));
  const right = head.map((_, c) => alignRight.includes(c));
  return all
    .map((row, r) => {
      const cells = row.map((cell, c) => {
        const padding = ' '.repeat((widths[c] as number) - ((measured[r] as number[])[c] as number));
        return right[c] ? padding + cell : cell + padding;
      });
      return (LEFT + cells.join(MIDDLE)).trimEnd();
    })
    .join('\n');
}

/** A report table with a head row: the text of `cliTable3`, drawn by `drawPlainTable` when it can be. */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly number[]): string {
  const plain =
    head.length > 0 &&
    head.every((cell) => PLAIN_CELL.test(cell)) &&
    rows.every((row) => row.length === head.length && row.every((cell) => PLAIN_CELL.test(cell)));
  return plain ? drawPlainTable(head, rows, alignRight) : cliTable3(head, rows, alignRight);
}

/**
 * The data a sweep page carries (one JSON document in a `<script type="application/json">`),
 * shared by its builder (sweepPage.ts) and the script that draws it in the browser
 * (client/sweep.ts). Types only: the browser script imports nothing at run time.
 *
 * One chart per plotted metric, against one param (`x`); one line per ruleset, and per value of
 * every other param. A metric is plotted when each value is a number or an amount (a decimal
 * string of ngonka, plotted in gonka); a failed point, or a value a point does not hold, is a gap.
 */
export interface SweepPlotData {
  readonly scenario: string;
  readonly file: string;
  /** The param along the x axis: its path, its values as the sweep shows them, and as numbers when each is an integer (else 0, 1, 2 … with the values as tick labels). */
  readonly x: { readonly path: string; readonly labels: readonly string[]; readonly values: readonly number[]; readonly numeric: boolean };
  readonly charts: readonly SweepChart[];
}

export interface SweepChart {
  readonly metric: string;
  /** gonka for amounts (ngonka strings in the sweep), '' for counts and other numbers. */
  readonly unit: 'gonka' | '';
  /** One line per ruleset and per value of the other params; values by x index, null a gap. */
  readonly series: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
}

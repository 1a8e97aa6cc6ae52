/**
 * The HTML page of a sweep (`epochsim sweep --html`, `epochsim report --sweep`): one chart per
 * metric against one param, a line per ruleset (and per value of the other params), drawn by
 * uPlot from the page's data (sweepFormat.ts), and the points as a table, failures included.
 * Self-contained like the report page: scripts, style and data inline, a Content-Security-Policy
 * that lets it fetch nothing. Pure: the sweep document in, text out.
 */
import { failureText, type SweepDocument } from '../../../sweep/sweep.js';
import { SWEEP_JS, SWEEP_SCRIPT_HASHES, UPLOT_JS, UPLOT_VERSION } from './assets.generated.js';
import { escapeHtml, pageHead, scriptJson } from './html.js';
import type { SweepChart, SweepPlotData } from './sweepFormat.js';

const DIGITS = /^-?[0-9]+$/;

/** The param along the x axis: the last one whose values are all integers, else the last one. */
function xParam(doc: SweepDocument): number {
  for (let i = doc.params.length - 1; i >= 0; i--) if (doc.params[i]?.values.every((v) => DIGITS.test(v))) return i;
  return doc.params.length - 1;
}

/** A metric value as a point of a chart: amounts (ngonka strings) in gonka, numbers as they are; anything else is not plotted. */
function plotted(v: unknown): { value: number | null; unit: 'gonka' | '' } | undefined {
  if (v === null) return { value: null, unit: '' };
  if (typeof v === 'number') return { value: v, unit: '' };
  if (typeof v === 'string' && DIGITS.test(v)) return { value: Number(v) / 1e9, unit: 'gonka' };
  return undefined;
}

/** The page's data: a chart for each metric that is a number or an amount at every point that ran. */
export function sweepPlotData(doc: SweepDocument): SweepPlotData {
  const xi = xParam(doc);
  const xSpec = doc.params[xi];
  const labels = xSpec?.values ?? [''];
  const numeric = xSpec !== undefined && labels.every((v) => DIGITS.test(v));
  const others = doc.params.filter((_, i) => i !== xi);
  // a line for each combination of the other params' values and each ruleset, in the grid's order
  const lineKey = (p: SweepDocument['points'][number]): string => [...others.map((o) => `${o.path}=${p.params[o.path] ?? ''}`), p.rules].join(' · ');
  const lines = new Map<string, SweepDocument['points']>();
  for (const p of doc.points) lines.set(lineKey(p), [...(lines.get(lineKey(p)) ?? []), p]);
  const charts: SweepChart[] = [];
  for (const metric of doc.metrics) {
    let unit: 'gonka' | '' | undefined;
    let plottable = true;
    const series = [...lines].map(([label, points]) => {
      const values: (number | null)[] = labels.map(() => null);
      for (const p of points) {
        const at = xSpec === undefined ? 0 : labels.indexOf(p.params[xSpec.path] ?? '');
        const v = p.ok ? plotted(p.metrics[metric] ?? null) : { value: null, unit: '' as const };
        if (v === undefined) plottable = false;
        else {
          if (v.value !== null) unit = unit === undefined || unit === v.unit ? v.unit : '';
          values[at] = v.value;
        }
      }
      return { label, values };
    });
    if (plottable) charts.push({ metric, unit: unit ?? '', series });
  }
  return {
    scenario: doc.scenario,
    file: doc.file,
    x: { path: xSpec?.path ?? 'point', labels, values: numeric ? labels.map(Number) : labels.map((_, i) => i), numeric },
    charts,
  };
}

/** The points as an HTML table: params, ruleset, metrics (or the first failing step). */
function pointsTable(doc: SweepDocument): string {
  const head = [...doc.params.map((p) => p.path), 'rules', ...doc.metrics, 'failure'].map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = doc.points.map((p) => {
    const params = doc.params.map((s) => `<td>${escapeHtml(p.params[s.path] ?? '')}</td>`).join('');
    const metrics = doc.metrics.map((m) => {
      const v = p.ok ? p.metrics[m] : undefined;
      return `<td class="num">${v === undefined ? '✗' : v === null ? '—' : escapeHtml(String(v))}</td>`;
    });
    const failure = p.ok ? '' : escapeHtml(failureText(p.failure));
    return `<tr data-index="${p.index}"${p.ok ? '' : ' class="failed"'}>${params}<td>${escapeHtml(p.rules)}</td>${metrics.join('')}<td>${failure}</td></tr>`;
  });
  return `<table id="sweep-points"><caption>Every point in the grid's order (amounts in ngonka; — a value the point's run does not hold, ✗ a failed point).</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The whole page of a sweep. */
export function renderSweepPage(doc: SweepDocument): string {
  const data = sweepPlotData(doc);
  const name = escapeHtml(doc.scenario);
  const factors = [...doc.params.map((p) => `${p.values.length} ${p.path}`), `${doc.rules.length} ruleset${doc.rules.length === 1 ? '' : 's'}`].join(' × ');
  const failed = doc.points.filter((p) => !p.ok).length;
  const skipped = doc.metrics.filter((m) => !data.charts.some((c) => c.metric === m));
  const notPlotted = skipped.length === 0 ? '' : `<p class="note">Not plotted (not a number or an amount at every point): ${skipped.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ')}.</p>`;
  const css = [
    'figure.sweep-chart { margin: 0.5rem 0 1.2rem; }',
    'figure.sweep-chart figcaption { font-weight: 600; }',
    '#sweep-points tr.failed td { color: var(--bad); }',
    '',
  ].join('\n');
  return `${pageHead(`${name} · epochsim sweep`, SWEEP_SCRIPT_HASHES, css)}<body>
<header>
<h1>${name}</h1>
<p class="meta">sweep of <span class="file">${escapeHtml(doc.file)}</span>: ${escapeHtml(factors)} = ${doc.grid} point${doc.grid === 1 ? '' : 's'}${doc.interrupted ? ` (interrupted: ${doc.points.length} done)` : ''} · ${doc.points.length - failed} ok, ${failed} failed</p>
</header>
<main>
<section aria-labelledby="charts-title"><h2 id="charts-title">Metrics against ${escapeHtml(data.x.path)}</h2>
<noscript><p class="note">The charts need JavaScript; the table below does not.</p></noscript>
${notPlotted}<div id="sweep-charts"></div></section>
<section aria-labelledby="points-title"><h2 id="points-title">Points</h2>${pointsTable(doc)}</section>
</main>
<footer><p>Made by <code>epochsim sweep</code>. Charts drawn with uPlot ${escapeHtml(UPLOT_VERSION)} (MIT licence, © Leon Sorokin), inlined in this page.</p></footer>
<script type="application/json" id="epochsim-sweep-data">${scriptJson(data)}</script>
<script>${UPLOT_JS}</script>
<script>${SWEEP_JS}</script>
</body>
</html>
`;
}
